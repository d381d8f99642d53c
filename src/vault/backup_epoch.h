// Backup epochs: the keys that make a backup taken before a shred unrestorable (SPEC §4).
//
// Every backup's own random key B is wrapped under the current backup epoch key E_n (never
// written into the backup file). E_n lives in two places, both sealed under the master key:
// the vault's store meta ("backup_epoch", "backup_epoch_key") and the *backup keyring file*
// kept beside the backups (default `jadevault-backup-keys` in the directory of the first
// `backup --out`; its path is recorded in meta "backup_keyring_path"). Every shred run calls
// EndBackupEpoch: E_{n+1} is drawn, E_n is overwritten in the vault (then the store is
// compacted, so the old sealed bytes leave the WAL) and in the keyring file, and a tombstone
// (epoch, ended at, reason naming the shred, subjects shredded, audit seq) is kept in both.
// Restoring a backup of an ended epoch is then impossible — the key is gone — and refused
// with the tombstone's facts. Design: docs/design/backup.md; byte format of the keyring
// file: docs/formats/backup.md.
//
// Epochs start with the first backup (EnsureBackupEpoch). `keys rotate` also ends the
// epoch, since the keyring file is sealed under the master key and old backups carry the
// old key slots.
// Errors: kDataLoss for a keyring file that is corrupt or sealed under another master key;
// kInvalidArgument for a keyring file of another vault; store/audit errors otherwise.
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/suite.h"

namespace jv::vault {

class Vault;

inline constexpr char kBackupKeyringFileName[] = "jadevault-backup-keys";

struct EpochTombstone {
  int64_t epoch = 0;
  std::string ended_at;  // RFC 3339 UTC
  std::string reason;    // e.g. "shred run sr_…", "deletion request rs_…", "keys rotate"
  int64_t shredded = 0;  // subjects shredded by that run
  int64_t audit_seq = 0; // the "backup.epoch.end" audit entry
};
nlohmann::json TombstoneToJson(const EpochTombstone& t);

// The live epoch and the tombstones of the ended ones.
struct BackupEpochState {
  std::string vault_id;
  int64_t epoch = 0;  // 0: no epoch yet (no backup taken)
  SecretBuffer key;   // E_epoch (empty when epoch == 0)
  std::vector<EpochTombstone> ended;
};

// The current state from the vault's meta; epoch 0 if no backup was ever taken.
Result<BackupEpochState> ReadBackupEpoch(Vault& vault);
// The current state, starting epoch 1 (audited "backup.epoch.start") if there is none, or a
// fresh epoch if the stored key cannot be opened (an interrupted `keys rotate`).
Result<BackupEpochState> EnsureBackupEpoch(Vault& vault);

// Writes the keyring file (state sealed under the vault's master key) atomically, 0600,
// and records its path in meta "backup_keyring_path".
Status WriteBackupKeyring(Vault& vault, const BackupEpochState& state, const std::string& path);
// Reads a keyring file with the master key of vault `vault_id`.
Result<BackupEpochState> ReadBackupKeyring(const std::string& path, crypto::Suite suite,
                                           const std::string& vault_id,
                                           const SecretBuffer& master);

struct EpochEnd {
  bool had_epoch = false;       // false: no backup was ever taken; nothing to end
  int64_t ended = 0;            // the epoch ended
  int64_t current = 0;          // the new epoch
  std::string keyring_path;     // the keyring file rewritten ("" if none recorded)
  bool keyring_updated = false;
  std::string keyring_error;    // why the keyring file could not be rewritten
};
// Ends the current epoch (see above) and audits "backup.epoch.end". If the keyring file
// cannot be rewritten the vault side is still done; keyring_error says so (the old file
// then still holds E_n: the caller must tell the operator to destroy it).
Result<EpochEnd> EndBackupEpochWithReport(Vault& vault, const std::string& reason,
                                          int64_t shredded);
// The same, for callers that only need success or failure (a keyring file that could not
// be rewritten is kFailedPrecondition, naming its path).
Status EndBackupEpoch(Vault& vault, const std::string& reason, int64_t shredded);

}  // namespace jv::vault
