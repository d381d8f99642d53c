// Authenticated encryption of the vault's records and wrapped keys.
//
// std: AES-256-GCM, 12-byte random nonce, 16-byte tag.
// gm:  SM4-CTR + HMAC-SM3, encrypt-then-MAC (OpenSSL 3.0 has no SM4-GCM). The 32-byte key
//      is split with HKDF-SM3 into a 16-byte SM4 key and a 32-byte MAC key; 16-byte random
//      IV; the MAC covers version || IV || len(aad) || aad || ciphertext; 32-byte tag.
// Sealed bytes (byte-level format in docs/formats/crypto.md):
//      version (1 byte: 0x01 std, 0x02 gm) || nonce/IV || ciphertext || tag.
//      std: GCM additional data is version || aad. gm: len(aad) is a uint64 big-endian.
//      Overhead(): 29 bytes (std), 49 bytes (gm).
// Errors: Create and Seal return kInvalidArgument for a wrong key size or a message over
// 2 GiB; Open returns kDataLoss for anything that does not authenticate (including the
// other suite's version byte); kInternal only when OpenSSL itself fails.
// Open fails closed: any change to any byte of the sealed bytes, to the associated data or
// to the key returns kDataLoss and no plaintext.
// An Aead object keeps its cipher contexts for reuse (the import hot path); std makes
// each direction's context on its first use, so Seal / Open through the free functions
// key one AES context, not two. An Aead is not thread-safe — use one per thread. The
// free functions are thread-safe.
#pragma once

#include <memory>

#include "src/common/random.h"
#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/suite.h"

namespace jv::crypto {

class Aead {
 public:
  // `key` must be kKeySize bytes (kInvalidArgument otherwise).
  static Result<std::unique_ptr<Aead>> Create(Suite suite, const SecretBuffer& key);
  ~Aead();

  // Encrypts `plaintext` bound to `aad`, with a fresh nonce from `random`.
  Result<Bytes> Seal(ByteView plaintext, ByteView aad, Random& random);
  // Decrypts; kDataLoss if the sealed bytes, aad or key do not match.
  Result<SecretBuffer> Open(ByteView sealed, ByteView aad);

  // Re-keys this object with `key`, as if it were Create(suite, key), keeping its OpenSSL
  // contexts (std: each keyed context is given the new AES key schedule in place). For a
  // caller sealing under many keys in turn — the import seals each new customer's record
  // under that customer's key — this saves a context per message. The old key's schedule
  // is overwritten, not kept. kInvalidArgument for a wrong key size (the old key stays).
  Status SetKey(const SecretBuffer& key);
  // Bytes added to the plaintext size by Seal.
  size_t Overhead() const;

 private:
  Aead();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Result<Bytes> Seal(Suite suite, const SecretBuffer& key, ByteView plaintext, ByteView aad,
                   Random& random);
Result<SecretBuffer> Open(Suite suite, const SecretBuffer& key, ByteView sealed,
                          ByteView aad);

}  // namespace jv::crypto
