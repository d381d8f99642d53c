// Hashes and MACs of both suites: SHA-256 / SM3, HMAC-SHA-256 / HMAC-SM3.
//
// All functions are thread-safe. Digests are always kHashSize (32) bytes.
#pragma once

#include <initializer_list>
#include <memory>

#include "src/common/bytes.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/suite.h"

namespace jv::crypto {

// One-shot digest: SHA-256 (std) or SM3 (gm).
Bytes Hash(Suite suite, ByteView data);
Bytes Sha256(ByteView data);

// Streaming digest for large inputs (file hashes). Not thread-safe; one user at a time.
class Hasher {
 public:
  explicit Hasher(Suite suite);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void Update(ByteView data);
  // Returns the digest; the Hasher must not be used afterwards.
  Bytes Final();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// HMAC-SHA-256 (std) or HMAC-SM3 (gm).
Bytes Hmac(Suite suite, ByteView key, ByteView data);

// An HMAC key prepared once for many MACs: the digest states after the key's inner and
// outer pads (RFC 2104: H(K ^ opad, H(K ^ ipad, data))) are kept, so each Mac() hashes only
// the data and the inner digest. Mac(data) == Hmac(suite, key, data) for every key and
// data (hash_test checks it on the RFC 4231 vectors and on keys longer than a block).
// The pad states are key material: they are freed with OpenSSL's cleansing free.
// Thread-safety: Mac() is const and may run on several threads at once.
class HmacKey {
 public:
  HmacKey(Suite suite, ByteView key);
  ~HmacKey();
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;
  // HMAC of the concatenation of `parts`.
  Bytes Mac(std::initializer_list<ByteView> parts) const;
  Bytes Mac(ByteView data) const { return Mac({data}); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Constant-time comparison; false if sizes differ.
bool ConstantTimeEqual(ByteView a, ByteView b);

}  // namespace jv::crypto
