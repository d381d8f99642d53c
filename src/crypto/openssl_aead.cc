// Aead: AES-256-GCM (std) and SM4-CTR + HMAC-SM3 encrypt-then-MAC (gm).
// Byte-level format: docs/formats/crypto.md.
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <climits>
#include <cstring>

#include "src/common/check.h"
#include "src/crypto/aead.h"
#include "src/crypto/hash.h"
#include "src/crypto/internal/aead_internal.h"
#include "src/crypto/internal/openssl_util.h"
#include "src/crypto/kdf.h"

namespace jv::crypto {

using internal::CipherCtxPtr;
using internal::kGcmNonceSize;
using internal::kGcmTagSize;
using internal::kGmAeadVersion;
using internal::kGmTagSize;
using internal::kSm4IvSize;
using internal::kStdAeadVersion;
using internal::MacCtxPtr;

namespace {

// Larger inputs are refused rather than split: EVP takes int lengths, and no
// record or wrapped key comes near this.
constexpr size_t kMaxPlaintext = size_t{INT_MAX} - 1024;

size_t NonceSize(Suite s) {
  return s == Suite::kGm ? kSm4IvSize : kGcmNonceSize;
}
size_t TagSize(Suite s) { return s == Suite::kGm ? kGmTagSize : kGcmTagSize; }
uint8_t Version(Suite s) {
  return s == Suite::kGm ? kGmAeadVersion : kStdAeadVersion;
}

void PutUint64Be(uint64_t v, uint8_t out[8]) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

Status AuthFailed() { return DataLossError("aead: authentication failed"); }

}  // namespace

struct Aead::Impl {
  Suite suite = Suite::kStd;
  // std: the key, until both contexts below are keyed. Each context is made on
  // its first use, so that a Seal (or an Open) through the free functions sets
  // up one AES key schedule, not two. gm: unused (its keys are derived in Init).
  SecretBuffer key;
  CipherCtxPtr
      enc;  // std: AES-256-GCM keyed for encryption; gm: SM4-CTR keyed.
  CipherCtxPtr dec;  // std: AES-256-GCM keyed for decryption; gm: unused (CTR
                     // is symmetric).
  MacCtxPtr mac;     // gm: HMAC-SM3 keyed with the MAC key; std: unused.

