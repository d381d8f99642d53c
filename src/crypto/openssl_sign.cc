// Ed25519 (pure, RFC 8032) and SM2-with-SM3 signatures through EVP_PKEY /
// EVP_DigestSign.
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "src/common/check.h"
#include "src/crypto/internal/openssl_util.h"
#include "src/crypto/sign.h"

namespace jv::crypto {

using internal::MdCtxPtr;
using internal::PkeyCtxPtr;
using internal::PkeyPtr;

namespace {

// GB/T 32918.2-2016 / GM/T 0009-2012 default distinguishing identifier.
constexpr char kSm2Id[] = "1234567812345678";
constexpr size_t kSm2IdLen = sizeof(kSm2Id) - 1;

bool IsEd25519(const EVP_PKEY* pkey) {
  return EVP_PKEY_is_a(pkey, "ED25519") == 1;
}

bool IsSm2(const EVP_PKEY* pkey) { return EVP_PKEY_is_a(pkey, "SM2") == 1; }

bool MatchesSuite(const EVP_PKEY* pkey, Suite suite) {
  return suite == Suite::kGm ? IsSm2(pkey) : IsEd25519(pkey);
}

// Encodes `pkey` with an OSSL_ENCODER; the returned buffer is OpenSSL-allocated
// and must be released with OPENSSL_clear_free(data, len).
bool Encode(const EVP_PKEY* pkey, int selection, const char* type,
            const char* structure, unsigned char** data, size_t* len) {
  OSSL_ENCODER_CTX* ctx =
      OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, type, structure, nullptr);
  if (ctx == nullptr) return false;
  bool ok = OSSL_ENCODER_CTX_get_num_encoders(ctx) > 0 &&
            OSSL_ENCODER_to_data(ctx, data, len) == 1;
  OSSL_ENCODER_CTX_free(ctx);
  return ok;
}

Result<std::string> PublicPem(const EVP_PKEY* pkey) {
  unsigned char* data = nullptr;
  size_t len = 0;
  if (!Encode(pkey, OSSL_KEYMGMT_SELECT_PUBLIC_KEY, "PEM",
              "SubjectPublicKeyInfo", &data, &len)) {
    return internal::OpensslError("sign: public key encoding");
  }
  std::string pem(reinterpret_cast<const char*>(data), len);
  OPENSSL_free(data);
  return pem;
}

// Prepares `md` for signing (sign=true) or verifying with `pkey`: pure Ed25519
// (no digest) or SM2 with SM3 and the default distinguishing id.
Status InitDigestSignVerify(EVP_MD_CTX* md, EVP_PKEY* pkey, bool sign) {
  EVP_PKEY_CTX* pctx = nullptr;
  const char* digest = IsSm2(pkey) ? "SM3" : nullptr;
  int r = sign ? EVP_DigestSignInit_ex(md, &pctx, digest, nullptr, nullptr,
                                       pkey, nullptr)
               : EVP_DigestVerifyInit_ex(md, &pctx, digest, nullptr, nullptr,
                                         pkey, nullptr);
  if (r != 1) return internal::OpensslError("sign: init");
  if (IsSm2(pkey)) {
    // Must be set before any data: the id enters Z = SM3(ENTL || ID || curve ||
    // key).
    if (EVP_PKEY_CTX_set1_id(pctx, kSm2Id, kSm2IdLen) != 1) {
      return internal::OpensslError("sign: sm2 id");
    }
  }
  return Status::Ok();
}

}  // namespace

struct SigningKey::Impl {
  PkeyPtr pkey;
  std::string public_pem;
};

SigningKey::SigningKey(Suite suite, std::unique_ptr<Impl> impl)
    : suite_(suite), impl_(std::move(impl)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Result<SigningKey> SigningKey::Generate(Suite suite) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(
      nullptr, suite == Suite::kGm ? "SM2" : "ED25519", nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return internal::OpensslError("sign: key generation");
  }
  PkeyPtr pkey(raw);
  JV_ASSIGN_OR_RETURN(std::string pem, PublicPem(pkey.get()));
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  impl->public_pem = std::move(pem);
  return SigningKey(suite, std::move(impl));
}

Result<SigningKey> SigningKey::FromPrivateKeyDer(Suite suite, ByteView der) {
  const unsigned char* p = der.data();
  PKCS8_PRIV_KEY_INFO* p8 =
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (p8 == nullptr || p != der.data() + der.size()) {
    PKCS8_PRIV_KEY_INFO_free(p8);
    internal::ClearOpensslErrors();
    return DataLossError("sign: private key is not PKCS#8 DER");
  }
  PkeyPtr pkey(EVP_PKCS82PKEY(p8));
  PKCS8_PRIV_KEY_INFO_free(p8);
  if (pkey == nullptr) {
    internal::ClearOpensslErrors();
    return DataLossError("sign: private key does not parse");
  }
  if (!MatchesSuite(pkey.get(), suite)) {
    return DataLossError("sign: private key is not a key of the vault's suite");
  }
  JV_ASSIGN_OR_RETURN(std::string pem, PublicPem(pkey.get()));
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  impl->public_pem = std::move(pem);
  return SigningKey(suite, std::move(impl));
}

