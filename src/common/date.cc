#include "src/common/date.h"

#include <cstdio>

namespace jv {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t Date::ToDays() const {
  int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date Date::FromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m),
              static_cast<int>(d)};
}

int Date::DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[m - 1];
}

bool Date::IsValid(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

Result<Date> Date::Parse(std::string_view s) {
  auto digits = [&](size_t pos, size_t n, int* out) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4, &y) ||
      !digits(5, 2, &m) || !digits(8, 2, &d) || !IsValid(y, m, d)) {
    return InvalidArgumentError("expected a date as YYYY-MM-DD");
  }
  return Date{y, m, d};
}

int Date::Weekday() const {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  int64_t w = (ToDays() + 3) % 7;
  if (w < 0) w += 7;
  return static_cast<int>(w);
}

Date Date::AddMonths(int n) const {
  int64_t total = static_cast<int64_t>(year) * 12 + (month - 1) + n;
  int y = static_cast<int>(total / 12);
  int m = static_cast<int>(total % 12) + 1;
  int d = day;
  int dim = DaysInMonth(y, m);
  if (d > dim) d = dim;
  return Date{y, m, d};
}

std::string Date::ToString() const {
  if (year >= 0 && year <= 9999 && month >= 0 && month <= 99 && day >= 0 && day <= 99) {
    // The import formats a date per date cell: digits by hand, as "%04d-%02d-%02d" would.
    const char out[10] = {static_cast<char>('0' + year / 1000),
                          static_cast<char>('0' + year / 100 % 10),
                          static_cast<char>('0' + year / 10 % 10),
                          static_cast<char>('0' + year % 10),
                          '-',
                          static_cast<char>('0' + month / 10),
                          static_cast<char>('0' + month % 10),
                          '-',
                          static_cast<char>('0' + day / 10),
                          static_cast<char>('0' + day % 10)};
    return std::string(out, sizeof out);
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Date DateFromMicros(int64_t micros) {
  int64_t secs = micros / 1000000;
  if (micros < 0 && micros % 1000000 != 0) secs -= 1;
  int64_t days = secs / 86400;
  if (secs < 0 && secs % 86400 != 0) days -= 1;
  return Date::FromDays(days);
}

Date ChinaDateFromMicros(int64_t micros) {
  return DateFromMicros(micros + int64_t{8} * 3600 * 1000000);
}

}  // namespace jv
