// The transfer package (SPEC §6 items 6–7; docs/formats/package.md is the byte-level spec).
//
// BuildPackage (transferor): selects the subjects allocated to one recipient (subject attrs
// "recipient"), minus objectors (state "objected" or a response of type object/delete),
// shredded, restricted, already transferred and unmatched subjects — and, when the transfer
// reason is "sale" (PIPL 23, RULEBOOK T2), only subjects whose state is "consented". For each
// it writes one line of data.jsonl holding only the fields in the recipient's scope (current
// values, ingest::CurrentValues over class "profile"). It appends the audit entry
// "package.build", signs a checkpoint covering it, writes manifest.json (counts, legal basis,
// notice statistics, the RFC 6962 SHA-256 root over the exact line bytes, the checkpoint)
// and manifest.sig (the raw detached signature of manifest.json's bytes by the vault's
// signing key), packs the three into a ustar archive (tar.h) and encrypts it to the
// recipient's age key. The package is remembered as ObjectRow{kind "package", status "built"}.
//
// ImportPackage (recipient, in its own vault): decrypts, unpacks, verifies manifest.sig
// against the signer's PEM key, the manifest's checkpoint signature, the data's SHA-256, the
// Merkle root, the line count and every per-field / per-category count; only then creates one
// subject per line (attrs {provenance, purposes}), its "profile" record and blind indexes,
// an ObjectRow{kind "provenance", id = package id} with the inherited purposes, and the
// audit entry "package.import". Returns the signed receipt.
//
// AckPackage (transferor): verifies a receipt's signature (against its embedded key and, if
// given, a pinned PEM), that it names a package this vault built with the same manifest
// SHA-256 and exactly its subjects, then marks those subjects "transferred" and the package
// "acknowledged" (audit entry "package.ack").
//
// Errors: kNotFound — no such recipient / package; kFailedPrecondition — the gate blocks
// (message names the failing rule ids), the recipient has no age key, nothing to package, a
// package already imported / acknowledged, or a call inside an open transaction;
// kInvalidArgument — malformed input (receipt JSON, missing signer); kDataLoss — a signature,
// hash, Merkle root or count does not verify, or the archive is malformed; kNotFound from
// age when no identity opens the package. Messages never contain personal data.
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/bytes.h"
#include "src/common/result.h"
#include "src/crypto/age.h"
#include "src/vault/vault.h"
#include "src/workflow/gate.h"

namespace jv::workflow {

inline constexpr char kPackageFormat[] = "jadevault-package v1";
inline constexpr char kReceiptFormat[] = "jadevault-receipt v1";

// The recipient as recorded by `recipients add` (docs/design/transfer_model.md).
struct RecipientInfo {
  std::string id;
  std::string name;
  std::string uscc;
  std::string region;
  std::string age_recipient;          // "age1…"
  std::vector<std::string> scope;     // canonical field names; empty = every catalogue field
  std::vector<std::string> purposes;
  std::string legal_basis;
};
// kNotFound if there is no recipient object with this id.
Result<RecipientInfo> LoadRecipient(vault::Vault& v, const std::string& recipient_id);

// RFC 6962 Merkle Tree Hash (SHA-256) over `lines` taken as leaf data (without '\n').
std::string MerkleRootHex(const std::vector<std::string>& lines);

struct BuildOptions {
  std::string recipient_id;
  // The gate as evaluated for this recipient (EvaluateGate(v, recipient_id)); refused with
  // kFailedPrecondition if it is blocked. nullptr: not checked (unit tests of the format).
  const GateReport* gate = nullptr;
};

struct BuiltPackage {
  std::string package_id;
  Bytes encrypted;             // the age file (binary)
  std::string data_jsonl;      // plaintext members, for tests and `--keep-plain`-free checks
  std::string manifest_json;
  Bytes manifest_sig;
  nlohmann::json manifest;     // parsed manifest_json
  std::vector<std::string> subject_ids;
};

// The ids of the gate rules that block (status fail and blocking).
std::vector<std::string> BlockingRuleIds(const GateReport& gate);

Result<BuiltPackage> BuildPackage(vault::Vault& v, const BuildOptions& options);

// Verifies a decrypted, unpacked package without importing it; returns the parsed manifest.
// kDataLoss on any mismatch; kInvalidArgument for a missing member or unparsable JSON.
Result<nlohmann::json> VerifyPackageMembers(const std::string& manifest_json,
                                            ByteView manifest_sig, const std::string& data_jsonl,
                                            const std::string& signer_pem);

struct ImportPackageOptions {
  Bytes file;                                         // the .age file
  std::vector<crypto::age::X25519Identity> identities;
  std::string signer_pem;                             // the transferor's public key (required)
};

struct ImportedPackage {
  std::string package_id;
  nlohmann::json manifest;
  std::vector<std::string> subject_ids;         // new ids in this vault
  std::string receipt;                          // the receipt file's text (JSON)
};

Result<ImportedPackage> ImportPackage(vault::Vault& v, const ImportPackageOptions& options);

struct AckResult {
  std::string package_id;
  std::string recipient_id;
  std::string recipient_vault_id;
  int64_t subjects_transferred = 0;
};

// `signer_pem` optional: when not empty the receipt's key must equal it.
Result<AckResult> AckPackage(vault::Vault& v, const std::string& receipt_text,
                             const std::string& signer_pem);

// Purposes a recipient may use without new consent: true when every purpose in `proposed` is
// among the `inherited` ones (PIPL 22: a change of purpose needs new consent).
bool PurposesWithinInherited(const std::vector<std::string>& inherited,
                             const std::vector<std::string>& proposed);

// Records a purpose change for packages received into this vault: writes ObjectRow
// {kind "purposes", id "pu_…"} with the proposed purposes and, per provenance package,
// whether new consent is needed; audited "purposes.change". Returns the flagged package ids.
Result<std::vector<std::string>> RecordPurposeChange(vault::Vault& v,
                                                     const std::vector<std::string>& proposed);

}  // namespace jv::workflow
