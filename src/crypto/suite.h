// Suite: the vault's cryptographic suite, chosen at `init` and recorded in the vault.
//
//   std (default): AES-256-GCM, SHA-256, HMAC-SHA-256, HKDF-SHA-256, Ed25519.
//   gm  (国密):    SM4-CTR + HMAC-SM3 (encrypt-then-MAC), SM3, HMAC-SM3, HKDF-SM3, SM2.
// Both suites use 32-byte keys and 32-byte hashes, so callers never size buffers by suite.
// Packages are always age (X25519, ChaCha20-Poly1305) whatever the suite.
#pragma once

#include <string_view>

#include "src/common/result.h"

namespace jv::crypto {

enum class Suite { kStd, kGm };

std::string_view SuiteName(Suite s);             // "std" | "gm"
Result<Suite> ParseSuite(std::string_view name);  // kInvalidArgument otherwise

inline constexpr size_t kKeySize = 32;
inline constexpr size_t kHashSize = 32;

}  // namespace jv::crypto
