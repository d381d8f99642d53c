// Cross-border transfer (PIPL 38–40; RULEBOOK X1–X7; SPEC §9): which recipients are outside
// the mainland, how many individuals the handler has sent abroad since 1 January of the
// current year, the mechanism that volume requires, the mechanisms recorded for each
// recipient, and the separate consent (PIPL 39) of each customer sent abroad.
//
// Stored as (docs/design/governance.md):
//   * mechanism record: ObjectRow{kind "xb_mechanism", id "xm_…", status "recorded",
//     attrs {recipient, mechanism, reference, evidence_sha256, evidence_name, evidence_size,
//     recorded_at, valid_until}, sealed = the evidence file sealed by the master key}
//   * separate consent: subject attrs "xb_consent" = {"via", "at"} plus an ObjectRow
//     {kind "response", attrs {type "crossborder_consent", via, at}}
// Every mutating function appends one audit entry (ids, counts, hashes; no personal data).
//
// Errors: kInvalidArgument for bad flags (the message names the flag); kNotFound for an
// unknown recipient or subject; kFailedPrecondition for a domestic recipient; store errors
// otherwise.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

inline constexpr char kKindXbMechanism[] = "xb_mechanism";

// What the year-to-date volume requires (RULEBOOK X2–X4), weakest first.
enum class XbMechanism { kExempt, kStandardContractOrCertification, kSecurityAssessment };
// "exempt" | "standard_contract_or_certification" | "security_assessment"
std::string_view XbMechanismName(XbMechanism m);

// X3: sensitive >= 10,000 or non_sensitive >= 1,000,000 → security assessment; else
// non_sensitive >= 100,000 or sensitive >= 1 → standard contract or certification; else
// exempt. Negative counts are treated as 0.
XbMechanism RequiredMechanism(int64_t sensitive, int64_t non_sensitive);

// X6: every region except "CN" (mainland) is cross-border — HK, MO and TW included.
bool IsCrossBorderRegion(std::string_view region);

// The mechanisms `crossborder record` accepts.
bool IsRecordableMechanism(
    std::string_view m);  // security_assessment|standard_contract|certification
// True when a recorded mechanism covers what `required` asks: a security assessment covers
// everything; a standard contract or a certification covers standard_contract_or_certification
// and exempt; anything covers exempt.
bool MechanismSatisfies(std::string_view recorded, XbMechanism required);

// Whether one subject's data sent to a recipient with `scope` (canonical field names; empty
// = every field) includes sensitive personal information (SPEC §5.2, PIPL 28): the subject
// is a minor under 14, or has an ID number / bank card / property (points, prepaid balance)
// / consumption record (total_spend) that is in scope. Reads the importer's subject attrs
// (`minor`, `has_id`, `categories`).
bool SubjectSensitiveFor(const nlohmann::json& subject_attrs,
                         const std::vector<std::string>& scope);

// Micros of 1 January 00:00 China time (UTC+8) of the China-date year of `now_micros`.
int64_t YearStartMicros(int64_t now_micros);

struct XbRecipientFacts {
  std::string id, region;
  int64_t individuals = 0, sensitive = 0, non_sensitive = 0;
  int64_t without_consent = 0;  // allocated, no separate consent (PIPL 39)
  std::string recorded;         // strongest valid recorded mechanism, "" if none
  std::string record_id;        // its xb_mechanism object id
  nlohmann::json ToJson() const;
};

struct XbFacts {
  int year = 0;
  int64_t individuals = 0, sensitive = 0, non_sensitive = 0;  // handler-wide, year to date
  XbMechanism required = XbMechanism::kExempt;
  int64_t without_consent = 0;
  std::vector<XbRecipientFacts> recipients;  // cross-border recipients only
  nlohmann::json ToJson() const;
};

// Year-to-date count (X2): every distinct subject allocated to a cross-border recipient and
// not objected / restricted / a placeholder, except subjects already transferred or shredded
// before 1 January of this year (their last update is taken as the transfer date). Counts the
// prospective allocation too, so the mechanism is known before the package is built.
Result<XbFacts> ComputeCrossBorder(vault::Vault& v);

struct XbRecordInput {
  std::string recipient_id, mechanism, reference;
  std::string evidence_name;  // file base name
  std::string evidence;       // the file's bytes (at most 16 MiB)
};
// Stores the proof; returns the stored object's JSON (no evidence bytes). Audited
// ("crossborder.record").
Result<nlohmann::json> RecordMechanism(vault::Vault& v, const XbRecordInput& in);
// Every record, oldest first.
Result<std::vector<nlohmann::json>> ListMechanisms(vault::Vault& v);

// Records the subject's separate consent to the cross-border transfer. via: phone | letter
// | portal | email. Audited ("crossborder.consent").
Status RecordCrossBorderConsent(vault::Vault& v, const std::string& subject_id,
                                const std::string& via);

}  // namespace jv::workflow
