// The claims register of customer-creditors (SPEC §7; RULEBOOK L2, B2, B6, PP3).
//
// One claim per subject: ObjectRow kind "claim", id "cl_…", subject_id, status
//   declared -> verified | disputed -> confirmed -> paid
// attrs (nothing identifying): {claim_type, history: [{status, on}], has_note}. The
// amounts (declared, ledger, confirmed, paid), the dispute reason and notes are property
// information of the customer, sealed under the subject's data key of class "claims_2y"
// (EBL 123: claim files are kept 2 years after termination) with the claim and subject ids
// as associated data.
//
// Recording:
//  * declared (--amount-fen required): stores the declaration and verifies it at once
//    against the ledger (liquidation.h: current prepaid balance + deposit): equal ->
//    "verified", different -> "disputed" with the reason (both amounts). A second
//    declaration replaces the first unless the claim is paid.
//  * verified: re-runs the check (after a newer balances import); ends verified or disputed.
//  * disputed: by hand; a note (--note-file) is required as the reason.
//  * confirmed: the liquidator's decision. Amount: --amount-fen, else the PP3 refund when
//    --paid-fen/--bonus-fen are given (claims_refund.h), else the ledger amount when the
//    claim was verified; a disputed claim needs an explicit amount.
//  * paid: only a confirmed claim, and never inside the declaration period (CL 235 /
//    EBL 16): kPermissionDenied citing both.
// Every call appends one audit entry (claim id, statuses; no amounts, no notes).
//
// Errors: kInvalidArgument (bad status, missing amount or note, negative amount);
// kNotFound (unknown or unmatched subject, no claim yet); kFailedPrecondition (a status the
// claim cannot move to, liquidation not set up); kPermissionDenied (refund freeze).
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "src/common/result.h"
#include "src/vault/vault.h"
#include "src/workflow/claims_refund.h"

namespace jv::workflow {

inline constexpr char kKindClaim[] = "claim";
inline constexpr char kClassClaims[] = "claims_2y";

struct ClaimInput {
  std::string subject_id{};
  std::string status{};  // declared | verified | disputed | confirmed | paid
  std::optional<int64_t> amount_fen{};
  std::string note{};        // from --note-file (PI-bearing; sealed)
  std::string claim_type{};  // ordinary (default) | conditional | retrieval (B6)
  // PP3 inputs for `confirmed` (claims_refund.h); used when paid_fen is set.
  std::optional<int64_t> paid_fen{};
  int64_t bonus_fen = 0;
  int64_t lpr_bp = 0;
  int64_t interest_days = 0;
};

// Records one step; returns the claim as ClaimJson shows it.
Result<nlohmann::json> RecordClaim(vault::Vault& v, const ClaimInput& in);

// Every claim, decrypted (one audit entry "claims.list", count only):
// {"claims": [...], "by_status": {...}, "count": N}.
Result<nlohmann::json> ListClaims(vault::Vault& v);

}  // namespace jv::workflow
