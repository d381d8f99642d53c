// Keyring: the unlocked key material of one vault and every operation that uses it.
//
// Key hierarchy (docs/design/keys.md):
//   passphrase --scrypt--> slot key --AEAD--> master key (KEK, 32 random bytes)
//   key file   --HKDF----> slot key --AEAD--> master key
//   master key --AEAD(ad = subject id, class)--> each subject's data key per retention class
//   master key --AEAD--> index key (made once at init with HKDF from the first master key;
//                        kept wrapped so that `keys rotate` does not invalidate blind indexes)
//   master key --AEAD--> vault signing key (Ed25519 / SM2, PKCS#8)
//   data key   --AEAD(ad = subject id, class, field names)--> one record of field values
// Every AEAD call binds a domain-separation label in its associated data, so no ciphertext
// can be moved from one slot, subject, class or field set to another.
// Thread-safety: a Keyring is immutable after construction except through Rotate*, which
// the caller must not run concurrently with other use.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "src/common/random.h"
#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/hash.h"
#include "src/crypto/kdf.h"
#include "src/crypto/suite.h"
#include "src/store/store.h"

namespace jv::vault {

class Keyring {
 public:
  Keyring(crypto::Suite suite, std::string vault_id, SecretBuffer master_key,
          SecretBuffer index_key)
      : suite_(suite),
        vault_id_(std::move(vault_id)),
        master_(std::move(master_key)),
        index_key_(std::move(index_key)),
        index_mac_(std::make_shared<const crypto::HmacKey>(suite_, index_key_.view())) {}

  crypto::Suite suite() const { return suite_; }
  const std::string& vault_id() const { return vault_id_; }

  // --- key slots: the master key wrapped for one way of unlocking ----------------------
  static Result<store::KeySlotRow> MakePassphraseSlot(crypto::Suite suite,
                                                      const std::string& vault_id,
                                                      const SecretBuffer& master,
                                                      const SecretBuffer& passphrase,
                                                      const crypto::ScryptParams& params,
                                                      Random& random, int64_t now_micros);
  static Result<store::KeySlotRow> MakeKeyFileSlot(crypto::Suite suite,
                                                   const std::string& vault_id,
                                                   const SecretBuffer& master,
                                                   const SecretBuffer& key_file_secret,
                                                   Random& random, int64_t now_micros);
  // A "shares" slot: the master key wrapped under HKDF(share secret, salt, "jadevault shares
  // slot v1"); the parameters (bound as associated data) name the share set, N, K and the
  // slot's own id.
  static Result<store::KeySlotRow> MakeSharesSlot(crypto::Suite suite,
                                                  const std::string& vault_id,
                                                  const SecretBuffer& master,
                                                  const SecretBuffer& share_secret,
                                                  const std::string& set_id, int count,
                                                  int threshold, Random& random,
                                                  int64_t now_micros);
  // Unwraps the master key from `slot` with the passphrase or key-file secret.
  // kUnauthenticated if the secret is wrong (or the slot was tampered with);
  // kInvalidArgument if the slot's parameters are malformed.
  static Result<SecretBuffer> OpenSlot(crypto::Suite suite, const std::string& vault_id,
                                       const store::KeySlotRow& slot,
                                       const SecretBuffer& secret);

  // --- secrets kept wrapped by the master key (index key, signing key) ------------------
  Result<Bytes> SealSecret(std::string_view label, const SecretBuffer& secret,
                           Random& random) const;
  // kDataLoss if the sealed bytes or label do not match.
  Result<SecretBuffer> OpenSecret(std::string_view label, ByteView sealed) const;

  // --- data keys -------------------------------------------------------------------------
  SecretBuffer NewDataKey(Random& random) const;
  Result<Bytes> WrapDataKey(const std::string& subject_id, const std::string& key_class,
                            const SecretBuffer& dek, Random& random) const;
  // WrapDataKey(keys[i].subject_id, key_class, *keys[i].dek) for each i, with one set-up
  // of the master key for them all (the import's new customers of a batch).
  struct KeyToWrap {
    std::string_view subject_id;
    const SecretBuffer* dek;
  };
  Result<std::vector<Bytes>> WrapDataKeys(std::span<const KeyToWrap> keys,
                                          const std::string& key_class, Random& random) const;
  // kDataLoss if `wrapped` was not made for this (subject, class) under this master key.
  Result<SecretBuffer> UnwrapDataKey(const std::string& subject_id,
                                     const std::string& key_class, ByteView wrapped) const;

  // --- blind index -------------------------------------------------------------------------
  Bytes BlindIndex(std::string_view kind, std::string_view normalized_value) const;

  // The index key derived at init from the first master key.
  static Result<SecretBuffer> DeriveIndexKey(crypto::Suite suite, const std::string& vault_id,
                                             const SecretBuffer& master);

  // Replaces the master key (keys rotate). The caller re-wraps everything first.
  void ReplaceMasterKey(SecretBuffer master) { master_ = std::move(master); }
  const SecretBuffer& MasterKeyForTest() const { return master_; }
  const SecretBuffer& master_key() const { return master_; }

 private:
  crypto::Suite suite_;
  std::string vault_id_;
  SecretBuffer master_;
  SecretBuffer index_key_;
  // index_key_ prepared for HMAC (crypto::HmacKey): BlindIndex hashes only the value.
  std::shared_ptr<const crypto::HmacKey> index_mac_;
};

// Associated data of a record: binds the ciphertext to (subject, class, field names).
Bytes RecordAad(const std::string& subject_id, const std::string& key_class,
                const std::string& fields_csv);

}  // namespace jv::vault
