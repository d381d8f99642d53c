// Date: a proleptic Gregorian calendar date without a time zone (a "civil" date).
//
// Used for legal deadlines, birth dates and retention periods, where the law counts
// days and months, not seconds. Arithmetic is exact over years 1..9999.
// Thread-safety: a value type.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/common/result.h"

namespace jv {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  // Days since 1970-01-01 (negative before).
  int64_t ToDays() const;
  static Date FromDays(int64_t days);

  // Parses exactly "YYYY-MM-DD". Returns kInvalidArgument otherwise or for a date that
  // does not exist (2026-02-30).
  static Result<Date> Parse(std::string_view s);
  // True if y-m-d is a real calendar date.
  static bool IsValid(int y, int m, int d);
  static int DaysInMonth(int y, int m);

  // 0 = Monday ... 6 = Sunday.
  int Weekday() const;

  Date AddDays(int64_t n) const { return FromDays(ToDays() + n); }
  // Calendar-month arithmetic: Jan 31 + 1 month = Feb 28/29 (the last day of the month
  // when the day does not exist), as PRC courts count months (Civil Code Art. 201).
  Date AddMonths(int n) const;
  Date AddYears(int n) const { return AddMonths(12 * n); }

  std::string ToString() const;  // "YYYY-MM-DD"

  friend auto operator<=>(const Date& a, const Date& b) = default;
  friend bool operator==(const Date& a, const Date& b) = default;
};

// The UTC date of a Unix-micros instant.
Date DateFromMicros(int64_t micros);
// The date in China Standard Time (UTC+8, no DST) of an instant.
Date ChinaDateFromMicros(int64_t micros);

}  // namespace jv
