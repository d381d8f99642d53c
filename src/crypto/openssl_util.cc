#include "src/crypto/internal/openssl_util.h"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <string>

#include "src/common/check.h"

namespace jv::crypto::internal {
namespace {

template <typename T>
T* CheckFetched(T* p, const char* name) {
  if (p == nullptr) {
    std::fprintf(stderr, "jadevault: OpenSSL algorithm %s is unavailable\n",
                 name);
    std::abort();
  }
  return p;
}

EVP_MAC_CTX* NewHmacTemplate(Suite suite) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacMac());
  JV_CHECK(ctx != nullptr);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(DigestName(suite)), 0),
      OSSL_PARAM_construct_end()};
  JV_CHECK(EVP_MAC_CTX_set_params(ctx, params) == 1);
  return ctx;
}

}  // namespace

const char* DigestName(Suite suite) {
  return suite == Suite::kGm ? "SM3" : "SHA256";
}

const EVP_MD* Digest(Suite suite) {
  static EVP_MD* sha256 =
      CheckFetched(EVP_MD_fetch(nullptr, "SHA256", nullptr), "SHA256");
  static EVP_MD* sm3 =
      CheckFetched(EVP_MD_fetch(nullptr, "SM3", nullptr), "SM3");
  return suite == Suite::kGm ? sm3 : sha256;
}

const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* c = CheckFetched(
      EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr), "AES-256-GCM");
  return c;
}

const EVP_CIPHER* Sm4Ctr() {
  static EVP_CIPHER* c =
      CheckFetched(EVP_CIPHER_fetch(nullptr, "SM4-CTR", nullptr), "SM4-CTR");
  return c;
}

EVP_MAC* HmacMac() {
  static EVP_MAC* m =
      CheckFetched(EVP_MAC_fetch(nullptr, "HMAC", nullptr), "HMAC");
  return m;
}

EVP_KDF* HkdfKdf() {
  static EVP_KDF* k =
      CheckFetched(EVP_KDF_fetch(nullptr, "HKDF", nullptr), "HKDF");
  return k;
}

EVP_KDF* ScryptKdf() {
  static EVP_KDF* k =
      CheckFetched(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr), "SCRYPT");
  return k;
}

MacCtxPtr NewHmacCtx(Suite suite) {
  // Duplicating a prepared template avoids a digest fetch by name on every
  // HMAC.
  static EVP_MAC_CTX* sha256_template = NewHmacTemplate(Suite::kStd);
  static EVP_MAC_CTX* sm3_template = NewHmacTemplate(Suite::kGm);
  MacCtxPtr ctx(
      EVP_MAC_CTX_dup(suite == Suite::kGm ? sm3_template : sha256_template));
  if (ctx == nullptr) {
    // Some 3.0.x releases cannot duplicate an HMAC context that has no key yet.
    ERR_clear_error();
    ctx.reset(NewHmacTemplate(suite));
  }
  return ctx;
}

Status OpensslError(std::string_view what) {
  std::string msg(what);
  unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    msg += ": ";
    msg += buf;
  }
  ERR_clear_error();
  return InternalError(std::move(msg));
}

void ClearOpensslErrors() { ERR_clear_error(); }

}  // namespace jv::crypto::internal
