// Retention rules: the one table saying how long each data-key class of a subject must be
// kept (RULEBOOK §10, M5, PP1, B7, P47), the settings that stand in for the rules the
// RULEBOOK marks UNVERIFIED, and the date arithmetic that turns a rule and its anchor dates
// into the last day of the lock. docs/design/retention.md explains every row.
//
// Periods are counted as PRC law counts them (Civil Code Art. 201–202): the anchor day is
// not counted; a period of N years ends on the corresponding day N years later (Feb 29 ->
// Feb 28), which is the lock's last day; the class is due (deletable) from the next day.
// Accounting periods run from the first day after the fiscal (= calendar) year ends, so a
// voucher of any day of year Y is locked through Dec 31 of Y+30.
//
// Settings (vault meta "retention.settings", a JSON object; `retention settings --set`):
//   prepaid_years           int,  default 5    PP1 (article numbers UNVERIFIED)
//   customer_items_years    int,  default 2    B7 / EBL 123 applied to item-retrieval files
//   aml_hold_for_regulator  bool, default true M5: dealer hand-over on liquidation UNVERIFIED
//   aml_cdd_fields          list, default M4's fields we hold (field list UNVERIFIED)
// Errors: kInvalidArgument for an unknown setting or a bad value (names the key, never a
// value from the vault); kDataLoss if the stored settings are not a JSON object.
// Thread-safety: pure functions and value types, except the load/save helpers which use the
// vault (one thread at a time).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/date.h"
#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

// Data-key classes (SPEC §4). "profile" is vault::kClassProfile.
inline constexpr char kClassAml[] = "aml_10y";
inline constexpr char kClassAccounting[] = "accounting_30y";
inline constexpr char kClassPrepaid[] = "prepaid_5y";
inline constexpr char kClassItems[] = "customer_items";

inline constexpr char kMetaRetentionSettings[] = "retention.settings";

// What a rule's period counts from.
enum class Anchor {
  kCaseClosed,       // the case's closing date (purpose fulfilled / business ended)
  kFiscalYearEnd,    // Dec 31 of the year of the latest transaction in the class
  kRelationshipEnd,  // the later of the closing date and the latest flagged cash day
};
std::string_view AnchorName(Anchor a);  // "case_closed" | "fiscal_year_end" | "relationship_end"

struct RetentionRule {
  std::string_view key_class;
  std::string_view category_zh;
  std::string_view category_en;
  std::string_view cite;      // statute and RULEBOOK tag, e.g. "AML Law 34 [V]"
  std::string_view rulebook;  // RULEBOOK row, e.g. "§7 M5; §10"
  Anchor anchor;
  int years;                  // default period after the anchor
  std::string_view setting;   // "" = fixed by law; else the setting that overrides `years`
};

// Every per-subject class, in a fixed order (profile first).
std::span<const RetentionRule> RetentionRules();
// nullptr for a class without a rule (such a class is kept: "unknown_class").
const RetentionRule* FindRetentionRule(std::string_view key_class);

struct RetentionSettings {
  int prepaid_years = 5;
  int customer_items_years = 2;
  bool aml_hold_for_regulator = true;
  std::vector<std::string> aml_cdd_fields = DefaultCddFields();

  static std::vector<std::string> DefaultCddFields();
  nlohmann::json ToJson() const;
  // Keys absent from `j` keep their defaults. kInvalidArgument on a bad key or value.
  static Result<RetentionSettings> FromJson(const nlohmann::json& j);
  // One `--set KEY=VALUE` (aml_cdd_fields: comma-separated canonical field names).
  Status Set(std::string_view key, std::string_view value);
};

// The stored settings, defaults where unset. kDataLoss if the meta value is not JSON.
Result<RetentionSettings> LoadRetentionSettings(vault::Vault& v);
// Stores the settings and appends "retention.settings" (the new values) in one transaction.
Status SaveRetentionSettings(vault::Vault& v, const RetentionSettings& s);

// What is known about one class of one subject when its lock is computed.
struct LockInputs {
  std::optional<Date> closed_on;     // the case's closing date, if set
  std::optional<Date> latest_event;  // accounting: latest transaction; AML: latest flagged day
};

struct LockEnd {
  // The lock's last day; the class is due from the day after. nullopt: no end known yet.
  std::optional<Date> last_day;
  // Why: "period" (last_day set), "case_open" (the anchor needs the closing date),
  // "awaiting_regulator" (AML with aml_hold_for_regulator), "no_date" (no event date),
  // "unknown_class" (no rule).
  std::string reason;
  // The statutory period's last day when it is known but something else still holds the
  // data ("awaiting_regulator").
  std::optional<Date> period_last_day;
};

// The years a rule applies with these settings.
int EffectiveYears(const RetentionRule& rule, const RetentionSettings& s);
// Dec 31 of d's year (the PRC fiscal year is the calendar year, Accounting Law Art. 11).
Date FiscalYearEnd(const Date& d);
// The last day of a period of `years` counted from `anchor` (the anchor day not counted).
Date PeriodLastDay(const Date& anchor, int years);
// The lock of a class; `rule` nullptr = unknown class.
LockEnd ComputeLockEnd(const RetentionRule* rule, const RetentionSettings& s,
                       const LockInputs& in);
// True when the lock has ended on `as_of`.
bool IsDue(const LockEnd& end, const Date& as_of);

// The table as JSON (rules with the effective years), for `retention rules` and the plan.
nlohmann::json RetentionRulesJson(const RetentionSettings& s);

}  // namespace jv::workflow
