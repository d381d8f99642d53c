#include "src/policy/policy.h"

#include <array>
#include <cstdint>

namespace jv::policy {

namespace {

// Field and purpose sets as bit masks; 0 means "any".
using Mask = uint32_t;
constexpr Mask Bit(Field f) { return Mask{1} << static_cast<int>(f); }
constexpr Mask Bit(Purpose p) { return Mask{1} << static_cast<int>(p); }
constexpr Mask kAny = 0;

constexpr Mask kCustomerFacing = Bit(Purpose::kCustomerService) | Bit(Purpose::kRightsRequest);
constexpr Mask kDpoPurposes = Bit(Purpose::kCustomerService) | Bit(Purpose::kRightsRequest) |
                              Bit(Purpose::kTransfer) | Bit(Purpose::kLiquidation) |
                              Bit(Purpose::kLegalObligation) | Bit(Purpose::kSecurityIncident);
constexpr Mask kLiquidatorPurposes =
    Bit(Purpose::kLiquidation) | Bit(Purpose::kLegalObligation) | Bit(Purpose::kCustomerService);

struct Rule {
  Role role;
  Action action;
  Mask fields;    // kAny or a set of fields
  Mask purposes;  // kAny or a set of purposes (only for actions that touch PI)
  bool masked;
  bool needs_reason;
  const char* note;
};

// THE table. Anything not listed here is refused.
constexpr Rule kRules[] = {
    // Everyone signed in may see their own session.
    {Role::kAdmin, Action::kSessionSelf, kAny, kAny, true, false, "own session"},
    {Role::kDpo, Action::kSessionSelf, kAny, kAny, true, false, "own session"},
    {Role::kOperator, Action::kSessionSelf, kAny, kAny, true, false, "own session"},
    {Role::kLiquidator, Action::kSessionSelf, kAny, kAny, true, false, "own session"},
    {Role::kAuditor, Action::kSessionSelf, kAny, kAny, true, false, "own session"},
    {Role::kRecipient, Action::kSessionSelf, kAny, kAny, true, false, "own session"},
    // Counts and the crypto suite: staff only, no PI.
    {Role::kAdmin, Action::kStatusRead, kAny, kAny, true, false, "counts, no PI"},
    {Role::kDpo, Action::kStatusRead, kAny, kAny, true, false, "counts, no PI"},
    {Role::kOperator, Action::kStatusRead, kAny, kAny, true, false, "counts, no PI"},
    {Role::kLiquidator, Action::kStatusRead, kAny, kAny, true, false, "counts, no PI"},
    {Role::kAuditor, Action::kStatusRead, kAny, kAny, true, false, "counts, no PI"},
    // Subjects: masked for the roles that work with customers.
    {Role::kDpo, Action::kSubjectSearch, kAny, kDpoPurposes, true, false, "masked"},
    {Role::kDpo, Action::kSubjectRead, kAny, kDpoPurposes, true, false, "masked"},
    {Role::kOperator, Action::kSubjectSearch, kAny, kCustomerFacing, true, false, "masked"},
    {Role::kOperator, Action::kSubjectRead, kAny, kCustomerFacing, true, false, "masked"},
    {Role::kLiquidator, Action::kSubjectSearch, kAny, kLiquidatorPurposes, true, false, "masked"},
    {Role::kLiquidator, Action::kSubjectRead, kAny, kLiquidatorPurposes, true, false, "masked"},
    // Reveal: the DPO only, one field, with a written reason (audited by the caller).
    {Role::kDpo, Action::kSubjectReveal, kAny, kDpoPurposes, false, true,
     "one field in clear with a written reason, audited"},
    // Audit: verification has no PI; reading entries is for the DPO and the auditor.
    {Role::kAdmin, Action::kAuditVerify, kAny, kAny, true, false, "no PI"},
    {Role::kDpo, Action::kAuditVerify, kAny, kAny, true, false, "no PI"},
    {Role::kAuditor, Action::kAuditVerify, kAny, kAny, true, false, "no PI"},
    {Role::kDpo, Action::kAuditRead, kAny, kAny, true, false, "entries hold ids, not values"},
    {Role::kAuditor, Action::kAuditRead, kAny, kAny, true, false, "entries hold ids, not values"},
    // Administration: users and settings, never PI.
    {Role::kAdmin, Action::kUsersManage, kAny, kAny, true, false, "no PI"},
    {Role::kAdmin, Action::kSettingsManage, kAny, kAny, true, false, "no PI"},
    // Case work.
    {Role::kDpo, Action::kImport, kAny, kAny, true, false, "report shows counts only"},
    {Role::kLiquidator, Action::kImport, kAny, kAny, true, false, "report shows counts only"},
    {Role::kDpo, Action::kTransferManage, kAny, kAny, true, false, "masked"},
    {Role::kDpo, Action::kRequestsManage, kAny, kAny, true, false, "masked"},
    {Role::kOperator, Action::kRequestsManage, kAny, kAny, true, false, "masked"},
    {Role::kDpo, Action::kLiquidationManage, kAny, kAny, true, false, "masked"},
    {Role::kLiquidator, Action::kLiquidationManage, kAny, kAny, true, false, "masked"},
    // Customers' responses to a notice (object, consent, delete, correct): the staff who
    // take the customer's call or letter. Records ids and the type only, no PI.
    {Role::kOperator, Action::kResponseRecord, kAny, kAny, true, false, "ids and type, no PI"},
    {Role::kDpo, Action::kResponseRecord, kAny, kAny, true, false, "ids and type, no PI"},
    {Role::kLiquidator, Action::kResponseRecord, kAny, kAny, true, false, "ids and type, no PI"},
    // Retention and litigation holds (CLI `retention …`, `holds …`): the people who delete
    // what the law no longer lets the company keep (SPEC §7). Ids and counts, no PI.
    {Role::kDpo, Action::kRetentionManage, kAny, kAny, true, false, "ids and counts, no PI"},
    {Role::kLiquidator, Action::kRetentionManage, kAny, kAny, true, false,
     "ids and counts, no PI"},
    // Governance (CLI `assess`, `officer`, `crossborder`, `incident`): the DPO's duties
    // (PIPL 52, 55-57, 38-40). Facts and counts, no PI.
    {Role::kDpo, Action::kGovernanceManage, kAny, kAny, true, false, "facts and counts, no PI"},
    // A recipient sees only the packages addressed to it.
    {Role::kRecipient, Action::kPackageReceive, kAny, kAny, false, false, "own package only"},
};

struct Named {
  const char* role[6] = {"admin", "dpo", "operator", "liquidator", "auditor", "recipient"};
  const char* action[17] = {
      "session.self",       "status.read",    "subject.search",  "subject.read",
      "subject.reveal",     "audit.verify",   "audit.read",      "users.manage",
      "settings.manage",    "import",         "transfer.manage", "requests.manage",
      "liquidation.manage", "package.receive", "response.record",
      "retention.manage",   "governance.manage"};
  const char* field[18] = {"member_no",   "name",
                           "gender",      "birth_date",
                           "id_number",   "mobile",
                           "landline",    "email",
                           "address",     "bank_card",
                           "store",       "member_level",
                           "points",      "prepaid_balance",
                           "total_spend", "last_purchase_date",
                           "ring_size",   "notes"};
  const char* purpose[6] = {"customer_service", "rights_request",   "transfer",
                            "liquidation",      "legal_obligation", "security_incident"};
};
constexpr Named kNames;

template <typename E, size_t N>
Result<E> ParseName(std::string_view s, const char* const (&names)[N], const char* kind) {
  for (size_t i = 0; i < N; ++i) {
    if (s == names[i]) return static_cast<E>(i);
  }
  return InvalidArgumentError(std::string("unknown ") + kind);
}

template <typename E, size_t N>
std::vector<E> All(const char* const (&)[N]) {
  std::vector<E> v;
  for (size_t i = 0; i < N; ++i) v.push_back(static_cast<E>(i));
  return v;
}

template <typename E>
std::vector<E> Expand(Mask m, const std::vector<E>& all) {
  std::vector<E> v;
  if (m == kAny) return v;
  for (E e : all) {
    if (m & Bit(e)) v.push_back(e);
  }
  return v;
}

}  // namespace

bool TouchesPersonalInformation(Action a) {
  return a == Action::kSubjectSearch || a == Action::kSubjectRead || a == Action::kSubjectReveal;
}

bool HasRule(Role role, Action action) {
  for (const Rule& r : kRules) {
    if (r.role == role && r.action == action) return true;
  }
  return false;
}

bool NeedsField(Action a) { return a == Action::kSubjectReveal; }

Decision Authorize(Role role, Action action, std::optional<Field> field,
                   std::optional<Purpose> purpose) {
  Decision d;
  const Rule* rule = nullptr;
  for (const Rule& r : kRules) {
    if (r.role == role && r.action == action) {
      rule = &r;
      break;
    }
  }
  std::string who = std::string(RoleName(role)) + " " + std::string(ActionName(action));
  if (rule == nullptr) {
    d.reason =
        "role " + std::string(RoleName(role)) + " may not " + std::string(ActionName(action));
    return d;
  }
  if (NeedsField(action) && !field) {
    d.reason = who + " needs a field";
    return d;
  }
  if (field && rule->fields != kAny && !(rule->fields & Bit(*field))) {
    d.reason = who + " is not allowed for field " + std::string(FieldName(*field));
    return d;
  }
  if (TouchesPersonalInformation(action)) {
    if (!purpose) {
      d.reason = who + " needs a purpose";
      return d;
    }
    if (rule->purposes != kAny && !(rule->purposes & Bit(*purpose))) {
      d.reason = who + " is not allowed for purpose " + std::string(PurposeName(*purpose));
      return d;
    }
  }
  d.allowed = true;
  d.masked = rule->masked;
  d.needs_reason = rule->needs_reason;
  d.reason = who + ": " + rule->note;
  return d;
}

std::string_view RoleName(Role r) { return kNames.role[static_cast<int>(r)]; }
std::string_view ActionName(Action a) { return kNames.action[static_cast<int>(a)]; }
std::string_view FieldName(Field f) { return kNames.field[static_cast<int>(f)]; }
std::string_view PurposeName(Purpose p) { return kNames.purpose[static_cast<int>(p)]; }
Result<Role> ParseRole(std::string_view s) { return ParseName<Role>(s, kNames.role, "role"); }
Result<Action> ParseAction(std::string_view s) {
  return ParseName<Action>(s, kNames.action, "action");
}
Result<Field> ParseField(std::string_view s) { return ParseName<Field>(s, kNames.field, "field"); }
Result<Purpose> ParsePurpose(std::string_view s) {
  return ParseName<Purpose>(s, kNames.purpose, "purpose");
}
std::vector<Role> AllRoles() { return All<Role>(kNames.role); }
std::vector<Action> AllActions() { return All<Action>(kNames.action); }
std::vector<Field> AllFields() { return All<Field>(kNames.field); }
std::vector<Purpose> AllPurposes() { return All<Purpose>(kNames.purpose); }

std::vector<RuleView> Rules() {
  std::vector<RuleView> out;
  for (const Rule& r : kRules) {
    out.push_back({r.role, r.action, Expand(r.fields, AllFields()),
                   Expand(r.purposes, AllPurposes()), r.masked, r.needs_reason, r.note});
  }
  return out;
}

}  // namespace jv::policy
