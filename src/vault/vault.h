// Vault: one engagement's vault — its directory, settings, store, keys and audit log.
//
// `Vault::Init` creates a vault directory (vault.toml + vault.db, or vault.toml pointing at
// PostgreSQL), a random master key wrapped by the passphrase (scrypt) and optionally by a
// key file, an index key, a signing key, and the first audit entry. `Vault::Open` reads
// vault.toml, opens the store and unlocks the master key; every method of an open Vault
// may then use the keys. A Vault owns its Store, Keyring, SigningKey and AuditLog.
//
// What never happens: the master key, a data key, the passphrase or a key-file secret is
// never written anywhere in the clear (tests search the vault files for them).
//
// Errors: Init — kAlreadyExists if the directory already holds a vault, kInvalidArgument
// for bad options. Open — kNotFound if there is no vault at the directory,
// kUnauthenticated if the passphrase / key file / shares do not unlock it, kDataLoss if
// the vault's wrapped keys are corrupt.
// Thread-safety: a Vault is used by one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/audit/audit_log.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/kdf.h"
#include "src/crypto/sign.h"
#include "src/crypto/suite.h"
#include "src/store/store.h"
#include "src/vault/keyring.h"
#include "src/vault/vault_config.h"

namespace jv::vault {

// The data-key classes of SPEC §4: one key per retention class per subject, so data under
// a legal lock can outlive the rest of the profile.
inline constexpr const char* kClassProfile = "profile";

struct InitOptions {
  std::string dir;
  std::string company;
  std::string case_type = "transfer";
  crypto::Suite suite = crypto::Suite::kStd;
  std::string store_location;  // empty: vault.db inside dir
  SecretBuffer passphrase;
  crypto::ScryptParams scrypt = crypto::DefaultPassphraseScrypt();
  std::optional<SecretBuffer> key_file_secret;  // also add a key-file slot
};

struct InitResult {
  VaultConfig config;
  std::string signing_public_key_pem;
  std::string signing_algorithm;
};

// Custodian shares already combined (custody.h CombineShares): the share secret and the
// vault and share set the shares named.
struct SharesUnlock {
  std::string vault_id;
  std::string set_id;
  SecretBuffer secret;
};

// Exactly one way of unlocking is normally given; shares take precedence, then the key
// file, then the passphrase.
struct UnlockOptions {
  std::optional<SecretBuffer> passphrase;
  std::optional<SecretBuffer> key_file_secret;
  std::optional<SharesUnlock> shares;
};

// Unwraps the master key from one of `slots` (a vault's key slots, or those in a backup's
// header) with the given credentials. kUnauthenticated if nothing given unlocks, with a
// message saying why (wrong passphrase, shares of another vault or an old share set, ...).
Result<SecretBuffer> UnlockMasterKey(crypto::Suite suite, const std::string& vault_id,
                                     const std::vector<store::KeySlotRow>& slots,
                                     const UnlockOptions& unlock);

struct DecryptedRecord {
  int64_t id = 0;
  std::string key_class;
  std::string source_id;
  int64_t row_no = 0;
  int64_t created_micros = 0;
  nlohmann::json fields;  // {field name: value}
};

struct RotateReport {
  int64_t rewrapped = 0;      // data keys re-wrapped
  int64_t slots_removed = 0;  // other unlock slots that no longer apply
  std::vector<std::string> removed_kinds;  // their kinds ("keyfile", "shares", ...)
  bool shares_kept = false;   // the shares slot was re-wrapped (unlocked with the shares)
};

class Vault {
 public:
  static Result<InitResult> Init(const InitOptions& options, Clock& clock, Random& random);
  // Reads <dir>/vault.toml without unlocking. kNotFound if absent.
  static Result<VaultConfig> ReadConfig(const std::string& dir);
  static Result<std::unique_ptr<Vault>> Open(const std::string& dir, UnlockOptions unlock,
                                             Clock& clock, Random& random);
  ~Vault();

