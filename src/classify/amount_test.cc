#include "src/classify/amount.h"

#include <gtest/gtest.h>

namespace jv::classify {
namespace {

int64_t Fen(const char* v) {
  Checked<int64_t> a = ParseAmountFen(v);
  EXPECT_TRUE(a.valid()) << v;
  return a.value;
}

TEST(AmountTest, Examples) {
  EXPECT_EQ(Fen("¥1,234.50"), 123450);
  EXPECT_EQ(Fen("\uFFE51,234.50"), 123450);  // full-width ￥
  EXPECT_EQ(Fen("12元"), 1200);
  EXPECT_EQ(Fen("12.5元"), 1250);
  EXPECT_EQ(Fen("0.05"), 5);
  EXPECT_EQ(Fen("0"), 0);
  EXPECT_EQ(Fen("1234567.89"), 123456789);
  EXPECT_EQ(Fen("1,234,567.89"), 123456789);
  EXPECT_EQ(Fen("¥ 100"), 10000);
  EXPECT_EQ(Fen("100 元"), 10000);
  EXPECT_EQ(Fen("¥100元"), 10000);
  EXPECT_EQ(Fen("\uFF11\uFF10\uFF10\uFF0E\uFF15"), 10050);  // "１００．５"
}

TEST(AmountTest, Negative) {
  EXPECT_EQ(Fen("-3.5"), -350);
  EXPECT_EQ(Fen("-¥3.5"), -350);
  EXPECT_EQ(Fen("¥-3.5"), -350);
  EXPECT_EQ(Fen("-1,000元"), -100000);
  EXPECT_FALSE(ParseAmountFen("--1").valid());
  EXPECT_FALSE(ParseAmountFen("-¥-1").valid());
}

TEST(AmountTest, MoreThanTwoDecimalsIsInvalid) {
  EXPECT_FALSE(ParseAmountFen("1.234").valid());
  EXPECT_FALSE(ParseAmountFen("1.230").valid());
  EXPECT_FALSE(ParseAmountFen("0.001").valid());
}

TEST(AmountTest, BadShapes) {
  for (const char* v :
       {"1,23", "12,3456", ",123", "123,", "1,,234", "12.", ".5", "abc",
        "1 234", "1.2.3", "+5", "12元整", "元", "¥", "1e3", "12345678901234567",
        "1,234.5.6", "USD 5"}) {
    EXPECT_EQ(ParseAmountFen(v).validity, Validity::kInvalid) << v;
  }
}

TEST(AmountTest, LargestAcceptedValue) {
  EXPECT_EQ(Fen("9999999999999999.99"), 999999999999999999);
}

TEST(AmountTest, Absent) {
  EXPECT_EQ(ParseAmountFen(" ").validity, Validity::kAbsent);
}

}  // namespace
}  // namespace jv::classify