  Status Init(Suite s, const SecretBuffer& key);
  // std: `enc` or `dec`, keyed on first use.
  Result<EVP_CIPHER_CTX*> StdContext(bool encrypt);
  // Writes version || nonce || ciphertext || tag to `out` (sized by the
  // caller); the nonce must already be at out[1..].
  Status SealInto(ByteView plaintext, ByteView aad, uint8_t* out);
  Result<SecretBuffer> Open(ByteView sealed, ByteView aad);
  // gm: HMAC-SM3(version || IV || uint64be(len(aad)) || aad || ciphertext) into
  // tag[32].
  Status GmMac(ByteView header, ByteView aad, ByteView ciphertext,
               uint8_t* tag);
};

Status Aead::Impl::Init(Suite s, const SecretBuffer& k) {
  suite = s;
  if (s == Suite::kStd) {
    key = k.Clone();
    return Status::Ok();
  }
  enc.reset(EVP_CIPHER_CTX_new());
  if (enc == nullptr) return internal::OpensslError("aead: context");
  JV_ASSIGN_OR_RETURN(internal::GmKeys keys, internal::DeriveGmKeys(k));
  if (EVP_EncryptInit_ex2(enc.get(), internal::Sm4Ctr(), keys.enc_key.data(),
                          nullptr, nullptr) != 1) {
    return internal::OpensslError("aead: sm4-ctr key setup");
  }
  mac = internal::NewHmacCtx(Suite::kGm);
  if (EVP_MAC_init(mac.get(), keys.mac_key.data(), keys.mac_key.size(),
                   nullptr) != 1) {
    return internal::OpensslError("aead: hmac-sm3 key setup");
  }
  return Status::Ok();
}

Result<EVP_CIPHER_CTX*> Aead::Impl::StdContext(bool encrypt) {
  CipherCtxPtr& ctx = encrypt ? enc : dec;
  if (ctx != nullptr) return ctx.get();
  CipherCtxPtr fresh(EVP_CIPHER_CTX_new());
  if (fresh == nullptr) return internal::OpensslError("aead: context");
  if (EVP_CipherInit_ex2(fresh.get(), internal::Aes256Gcm(), key.data(), nullptr,
                         encrypt ? 1 : 0, nullptr) != 1) {
    return internal::OpensslError("aead: aes-256-gcm key setup");
  }
  ctx = std::move(fresh);
  if (enc != nullptr && dec != nullptr) key.Clear();  // no longer needed
  return ctx.get();
}

Status Aead::Impl::GmMac(ByteView header, ByteView aad, ByteView ciphertext,
                         uint8_t* tag) {
  uint8_t aad_len[8];
  PutUint64Be(aad.size(), aad_len);
  // A null key re-initialises the HMAC with the key already set
  // (EVP_MAC_init(3)).
  if (EVP_MAC_init(mac.get(), nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(mac.get(), header.data(), header.size()) != 1 ||
      EVP_MAC_update(mac.get(), aad_len, sizeof aad_len) != 1 ||
      (!aad.empty() &&
       EVP_MAC_update(mac.get(), aad.data(), aad.size()) != 1) ||
      (!ciphertext.empty() &&
       EVP_MAC_update(mac.get(), ciphertext.data(), ciphertext.size()) != 1)) {
    return internal::OpensslError("aead: hmac-sm3");
  }
  size_t len = 0;
  if (EVP_MAC_final(mac.get(), tag, &len, kGmTagSize) != 1 ||
      len != kGmTagSize) {
    return internal::OpensslError("aead: hmac-sm3 final");
  }
  return Status::Ok();
}

Status Aead::Impl::SealInto(ByteView plaintext, ByteView aad, uint8_t* out) {
  const size_t nonce_size = NonceSize(suite);
  out[0] = Version(suite);
  const uint8_t* nonce = out + 1;
  uint8_t* ct = out + 1 + nonce_size;
  uint8_t* tag = ct + plaintext.size();
  int len = 0;
  if (suite == Suite::kStd) {
    JV_ASSIGN_OR_RETURN(EVP_CIPHER_CTX * c, StdContext(true));
    // GCM additional data = version byte || aad, so the header is authenticated
    // too.
    if (EVP_EncryptInit_ex2(c, nullptr, nullptr, nonce, nullptr) != 1 ||
        EVP_EncryptUpdate(c, nullptr, &len, out, 1) != 1 ||
        (!aad.empty() &&
         EVP_EncryptUpdate(c, nullptr, &len, aad.data(),
                           static_cast<int>(aad.size())) != 1)) {
      return internal::OpensslError("aead: aes-256-gcm init");
    }
    if (!plaintext.empty()) {
      if (EVP_EncryptUpdate(c, ct, &len, plaintext.data(),
                            static_cast<int>(plaintext.size())) != 1 ||
          static_cast<size_t>(len) != plaintext.size()) {
        return internal::OpensslError("aead: aes-256-gcm encrypt");
      }
    }
    if (EVP_EncryptFinal_ex(c, tag, &len) != 1 || len != 0 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, kGcmTagSize, tag) != 1) {
      return internal::OpensslError("aead: aes-256-gcm final");
    }
    return Status::Ok();
  }
  EVP_CIPHER_CTX* c = enc.get();
  if (EVP_EncryptInit_ex2(c, nullptr, nullptr, nonce, nullptr) != 1) {
    return internal::OpensslError("aead: sm4-ctr init");
  }
  if (!plaintext.empty()) {
    if (EVP_EncryptUpdate(c, ct, &len, plaintext.data(),
                          static_cast<int>(plaintext.size())) != 1 ||
        static_cast<size_t>(len) != plaintext.size()) {
      return internal::OpensslError("aead: sm4-ctr encrypt");
    }
  }
  return GmMac(ByteView(out, 1 + nonce_size), aad,
               ByteView(ct, plaintext.size()), tag);
}

Result<SecretBuffer> Aead::Impl::Open(ByteView sealed, ByteView aad) {
  const size_t nonce_size = NonceSize(suite);
  const size_t tag_size = TagSize(suite);
  if (sealed.size() < 1 + nonce_size + tag_size) {
    return DataLossError("aead: sealed data is too short");
  }
  if (sealed[0] != Version(suite)) {
    return DataLossError("aead: unknown format version or wrong suite");
  }
  const uint8_t* nonce = sealed.data() + 1;
  ByteView ct =
      sealed.subspan(1 + nonce_size, sealed.size() - 1 - nonce_size - tag_size);
  ByteView tag = sealed.last(tag_size);
  if (ct.size() > kMaxPlaintext)
    return DataLossError("aead: sealed data is too long");
  SecretBuffer plaintext(ct.size());
  int len = 0;
  if (suite == Suite::kStd) {
    JV_ASSIGN_OR_RETURN(EVP_CIPHER_CTX * c, StdContext(false));
    if (EVP_DecryptInit_ex2(c, nullptr, nullptr, nonce, nullptr) != 1 ||
        EVP_DecryptUpdate(c, nullptr, &len, sealed.data(), 1) != 1 ||
        (!aad.empty() &&
         EVP_DecryptUpdate(c, nullptr, &len, aad.data(),
                           static_cast<int>(aad.size())) != 1)) {
      return internal::OpensslError("aead: aes-256-gcm init");
    }
    if (!ct.empty() && (EVP_DecryptUpdate(c, plaintext.data(), &len, ct.data(),
                                          static_cast<int>(ct.size())) != 1 ||
                        static_cast<size_t>(len) != ct.size())) {
      return internal::OpensslError("aead: aes-256-gcm decrypt");
    }
    if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, kGcmTagSize,
                            const_cast<uint8_t*>(tag.data())) != 1) {
      return internal::OpensslError("aead: aes-256-gcm set tag");
    }
    uint8_t final_block[16];
    if (EVP_DecryptFinal_ex(c, final_block, &len) != 1) {
      internal::ClearOpensslErrors();
      plaintext.Clear();  // wipes the unauthenticated plaintext
      return AuthFailed();
    }
    return plaintext;
  }
  // gm: verify the MAC before decrypting anything.
  uint8_t expected[kGmTagSize];
  JV_RETURN_IF_ERROR(GmMac(sealed.first(1 + nonce_size), aad, ct, expected));
  if (!ConstantTimeEqual(ByteView(expected, kGmTagSize), tag))
    return AuthFailed();
  EVP_CIPHER_CTX* c = enc.get();
  if (EVP_EncryptInit_ex2(c, nullptr, nullptr, nonce, nullptr) != 1) {
    return internal::OpensslError("aead: sm4-ctr init");
  }
  if (!ct.empty() && (EVP_EncryptUpdate(c, plaintext.data(), &len, ct.data(),
                                        static_cast<int>(ct.size())) != 1 ||
                      static_cast<size_t>(len) != ct.size())) {
    return internal::OpensslError("aead: sm4-ctr decrypt");
  }
  return plaintext;
}

