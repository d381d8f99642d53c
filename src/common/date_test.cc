#include "src/common/date.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace jv {
namespace {

TEST(DateTest, RoundTripsDays) {
  EXPECT_EQ(Date({1970, 1, 1}).ToDays(), 0);
  EXPECT_EQ(Date::FromDays(0), Date({1970, 1, 1}));
  for (int64_t d = -800000; d < 800000; d += 997) {
    EXPECT_EQ(Date::FromDays(d).ToDays(), d);
  }
  EXPECT_EQ(Date({2026, 11, 26}).ToDays(), 20783);
}

// ToString is "%04d-%02d-%02d" (hand-made digits for years 0..9999, printf beyond).
TEST(DateTest, ToStringIsPrintfOfItsFields) {
  auto printf_of = [](const Date& d) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return std::string(buf);
  };
  for (int64_t days = -800000; days < 3000000; days += 331) {
    const Date d = Date::FromDays(days);
    ASSERT_EQ(d.ToString(), printf_of(d)) << days;
  }
  for (const Date& d : {Date{0, 1, 1}, Date{9999, 12, 31}, Date{10000, 1, 1}, Date{-1, 1, 1},
                        Date{2026, 0, 0}, Date{7, 3, 9}, Date{2026, 100, 5}}) {
    EXPECT_EQ(d.ToString(), printf_of(d));
  }
  EXPECT_EQ(Date({2026, 11, 27}).ToString(), "2026-11-27");
}

TEST(DateTest, ParseRejectsImpossibleDates) {
  EXPECT_TRUE(Date::Parse("2024-02-29").ok());
  EXPECT_FALSE(Date::Parse("2026-02-29").ok());
  EXPECT_FALSE(Date::Parse("2026-2-1").ok());
  EXPECT_FALSE(Date::Parse("2026-13-01").ok());
  EXPECT_FALSE(Date::Parse("20261126").ok());
}

TEST(DateTest, Weekday) {
  EXPECT_EQ(Date({2026, 11, 26}).Weekday(), 3);  // Thursday
  EXPECT_EQ(Date({2026, 10, 10}).Weekday(), 5);  // Saturday
}

TEST(DateTest, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(Date({2026, 1, 31}).AddMonths(1), Date({2026, 2, 28}));
  EXPECT_EQ(Date({2024, 1, 31}).AddMonths(1), Date({2024, 2, 29}));
  EXPECT_EQ(Date({2026, 11, 30}).AddMonths(3), Date({2027, 2, 28}));
  EXPECT_EQ(Date({2026, 5, 15}).AddYears(10), Date({2036, 5, 15}));
}

TEST(DateTest, ChinaDate) {
  // 2026-11-26T20:00:00Z is already 2026-11-27 in Beijing.
  int64_t micros = (Date({2026, 11, 26}).ToDays() * 86400 + 20 * 3600) * int64_t{1000000};
  EXPECT_EQ(DateFromMicros(micros), Date({2026, 11, 26}));
  EXPECT_EQ(ChinaDateFromMicros(micros), Date({2026, 11, 27}));
}

}  // namespace
}  // namespace jv
