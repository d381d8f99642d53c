#include "src/classify/dates.h"

#include <cmath>
#include <string>

#include "src/classify/text_util.h"

namespace jv::classify {
namespace {

using internal::IsAsciiDigit;

// Reads 1..max_len digits at *pos; returns -1 if there is none.
int ReadNumber(std::string_view s, size_t* pos, size_t min_len,
               size_t max_len) {
  size_t start = *pos;
  int v = 0;
  while (*pos < s.size() && IsAsciiDigit(s[*pos]) && *pos - start < max_len) {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
  }
  if (*pos - start < min_len) return -1;
  if (*pos < s.size() && IsAsciiDigit(s[*pos])) return -1;  // too many digits
  return v;
}

bool Consume(std::string_view s, size_t* pos, std::string_view token) {
  if (s.substr(*pos, token.size()) == token) {
    *pos += token.size();
    return true;
  }
  return false;
}

// " HH:MM[:SS[.fff]]" or "THH:MM..." to the end of `s`.
bool IsTimeSuffix(std::string_view s, size_t pos) {
  if (pos == s.size()) return true;
  if (s[pos] != ' ' && s[pos] != 'T') return false;
  ++pos;
  while (pos < s.size() && s[pos] == ' ') ++pos;
  int h = ReadNumber(s, &pos, 1, 2);
  if (h < 0 || h > 23 || !Consume(s, &pos, ":")) return false;
  int m = ReadNumber(s, &pos, 2, 2);
  if (m < 0 || m > 59) return false;
  if (pos == s.size()) return true;
  if (!Consume(s, &pos, ":")) return false;
  int sec = ReadNumber(s, &pos, 2, 2);
  if (sec < 0 || sec > 59) return false;
  if (pos == s.size()) return true;
  if (!Consume(s, &pos, ".")) return false;
  size_t start = pos;
  while (pos < s.size() && IsAsciiDigit(s[pos])) ++pos;
  return pos > start && pos == s.size();
}

// `timestamp`: ParseTimestampDate's wider spellings (see dates.h).
Checked<Date> ParseDateImpl(std::string_view cell, bool timestamp) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) return Checked<Date>::Invalid();
  if (norm->empty()) return Checked<Date>::Absent();
  std::string_view s = *norm;
  size_t pos = 0;
  int y = -1, m = -1, d = -1;
  if (s.size() >= 8 && internal::AllDigits(s.substr(0, 8)) &&
      (s.size() == 8 || !IsAsciiDigit(s[8]))) {
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[4] - '0') * 10 + (s[5] - '0');
    d = (s[6] - '0') * 10 + (s[7] - '0');
    pos = 8;
  } else {
    y = ReadNumber(s, &pos, 4, 4);
    if (y < 0) return Checked<Date>::Invalid();
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '/' || s[pos] == '.')) {
      const char sep = s[pos++];
      // §5.3 writes YYYY-MM-DD with two-digit month and day, YYYY/M/D and YYYY.M.D with
      // one or two.
      const size_t min_len = sep == '-' && !timestamp ? 2 : 1;
      m = ReadNumber(s, &pos, min_len, 2);
      if (m < 0 || pos >= s.size() || s[pos] != sep)
        return Checked<Date>::Invalid();
      ++pos;
      d = ReadNumber(s, &pos, min_len, 2);
    } else if (Consume(s, &pos, "年")) {
      m = ReadNumber(s, &pos, 1, 2);
      if (m < 0 || !Consume(s, &pos, "月")) return Checked<Date>::Invalid();
      d = ReadNumber(s, &pos, 1, 2);
      if (d < 0 || !Consume(s, &pos, "日")) return Checked<Date>::Invalid();
    } else {
      return Checked<Date>::Invalid();
    }
  }
  const bool rest_ok = timestamp ? IsTimeSuffix(s, pos) : pos == s.size();
  if (d < 0 || !rest_ok || !Date::IsValid(y, m, d)) {
    return Checked<Date>::Invalid();
  }
  return Checked<Date>::Valid(Date{y, m, d});
}

}  // namespace

Checked<Date> ParseDate(std::string_view cell) { return ParseDateImpl(cell, false); }

Checked<Date> ParseTimestampDate(std::string_view cell) { return ParseDateImpl(cell, true); }

std::optional<Date> DateFromExcelSerial(double serial) {
  if (!std::isfinite(serial) || serial < 1.0 || serial >= 2958466.0)
    return std::nullopt;
  const int64_t whole = static_cast<int64_t>(std::floor(serial));
  if (whole == 60) return std::nullopt;
  if (whole < 60) return Date{1899, 12, 31}.AddDays(whole);
  return Date{1899, 12, 30}.AddDays(whole);
}

}  // namespace jv::classify
