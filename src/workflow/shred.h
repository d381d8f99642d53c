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
// Used by `responses record --type delete` and `shred --transferred`.
// Errors: kNotFound if the subject does not exist; kFailedPrecondition if called inside an
// open transaction; store/audit errors otherwise. Idempotent: shredding an already-shredded
// subject deletes nothing and still records the audit entry.
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

struct ShredOutcome {
  std::vector<std::string> shredded_classes;  // data-key classes deleted
  std::vector<std::string> kept_classes;      // locked classes kept
  std::string new_state;                      // "shredded" | "restricted"
};

// True if data of `key_class` is under a retention lock (kept by ShredSubject).
bool IsLockedClass(const std::string& key_class);

Result<ShredOutcome> ShredSubject(vault::Vault& vault, const std::string& subject_id,
                                  const std::string& reason);

}  // namespace jv::workflow
