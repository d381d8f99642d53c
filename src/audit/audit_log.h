// AuditLog: the vault's append-only audit log over a Store (SPEC §4 "Audit";
// docs/formats/audit.md is the byte-level specification).
//
// Each entry is a canonical JSON line (entry.h), hash-chained through `prev`, and is also
// leaf seq-1 of an RFC 6962 Merkle tree (merkle.h) hashed with the vault's suite (SHA-256
// or SM3). Checkpoints sign (vault id, suite, tree size, root hash) with the vault's
// signing key (Ed25519 or SM2); the exact signed message is:
//
//   "jadevault-checkpoint v1\n<vault_id>\n<suite>\n<tree_size>\n<root hex>\n"
//
// Ownership: an AuditLog borrows the Store and the Clock; both must outlive it.
// Thread-safety: like the Store, one thread at a time. Several processes may append to the
// same vault: Append takes Store::LockAudit() and the store refuses a seq that is not
// AuditSize()+1, so the chain never forks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/audit/entry.h"
#include "src/audit/merkle.h"
#include "src/common/clock.h"
#include "src/common/result.h"
#include "src/crypto/sign.h"
#include "src/crypto/suite.h"
#include "src/store/store.h"

namespace jv::audit {

// Outcome of a verification. `ok` false means the log (or export) is damaged; the
// verification itself still "succeeded" (the Result is OK).
struct VerifyReport {
  bool ok = true;
  int64_t entries = 0;        // lines / rows read
  int64_t tree_size = 0;      // leaves in the recomputed tree (= entries)
  std::string root_hash;      // hex MTH over every line read, as found
  int64_t first_bad_seq = 0;  // 1-based position of the first bad entry; 0 if none
  std::string reason;         // "" if ok; never contains field values
  int64_t checkpoints_checked = 0;
  int64_t bad_checkpoint_tree_size = 0;  // first failing checkpoint; 0 if none
  bool signatures_checked = false;       // false when no public key was given
};

// {"ok", "entries", "tree_size", "root_hash", "first_bad_seq" (null if none), "reason"
//  (null if ok), "checkpoints_checked", "bad_checkpoint_tree_size" (null if none),
//  "signatures_checked", "algorithm" ("sha256"|"sm3")}
nlohmann::json VerifyReportToJson(const VerifyReport& r, crypto::Suite suite);

struct Checkpoint {
  int64_t tree_size = 0;
  Bytes root_hash;
  std::string message;  // exact bytes signed (text, see above)
  Bytes signature;
  std::string public_key_pem;
  std::string algorithm;  // "Ed25519" | "SM2-SM3"
  int64_t created_micros = 0;
};

// {"tree_size", "root_hash" (hex), "message_b64", "signature_b64", "public_key_pem",
//  "algorithm", "created" (RFC 3339)}
nlohmann::json CheckpointToJson(const Checkpoint& c);

struct InclusionProofResult {
  int64_t seq = 0;
  int64_t leaf_index = 0;  // seq - 1
  int64_t tree_size = 0;
  Digest leaf_hash{};
  Digest root_hash{};
  std::vector<Digest> path;  // RFC 6962 order (leaf to root)
};
// {"seq", "leaf_index", "tree_size", "leaf_hash", "root_hash", "path": [hex…]}
nlohmann::json InclusionProofToJson(const InclusionProofResult& p);

struct ConsistencyProofResult {
  int64_t old_size = 0;
  int64_t new_size = 0;
  Digest old_root{};
  Digest new_root{};
  std::vector<Digest> path;  // RFC 6962 order
};
// {"old_size", "new_size", "old_root", "new_root", "path": [hex…]}
nlohmann::json ConsistencyProofToJson(const ConsistencyProofResult& p);

// The checkpoint message for these values (see the header comment).
std::string CheckpointMessage(const std::string& vault_id, crypto::Suite suite,
                              int64_t tree_size, ByteView root_hash);

class AuditLog {
 public:
  // `vault_id` goes into every checkpoint message.
  AuditLog(store::Store& store, crypto::Suite suite, Clock& clock, std::string vault_id);

  crypto::Suite suite() const { return suite_; }

