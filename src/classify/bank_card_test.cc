#include "src/classify/bank_card.h"

#include <gtest/gtest.h>

#include "src/classify/test_util.h"

namespace jv::classify {
namespace {

using testing::MakeLuhn;

// Known answer: the worked Luhn example of ISO/IEC 7812-1 Annex B as reproduced
// on https://en.wikipedia.org/wiki/Luhn_algorithm ("7992739871" + check digit
// 3).
TEST(LuhnTest, KnownAnswer) {
  EXPECT_EQ(LuhnCheckDigit("7992739871"), '3');
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("7992739871a"));
}

// Well-known public test PANs (not real accounts): 4111111111111111 (16 digits)
// and 4222222222222 (13 digits), listed in payment processors' test-card
// tables.
TEST(BankCardTest, PublicTestNumbers) {
  EXPECT_TRUE(CheckBankCard("4111111111111111").valid());
  EXPECT_TRUE(CheckBankCard("4222222222222").valid());
  EXPECT_FALSE(
      CheckBankCard("4111111111111112").valid());  // tampered last digit
}

TEST(BankCardTest, LengthThirteenToNineteen) {
  const std::string c13 = MakeLuhn("622202123456");
  const std::string c19 = MakeLuhn("622202123456789012");
  const std::string c12 = MakeLuhn("62220212345");
  const std::string c20 = MakeLuhn("6222021234567890123");
  ASSERT_EQ(c13.size(), 13u);
  ASSERT_EQ(c19.size(), 19u);
  EXPECT_TRUE(CheckBankCard(c13).valid());
  EXPECT_TRUE(CheckBankCard(c19).valid());
  EXPECT_EQ(CheckBankCard(c19).value, c19);
  EXPECT_FALSE(CheckBankCard(c12).valid());
  EXPECT_FALSE(CheckBankCard(c20).valid());
  EXPECT_TRUE(LuhnValid(c12));  // Luhn alone is not enough
}

TEST(BankCardTest, SeparatorsAndFullWidth) {
  EXPECT_EQ(CheckBankCard("4111 1111 1111 1111").value, "4111111111111111");
  EXPECT_EQ(CheckBankCard("4111-1111-1111-1111").value, "4111111111111111");
  EXPECT_EQ(CheckBankCard("\uFF14\uFF11\uFF11\uFF11 1111 1111 1111").value,
            "4111111111111111");
  EXPECT_FALSE(CheckBankCard("4111.1111.1111.1111").valid());
  EXPECT_FALSE(CheckBankCard("(4111)111111111111").valid());
}

TEST(BankCardTest, EveryDigitTamperIsDetected) {
  const std::string card = MakeLuhn("622848001234567890");
  ASSERT_TRUE(CheckBankCard(card).valid());
  for (size_t i = 0; i < card.size(); ++i) {
    std::string t = card;
    t[i] = static_cast<char>('0' + (t[i] - '0' + 1) % 10);
    EXPECT_FALSE(CheckBankCard(t).valid()) << "position " << i;
  }
}

TEST(BankCardTest, AbsentAndText) {
  EXPECT_EQ(CheckBankCard(" ").validity, Validity::kAbsent);
  EXPECT_EQ(CheckBankCard("无").validity, Validity::kInvalid);
}

}  // namespace
}  // namespace jv::classify
