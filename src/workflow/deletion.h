// After the recipient's acknowledgement: shred the transferor's copy and certify it
// (SPEC §6 item 8; docs/formats/package.md "Deletion certificate").
//
// ShredTransferred shreds every subject in state "transferred" with ShredSubject (shred.h):
// data keys, records and blind indexes go; a subject with data under a retention lock keeps
// that class and becomes "restricted". Then Store::Compact() makes the bytes unrecoverable.
// The run is remembered as ObjectRow{kind "shred_run"} listing the subject ids and the audit
// sequence numbers of their "subject.shred" entries, and audited as "shred.run".
//
// BuildDeletionCertificate appends "certificate.deletion", signs a fresh checkpoint, and
// returns cert.json (what was transferred to whom — acknowledged packages —, what was
// destroyed — `shredded`, `restricted` —, when, the checkpoint, and for every shred entry
// its audit line and RFC 6962 inclusion proof in that checkpoint), the raw detached signature
// of cert.json's bytes by the vault's signing key, and a printable zh-CN HTML rendering.
//
// Errors: kFailedPrecondition inside an open transaction or (certificate) when nothing was
// shredded yet; store, audit and crypto errors as returned. No personal data is written.
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/bytes.h"
#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

inline constexpr char kCertificateFormat[] = "jadevault-deletion-certificate v1";

struct ShredRunResult {
  std::string run_id;
  std::vector<std::string> shredded;    // subject ids now "shredded"
  std::vector<std::string> restricted;  // subject ids now "restricted" (a lock holds)
  std::vector<int64_t> audit_seqs;      // their "subject.shred" entries
};

Result<ShredRunResult> ShredTransferred(vault::Vault& v);

struct DeletionCertificate {
  std::string json_text;  // cert.json bytes (what the signature covers)
  Bytes signature;        // cert.json.sig
  std::string html;       // cert.html
  nlohmann::json doc;     // parsed json_text
};

Result<DeletionCertificate> BuildDeletionCertificate(vault::Vault& v);

}  // namespace jv::workflow
