#include "src/workflow/retention_rules.h"

#include <algorithm>
#include <charconv>

#include "src/classify/fields.h"
#include "src/common/strings.h"

namespace jv::workflow {

namespace {

using json = nlohmann::json;

// The table. One row per data-key class; docs/design/retention.md mirrors it.
constexpr RetentionRule kRules[] = {
    {vault::kClassProfile, "客户资料", "customer profile", "PIPL 47 [V]", "§2 P47",
     Anchor::kCaseClosed, 0, ""},
    {kClassAml, "反洗钱客户身份资料和交易记录", "AML due-diligence and transaction records",
     "AML Law 34 [V]; PBOC 124 [S]", "§7 M2, M4, M5; §10", Anchor::kRelationshipEnd, 10, ""},
    {kClassAccounting, "会计凭证（交易记录）", "accounting vouchers (transactions)",
     "Accounting Archives Measures Art. 14-15 + Annex [S]", "§10", Anchor::kFiscalYearEnd, 30,
     ""},
    {kClassPrepaid, "预付卡登记资料", "prepaid-card registration", "MOFCOM Order 9 [S]",
     "§9 PP1; §10", Anchor::kCaseClosed, 5, "prepaid_years"},
    {kClassItems, "客户寄存物品登记", "customer items held (repair, custody, consignment)",
     "EBL 123 [V] (applied to item-retrieval files)", "§8 B5, B7; §10", Anchor::kCaseClosed, 2,
     "customer_items_years"},
};

Status BadSetting(std::string_view key, std::string_view why) {
  return InvalidArgumentError("retention setting " + std::string(key) + ": " +
                              std::string(why));
}

Result<int> ParseYears(std::string_view key, std::string_view value) {
  int n = 0;
  std::string_view t = TrimSpace(value);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || p != t.data() + t.size() || n < 0 || n > 100) {
    return BadSetting(key, "must be a whole number of years 0..100");
  }
  return n;
}

Status CheckCddFields(const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    if (!classify::FieldFromName(f)) return BadSetting("aml_cdd_fields", "unknown field " + f);
  }
  return Status::Ok();
}

}  // namespace

std::string_view AnchorName(Anchor a) {
  switch (a) {
    case Anchor::kCaseClosed: return "case_closed";
    case Anchor::kFiscalYearEnd: return "fiscal_year_end";
    case Anchor::kRelationshipEnd: return "relationship_end";
  }
  return "case_closed";
}

std::span<const RetentionRule> RetentionRules() { return kRules; }

const RetentionRule* FindRetentionRule(std::string_view key_class) {
  for (const RetentionRule& r : kRules) {
    if (r.key_class == key_class) return &r;
  }
  return nullptr;
}

std::vector<std::string> RetentionSettings::DefaultCddFields() {
  // M4: name, gender, address, contact, ID type/number/validity — the ones a customer
  // export holds (nationality, occupation and agent are not collected by the company).
  return {"name", "gender", "id_number", "address", "mobile", "landline", "email"};
}

json RetentionSettings::ToJson() const {
  return {{"prepaid_years", prepaid_years},
          {"customer_items_years", customer_items_years},
          {"aml_hold_for_regulator", aml_hold_for_regulator},
          {"aml_cdd_fields", aml_cdd_fields}};
}

Result<RetentionSettings> RetentionSettings::FromJson(const json& j) {
  RetentionSettings s;
  if (!j.is_object()) return InvalidArgumentError("retention settings must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "prepaid_years" || k == "customer_items_years") {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 100) {
        return BadSetting(k, "must be a whole number of years 0..100");
      }
      (k == "prepaid_years" ? s.prepaid_years : s.customer_items_years) = v.get<int>();
    } else if (k == "aml_hold_for_regulator") {
      if (!v.is_boolean()) return BadSetting(k, "must be true or false");
      s.aml_hold_for_regulator = v.get<bool>();
    } else if (k == "aml_cdd_fields") {
      if (!v.is_array()) return BadSetting(k, "must be a list of field names");
      s.aml_cdd_fields.clear();
      for (const json& f : v) {
        if (!f.is_string()) return BadSetting(k, "must be a list of field names");
        s.aml_cdd_fields.push_back(f.get<std::string>());
      }
      JV_RETURN_IF_ERROR(CheckCddFields(s.aml_cdd_fields));
    } else {
      return BadSetting(k, "unknown setting");
    }
  }
  return s;
}

