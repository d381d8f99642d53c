// Hashes and MACs of both suites: SHA-256 / SM3, HMAC-SHA-256 / HMAC-SM3.
//
// All functions are thread-safe. Digests are always kHashSize (32) bytes.
#pragma once

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

// Constant-time comparison; false if sizes differ.
bool ConstantTimeEqual(ByteView a, ByteView b);

}  // namespace jv::crypto
