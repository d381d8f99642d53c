// The governance rules of the compliance gate (SPEC §9; RULEBOOK T4, T5, P47, P51, P52, X1–X5,
// A2). gate.cc registers them beside the transfer rules; each reads the vault and returns a
// RuleResult with evidence (counts, ids, dates — never personal data):
//
//   PIPL-55-PIPIA       blocking  an impact assessment exists and covers every recipient now
//                                 holding an allocation (assess.h)
//   XB-MECHANISM        blocking  each cross-border recipient has a recorded mechanism at
//                                 least as strong as the year-to-date volume requires
//   PIPL-39-CONSENT     advisory  cross-border subjects without separate consent (they are
//                                 left out of the package: "not_transferable")
//   PIPL-52-OFFICER     blocking  >= 1,000,000 individuals: a PI protection officer recorded
//   NDSMR-30-REPORT     blocking  >= 10,000,000 individuals: the provincial report filed
//   PIPL-51-ENCRYPTION  blocking  the suite is known and every live subject has a data key
//   PIPL-47-RETENTION   advisory  data past its purpose still held (warn)
//   AUDIT-CHAIN         blocking  `audit verify` passes
//
// The officer and the filings are settings (meta "governance"), set by SetOfficer and
// RecordFiling. Errors: kInvalidArgument for bad input; store errors otherwise.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "src/common/result.h"
#include "src/vault/vault.h"
#include "src/workflow/gate.h"

namespace jv::workflow {

inline constexpr char kMetaGovernance[] = "governance";
inline constexpr int64_t kOfficerThreshold = 1000000;  // PIPL 52, RULEBOOK A2
inline constexpr int64_t kNdsmrThreshold = 10000000;   // NDSMR 28/30, RULEBOOK T4

// {"officer": {name, contact, appointed_at} | null, "filings": [{type, reference, at}]}.
Result<nlohmann::json> GetGovernance(vault::Vault& v);
// Records the PI protection officer (a staff member's business contact). Audited.
Result<nlohmann::json> SetOfficer(vault::Vault& v, const std::string& name,
                                  const std::string& contact);
// type: officer_filing (CAC, A2) | provincial_report (NDSMR 30, T4). Audited.
Result<nlohmann::json> RecordFiling(vault::Vault& v, const std::string& type,
                                    const std::string& reference);

// Individuals the handler processes: subjects that are not import placeholders.
Result<int64_t> CountIndividuals(vault::Vault& v);

Result<RuleResult> PipiaRule(vault::Vault& v, const std::string& recipient_id);
Result<RuleResult> CrossBorderMechanismRule(vault::Vault& v, const std::string& recipient_id);
Result<RuleResult> CrossBorderConsentRule(vault::Vault& v, const std::string& recipient_id);
Result<RuleResult> OfficerRule(vault::Vault& v, const std::string& recipient_id);
Result<RuleResult> ProvincialReportRule(vault::Vault& v, const std::string& recipient_id);
Result<RuleResult> EncryptionRule(vault::Vault& v, const std::string& recipient_id);
Result<RuleResult> RetentionRule(vault::Vault& v, const std::string& recipient_id);
Result<RuleResult> AuditChainRule(vault::Vault& v, const std::string& recipient_id);

}  // namespace jv::workflow
