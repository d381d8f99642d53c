#include "src/classify/dates.h"

#include <gtest/gtest.h>

#include <cmath>

namespace jv::classify {
namespace {

Date D(int y, int m, int d) { return Date{y, m, d}; }

TEST(ParseDateTest, AllSpellings) {
  EXPECT_EQ(ParseDate("1990-01-05").value, D(1990, 1, 5));
  EXPECT_EQ(ParseDate("1990/1/5").value, D(1990, 1, 5));
  EXPECT_EQ(ParseDate("1990/01/05").value, D(1990, 1, 5));
  EXPECT_EQ(ParseDate("1990.1.5").value, D(1990, 1, 5));
  EXPECT_EQ(ParseDate("19900105").value, D(1990, 1, 5));
  EXPECT_EQ(ParseDate("1990年1月5日").value, D(1990, 1, 5));
  EXPECT_EQ(ParseDate("1990年01月05日").value, D(1990, 1, 5));
}

TEST(ParseDateTest, FullWidthAndTrim) {
  // "１９９０－０１－０５" with ideographic spaces.
  EXPECT_EQ(
      ParseDate(
          "\u3000\uFF11\uFF19\uFF19\uFF10\uFF0D\uFF10\uFF11\uFF0D\uFF10\uFF15 ")
          .value,
      D(1990, 1, 5));
  EXPECT_EQ(ParseDate("\uFF11\uFF19\uFF19\uFF10年\uFF11月\uFF15日").value,
            D(1990, 1, 5));
}

// §5.3 lists YYYY-MM-DD (two digits) and nothing after the date: a one-digit month or
// day with '-' and a time of day make a customer date invalid.
TEST(ParseDateTest, OnlyTheListedSpellings) {
  for (const char* v : {"1990-1-5", "1990-01-5", "1990-1-05", "1990-01-05 00:00:00",
                        "1990-01-05T00:00", "1990/1/5 8:00", "19900105 00:00",
                        "1990年1月5日 8:00"}) {
    EXPECT_EQ(ParseDate(v).validity, Validity::kInvalid) << v;
  }
}

// Transactions' and items' dates are POS timestamps: the time of day is ignored there.
TEST(ParseTimestampDateTest, TimeOfDayIgnored) {
  EXPECT_EQ(ParseTimestampDate("2023-05-01 14:32:10").value, D(2023, 5, 1));
  EXPECT_EQ(ParseTimestampDate("2023/5/1 9:05").value, D(2023, 5, 1));
  EXPECT_EQ(ParseTimestampDate("2023-05-01T14:32:10.123").value, D(2023, 5, 1));
  EXPECT_EQ(ParseTimestampDate("2023-5-1").value, D(2023, 5, 1));
  EXPECT_EQ(ParseTimestampDate("2023年5月1日").value, D(2023, 5, 1));
  EXPECT_FALSE(ParseTimestampDate("2023-05-01 24:00").valid());
  EXPECT_FALSE(ParseTimestampDate("2023-05-01 12:60").valid());
  EXPECT_FALSE(ParseTimestampDate("2023-05-01 noon").valid());
  EXPECT_FALSE(ParseTimestampDate("2023-05-01 12").valid());
  EXPECT_FALSE(ParseTimestampDate("2023-02-30 12:00").valid());
}

TEST(ParseDateTest, CalendarValidity) {
  EXPECT_TRUE(ParseDate("2000-02-29").valid());
  EXPECT_TRUE(ParseDate("2024-02-29").valid());
  EXPECT_FALSE(ParseDate("1900-02-29").valid());
  EXPECT_FALSE(ParseDate("2023-02-29").valid());
  EXPECT_FALSE(ParseDate("2023-02-30").valid());
  EXPECT_FALSE(ParseDate("2023-04-31").valid());
  EXPECT_FALSE(ParseDate("2023-13-01").valid());
  EXPECT_FALSE(ParseDate("2023-00-10").valid());
  EXPECT_FALSE(ParseDate("2023-01-00").valid());
  EXPECT_FALSE(ParseDate("00000101").valid());
  EXPECT_FALSE(ParseDate("20230230").valid());
}

TEST(ParseDateTest, BadShapes) {
  for (const char* v :
       {"90-01-05", "1990-01/05", "1990-001-05", "1990-01-005", "199001051",
        "1990015", "1990年1月5", "1990年1-5日", "1990 01 05", "05/01/1990",
        "1990-01-05x", "date", "1990-01", "1990"}) {
    EXPECT_EQ(ParseDate(v).validity, Validity::kInvalid) << v;
  }
}

TEST(ParseDateTest, Absent) {
  EXPECT_EQ(ParseDate(" \u3000").validity, Validity::kAbsent);
}

// Excel 1900 date system: serial 1 = 1900-01-01, the fictitious 1900-02-29 is
// serial 60 (Microsoft, "Excel incorrectly assumes that the year 1900 is a leap
// year", KB 214326).
TEST(ExcelSerialTest, LeapYearBug) {
  EXPECT_EQ(DateFromExcelSerial(1), D(1900, 1, 1));
  EXPECT_EQ(DateFromExcelSerial(59), D(1900, 2, 28));
  EXPECT_EQ(DateFromExcelSerial(60), std::nullopt);
  EXPECT_EQ(DateFromExcelSerial(60.5), std::nullopt);
  EXPECT_EQ(DateFromExcelSerial(61), D(1900, 3, 1));
  EXPECT_EQ(DateFromExcelSerial(45000), D(2023, 3, 15));
  EXPECT_EQ(DateFromExcelSerial(45000.99), D(2023, 3, 15));
  EXPECT_EQ(DateFromExcelSerial(36526), D(2000, 1, 1));
  EXPECT_EQ(DateFromExcelSerial(2958465), D(9999, 12, 31));
}

TEST(ExcelSerialTest, OutOfRange) {
  EXPECT_EQ(DateFromExcelSerial(0), std::nullopt);
  EXPECT_EQ(DateFromExcelSerial(0.5), std::nullopt);
  EXPECT_EQ(DateFromExcelSerial(-1), std::nullopt);
  EXPECT_EQ(DateFromExcelSerial(2958466), std::nullopt);
  EXPECT_EQ(DateFromExcelSerial(std::nan("")), std::nullopt);
  EXPECT_EQ(DateFromExcelSerial(INFINITY), std::nullopt);
}

}  // namespace
}  // namespace jv::classify
