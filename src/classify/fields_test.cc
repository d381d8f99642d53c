#include "src/classify/fields.h"

#include <gtest/gtest.h>

#include <set>

#include "src/classify/test_util.h"

namespace jv::classify {
namespace {

using testing::kImportDate;
using testing::MakeId;

TEST(FieldsTest, CatalogueMatchesSpec) {
  ASSERT_EQ(AllFields().size(), 18u);
  const char* const kNames[] = {"member_no",   "name",
                                "gender",      "birth_date",
                                "id_number",   "mobile",
                                "landline",    "email",
                                "address",     "bank_card",
                                "store",       "member_level",
                                "points",      "prepaid_balance",
                                "total_spend", "last_purchase_date",
                                "ring_size",   "notes"};
  for (size_t i = 0; i < AllFields().size(); ++i) {
    const FieldInfo& f = AllFields()[i];
    EXPECT_EQ(f.name, kNames[i]);
    EXPECT_EQ(static_cast<size_t>(f.field), i);
    EXPECT_EQ(FieldFromName(f.name), f.field);
    EXPECT_EQ(&GetFieldInfo(f.field), &f);
    EXPECT_FALSE(f.headers.empty());
  }
  EXPECT_EQ(FieldFromName("nope"), std::nullopt);
  EXPECT_TRUE(GetFieldInfo(Field::kNotes).scanned);
  EXPECT_EQ(FieldCategoryName(GetFieldInfo(Field::kPoints).category),
            "property");
}

TEST(FieldsTest, Sensitivity) {
  std::set<std::string_view> sensitive;
  for (const FieldInfo& f : AllFields()) {
    if (IsSensitiveField(f.field)) sensitive.insert(f.name);
    EXPECT_TRUE(IsSensitiveFor(f.field, /*subject_is_minor_under_14=*/true))
        << f.name;
  }
  EXPECT_EQ(sensitive,
            (std::set<std::string_view>{"id_number", "bank_card", "points",
                                        "prepaid_balance", "total_spend"}));
  EXPECT_FALSE(IsSensitiveFor(Field::kMobile, false));
  EXPECT_TRUE(IsSensitiveFor(Field::kMobile, true));
}

TEST(FieldsTest, EverySynonymMapsToItsField) {
  for (const FieldInfo& f : AllFields()) {
    for (std::string_view h : f.headers) {
      EXPECT_EQ(HeaderToField(h), f.field)
          << f.name << " synonym #" << (&h - f.headers.data());
    }
  }
}

TEST(FieldsTest, SpecHeaders) {
  EXPECT_EQ(HeaderToField("会员卡号"), Field::kMemberNo);
  EXPECT_EQ(HeaderToField("customer_id"), Field::kMemberNo);
  EXPECT_EQ(HeaderToField("顾客姓名"), Field::kName);
  EXPECT_EQ(HeaderToField("dob"), Field::kBirthDate);
  EXPECT_EQ(HeaderToField("证件号"), Field::kIdNumber);
  EXPECT_EQ(HeaderToField("联系电话"), Field::kMobile);
  EXPECT_EQ(HeaderToField("座机"), Field::kLandline);
  EXPECT_EQ(HeaderToField("退款账户"), Field::kBankCard);
  EXPECT_EQ(HeaderToField("开卡门店"), Field::kStore);
  EXPECT_EQ(HeaderToField("余额"), Field::kPrepaidBalance);
  EXPECT_EQ(HeaderToField("消费总额"), Field::kTotalSpend);
  EXPECT_EQ(HeaderToField("last_purchase"), Field::kLastPurchaseDate);
  EXPECT_EQ(HeaderToField("戒圈"), Field::kRingSize);
  EXPECT_EQ(HeaderToField("说明"), Field::kNotes);
}

TEST(FieldsTest, HeaderMatchingIgnoresCaseSpacesAndWidth) {
  EXPECT_EQ(HeaderToField("MOBILE"), Field::kMobile);
  EXPECT_EQ(HeaderToField(" Mobile "), Field::kMobile);
  EXPECT_EQ(HeaderToField("\uFF4D\uFF4F\uFF42\uFF49\uFF4C\uFF45"),
            Field::kMobile);  // ｍｏｂｉｌｅ
  EXPECT_EQ(HeaderToField("Member No"), Field::kMemberNo);
  EXPECT_EQ(HeaderToField("MEMBER_NO"), Field::kMemberNo);
  EXPECT_EQ(HeaderToField("手机 号码"), Field::kMobile);
  EXPECT_EQ(HeaderToField("手机\u3000号码"), Field::kMobile);
  EXPECT_EQ(HeaderToField("姓名："), Field::kName);
  EXPECT_EQ(HeaderToField("*姓名"), Field::kName);
  EXPECT_EQ(HeaderToField("\xEF\xBB\xBF会员编号"), Field::kMemberNo);  // BOM
  EXPECT_EQ(HeaderToField("Birth Date"), Field::kBirthDate);
}

TEST(FieldsTest, UnknownHeaders) {
  EXPECT_EQ(HeaderToField(""), std::nullopt);
  EXPECT_EQ(HeaderToField("   "), std::nullopt);
  EXPECT_EQ(HeaderToField("列1"), std::nullopt);
  EXPECT_EQ(HeaderToField("id"), std::nullopt);
  EXPECT_EQ(HeaderToField("手机号码2"), std::nullopt);
}

std::vector<std::string> Repeat(const std::vector<std::string>& good,
                                size_t n_good, const std::string& bad,
                                size_t n_bad) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n_good; ++i) out.push_back(good[i % good.size()]);
  for (size_t i = 0; i < n_bad; ++i) out.push_back(bad);
  return out;
}

