#include "src/classify/fields.h"

#include <array>

#include "src/classify/address.h"
#include "src/classify/bank_card.h"
#include "src/classify/email.h"
#include "src/classify/id_number.h"
#include "src/classify/landline.h"
#include "src/classify/mobile.h"
#include "src/classify/name.h"
#include "src/classify/person.h"
#include "src/classify/text_util.h"
#include "src/common/check.h"
#include "src/common/strings.h"

namespace jv::classify {
namespace {

// Header synonyms: SPEC §5.2 first, then common extras.
constexpr std::string_view kMemberNoH[] = {
    "会员编号",    "会员卡号", "卡号",   "客户编号",  "member_no",
    "customer_id", "会员号",   "会员ID", "member_id", "card_no"};
constexpr std::string_view kNameH[] = {"姓名",     "客户姓名", "会员姓名",
                                       "顾客姓名", "name",     "客户名",
                                       "会员名",   "full_name"};
constexpr std::string_view kGenderH[] = {"性别", "gender", "sex"};
constexpr std::string_view kBirthDateH[] = {
    "出生日期", "生日",       "birthday",     "birth_date",
    "dob",      "出生年月日", "date_of_birth"};
constexpr std::string_view kIdNumberH[] = {"身份证号", "身份证号码", "证件号码",
                                           "证件号",   "id_number",  "身份证",
                                           "id_card",  "id_no"};
constexpr std::string_view kMobileH[] = {
    "手机",   "手机号", "手机号码", "联系电话",     "电话",
    "mobile", "phone",  "移动电话", "mobile_phone", "cellphone"};
constexpr std::string_view kLandlineH[] = {"固定电话", "座机",     "固话",
                                           "座机号码", "landline", "telephone"};
constexpr std::string_view kEmailH[] = {
    "邮箱", "电子邮箱", "email", "e-mail", "电子邮件", "邮件", "mail"};
constexpr std::string_view kAddressH[] = {"地址",     "住址",     "联系地址",
                                          "收货地址", "address",  "家庭住址",
                                          "通讯地址", "详细地址", "家庭地址"};
constexpr std::string_view kBankCardH[] = {
    "银行卡号", "银行账号", "退款账户",    "bank_card",
    "银行卡",   "银行帐号", "bank_account"};
constexpr std::string_view kStoreH[] = {
    "门店", "所属门店", "开卡门店", "store", "门店名称", "店铺", "store_name"};
constexpr std::string_view kMemberLevelH[] = {"会员等级", "等级", "level",
                                              "会员级别", "member_level"};
constexpr std::string_view kPointsH[] = {"积分", "可用积分", "points",
                                         "会员积分", "当前积分"};
constexpr std::string_view kPrepaidBalanceH[] = {
    "储值余额",   "预存款",   "余额",           "balance",
    "储值卡余额", "卡内余额", "prepaid_balance"};
constexpr std::string_view kTotalSpendH[] = {"累计消费", "消费总额",
                                             "total_spend", "累计消费金额"};
constexpr std::string_view kLastPurchaseH[] = {
    "最近消费日期", "最后消费",     "last_purchase", "last_purchase_date",
    "最后消费日期", "最近消费时间", "最近购买日期"};
constexpr std::string_view kRingSizeH[] = {"手寸",      "戒指尺寸", "戒圈",
                                           "ring_size", "戒指手寸", "指圈"};
constexpr std::string_view kNotesH[] = {
    "备注", "说明", "notes", "备注信息", "remark", "remarks", "memo", "note"};

using C = FieldCategory;
const FieldInfo kFields[] = {
    {Field::kMemberNo, "member_no", false, false, C::kIdentifier, kMemberNoH},
    {Field::kName, "name", false, false, C::kIdentity, kNameH},
    {Field::kGender, "gender", false, false, C::kIdentity, kGenderH},
    {Field::kBirthDate, "birth_date", false, false, C::kIdentity, kBirthDateH},
    {Field::kIdNumber, "id_number", true, false, C::kIdentity, kIdNumberH},
    {Field::kMobile, "mobile", false, false, C::kContact, kMobileH},
    {Field::kLandline, "landline", false, false, C::kContact, kLandlineH},
    {Field::kEmail, "email", false, false, C::kContact, kEmailH},
    {Field::kAddress, "address", false, false, C::kContact, kAddressH},
    {Field::kBankCard, "bank_card", true, false, C::kFinancialAccount,
     kBankCardH},
    {Field::kStore, "store", false, false, C::kMembership, kStoreH},
    {Field::kMemberLevel, "member_level", false, false, C::kMembership,
     kMemberLevelH},
    {Field::kPoints, "points", true, false, C::kProperty, kPointsH},
    {Field::kPrepaidBalance, "prepaid_balance", true, false, C::kProperty,
     kPrepaidBalanceH},
    {Field::kTotalSpend, "total_spend", true, false, C::kConsumption,
     kTotalSpendH},
    {Field::kLastPurchaseDate, "last_purchase_date", false, false,
     C::kConsumption, kLastPurchaseH},
    {Field::kRingSize, "ring_size", false, false, C::kPreference, kRingSizeH},
    {Field::kNotes, "notes", false, true, C::kFreeText, kNotesH},
};

std::string HeaderKey(std::string_view header) {
  Result<std::string> n = NormalizeNfkc(header);
  std::string s = ToLowerAscii(n.ok() ? std::string_view(*n) : header);
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t c = internal::NextCodePoint(s, &pos);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '_' ||
        c == '-' || c == '*' || c == 0x3000 || c == 0xA0 || c == 0xFEFF) {
      continue;
    }
    out.append(s, start, pos - start);
  }
  while (!out.empty() && out.back() == ':') out.pop_back();
  return out;
}

