// ShredSubject: crypto-shredding of one subject (SPEC §4, §6.4 and §6.8; RULEBOOK P47).
//
// Deletes the subject's data keys, encrypted records of those classes, and — when nothing
// identifying remains — its blind indexes; then sets the subject's state and appends one
// audit entry "subject.shred" (details: classes shredded/kept, reason; no personal data).
// Classes other than "profile" count as locked (a legal retention lock, RULEBOOK §10) for
// now and are kept; a subject with kept classes becomes "restricted" (storage and security
// only), otherwise "shredded". Everything happens in one store transaction.
// Calling store().Compact() afterwards (to make the bytes unrecoverable) is left to the
// caller, who usually shreds a batch first.
//
// A class covered by an active litigation hold (holds.h) is always kept, whoever asks.
// ShredSubjectClasses is the same with the caller deciding which classes are kept (the
// retention run keeps the classes whose lock has not ended, retention.h).
//
// Used by `responses record --type delete`, `shred --transferred` and `retention run`.
// Errors: kNotFound if the subject does not exist; kFailedPrecondition if called inside an
// open transaction; store/audit errors otherwise. Idempotent: shredding an already-shredded
// subject deletes nothing and still records the audit entry.
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

struct ShredOutcome {
  std::vector<std::string> shredded_classes;  // data-key classes deleted
  std::vector<std::string> kept_classes;      // locked classes kept (held ones included)
  std::vector<std::string> held_classes;      // of kept_classes: kept by a litigation hold
  std::string new_state;                      // "shredded" | "restricted"
  int64_t data_keys_deleted = 0;
  int64_t records_deleted = 0;
  int64_t indexes_deleted = 0;
};

// True if data of `key_class` is under a retention lock (kept by ShredSubject).
bool IsLockedClass(const std::string& key_class);

Result<ShredOutcome> ShredSubject(vault::Vault& vault, const std::string& subject_id,
                                  const std::string& reason);

// True = keep this class.
using KeepClass = std::function<bool(const std::string& key_class)>;
// `extra_details` (an object, no personal data) is merged into the audit entry's details.
Result<ShredOutcome> ShredSubjectClasses(vault::Vault& vault, const std::string& subject_id,
                                         const std::string& reason, const KeepClass& keep,
                                         const nlohmann::json& extra_details = {});

// The same inside the caller's open transaction, so that a run can shred many subjects per
// commit (one commit per subject made `shred --transferred` of thousands of customers slow).
// The caller commits, then calls vault.DropKeyCache(). kFailedPrecondition outside a
// transaction.
Result<ShredOutcome> ShredSubjectClassesInTxn(vault::Vault& vault, const std::string& subject_id,
                                              const std::string& reason, const KeepClass& keep,
                                              const nlohmann::json& extra_details = {});

}  // namespace jv::workflow