  const std::string& dir() const { return dir_; }
  const VaultConfig& config() const { return config_; }
  crypto::Suite suite() const { return keys_->suite(); }
  store::Store& store() { return *store_; }
  audit::AuditLog& audit() { return *audit_; }
  const Keyring& keys() const { return *keys_; }
  const crypto::SigningKey& signer() const { return *signer_; }
  Clock& clock() { return clock_; }
  Random& random() { return random_; }

  // Opens this vault again with the credentials that opened it: a second Vault with its own
  // store connection (and key caches), for a background job on another thread — the
  // server's import and send jobs (docs/design/ui.md "Background jobs"). It shares this
  // Vault's Clock and Random, which must then be thread-safe (SystemClock, SystemRandom).
  // Pays the unlock (scrypt) again. It reads only what Open set and never changes, so it
  // may be called from another thread while this Vault is in use. Errors as Open.
  Result<std::unique_ptr<Vault>> OpenAgain() const;

  // Who is acting ("cli:<os user>", "user:<name>"): recorded in every audit entry.
  void set_actor(std::string actor) { actor_ = std::move(actor); }
  const std::string& actor() const { return actor_; }

  // Appends an audit entry by the current actor in a transaction of its own (must not be
  // called inside one). `details` holds no personal data.
  Result<int64_t> Audit(const std::string& action, const std::string& subject,
                        const std::string& purpose, const nlohmann::json& details);
  // The same, inside the caller's open write transaction (commits or rolls back with it).
  Result<int64_t> AuditInTxn(const std::string& action, const std::string& subject,
                             const std::string& purpose, const nlohmann::json& details);

  // --- subjects and their encrypted records --------------------------------------------
  // Creates a subject with a fresh random id; returns the id.
  Result<std::string> CreateSubject(const nlohmann::json& attrs);
  // The subject's data key for `key_class`; creates and stores a wrapped one if `create`.
  // kNotFound if absent and !create (e.g. after a shred).
  Result<const SecretBuffer*> DataKey(const std::string& subject_id,
                                      const std::string& key_class, bool create);
  // Encrypts `fields` (an object of field name -> value) under the subject's key for
  // `key_class` and stores it as one record.
  Status AddRecord(const std::string& subject_id, const std::string& key_class,
                   const std::string& source_id, int64_t row_no, const nlohmann::json& fields);
  // Adds a blind-index entry so the subject can be found by `normalized_value` (the
  // classify module's canonical form) without decryption.
  Status AddBlindIndex(const std::string& subject_id, const std::string& kind,
                       std::string_view normalized_value);
  // Subject ids whose blind index of `kind` matches `normalized_value`.
  Result<std::vector<std::string>> FindByIndex(const std::string& kind,
                                               std::string_view normalized_value);
  // Decrypts every record of a subject whose key still exists (shredded classes are
  // skipped). The caller is responsible for auditing the read. kDataLoss on a tag failure.
  Result<std::vector<DecryptedRecord>> ReadRecords(const std::string& subject_id);

  // --- keys -------------------------------------------------------------------------------
  // New master key; re-wraps every data key, the index key and the signing key; replaces
  // the unlock slot used to open this vault and removes the others — except that a shares
  // slot is re-wrapped (same share set, the custodians' files stay valid) when the vault
  // was unlocked with the shares, since then the share secret is known. Audited.
  Result<RotateReport> RotateMasterKey();

  // Forgets cached data keys (after a shred, or to bound memory).
  void DropKeyCache() { dek_cache_.clear(); }

 private:
  Vault(std::string dir, VaultConfig config, Clock& clock, Random& random);

  std::string dir_;
  VaultConfig config_;
  Clock& clock_;
  Random& random_;
  std::string actor_ = "cli";
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Keyring> keys_;
  std::unique_ptr<crypto::SigningKey> signer_;
  std::unique_ptr<audit::AuditLog> audit_;
  UnlockOptions unlock_;
  std::map<std::pair<std::string, std::string>, SecretBuffer> dek_cache_;
};

}  // namespace jv::vault