Aead::Aead() : impl_(std::make_unique<Impl>()) {}
Aead::~Aead() = default;

Result<std::unique_ptr<Aead>> Aead::Create(Suite suite,
                                           const SecretBuffer& key) {
  if (key.size() != kKeySize)
    return InvalidArgumentError("aead: key must be 32 bytes");
  std::unique_ptr<Aead> aead(new Aead());
  JV_RETURN_IF_ERROR(aead->impl_->Init(suite, key));
  return aead;
}

size_t Aead::Overhead() const {
  return 1 + NonceSize(impl_->suite) + TagSize(impl_->suite);
}

Status Aead::SetKey(const SecretBuffer& key) {
  if (key.size() != kKeySize) return InvalidArgumentError("aead: key must be 32 bytes");
  if (impl_->suite != Suite::kStd) return impl_->Init(impl_->suite, key);
  // A null cipher keeps the context's AES-256-GCM; a null IV is set per message.
  for (int encrypt : {1, 0}) {
    EVP_CIPHER_CTX* c = (encrypt ? impl_->enc : impl_->dec).get();
    if (c != nullptr &&
        EVP_CipherInit_ex2(c, nullptr, key.data(), nullptr, encrypt, nullptr) != 1) {
      return internal::OpensslError("aead: aes-256-gcm key setup");
    }
  }
  if (impl_->enc != nullptr && impl_->dec != nullptr) {
    impl_->key.Clear();
  } else {
    impl_->key = key.Clone();  // for the context still to be made
  }
  return Status::Ok();
}

Result<Bytes> Aead::Seal(ByteView plaintext, ByteView aad, Random& random) {
  if (plaintext.size() > kMaxPlaintext || aad.size() > kMaxPlaintext) {
    return InvalidArgumentError("aead: message too long");
  }
  Bytes out(plaintext.size() + Overhead());
  random.Fill(out.data() + 1, NonceSize(impl_->suite));
  JV_RETURN_IF_ERROR(impl_->SealInto(plaintext, aad, out.data()));
  return out;
}

Result<SecretBuffer> Aead::Open(ByteView sealed, ByteView aad) {
  if (aad.size() > kMaxPlaintext)
    return InvalidArgumentError("aead: aad too long");
  return impl_->Open(sealed, aad);
}

Result<Bytes> Seal(Suite suite, const SecretBuffer& key, ByteView plaintext,
                   ByteView aad, Random& random) {
  JV_ASSIGN_OR_RETURN(std::unique_ptr<Aead> aead, Aead::Create(suite, key));
  return aead->Seal(plaintext, aad, random);
}

Result<SecretBuffer> Open(Suite suite, const SecretBuffer& key, ByteView sealed,
                          ByteView aad) {
  JV_ASSIGN_OR_RETURN(std::unique_ptr<Aead> aead, Aead::Create(suite, key));
  return aead->Open(sealed, aad);
}