Status RetentionSettings::Set(std::string_view key, std::string_view value) {
  if (key == "prepaid_years") {
    JV_ASSIGN_OR_RETURN(prepaid_years, ParseYears(key, value));
  } else if (key == "customer_items_years") {
    JV_ASSIGN_OR_RETURN(customer_items_years, ParseYears(key, value));
  } else if (key == "aml_hold_for_regulator") {
    std::string v = ToLowerAscii(TrimSpace(value));
    if (v == "true") {
      aml_hold_for_regulator = true;
    } else if (v == "false") {
      aml_hold_for_regulator = false;
    } else {
      return BadSetting(key, "must be true or false");
    }
  } else if (key == "aml_cdd_fields") {
    std::vector<std::string> fields;
    for (std::string_view part : Split(value, ',')) {
      std::string f(TrimSpace(part));
      if (!f.empty()) fields.push_back(f);
    }
    if (fields.empty()) return BadSetting(key, "needs at least one field");
    JV_RETURN_IF_ERROR(CheckCddFields(fields));
    aml_cdd_fields = std::move(fields);
  } else {
    return BadSetting(key, "unknown setting");
  }
  return Status::Ok();
}

Result<RetentionSettings> LoadRetentionSettings(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(std::optional<std::string> raw, v.store().GetMeta(kMetaRetentionSettings));
  if (!raw) return RetentionSettings();
  json j = json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return DataLossError("vault meta retention.settings is not a JSON object");
  }
  return RetentionSettings::FromJson(j);
}

Status SaveRetentionSettings(vault::Vault& v, const RetentionSettings& s) {
  JV_RETURN_IF_ERROR(CheckCddFields(s.aml_cdd_fields));
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaRetentionSettings, s.ToJson().dump()));
  JV_RETURN_IF_ERROR(v.AuditInTxn("retention.settings", "", "retention", s.ToJson()).status());
  return txn.Commit();
}

int EffectiveYears(const RetentionRule& rule, const RetentionSettings& s) {
  if (rule.setting == "prepaid_years") return s.prepaid_years;
  if (rule.setting == "customer_items_years") return s.customer_items_years;
  return rule.years;
}

Date FiscalYearEnd(const Date& d) { return Date{d.year, 12, 31}; }

Date PeriodLastDay(const Date& anchor, int years) { return anchor.AddYears(years); }

LockEnd ComputeLockEnd(const RetentionRule* rule, const RetentionSettings& s,
                       const LockInputs& in) {
  LockEnd out;
  if (rule == nullptr) {
    out.reason = "unknown_class";
    return out;
  }
  const int years = EffectiveYears(*rule, s);
  std::optional<Date> anchor;
  switch (rule->anchor) {
    case Anchor::kCaseClosed:
      if (!in.closed_on) {
        out.reason = "case_open";
        return out;
      }
      anchor = *in.closed_on;
      break;
    case Anchor::kFiscalYearEnd:
      if (!in.latest_event) {
        out.reason = "no_date";
        return out;
      }
      anchor = FiscalYearEnd(*in.latest_event);
      break;
    case Anchor::kRelationshipEnd:
      // The relationship ends at the latest when the business closes; a flagged
      // transaction after that (should not happen) would move it later.
      if (!in.closed_on) {
        out.reason = "case_open";
        return out;
      }
      anchor = in.latest_event ? std::max(*in.closed_on, *in.latest_event) : *in.closed_on;
      break;
  }
  Date last = PeriodLastDay(*anchor, years);
  if (rule->key_class == kClassAml && s.aml_hold_for_regulator) {
    out.reason = "awaiting_regulator";
    out.period_last_day = last;
    return out;
  }
  out.reason = "period";
  out.last_day = last;
  return out;
}

bool IsDue(const LockEnd& end, const Date& as_of) {
  return end.last_day.has_value() && as_of > *end.last_day;
}

json RetentionRulesJson(const RetentionSettings& s) {
  json rules = json::array();
  for (const RetentionRule& r : kRules) {
    rules.push_back({{"key_class", r.key_class},
                     {"category", std::string(r.category_zh) + " (" +
                                      std::string(r.category_en) + ")"},
                     {"cite", r.cite},
                     {"rulebook", r.rulebook},
                     {"anchor", AnchorName(r.anchor)},
                     {"years", EffectiveYears(r, s)},
                     {"setting", r.setting.empty() ? json(nullptr) : json(r.setting)}});
  }
  return rules;
}

}  // namespace jv::workflow
