// Policy: who may do what to which field of personal information, for which purpose
// (SPEC §4 "Access"; RULEBOOK P44–P50, N1–N3). The one role × action × field × purpose
// table of the product lives in policy.cc (kRules) and nowhere else: the server, the CLI
// and the tests ask Authorize(); `jadevault policy table --json` prints the same table.
//
// Rules, in words (the table is the authority):
//  * Default deny. A (role, action) pair that no rule names is refused.
//  * Personal information is shown masked by default (`Decision::masked`). Only `dpo` may
//    reveal a field in clear, one field of one subject at a time, for a stated purpose and
//    with a written reason (`Decision::needs_reason`); the caller audits the reveal.
//  * `operator` and `liquidator` search and read subjects masked; `auditor` reads and
//    verifies the audit log; `recipient` sees only the packages addressed to it; `admin`
//    manages users and settings (and, from the CLI, keys, backups and `serve`) and never
//    reads personal information; `dpo` and `liquidator` manage retention and holds; `dpo`
//    alone manages governance (PIPIA, officer, cross-border records, incidents).
//  * Actions that touch personal information need a purpose the rule allows; actions that
//    do not ignore the purpose. Actions about one field (reveal) need the field.
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/result.h"

namespace jv::policy {

enum class Role { kAdmin, kDpo, kOperator, kLiquidator, kAuditor, kRecipient };

enum class Action {
  kSessionSelf,        // see one's own session (GET /me), log out
  kStatusRead,         // vault counts and crypto suite (no PI)
  kSubjectSearch,      // find subjects through blind indexes (masked)
  kSubjectRead,        // show one subject (masked)
  kSubjectReveal,      // show one field of one subject in clear
  kAuditVerify,        // recompute the audit chain (no PI)
  kAuditRead,          // read / export audit entries
  kUsersManage,        // add / list users
  kSettingsManage,     // vault settings
  kImport,             // import customer files
  kTransferManage,     // transfer setup, recipients, allocation, notices, packages
  kRequestsManage,     // customer-rights requests queue
  kLiquidationManage,  // liquidation deadlines, claims, items
  kPackageReceive,     // a recipient downloads its own package
  kResponseRecord,     // record a customer's response (object/consent/delete/correct)
  kRetentionManage,    // retention rules, plan and run; litigation holds (ids, counts)
  kGovernanceManage,   // impact assessment, PI officer, cross-border records, incidents
};

enum class Field {
  kMemberNo,
  kName,
  kGender,
  kBirthDate,
  kIdNumber,
  kMobile,
  kLandline,
  kEmail,
  kAddress,
  kBankCard,
  kStore,
  kMemberLevel,
  kPoints,
  kPrepaidBalance,
  kTotalSpend,
  kLastPurchaseDate,
  kRingSize,
  kNotes,
};

enum class Purpose {
  kCustomerService,   // answering a customer (clerk on the phone)
  kRightsRequest,     // handling a PIPL Art. 44–50 request
  kTransfer,          // the Art. 22 transfer
  kLiquidation,       // liquidation work
  kLegalObligation,   // a statutory duty (AML, accounting, a court order)
  kSecurityIncident,  // investigating an incident (Art. 57)
};

struct Decision {
  bool allowed = false;
  bool masked = true;         // values must be shown masked
  bool needs_reason = false;  // allowed only with a written reason (audited)
  std::string reason;         // why, in words (English; no PI)
};

Decision Authorize(Role role, Action action, std::optional<Field> field = std::nullopt,
                   std::optional<Purpose> purpose = std::nullopt);

// Is there any rule for (role, action)? A server refuses with 403 before even parsing the
// request when there is none; Authorize still decides with the field and purpose.
bool HasRule(Role role, Action action);

// Does `action` handle personal information (so a purpose is required)? Does it need a field?
bool TouchesPersonalInformation(Action action);
bool NeedsField(Action action);

// Names: "admin", "subject.reveal", "id_number", "customer_service". Parse* return
// kInvalidArgument for an unknown name (the message names the kind, not the value).
std::string_view RoleName(Role r);
std::string_view ActionName(Action a);
std::string_view FieldName(Field f);
std::string_view PurposeName(Purpose p);
Result<Role> ParseRole(std::string_view s);
Result<Action> ParseAction(std::string_view s);
Result<Field> ParseField(std::string_view s);
Result<Purpose> ParsePurpose(std::string_view s);

std::vector<Role> AllRoles();
std::vector<Action> AllActions();
std::vector<Field> AllFields();
std::vector<Purpose> AllPurposes();

// One row of the table as written in policy.cc, for export (`policy table --json`).
struct RuleView {
  Role role;
  Action action;
  std::vector<Field> fields;      // empty: any field (or none)
  std::vector<Purpose> purposes;  // empty: any purpose (or none)
  bool masked;
  bool needs_reason;
  std::string note;
};
std::vector<RuleView> Rules();

}  // namespace jv::policy
