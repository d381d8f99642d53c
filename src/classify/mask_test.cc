#include "src/classify/mask.h"

#include <gtest/gtest.h>

namespace jv::classify {
namespace {

// SPEC §4 "Access" shows: 张*, 138****5678, 110105********123X,
// ************1234.
TEST(MaskTest, SpecExamples) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskMobile("13812345678"), "138****5678");
  EXPECT_EQ(MaskIdNumber("11010519491231123X"), "110105********123X");
  EXPECT_EQ(MaskBankCard("6222021234561234"), "************1234");
}

TEST(MaskTest, Names) {
  EXPECT_EQ(MaskName("张三丰"), "张**");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("阿不都·热合曼"), "阿**·***");
  EXPECT_EQ(MaskName("Zhang San"), "Z**** ***");
  EXPECT_EQ(MaskName("张"), "*");
  EXPECT_EQ(MaskName(" "), "");
}

TEST(MaskTest, MobileVariants) {
  EXPECT_EQ(MaskMobile("+86 138-1234-5678"), "138****5678");
  EXPECT_EQ(
      MaskMobile(
          "\uFF11\uFF13\uFF18\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18"),
      "138****5678");
  EXPECT_EQ(MaskMobile("12345"), "1***5");  // not a mobile: generic mask
  EXPECT_EQ(MaskMobile(""), "");
}

TEST(MaskTest, IdNumberVariants) {
  EXPECT_EQ(MaskIdNumber("11010519491231002x"), "110105********002X");
  EXPECT_EQ(MaskIdNumber("110105491231002"), "110105*****1002");
  EXPECT_EQ(MaskIdNumber("4.40106E+17"), "4*********7");
  EXPECT_EQ(MaskIdNumber("1234"), "1**4");
  EXPECT_EQ(MaskIdNumber("身份证号不详"), "身****详");  // 18 bytes, not ASCII
  EXPECT_EQ(MaskIdNumber("身份证号码不详"), "身*****详");
}

TEST(MaskTest, BankCardVariants) {
  EXPECT_EQ(MaskBankCard("6222 0212 3456 1234"), "************1234");
  EXPECT_EQ(MaskBankCard("6222021234567891234"), "***************1234");
  EXPECT_EQ(MaskBankCard("123"), "***");
}

TEST(MaskTest, Email) {
  EXPECT_EQ(MaskEmail("alice@example.com"), "a***@example.com");
  EXPECT_EQ(MaskEmail("Bob.Smith@Example.COM"), "b***@example.com");
  EXPECT_EQ(MaskEmail("a@example.com"), "a***@example.com");
  EXPECT_EQ(MaskEmail("not-an-email"), "n**********l");
}

TEST(MaskTest, Landline) {
  EXPECT_EQ(MaskLandline("010-65123456"), "010-****3456");
  EXPECT_EQ(MaskLandline("0755-2345678 转 801"), "0755-***5678");
}

TEST(MaskTest, Address) {
  EXPECT_EQ(MaskAddress("广东省广州市天河区体育西路1号"), "广东省广州市***");
  EXPECT_EQ(MaskAddress("北京朝阳区建国路88号"), "北京朝阳区***");
  EXPECT_EQ(MaskAddress("广东省某某镇"), "广东省***");
  EXPECT_EQ(MaskAddress("体育西路1号"), "***");
  EXPECT_EQ(MaskAddress(""), "");
}

TEST(MaskTest, ByField) {
  EXPECT_EQ(MaskValue(Field::kName, "李四"), "李*");
  EXPECT_EQ(MaskValue(Field::kMemberNo, "VIP000123"), "*****0123");
  EXPECT_EQ(MaskValue(Field::kBirthDate, "1990年1月5日"), "1990-**-**");
  EXPECT_EQ(MaskValue(Field::kPrepaidBalance, "¥1,234.50"), "***");
  EXPECT_EQ(MaskValue(Field::kNotes, "任何内容"), "***");
  EXPECT_EQ(MaskValue(Field::kPoints, ""), "");
  EXPECT_EQ(MaskValue(Field::kGender, " 女 "), "女");
  EXPECT_EQ(MaskValue(Field::kEmail, "alice@example.com"), "a***@example.com");
}

TEST(MaskTest, NeverReturnsValueUnmasked) {
  for (const char* v :
       {"13812345678", "11010519491231002X", "4111111111111111",
        "alice@example.com", "广东省广州市天河区体育西路1号", "张三"}) {
    for (Field f :
         {Field::kName, Field::kMobile, Field::kIdNumber, Field::kBankCard,
          Field::kEmail, Field::kLandline, Field::kAddress, Field::kMemberNo,
          Field::kBirthDate, Field::kPoints, Field::kNotes}) {
      EXPECT_NE(MaskValue(f, v), v) << FieldName(f);
    }
  }
}

}  // namespace
}  // namespace jv::classify
