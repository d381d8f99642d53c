// HKDF and scrypt through OpenSSL's EVP_KDF "HKDF" and "SCRYPT".
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <climits>

#include "src/crypto/internal/openssl_util.h"
#include "src/crypto/kdf.h"

namespace jv::crypto {
namespace {

constexpr uint64_t kScryptMaxN = uint64_t{1} << 22;
// 128 * r * N for N = 2^22, r = 8 (age's largest work factor with its fixed r):
// 4 GiB.
constexpr uint64_t kScryptMaxVBytes = uint64_t{1} << 32;

// OSSL_PARAM octet strings must never carry a null pointer, even when empty.
void* OctetPtr(ByteView b) {
  static uint8_t empty = 0;
  return b.empty() ? &empty : const_cast<uint8_t*>(b.data());
}

}  // namespace

Result<SecretBuffer> Hkdf(Suite suite, ByteView ikm, ByteView salt,
                          std::string_view info, size_t length) {
  if (length == 0 || length > 255 * kHashSize) {
    return InvalidArgumentError("hkdf: output length must be 1..8160 bytes");
  }
  internal::KdfCtxPtr ctx(EVP_KDF_CTX_new(internal::HkdfKdf()));
  if (ctx == nullptr) return internal::OpensslError("hkdf: context");
  ByteView info_bytes = AsBytes(info);
  OSSL_PARAM params[5];
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(
      OSSL_KDF_PARAM_DIGEST, const_cast<char*>(internal::DigestName(suite)), 0);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                                  OctetPtr(ikm), ikm.size());
  // An absent salt is HashLen zero bytes (RFC 5869 §2.2); OpenSSL does the same
  // when the salt parameter is empty.
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                                  OctetPtr(salt), salt.size());
  params[n++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_INFO, OctetPtr(info_bytes), info_bytes.size());
  params[n] = OSSL_PARAM_construct_end();
  SecretBuffer out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return internal::OpensslError("hkdf: derive");
  }
  return out;
}

ScryptParams DefaultPassphraseScrypt() {
  ScryptParams p;
  p.n = uint64_t{1} << 17;
  p.r = 8;
  p.p = 1;
  return p;
}

Result<SecretBuffer> Scrypt(ByteView passphrase, ByteView salt,
                            const ScryptParams& params, size_t length) {
  const uint64_t n = params.n;
  const uint64_t r = params.r;
  const uint64_t p = params.p;
  if (n < 2 || (n & (n - 1)) != 0 || n > kScryptMaxN) {
    return InvalidArgumentError("scrypt: N must be a power of two in 2..2^22");
  }
  if (r == 0 || p == 0 || r * p >= (uint64_t{1} << 30)) {
    return InvalidArgumentError(
        "scrypt: r and p must be positive with r * p < 2^30");
  }
  if (128 * r * n > kScryptMaxVBytes || 128 * r * p > INT_MAX) {
    return InvalidArgumentError(
        "scrypt: parameters need more than 4 GiB of memory");
  }
  if (length == 0 || length > (uint64_t{1} << 20)) {
    return InvalidArgumentError("scrypt: output length must be 1..2^20 bytes");
  }
  // OpenSSL refuses unless maxmem >= 128*r*p (B) + 4*32*r*(N+2) (V, X, T); give
  // it exactly what these parameters need, so the bound is the one checked
  // above.
  uint64_t maxmem = 128 * r * p + 128 * r * (n + 2) + 4096;

  internal::KdfCtxPtr ctx(EVP_KDF_CTX_new(internal::ScryptKdf()));
  if (ctx == nullptr) return internal::OpensslError("scrypt: context");
  uint32_t r32 = params.r;
  uint32_t p32 = params.p;
  uint64_t n64 = n;
  OSSL_PARAM ossl_params[] = {
      OSSL_PARAM_construct_octet_string(
          OSSL_KDF_PARAM_PASSWORD, OctetPtr(passphrase), passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, OctetPtr(salt),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n64),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r32),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p32),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end()};
  SecretBuffer out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), ossl_params) != 1) {
    return internal::OpensslError("scrypt: derive");
  }
  return out;
}

}  // namespace jv::crypto
