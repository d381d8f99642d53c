#include "src/classify/uscc.h"

#include <gtest/gtest.h>

#include <cctype>

namespace jv::classify {
namespace {

// Known answer: the worked example of the GB 32100-2015 check-character
// calculation (附录 / 校验码计算方法实例): for "91350100M000100Y4" the weighted
// sum is 1640, 1640 mod 31 = 28, C18 = 31 - 28 = 3; so "91350100M000100Y4Z" is
// rejected and "91350100M000100Y43" is well-formed.
TEST(UsccTest, StandardWorkedExample) {
  EXPECT_EQ(UsccCheckChar("91350100M000100Y4"), '3');
  EXPECT_TRUE(CheckUscc("91350100M000100Y43").valid());
  EXPECT_FALSE(CheckUscc("91350100M000100Y4Z").valid());
}

TEST(UsccTest, ModThirtyOneZeroMapsToZero) {
  // All-zero body: sum 0, 31 - 0 = 31 -> 0.
  EXPECT_EQ(UsccCheckChar("00000000000000000"), '0');
  EXPECT_TRUE(CheckUscc("000000000000000000").valid());
}

TEST(UsccTest, SyntheticCodesAndNormalization) {
  const std::string body = "91110108MA01ABCDE";
  const char check = UsccCheckChar(body);
  ASSERT_NE(check, '\0');
  const std::string code = body + check;
  EXPECT_EQ(CheckUscc(code).value, code);
  std::string lower = code;
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(CheckUscc(" " + lower + " ").value, code);
  // Tamper with each position.
  for (size_t i = 0; i < code.size(); ++i) {
    std::string t = code;
    t[i] = (t[i] == '1') ? '2' : '1';
    EXPECT_FALSE(CheckUscc(t).valid()) << "position " << i;
  }
}

TEST(UsccTest, CharactersOutsideTheCodeSet) {
  // I, O, S, V, Z are not in the code set.
  for (char bad : {'I', 'O', 'S', 'V', 'Z'}) {
    std::string body = "91110108MA01ABCDE";
    body[10] = bad;
    EXPECT_EQ(UsccCheckChar(body), '\0');
    EXPECT_FALSE(CheckUscc(body + "0").valid());
  }
  EXPECT_EQ(UsccCheckChar("9111"), '\0');
  EXPECT_FALSE(CheckUscc("91350100M000100Y4").valid());    // 17 characters
  EXPECT_FALSE(CheckUscc("91350100M000100Y433").valid());  // 19 characters
  EXPECT_EQ(CheckUscc("").validity, Validity::kAbsent);
}

}  // namespace
}  // namespace jv::classify