Result<SigningKey> SigningKey::FromEd25519SeedForTest(ByteView seed32) {
  if (seed32.size() != 32)
    return InvalidArgumentError("sign: Ed25519 seed must be 32 bytes");
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr,
                                               seed32.data(), seed32.size()));
  if (pkey == nullptr) return internal::OpensslError("sign: Ed25519 seed");
  JV_ASSIGN_OR_RETURN(std::string pem, PublicPem(pkey.get()));
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  impl->public_pem = std::move(pem);
  return SigningKey(Suite::kStd, std::move(impl));
}

Result<SecretBuffer> SigningKey::PrivateKeyDer() const {
  unsigned char* data = nullptr;
  size_t len = 0;
  if (!Encode(impl_->pkey.get(), OSSL_KEYMGMT_SELECT_KEYPAIR, "DER",
              "PrivateKeyInfo", &data, &len)) {
    return internal::OpensslError("sign: private key encoding");
  }
  SecretBuffer der(ByteView(data, len));
  OPENSSL_clear_free(data, len);
  return der;
}

std::string SigningKey::PublicKeyPem() const { return impl_->public_pem; }

std::string SigningKey::AlgorithmName() const {
  return suite_ == Suite::kGm ? "SM2-SM3" : "Ed25519";
}

Result<Bytes> SigningKey::Sign(ByteView message) const {
  MdCtxPtr md(EVP_MD_CTX_new());
  if (md == nullptr) return internal::OpensslError("sign: context");
  JV_RETURN_IF_ERROR(
      InitDigestSignVerify(md.get(), impl_->pkey.get(), /*sign=*/true));
  size_t len = 0;
  if (EVP_DigestSign(md.get(), nullptr, &len, message.data(), message.size()) !=
      1) {
    return internal::OpensslError("sign: size");
  }
  Bytes sig(len);
  if (EVP_DigestSign(md.get(), sig.data(), &len, message.data(),
                     message.size()) != 1) {
    return internal::OpensslError("sign");
  }
  sig.resize(len);
  return sig;
}

namespace {

// Parsing a PEM through OpenSSL 3's decoders costs milliseconds, far more than
// verifying; `audit verify` checks many signatures under one key, so recently
// parsed public keys (not secret) are kept. A shared EVP_PKEY may be used for
// verification from several threads; the cache itself is guarded by a mutex.
class PublicKeyCache {
 public:
  Result<std::shared_ptr<EVP_PKEY>> Get(std::string_view pem) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [cached_pem, key] : entries_) {
        if (cached_pem == pem) return key;
      }
    }
    JV_ASSIGN_OR_RETURN(std::shared_ptr<EVP_PKEY> key, Parse(pem));
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
    entries_.emplace_back(std::string(pem), key);
    return key;
  }

 private:
  static constexpr size_t kMaxEntries = 8;

  static Result<std::shared_ptr<EVP_PKEY>> Parse(std::string_view pem) {
    if (pem.size() > 64 * 1024)
      return InvalidArgumentError("verify: not a PEM public key");
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    if (bio == nullptr) return internal::OpensslError("verify: bio");
    EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (raw == nullptr) {
      internal::ClearOpensslErrors();
      return InvalidArgumentError("verify: not a PEM public key");
    }
    std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
    if (!IsEd25519(raw) && !IsSm2(raw)) {
      return InvalidArgumentError(
          "verify: public key is neither Ed25519 nor SM2");
    }
    return key;
  }

  std::mutex mu_;
  std::vector<std::pair<std::string, std::shared_ptr<EVP_PKEY>>> entries_;
};

}  // namespace

Status VerifySignature(std::string_view public_key_pem, ByteView message,
                       ByteView signature) {
  static PublicKeyCache* cache =
      new PublicKeyCache();  // never destroyed: no exit-order issues
  JV_ASSIGN_OR_RETURN(std::shared_ptr<EVP_PKEY> pkey,
                      cache->Get(public_key_pem));
  MdCtxPtr md(EVP_MD_CTX_new());
  if (md == nullptr) return internal::OpensslError("verify: context");
  JV_RETURN_IF_ERROR(
      InitDigestSignVerify(md.get(), pkey.get(), /*sign=*/false));
  int r = EVP_DigestVerify(md.get(), signature.data(), signature.size(),
                           message.data(), message.size());
  if (r != 1) {
    internal::ClearOpensslErrors();
    return DataLossError("verify: signature does not match");
  }
  return Status::Ok();
}

}  // namespace jv::crypto
