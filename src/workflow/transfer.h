// The transfer workflow state (SPEC §6.1, §6.2, §6.4; RULEBOOK T1, T2, P47), stored as
// described in docs/design/transfer_model.md:
//   * settings: meta "transfer" = {reason, objection_days, setup_at, notice_deadline}
//   * recipients: ObjectRow kind "recipient" (a company and its business contact)
//   * allocation: subject attrs "recipient"
//   * responses: ObjectRow kind "response"; subject state objected / consented / shredded
// Every mutating function appends one audit entry (no personal data in it).
//
// Errors: kInvalidArgument for bad input (the message names the flag/field, never a
// value); kFailedPrecondition when the transfer is not set up; kNotFound for an unknown
// recipient or subject; store errors otherwise.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

inline constexpr char kMetaTransfer[] = "transfer";
inline constexpr char kKindRecipient[] = "recipient";
inline constexpr char kKindNotice[] = "notice";
inline constexpr char kKindResponse[] = "response";

// --- settings ---------------------------------------------------------------------------
struct TransferSettings {
  std::string reason;           // merger | division | dissolution | bankruptcy | sale
  int64_t objection_days = 0;   // >= 0
  int64_t setup_micros = 0;
  std::string notice_deadline;  // "YYYY-MM-DD" (China date of setup + objection_days)

  // PIPL 23 (separate consent) for "sale"; PIPL 22 (notice) otherwise.
  bool needs_consent() const { return reason == "sale"; }
  std::string article() const { return needs_consent() ? "PIPL 23" : "PIPL 22"; }
  nlohmann::json ToJson() const;
};
bool IsTransferReason(const std::string& reason);
// zh-CN + English label: "合并 (merger)".
std::string ReasonLabel(const std::string& reason);

Result<TransferSettings> SetupTransfer(vault::Vault& v, const std::string& reason,
                                       int64_t objection_days);
// kFailedPrecondition if `transfer setup` has not run.
Result<TransferSettings> GetTransfer(vault::Vault& v);

// --- recipients --------------------------------------------------------------------------
struct RecipientInput {
  std::string name, uscc, contact_name, contact_phone, address, region, age_recipient;
  std::vector<std::string> scope;  // canonical field names; empty = every field
};
// Validates (USCC check digit, age recipient, region, scope field names) and stores.
// Returns the stored object's JSON ({"id", "status", attrs…}).
Result<nlohmann::json> AddRecipient(vault::Vault& v, const RecipientInput& in);
Result<std::vector<nlohmann::json>> ListRecipients(vault::Vault& v);
nlohmann::json RecipientJson(const store::ObjectRow& row);

// --- allocation --------------------------------------------------------------------------
struct AllocateRule {
  bool all = false;
  std::string attr;   // "store" | "province" | "city" (when !all)
  std::string value;
};
struct AllocateResult {
  int64_t allocated = 0;          // subjects newly allocated to the recipient
  int64_t already_allocated = 0;  // matched but already with a recipient (left as is)
  int64_t recipient_total = 0;    // subjects now allocated to this recipient
  int64_t unallocated = 0;        // subjects with no recipient (stay, to be deleted)
};
// Parses "store=…", "province=…", "city=…"; kInvalidArgument otherwise.
Result<AllocateRule> ParseAllocateWhere(const std::string& where);
// Allocates matching unallocated subjects (not shredded/objected) to `recipient_id`.
Result<AllocateResult> Allocate(vault::Vault& v, const std::string& recipient_id,
                                const AllocateRule& rule);

// --- responses ---------------------------------------------------------------------------
struct ResponseResult {
  std::string response_id;
  std::string type;
  std::string new_state;
  nlohmann::json shred = nullptr;  // ShredOutcome for "delete"
};
// type: object | consent | delete | correct; via: phone | letter | portal | email.
// Used by `responses record` and POST /api/v1/responses. The subject is read inside the
// write transaction with Store::GetSubjectForUpdate (locked until commit), so concurrent
// writers on one subject — several servers and CLI processes on one PostgreSQL database —
// serialize: each sees the state the previous one committed, none is overwritten.
// kNotFound for an unknown subject, kFailedPrecondition if it is already shredded. A
// "delete" shreds the subject afterwards (ShredSubject, its own transaction); the caller
// ends the backup epoch (vault/backup_epoch.h).
Result<ResponseResult> RecordResponse(vault::Vault& v, const std::string& subject_id,
                                      const std::string& type, const std::string& via);

// Subject attrs as JSON (an object; "{}" when unparsable).
nlohmann::json SubjectAttrs(const store::SubjectRow& s);

}  // namespace jv::workflow
