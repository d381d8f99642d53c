// Internal to the crypto module: OpenSSL handles, cached algorithm fetches and
// error conversion. Only src/crypto/*.cc may include this header (it includes
// <openssl/...>).
//
// The fetched algorithm objects (EVP_MD, EVP_CIPHER, EVP_MAC, EVP_KDF) are
// fetched once per process on first use (thread-safe function-local statics),
// live until exit, and may be used from any thread.
#pragma once

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>
#include <string_view>

#include "src/common/status.h"
#include "src/crypto/suite.h"

namespace jv::crypto::internal {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct EvpCipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct EvpMacCtxDeleter {
  void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};
struct EvpKdfCtxDeleter {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, EvpCipherCtxDeleter>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, EvpMacCtxDeleter>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, EvpKdfCtxDeleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter>;

// "SHA256" or "SM3".
const char* DigestName(Suite suite);
// The suite's digest (SHA-256 / SM3), fetched once. Never null (aborts if
// unavailable).
const EVP_MD* Digest(Suite suite);
// AES-256-GCM and SM4-CTR, fetched once. Never null.
const EVP_CIPHER* Aes256Gcm();
const EVP_CIPHER* Sm4Ctr();
// The HMAC EVP_MAC and the HKDF / SCRYPT EVP_KDFs, fetched once. Never null.
EVP_MAC* HmacMac();
EVP_KDF* HkdfKdf();
EVP_KDF* ScryptKdf();

// A new HMAC context with the suite's digest already set and no key
// (EVP_MAC_init must be called with a key). Aborts on allocation failure.
MacCtxPtr NewHmacCtx(Suite suite);

// Drains the OpenSSL error queue and returns kInternal "what: <openssl
// reason>". OpenSSL reasons never contain data values.
Status OpensslError(std::string_view what);
// Drains the OpenSSL error queue without reporting it (expected failures, e.g.
// a bad tag).
void ClearOpensslErrors();

}  // namespace jv::crypto::internal
