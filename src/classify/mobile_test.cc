#include "src/classify/mobile.h"

#include <gtest/gtest.h>

namespace jv::classify {
namespace {

// All numbers below are synthetic (138/139 prefixes with sequential digits).

TEST(MobileTest, PlainElevenDigitsIsValidAndCanonical) {
  Checked<std::string> m = CheckMobile("13812345678");
  ASSERT_TRUE(m.valid());
  EXPECT_EQ(m.value, "13812345678");
}

TEST(MobileTest, SecondDigitThreeToNine) {
  EXPECT_TRUE(CheckMobile("13012345678").valid());
  EXPECT_TRUE(CheckMobile("19912345678").valid());
  EXPECT_FALSE(CheckMobile("12812345678").valid());
  EXPECT_FALSE(CheckMobile("10812345678").valid());
  EXPECT_FALSE(CheckMobile("23812345678").valid());
}

TEST(MobileTest, WrongLengthIsInvalid) {
  EXPECT_EQ(CheckMobile("1381234567").validity, Validity::kInvalid);
  EXPECT_EQ(CheckMobile("138123456789").validity, Validity::kInvalid);
}

TEST(MobileTest, SeparatorsAreRemoved) {
  EXPECT_EQ(CheckMobile("138 1234 5678").value, "13812345678");
  EXPECT_EQ(CheckMobile("138-1234-5678").value, "13812345678");
  EXPECT_EQ(CheckMobile("(138)1234-5678").value, "13812345678");
  // Only space, '-', '(' and ')' are separators.
  EXPECT_FALSE(CheckMobile("138.1234.5678").valid());
  EXPECT_FALSE(CheckMobile("138/1234/5678").valid());
}

TEST(MobileTest, FullWidthDigitsAndIdeographicSpace) {
  // "１３８１２３４５６７８" surrounded by U+3000.
  Checked<std::string> m = CheckMobile(
      "\u3000\uFF11\uFF13\uFF18\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18"
      "\u3000");
  ASSERT_TRUE(m.valid());
  EXPECT_EQ(m.value, "13812345678");
  // Full-width plus sign and hyphen.
  EXPECT_EQ(CheckMobile("\uFF0B86 138\uFF0D1234\uFF0D5678").value,
            "13812345678");
}

TEST(MobileTest, CountryPrefixesStrippedWhenElevenDigitsRemain) {
  EXPECT_EQ(CheckMobile("+8613812345678").value, "13812345678");
  EXPECT_EQ(CheckMobile("+86 138 1234 5678").value, "13812345678");
  EXPECT_EQ(CheckMobile("(+86)138-1234-5678").value, "13812345678");
  EXPECT_EQ(CheckMobile("008613812345678").value, "13812345678");
  EXPECT_EQ(CheckMobile("8613812345678").value, "13812345678");
}

TEST(MobileTest, PrefixNotStrippedUnlessElevenDigitsRemain) {
  // 86 + 10 digits: not stripped, 12 digits remain -> invalid.
  EXPECT_FALSE(CheckMobile("861381234567").valid());
  EXPECT_FALSE(CheckMobile("+861381234567").valid());
  // Prefix stripped but the rest is not a mobile.
  EXPECT_FALSE(CheckMobile("+8612345678901").valid());
  // Only one prefix is removed.
  EXPECT_FALSE(CheckMobile("+868613812345678").valid());
  EXPECT_FALSE(CheckMobile("+008613812345678").valid());
}

TEST(MobileTest, EmptyIsAbsent) {
  EXPECT_EQ(CheckMobile("").validity, Validity::kAbsent);
  EXPECT_EQ(CheckMobile("  \u3000 ").validity, Validity::kAbsent);
  EXPECT_FALSE(CheckMobile("").present());
}

TEST(MobileTest, InvalidUtf8IsInvalidNotAbsent) {
  EXPECT_EQ(CheckMobile("\xff\xfe").validity, Validity::kInvalid);
}

TEST(MobileTest, TextIsInvalid) {
  EXPECT_FALSE(CheckMobile("无").valid());
  EXPECT_FALSE(CheckMobile("1381234567a").valid());
  EXPECT_FALSE(CheckMobile("13812345678.0").valid());
}

TEST(MobileTest, IsMobileDigits) {
  EXPECT_TRUE(IsMobileDigits("13912345678"));
  EXPECT_FALSE(IsMobileDigits("1391234567"));
  EXPECT_FALSE(IsMobileDigits("1391234567x"));
  EXPECT_FALSE(IsMobileDigits(""));
}

}  // namespace
}  // namespace jv::classify
