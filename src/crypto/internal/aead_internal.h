// Internal to the crypto module and its tests: the constants of the sealed
// format (docs/formats/crypto.md) and deterministic entry points for
// known-answer tests. Production code must use Aead / Seal / Open from
// src/crypto/aead.h, which always draw a fresh nonce; nothing here is for
// callers outside src/crypto.
#pragma once

#include <cstdint>
#include <string_view>

#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/suite.h"

namespace jv::crypto::internal {

inline constexpr uint8_t kStdAeadVersion = 0x01;
inline constexpr uint8_t kGmAeadVersion = 0x02;

inline constexpr size_t kGcmNonceSize = 12;
inline constexpr size_t kGcmTagSize = 16;
inline constexpr size_t kSm4KeySize = 16;
inline constexpr size_t kSm4IvSize = 16;
inline constexpr size_t kGmTagSize = 32;  // full HMAC-SM3

// HKDF-SM3 info that splits a gm AEAD key (salt empty) into 16 bytes of SM4 key
// followed by 32 bytes of HMAC-SM3 key.
inline constexpr std::string_view kGmKeySplitInfo =
    "jadevault/v1 aead-gm sm4-ctr+hmac-sm3";

struct GmKeys {
  SecretBuffer enc_key;  // 16 bytes, SM4-CTR
  SecretBuffer mac_key;  // 32 bytes, HMAC-SM3
};
// Splits a kKeySize gm AEAD key. kInvalidArgument if the key size is wrong.
Result<GmKeys> DeriveGmKeys(const SecretBuffer& key);

// Seal with a caller-chosen nonce (12 bytes for std, 16 for gm). For
// known-answer tests only: reusing a nonce under one key breaks confidentiality
// (and, for GCM, integrity). kInvalidArgument on a wrong key or nonce size.
Result<Bytes> SealWithNonceForTest(Suite suite, const SecretBuffer& key,
                                   ByteView nonce, ByteView plaintext,
                                   ByteView aad);

// Bare AES-256-GCM (no version byte): returns ciphertext || 16-byte tag.
Result<Bytes> AesGcmSealRawForTest(ByteView key32, ByteView nonce12,
                                   ByteView aad, ByteView plaintext);
// Bare SM4-CTR (encryption and decryption are the same operation); 128-bit
// big-endian counter block starting at `iv16`.
Result<Bytes> Sm4CtrForTest(ByteView key16, ByteView iv16, ByteView input);
// Bare SM4-ECB on whole blocks, no padding (for the GB/T 32907 single-block
// example).
Result<Bytes> Sm4EcbEncryptForTest(ByteView key16, ByteView input);

}  // namespace jv::crypto::internal