  // Appends one entry inside the CALLER's open write transaction (store.Begin() done), so
  // it commits or rolls back with the caller's other writes. Returns the new seq.
  // `details` is a JSON object of non-PI facts (null, e.g. a bare `{}` argument, means {}).
  // kInvalidArgument for a bad field (see MakeEntryLine), kDataLoss if the last stored
  // line is damaged (fail closed: run Verify), kFailedPrecondition if no transaction is
  // open (SqliteStore's LockAudit) or another writer appended concurrently, other store
  // errors as returned.
  Result<int64_t> Append(const std::string& actor, const std::string& action,
                         const std::string& subject, const std::string& purpose,
                         const nlohmann::json& details = nlohmann::json::object());

  // Same, in a transaction of its own (must NOT be called inside one).
  Result<int64_t> AppendInOwnTransaction(const std::string& actor, const std::string& action,
                                         const std::string& subject,
                                         const std::string& purpose,
                                         const nlohmann::json& details =
                                             nlohmann::json::object());

  Result<int64_t> Size();

  // Re-hashes every stored line, checks seq density, stored leaf hashes, the prev chain and
  // canonical form, recomputes the Merkle root, and checks every stored checkpoint: its
  // size (<= entries), its root, its message, and — if `public_key_pem` is not empty — its
  // signature. Streaming: O(n) time, O(log n) memory. A damaged log is a report with ok
  // false, not an error; errors are store failures and kInvalidArgument if a non-empty
  // `public_key_pem` is not a supported public key.
  Result<VerifyReport> Verify(const std::string& public_key_pem);

  // Signs the current tree head and stores it. If a checkpoint of the same size already
  // exists, returns that one. kFailedPrecondition if the log is empty.
  Result<Checkpoint> MakeCheckpoint(const crypto::SigningKey& key);

  // Stored checkpoints, oldest first (public_key_pem/algorithm left empty).
  Result<std::vector<Checkpoint>> ListCheckpoints();

  // Inclusion proof of entry `seq` in the tree of `tree_size` leaves. tree_size 0 means:
  // the latest checkpoint's size if it includes seq, else the current size.
  // kInvalidArgument if seq < 1, seq > tree_size or tree_size > Size(); kDataLoss if a
  // stored leaf hash does not match its line.
  Result<InclusionProofResult> ProveInclusion(int64_t seq, int64_t tree_size = 0);

  // Consistency proof between the trees of old_size and new_size leaves. new_size 0 means
  // the current size. kInvalidArgument if old_size < 1, old_size > new_size or
  // new_size > Size(); kDataLoss as above.
  Result<ConsistencyProofResult> ProveConsistency(int64_t old_size, int64_t new_size = 0);

  // Writes every entry, one line + '\n' each, to `path` (mode 0600; written to path.tmp and
  // renamed). Returns the number of entries. kInternal on I/O errors.
  Result<int64_t> Export(const std::string& path);

 private:
  Result<std::string> LastHash(int64_t size);
  // Leaf hashes of seq 1..size, each checked against its line.
  Result<std::vector<Digest>> LoadLeafHashes(int64_t size);

  store::Store& store_;
  crypto::Suite suite_;
  Clock& clock_;
  std::string vault_id_;
};

// Optional expectations for an export: a checkpoint the file must contain (catches
// truncation of whole lines, which the chain alone cannot).
struct ExportExpectation {
  int64_t tree_size = 0;  // 0: none
  Bytes root_hash;
};

// Verifies an exported file without the vault: every line must be a canonical entry with
// seq equal to its 1-based position, a correct hash and prev equal to the previous line's
// hash. first_bad_seq is the position of the first failing line (bad JSON, wrong seq, hash
// mismatch, prev mismatch, missing final newline). With `expect`, also fails if the file
// has fewer than tree_size lines (first_bad_seq = entries+1, the first missing one) or if
// the root over its first tree_size lines differs (first_bad_seq 0: the chain alone cannot
// tell which line was rewritten). Streaming, O(n) time, O(log n) memory. kNotFound if the
// file is missing; kInternal on read errors.
Result<VerifyReport> VerifyExportFile(const std::string& path, crypto::Suite suite,
                                      const ExportExpectation& expect = {});

}  // namespace jv::audit
