#include "src/classify/landline.h"

#include <gtest/gtest.h>

namespace jv::classify {
namespace {

TEST(LandlineTest, AreaCodePlusLocalNumber) {
  EXPECT_EQ(CheckLandline("010-65123456").value, "010-65123456");
  EXPECT_EQ(CheckLandline("01065123456").value, "010-65123456");
  EXPECT_EQ(CheckLandline("(010) 6512 3456").value, "010-65123456");
  EXPECT_EQ(CheckLandline("021-54321234").value, "021-54321234");
  EXPECT_EQ(CheckLandline("0755-2345678").value, "0755-2345678");
  EXPECT_EQ(CheckLandline("0571 87654321").value, "0571-87654321");
  EXPECT_EQ(
      CheckLandline(
          "\uFF10\uFF12\uFF10\uFF0D\uFF18\uFF17\uFF16\uFF15\uFF14\uFF13\uFF12"
          "\uFF11")
          .value,
      "020-87654321");
}

TEST(LandlineTest, CountryCode) {
  EXPECT_EQ(CheckLandline("+86 10 6512 3456").value, "010-65123456");
  EXPECT_EQ(CheckLandline("+86-755-2345678").value, "0755-2345678");
  EXPECT_EQ(CheckLandline("0086 21 54321234").value, "021-54321234");
}

TEST(LandlineTest, Extensions) {
  EXPECT_EQ(CheckLandline("010-65123456-801").value, "010-65123456-801");
  EXPECT_EQ(CheckLandline("010-65123456转801").value, "010-65123456-801");
  EXPECT_EQ(CheckLandline("010 6512 3456 分机 801").value, "010-65123456-801");
  EXPECT_EQ(CheckLandline("0571-87654321 ext. 12").value, "0571-87654321-12");
  EXPECT_EQ(CheckLandline("0571-87654321 EXT 12").value, "0571-87654321-12");
  EXPECT_EQ(CheckLandline("0571-87654321x12").value, "0571-87654321-12");
  EXPECT_EQ(CheckLandline("0571-87654321#12").value, "0571-87654321-12");
  EXPECT_FALSE(CheckLandline("0571-87654321转").valid());
  EXPECT_FALSE(CheckLandline("0571-87654321转1234567").valid());
}

TEST(LandlineTest, Invalid) {
  for (const char* v :
       {"13812345678", "400-123-4567", "800-810-8888", "65123456",
        "011-65123456", "010-12345678", "0755-123456789", "0755-02345678",
        "00-12345678", "010-6512345a", "电话"}) {
    EXPECT_FALSE(CheckLandline(v).valid()) << v;
  }
}

TEST(LandlineTest, Absent) {
  EXPECT_EQ(CheckLandline(" ").validity, Validity::kAbsent);
}

}  // namespace
}  // namespace jv::classify
