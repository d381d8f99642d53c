// Backup and restore of a whole vault (SPEC §4 crypto-shredding, §12; issue 7 part 4).
//
// WriteBackup takes one consistent snapshot of the store (Store::VisitSnapshot), serializes
// it as framed rows, and encrypts it in counted chunks with the vault's suite AEAD under a
// fresh per-backup key B. B is wrapped under the current backup epoch key E_n
// (backup_epoch.h), which is never in the backup file. The clear header carries what restore
// needs before it can decrypt: the vault id, suite, epoch, the vault's key slots (the master
// key wrapped for the passphrase / key file / shares — no secret) and the wrapped B; the
// header is bound into every chunk's associated data. After writing, the file is read
// back, decrypted and its rows counted against what was written before it is moved into
// place. The backup keyring file (E_n, sealed under the master key) is written beside the
// backup (or where the vault already keeps it). Byte format: docs/formats/backup.md.
//
// RestoreBackup needs only the backup file, its keyring file and credentials that open one
// of the key slots in the backup's header. A backup whose epoch has ended (a shred ran after
// it) is refused with kFailedPrecondition naming the epoch, when and by which shred it ended.
// Otherwise it writes a new vault directory (vault.toml + vault.db, or vault.toml + the
// given PostgreSQL store), re-opens it, audits "vault.restore" and verifies the audit chain.
//
// Errors: kDataLoss for a backup that is truncated, reordered, altered or not a backup;
// kUnauthenticated when the credentials open no key slot of the backup; kAlreadyExists if
// the target directory already holds a vault; kFailedPrecondition as above; kNotFound if
// the keyring file is missing.
// Thread-safety: one thread at a time per vault.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::vault {

// Rows per table, by table name (meta, key_slots, subjects, data_keys, records, indexes,
// sources, audit, checkpoints, objects).
using RowCounts = std::map<std::string, int64_t>;

struct BackupResult {
  std::string backup_id;  // "bk_..."
  std::string out;
  std::string keyring_path;
  int64_t epoch = 0;
  int64_t bytes = 0;
  std::string sha256;  // hex digest of the file
  RowCounts rows;
  bool verified = false;
};

// Writes the backup to `out` (atomically, 0600). `keyring_path` empty: the vault's recorded
// keyring path, else `jadevault-backup-keys` in the directory of `out`. Audits
// "backup.create" (id, epoch, row counts, digest).
Result<BackupResult> WriteBackup(Vault& vault, const std::string& out,
                                 const std::string& keyring_path);

struct RestoreOptions {
  std::string backup_file;
  std::string vault_dir;       // the new vault directory (must hold no vault)
  std::string keyring_path;    // empty: beside the backup, else the path in its header
  std::string store_location;  // empty: vault.db in vault_dir (SQLite)
  UnlockOptions unlock;
};

struct RestoreResult {
  std::string backup_id;
  std::string vault_id;
  std::string vault_dir;
  std::string keyring_path;
  int64_t epoch = 0;
  std::string backup_created;
  RowCounts rows;
  std::map<std::string, int64_t> subjects_by_state;
  bool audit_ok = false;
  int64_t audit_entries = 0;
};

Result<RestoreResult> RestoreBackup(const RestoreOptions& options, Clock& clock, Random& random);

}  // namespace jv::vault
