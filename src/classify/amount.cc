#include "src/classify/amount.h"

#include <string>

#include "src/classify/text_util.h"

namespace jv::classify {
namespace {

using internal::IsAsciiDigit;

bool ConsumeStr(std::string_view* s, std::string_view token) {
  if (s->substr(0, token.size()) == token) {
    s->remove_prefix(token.size());
    return true;
  }
  return false;
}

void SkipSpaces(std::string_view* s) {
  while (!s->empty() && s->front() == ' ') s->remove_prefix(1);
  while (!s->empty() && s->back() == ' ') s->remove_suffix(1);
}

// Parses INT as described in the header into digits (commas removed).
bool ParseIntPart(std::string_view s, std::string* digits) {
  if (s.empty()) return false;
  if (s.find(',') == std::string_view::npos) {
    if (!internal::AllDigits(s)) return false;
    *digits = std::string(s);
  } else {
    size_t first = s.find(',');
    if (first == 0 || first > 3 || !internal::AllDigits(s.substr(0, first)))
      return false;
    digits->assign(s.substr(0, first));
    size_t pos = first;
    while (pos < s.size()) {
      if (s[pos] != ',' || pos + 4 > s.size()) return false;
      std::string_view group = s.substr(pos + 1, 3);
      if (!internal::AllDigits(group)) return false;
      digits->append(group);
      pos += 4;
    }
  }
  return digits->size() <= 16;
}

}  // namespace

Checked<int64_t> ParseAmountFen(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) return Checked<int64_t>::Invalid();
  if (norm->empty()) return Checked<int64_t>::Absent();
  std::string_view s = *norm;
  bool negative = ConsumeStr(&s, "-");
  ConsumeStr(&s, "¥");
  SkipSpaces(&s);
  if (!negative) negative = ConsumeStr(&s, "-");
  constexpr std::string_view kYuan = "元";
  if (s.size() >= kYuan.size() && s.substr(s.size() - kYuan.size()) == kYuan) {
    s.remove_suffix(kYuan.size());
  }
  SkipSpaces(&s);
  std::string_view int_part = s, frac = "";
  size_t dot = s.find('.');
  if (dot != std::string_view::npos) {
    int_part = s.substr(0, dot);
    frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > 2 || !internal::AllDigits(frac)) {
      return Checked<int64_t>::Invalid();
    }
  }
  std::string digits;
  if (!ParseIntPart(int_part, &digits)) return Checked<int64_t>::Invalid();
  int64_t fen = 0;
  for (char c : digits) fen = fen * 10 + (c - '0');
  fen *= 100;
  if (frac.size() >= 1) fen += (frac[0] - '0') * 10;
  if (frac.size() == 2) fen += frac[1] - '0';
  return Checked<int64_t>::Valid(negative ? -fen : fen);
}

}  // namespace jv::classify