bool IsGenderWord(std::string_view v) {
  Checked<Gender> g = ParseGender(v);
  if (!g.valid()) return false;
  std::string n = ToUpperAscii(v);
  return n != "0" && n != "1" && n != "2" && n != "9";
}

}  // namespace

std::span<const FieldInfo> AllFields() { return kFields; }

const FieldInfo& GetFieldInfo(Field f) {
  const auto& info = kFields[static_cast<size_t>(f)];
  JV_CHECK(info.field == f);
  return info;
}

std::string_view FieldName(Field f) { return GetFieldInfo(f).name; }

std::string_view FieldCategoryName(FieldCategory c) {
  switch (c) {
    case C::kIdentifier:
      return "identifier";
    case C::kIdentity:
      return "identity";
    case C::kContact:
      return "contact";
    case C::kFinancialAccount:
      return "financial_account";
    case C::kMembership:
      return "membership";
    case C::kProperty:
      return "property";
    case C::kConsumption:
      return "consumption";
    case C::kPreference:
      return "preference";
    case C::kFreeText:
      return "free_text";
  }
  return "free_text";
}

std::optional<Field> FieldFromName(std::string_view name) {
  for (const FieldInfo& f : kFields) {
    if (f.name == name) return f.field;
  }
  return std::nullopt;
}

std::optional<Field> HeaderToField(std::string_view header) {
  const std::string key = HeaderKey(header);
  if (key.empty()) return std::nullopt;
  for (const FieldInfo& f : kFields) {
    for (std::string_view h : f.headers) {
      if (HeaderKey(h) == key) return f.field;
    }
  }
  return std::nullopt;
}

std::optional<Field> DetectFieldFromValues(
    const std::vector<std::string>& samples, const Date& import_date) {
  struct Detector {
    Field field;
    bool (*match)(const std::string& v, const Date& d);
  };
  static const Detector kDetectors[] = {
      {Field::kIdNumber,
       [](const std::string& v, const Date& d) {
         IdOutcome o = CheckIdNumber(v, d).outcome;
         return o == IdOutcome::kValid || o == IdOutcome::kConverted15 ||
                o == IdOutcome::kBadChecksum;
       }},
      {Field::kMobile, [](const std::string& v,
                          const Date&) { return CheckMobile(v).valid(); }},
      {Field::kEmail,
       [](const std::string& v, const Date&) { return CheckEmail(v).valid(); }},
      {Field::kBankCard, [](const std::string& v,
                            const Date&) { return CheckBankCard(v).valid(); }},
      {Field::kLandline, [](const std::string& v,
                            const Date&) { return CheckLandline(v).valid(); }},
      {Field::kGender,
       [](const std::string& v, const Date&) { return IsGenderWord(v); }},
      {Field::kAddress,
       [](const std::string& v, const Date&) { return LooksLikeAddress(v); }},
      {Field::kName, [](const std::string& v,
                        const Date&) { return LooksLikePersonName(v); }},
  };
  std::vector<std::string> values;
  for (const std::string& raw : samples) {
    std::optional<std::string> n = internal::NormalizeOrNull(raw);
    if (!n) {
      values.push_back(
          raw);  // present but unreadable: counts against every detector
    } else if (!n->empty()) {
      values.push_back(std::move(*n));
    }
  }
  if (values.empty()) return std::nullopt;
  std::optional<Field> best;
  size_t best_count = 0;
  for (const Detector& det : kDetectors) {
    size_t count = 0;
    for (const std::string& v : values) {
      if (det.match(v, import_date)) ++count;
    }
    // count / n >= 80 %, in integers.
    if (count * 5 >= values.size() * 4 && count > best_count) {
      best = det.field;
      best_count = count;
    }
  }
  return best;
}

bool IsSensitiveField(Field f) { return GetFieldInfo(f).sensitive; }

bool IsSensitiveFor(Field f, bool subject_is_minor_under_14) {
  return subject_is_minor_under_14 || IsSensitiveField(f);
}

}  // namespace jv::classify
