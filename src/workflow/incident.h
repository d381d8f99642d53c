// Personal-information security incidents (PIPL 57; RULEBOOK P57, K4, K5, A1; SPEC §9):
// the register, severity, the affected subjects (a query over the vault), the 4-hour report
// clock, drafts of the regulator's and the individuals' notices, sending, a timeline, closure.
//
// Stored as ObjectRow{kind "incident", id "inc_…", status open|closed, attrs {type, detected,
// report_due, severity, report_required, external_audit_trigger, affected {query, subjects,
// sensitive_subjects, categories}, elements {categories, cause, harm, remedies,
// individual_actions, contact}, notices {regulator, individuals: {sent_at, channel, …}|null},
// timeline [{at, event, …}], resolution}}. Element texts are written by the liquidator about
// the incident, not about a customer; audit entries name the elements, never their text.
//
// A notice can be marked sent only when every PIPL 57 element is filled (categories, cause,
// harm; remedies, individual_actions; contact): otherwise kFailedPrecondition naming the
// missing elements (exit 5).
//
// Errors: kInvalidArgument for bad flags (named); kNotFound for an unknown incident;
// kFailedPrecondition for a closed incident or an incomplete notice; store errors otherwise.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/result.h"
#include "src/vault/vault.h"
#include "src/workflow/notices.h"

namespace jv::workflow {

inline constexpr char kKindIncident[] = "incident";
inline constexpr int64_t kIncidentReportHours = 4;  // K4 (non-CII operators)

// The PIPL 57 elements, in notice order.
const std::vector<std::string>& IncidentElements();

// K5 grading by affected individuals (thresholds below 100 million are UNVERIFIED in the
// RULEBOOK): >= 100,000,000 "especially_major" (特别重大), >= 10,000,000 "major" (重大),
// >= 1,000,000 "relatively_major" (较大), else "general" (一般).
std::string_view IncidentSeverity(int64_t affected);
// K4: 较大 and above must be reported to the provincial CAC within 4 hours.
bool ReportRequired(std::string_view severity);
// A1: an incident touching >= 1,000,000 people's PI or >= 100,000 people's sensitive PI may
// trigger an ordered external audit.
bool ExternalAuditTrigger(int64_t affected, int64_t sensitive);

struct IncidentOpen {
  std::string type;              // leak | tamper | loss | unauthorized
  std::string detected;          // RFC 3339 with offset
  std::string affected = "all";  // all | store=… | source=src_… | recipient=r_… | province=…
  std::string summary;           // optional first timeline note (no personal data)
};
Result<nlohmann::json> OpenIncident(vault::Vault& v, const IncidentOpen& in);
Result<nlohmann::json> GetIncident(vault::Vault& v, const std::string& id);
Result<std::vector<nlohmann::json>> ListIncidents(vault::Vault& v);
// `set`: element=TEXT pairs (element names from IncidentElements()); `note`: a timeline note.
Result<nlohmann::json> UpdateIncident(vault::Vault& v, const std::string& id,
                                      const std::vector<std::string>& set, const std::string& note);
// The rendered notice texts: {"regulator": "…", "individuals": "…", "missing": {…}}.
Result<nlohmann::json> IncidentDrafts(vault::Vault& v, const std::string& id);

// Sends the individuals' notice to every affected subject through `sink` (the transfer
// notice channels, delivery.h), or writes the regulator's notice to `regulator_out`.
// Refused (kFailedPrecondition) while an element is missing.
Result<nlohmann::json> SendIncidentNotice(vault::Vault& v, const std::string& id,
                                          const std::string& notice, NoticeSink* sink,
                                          const std::string& regulator_out);
Result<nlohmann::json> CloseIncident(vault::Vault& v, const std::string& id,
                                     const std::string& resolution);

}  // namespace jv::workflow