TEST(FieldsTest, DetectMobileColumnAtEightyPercent) {
  const std::vector<std::string> mobiles = {"13812345678", "+86 139 1234 5678",
                                            "15012345678"};
  EXPECT_EQ(DetectFieldFromValues(Repeat(mobiles, 10, "", 0), kImportDate),
            Field::kMobile);
  EXPECT_EQ(DetectFieldFromValues(Repeat(mobiles, 8, "n/a", 2), kImportDate),
            Field::kMobile);
  EXPECT_EQ(DetectFieldFromValues(Repeat(mobiles, 7, "n/a", 3), kImportDate),
            std::nullopt);
  // Empty cells do not count: 4 mobiles + 1 bad + 20 empty = 80 %.
  std::vector<std::string> v = Repeat(mobiles, 4, "n/a", 1);
  for (int i = 0; i < 20; ++i) v.push_back(" ");
  EXPECT_EQ(DetectFieldFromValues(v, kImportDate), Field::kMobile);
}

TEST(FieldsTest, DetectOtherColumns) {
  const std::vector<std::string> ids = {
      MakeId("44010619900101123"), "11010519491231002X",
      "110105194912310021" /* bad checksum still ID-shaped */};
  EXPECT_EQ(DetectFieldFromValues(Repeat(ids, 9, "", 0), kImportDate),
            Field::kIdNumber);
  EXPECT_EQ(
      DetectFieldFromValues({"a@example.com", "b@example.cn", "C@EXAMPLE.COM"},
                            kImportDate),
      Field::kEmail);
  EXPECT_EQ(
      DetectFieldFromValues({"4111111111111111", "4222222222222"}, kImportDate),
      Field::kBankCard);
  EXPECT_EQ(
      DetectFieldFromValues({"010-65123456", "0755-2345678"}, kImportDate),
      Field::kLandline);
  EXPECT_EQ(DetectFieldFromValues({"男", "女", "女", "男", "M"}, kImportDate),
            Field::kGender);
  EXPECT_EQ(
      DetectFieldFromValues(
          {"张三", "李四", "欧阳娜娜", "阿不都·热合曼", "王小明"}, kImportDate),
      Field::kName);
  EXPECT_EQ(DetectFieldFromValues(
                {"广东省广州市天河区体育西路1号", "北京市朝阳区建国路88号",
                 "上海市静安区南京西路1266号"},
                kImportDate),
            Field::kAddress);
}

TEST(FieldsTest, NoGuessForAmbiguousOrEmptyColumns) {
  EXPECT_EQ(DetectFieldFromValues({}, kImportDate), std::nullopt);
  EXPECT_EQ(DetectFieldFromValues({"", " ", "\u3000"}, kImportDate),
            std::nullopt);
  EXPECT_EQ(DetectFieldFromValues({"1990-01-01", "1985-05-05"}, kImportDate),
            std::nullopt);
  EXPECT_EQ(DetectFieldFromValues({"1", "2", "1", "2"}, kImportDate),
            std::nullopt);
  EXPECT_EQ(DetectFieldFromValues({"100.00", "2,000"}, kImportDate),
            std::nullopt);
  EXPECT_EQ(
      DetectFieldFromValues({"金卡", "钻石卡", "普通会员", "VIP"}, kImportDate),
      std::nullopt);
}

}  // namespace
}  // namespace jv::classify
