#include "src/classify/free_text.h"

#include <gtest/gtest.h>

#include "src/classify/test_util.h"

namespace jv::classify {
namespace {

using testing::kImportDate;
using testing::MakeId;
using testing::MakeLuhn;

FreeTextFindings Scan(const std::string& s) {
  return ScanFreeText(s, kImportDate);
}

TEST(FreeTextTest, NothingInPlainText) {
  EXPECT_FALSE(
      ContainsPersonalInfo("客户要求周末送货，改戒圈到14号", kImportDate));
  EXPECT_FALSE(ContainsPersonalInfo("", kImportDate));
  EXPECT_FALSE(
      ContainsPersonalInfo("订单 2023-10-01 14:30 金额 12,800", kImportDate));
  EXPECT_FALSE(
      ContainsPersonalInfo("订单号20230101123456", kImportDate));  // 14 digits
}

TEST(FreeTextTest, Mobile) {
  EXPECT_TRUE(Scan("客户电话13812345678请回电").mobile);
  EXPECT_TRUE(Scan("13812345678").mobile);
  EXPECT_TRUE(Scan("tel:13812345678.").mobile);
  EXPECT_TRUE(Scan("+86 13812345678").mobile);
  EXPECT_TRUE(Scan("+8613812345678").mobile);
  EXPECT_TRUE(Scan("008613812345678").mobile);
  EXPECT_TRUE(Scan("电话 138 1234 5678 ").mobile);
  EXPECT_TRUE(Scan("电话:138-1234-5678").mobile);
  EXPECT_TRUE(Scan("+86-138-1234-5678").mobile);
  // Full-width digits.
  EXPECT_TRUE(Scan("电话\uFF11\uFF13\uFF18\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16"
                   "\uFF17\uFF18")
                  .mobile);
}

TEST(FreeTextTest, MobileInsideLongerDigitRunIsNotFound) {
  EXPECT_FALSE(Scan("编号138123456789").mobile);  // 12-digit run
  EXPECT_FALSE(Scan("编号913812345678").mobile);  // digit before
  EXPECT_FALSE(Scan("861381234567").mobile);      // 86 + 10 digits
  EXPECT_FALSE(Scan("138 1234 5678 9").mobile);   // the chain continues
  EXPECT_FALSE(Scan("1381234567").mobile);        // 10 digits
  EXPECT_FALSE(Scan("12812345678").mobile);       // not a mobile prefix
}

TEST(FreeTextTest, IdNumber) {
  const std::string id = MakeId("44010619900101123");
  EXPECT_TRUE(Scan("身份证" + id + "已核对").id_number);
  EXPECT_TRUE(Scan("证件:11010519491231002X").id_number);
  EXPECT_TRUE(Scan("证件:11010519491231002x号").id_number);
  EXPECT_TRUE(Scan("440106 19900101 " + id.substr(14)).id_number);
}

TEST(FreeTextTest, IdNumberNotFound) {
  const std::string id = MakeId("44010619900101123");
  FreeTextFindings in20 = Scan("流水" + id + "99");  // inside a 20-digit run
  EXPECT_FALSE(in20.id_number);
  EXPECT_FALSE(in20.any());
  EXPECT_FALSE(Scan("7" + id).id_number);
  EXPECT_FALSE(Scan("证件11010519491231002X5").id_number);  // digit after the X
  EXPECT_FALSE(Scan("11010519491231002Y").id_number);
  // Bad check digit, future birth date, 15-digit form: not "a valid 18-digit
  // ID".
  EXPECT_FALSE(Scan("110105194912310021").id_number);
  EXPECT_FALSE(Scan(MakeId("44010620300101123")).id_number);
  EXPECT_FALSE(Scan("110105491231002").id_number);
}

TEST(FreeTextTest, BankCard) {
  const std::string c16 = MakeLuhn("622202123456789");
  const std::string c19 = MakeLuhn("622848001234567890");
  EXPECT_TRUE(Scan("退款卡号" + c16).bank_card);
  EXPECT_TRUE(Scan("卡" + c19 + "。").bank_card);
  EXPECT_TRUE(Scan("4111 1111 1111 1111").bank_card);
  EXPECT_TRUE(Scan("4111-1111-1111-1111").bank_card);
  EXPECT_FALSE(Scan("4111111111111112").bank_card);  // Luhn fails
  EXPECT_FALSE(
      Scan(MakeLuhn("42222222222222")).bank_card);  // 15 digits: too short
  EXPECT_FALSE(Scan("4222222222222").bank_card);    // 13 digits: too short here
  EXPECT_FALSE(Scan(c19 + "1").bank_card);          // 20-digit run
  EXPECT_FALSE(Scan(c16 + "0000").bank_card);       // 20-digit run
}

// Digit groups are joined only in the shapes these numbers are written in: an order
// number of two 8-digit halves whose 16 digits pass Luhn is not a card, a date before a
// mobile makes no mobile of the chain.
TEST(FreeTextTest, OtherDigitGroupingsAreNotJoined) {
  const std::string c16 = MakeLuhn("202401150000000");
  ASSERT_TRUE(Scan(c16).bank_card);
  EXPECT_FALSE(Scan("订单" + c16.substr(0, 8) + "-" + c16.substr(8) + "已付款").any());
  EXPECT_FALSE(Scan("编号 " + c16.substr(0, 6) + " " + c16.substr(6)).any());
  EXPECT_FALSE(Scan("138-12345678").mobile);
  EXPECT_FALSE(Scan("1381 234 5678").mobile);
  EXPECT_TRUE(Scan("0086 138 1234 5678").mobile);
  EXPECT_TRUE(Scan("86-138-1234-5678").mobile);
  EXPECT_TRUE(Scan(c16.substr(0, 4) + " " + c16.substr(4, 4) + " " + c16.substr(8, 4) + " " +
                   c16.substr(12)).bank_card);
  const std::string c19 = MakeLuhn("622848001234567890");
  EXPECT_TRUE(Scan(c19.substr(0, 4) + "-" + c19.substr(4, 4) + "-" + c19.substr(8, 4) + "-" +
                   c19.substr(12, 4) + "-" + c19.substr(16)).bank_card);
  const std::string id = MakeId("44010619900101123");
  EXPECT_FALSE(Scan(id.substr(0, 9) + " " + id.substr(9)).id_number);
}

TEST(FreeTextTest, Email) {
  EXPECT_TRUE(Scan("请发至 zhang.san@example.com。").email);
  EXPECT_TRUE(Scan("邮箱zhang@example.cn联系").email);
  EXPECT_TRUE(Scan("邮箱：ZHANG\uFF20EXAMPLE.COM").email);
  EXPECT_TRUE(Scan("(a@b.co)").email);
  EXPECT_FALSE(Scan("a@b").email);
  EXPECT_FALSE(Scan("@example.com").email);
  EXPECT_FALSE(Scan("张@example.com").email);
  EXPECT_FALSE(Scan("a@example.c").email);
  EXPECT_FALSE(Scan("a@.com").email);
  EXPECT_FALSE(Scan("微信@小王").email);
}

TEST(FreeTextTest, FindingsCombine) {
  FreeTextFindings f = Scan("13812345678 / alice@example.com");
  EXPECT_TRUE(f.mobile);
  EXPECT_TRUE(f.email);
  EXPECT_FALSE(f.id_number);
  EXPECT_FALSE(f.bank_card);
  EXPECT_TRUE(f.any());
}

TEST(FreeTextTest, InvalidUtf8IsScannedRaw) {
  EXPECT_TRUE(Scan("\xff 13812345678").mobile);
}

}  // namespace
}  // namespace jv::classify
