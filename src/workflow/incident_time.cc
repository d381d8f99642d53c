#include "src/workflow/incident_time.h"

#include <cstdio>

#include "src/common/date.h"

namespace jv::workflow {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Result<OffsetTime> ParseOffsetTime(std::string_view s) {
  auto bad = [] {
    return InvalidArgumentError("time must be YYYY-MM-DDTHH:MM:SS with Z or an offset ±HH:MM");
  };
  if (s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return bad();
  auto date = Date::Parse(s.substr(0, 10));
  if (!date.ok()) return bad();
  int hh, mm, ss;
  if (!Digits(s, 11, 2, &hh) || !Digits(s, 14, 2, &mm) || !Digits(s, 17, 2, &ss) || hh > 23 ||
      mm > 59 || ss > 59) {
    return bad();
  }
  size_t pos = 19;
  int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) frac = frac * 10 + (s[pos] - '0'), ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    while (digits < 6) frac *= 10, ++digits;
  }
  OffsetTime t;
  std::string_view rest = s.substr(pos);
  if (rest == "Z") {
    t.zulu = true;
  } else {
    int oh, om;
    if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' ||
        !Digits(rest, 1, 2, &oh) || !Digits(rest, 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    t.offset_minutes = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  const int64_t local = date->ToDays() * kMicrosPerDay +
                        (int64_t{hh} * 3600 + mm * 60 + ss) * kMicrosPerSecond + frac;
  t.micros = local - int64_t{t.offset_minutes} * 60 * kMicrosPerSecond;
  return t;
}

std::string FormatOffsetTime(const OffsetTime& t) {
  const int64_t local = t.micros + int64_t{t.offset_minutes} * 60 * kMicrosPerSecond;
  const int64_t days = FloorDiv(local, kMicrosPerDay);
  const int64_t in_day = local - days * kMicrosPerDay;
  const Date d = Date::FromDays(days);
  const int64_t secs = in_day / kMicrosPerSecond;
  const int64_t frac = in_day % kMicrosPerSecond;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d", d.ToString().c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  std::string out = buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  if (t.zulu) return out + "Z";
  const int m = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
  return out + buf;
}

OffsetTime AddHours(const OffsetTime& t, int64_t hours) {
  OffsetTime r = t;
  r.micros += hours * 3600 * kMicrosPerSecond;
  return r;
}

}  // namespace jv::workflow