namespace internal {

Result<GmKeys> DeriveGmKeys(const SecretBuffer& key) {
  if (key.size() != kKeySize)
    return InvalidArgumentError("aead: key must be 32 bytes");
  JV_ASSIGN_OR_RETURN(SecretBuffer okm,
                      Hkdf(Suite::kGm, key.view(), ByteView(), kGmKeySplitInfo,
                           kSm4KeySize + 32));
  GmKeys keys;
  keys.enc_key = SecretBuffer(okm.view().first(kSm4KeySize));
  keys.mac_key = SecretBuffer(okm.view().subspan(kSm4KeySize));
  return keys;
}

namespace {
// A Random that hands out one fixed nonce, so SealWithNonceForTest goes through
// exactly the production Seal path.
class FixedNonce : public Random {
 public:
  explicit FixedNonce(ByteView nonce) : nonce_(nonce) {}
  void Fill(uint8_t* out, size_t n) override {
    JV_CHECK(n == nonce_.size() && !used_);
    std::memcpy(out, nonce_.data(), n);
    used_ = true;
  }

 private:
  ByteView nonce_;
  bool used_ = false;
};
}  // namespace

Result<Bytes> SealWithNonceForTest(Suite suite, const SecretBuffer& key,
                                   ByteView nonce, ByteView plaintext,
                                   ByteView aad) {
  if (nonce.size() != NonceSize(suite))
    return InvalidArgumentError("aead: wrong nonce size");
  JV_ASSIGN_OR_RETURN(std::unique_ptr<Aead> aead, Aead::Create(suite, key));
  FixedNonce fixed(nonce);
  return aead->Seal(plaintext, aad, fixed);
}

Result<Bytes> AesGcmSealRawForTest(ByteView key32, ByteView nonce12,
                                   ByteView aad, ByteView plaintext) {
  if (key32.size() != 32 || nonce12.size() != kGcmNonceSize) {
    return InvalidArgumentError("aes-gcm: wrong key or nonce size");
  }
  CipherCtxPtr c(EVP_CIPHER_CTX_new());
  Bytes out(plaintext.size() + kGcmTagSize);
  int len = 0;
  if (c == nullptr ||
      EVP_EncryptInit_ex2(c.get(), Aes256Gcm(), key32.data(), nonce12.data(),
                          nullptr) != 1 ||
      (!aad.empty() && EVP_EncryptUpdate(c.get(), nullptr, &len, aad.data(),
                                         static_cast<int>(aad.size())) != 1) ||
      (!plaintext.empty() &&
       EVP_EncryptUpdate(c.get(), out.data(), &len, plaintext.data(),
                         static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(c.get(), out.data() + plaintext.size(), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_AEAD_GET_TAG, kGcmTagSize,
                          out.data() + plaintext.size()) != 1) {
    return OpensslError("aes-gcm");
  }
  return out;
}

namespace {
Result<Bytes> RawCipher(const EVP_CIPHER* cipher, ByteView key, ByteView iv,
                        ByteView input) {
  CipherCtxPtr c(EVP_CIPHER_CTX_new());
  Bytes out(input.size() + 16);
  int len = 0, fin = 0;
  if (c == nullptr ||
      EVP_EncryptInit_ex2(c.get(), cipher, key.data(),
                          iv.empty() ? nullptr : iv.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(c.get(), 0) != 1 ||
      EVP_EncryptUpdate(c.get(), out.data(), &len, input.data(),
                        static_cast<int>(input.size())) != 1 ||
      EVP_EncryptFinal_ex(c.get(), out.data() + len, &fin) != 1) {
    return OpensslError("sm4");
  }
  out.resize(static_cast<size_t>(len + fin));
  return out;
}
}  // namespace

Result<Bytes> Sm4CtrForTest(ByteView key16, ByteView iv16, ByteView input) {
  if (key16.size() != kSm4KeySize || iv16.size() != kSm4IvSize) {
    return InvalidArgumentError("sm4-ctr: wrong key or iv size");
  }
  return RawCipher(Sm4Ctr(), key16, iv16, input);
}

Result<Bytes> Sm4EcbEncryptForTest(ByteView key16, ByteView input) {
  if (key16.size() != kSm4KeySize || input.size() % 16 != 0) {
    return InvalidArgumentError("sm4-ecb: wrong key size or partial block");
  }
  EVP_CIPHER* ecb = EVP_CIPHER_fetch(nullptr, "SM4-ECB", nullptr);
  if (ecb == nullptr) return OpensslError("sm4-ecb fetch");
  Result<Bytes> r = RawCipher(ecb, key16, ByteView(), input);
  EVP_CIPHER_free(ecb);
  return r;
}

}  // namespace internal
}  // namespace jv::crypto
