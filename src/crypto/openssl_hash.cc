// SHA-256 / SM3 digests and HMAC through OpenSSL's EVP_MD and EVP_MAC "HMAC".
// HmacKey's std suite keeps its two SHA-256 states as SHA256_CTX values (OpenSSL's
// low-level API, deprecated in 3.0 but present): copying one is a struct copy, where
// EVP_MD_CTX_copy_ex allocates a provider context on every copy. The blind indexes of an
// import make about three MACs per row.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>

#include "src/common/check.h"
#include "src/crypto/hash.h"
#include "src/crypto/internal/openssl_util.h"

namespace jv::crypto {

using internal::Digest;
using internal::MdCtxPtr;

Bytes Hash(Suite suite, ByteView data) {
  Bytes out(kHashSize);
  unsigned int len = 0;
  // Digests cannot fail on valid input; a failure is a broken library: fail
  // closed.
  JV_CHECK(EVP_Digest(data.data(), data.size(), out.data(), &len, Digest(suite),
                      nullptr) == 1);
  JV_CHECK(len == kHashSize);
  return out;
}

Bytes Sha256(ByteView data) { return Hash(Suite::kStd, data); }

struct Hasher::Impl {
  MdCtxPtr ctx;
};

Hasher::Hasher(Suite suite) : impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(EVP_MD_CTX_new());
  JV_CHECK(impl_->ctx != nullptr);
  JV_CHECK(EVP_DigestInit_ex2(impl_->ctx.get(), Digest(suite), nullptr) == 1);
}

Hasher::~Hasher() = default;

void Hasher::Update(ByteView data) {
  JV_CHECK(impl_->ctx != nullptr);  // Final() was already called.
  if (data.empty()) return;
  JV_CHECK(EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) == 1);
}

Bytes Hasher::Final() {
  JV_CHECK(impl_->ctx != nullptr);  // Final() was already called.
  Bytes out(kHashSize);
  unsigned int len = 0;
  JV_CHECK(EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) == 1);
  JV_CHECK(len == kHashSize);
  impl_->ctx.reset();
  return out;
}

Bytes Hmac(Suite suite, ByteView key, ByteView data) {
  internal::MacCtxPtr ctx = internal::NewHmacCtx(suite);
  // A NULL key means "keep the previous key" to EVP_MAC_init, so an empty key
  // is passed as a non-null pointer with length 0 (HMAC pads it with zeros, as
  // RFC 2104 says).
  static const uint8_t kEmpty = 0;
  const uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
  JV_CHECK(EVP_MAC_init(ctx.get(), key_ptr, key.size(), nullptr) == 1);
  if (!data.empty())
    JV_CHECK(EVP_MAC_update(ctx.get(), data.data(), data.size()) == 1);
  Bytes out(kHashSize);
  size_t len = 0;
  JV_CHECK(EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) == 1);
  JV_CHECK(len == kHashSize);
  return out;
}

struct HmacKey::Impl {
  Suite suite = Suite::kStd;
  // std: the SHA-256 states after absorbing K ^ ipad and K ^ opad.
  SHA256_CTX inner256{}, outer256{};
  // gm: the same through EVP (OpenSSL has no low-level SM3).
  MdCtxPtr inner;
  MdCtxPtr outer;
  ~Impl() {
    OPENSSL_cleanse(&inner256, sizeof(inner256));
    OPENSSL_cleanse(&outer256, sizeof(outer256));
  }
};

HmacKey::HmacKey(Suite suite, ByteView key) : impl_(std::make_unique<Impl>()) {
  const EVP_MD* md = Digest(suite);
  const int block = EVP_MD_get_block_size(md);
  JV_CHECK(block > 0 && block <= 128);
  // RFC 2104 §2: a key longer than the block is hashed first; then zero-padded.
  uint8_t k[128] = {0};
  if (key.size() > static_cast<size_t>(block)) {
    Bytes hashed = Hash(suite, key);
    std::copy(hashed.begin(), hashed.end(), k);
    OPENSSL_cleanse(hashed.data(), hashed.size());
  } else if (!key.empty()) {
    std::copy(key.begin(), key.end(), k);
  }
  impl_->suite = suite;
  uint8_t pad[128];
  auto absorb = [&](MdCtxPtr& ctx, SHA256_CTX& c256, uint8_t byte) {
    for (int i = 0; i < block; ++i) pad[i] = k[i] ^ byte;
    if (suite == Suite::kStd) {
      JV_CHECK(block == SHA256_CBLOCK);
      JV_CHECK(SHA256_Init(&c256) == 1);
      JV_CHECK(SHA256_Update(&c256, pad, block) == 1);
      return;
    }
    ctx.reset(EVP_MD_CTX_new());
    JV_CHECK(ctx != nullptr);
    JV_CHECK(EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1);
    JV_CHECK(EVP_DigestUpdate(ctx.get(), pad, block) == 1);
  };
  absorb(impl_->inner, impl_->inner256, 0x36);
  absorb(impl_->outer, impl_->outer256, 0x5c);
  OPENSSL_cleanse(pad, sizeof(pad));
  OPENSSL_cleanse(k, sizeof(k));
}

HmacKey::~HmacKey() = default;

Bytes HmacKey::Mac(std::initializer_list<ByteView> parts) const {
  if (impl_->suite == Suite::kStd) {
    Bytes out(kHashSize);
    SHA256_CTX c = impl_->inner256;
    for (ByteView p : parts) {
      if (!p.empty()) JV_CHECK(SHA256_Update(&c, p.data(), p.size()) == 1);
    }
    JV_CHECK(SHA256_Final(out.data(), &c) == 1);
    c = impl_->outer256;
    JV_CHECK(SHA256_Update(&c, out.data(), out.size()) == 1);
    JV_CHECK(SHA256_Final(out.data(), &c) == 1);
    OPENSSL_cleanse(&c, sizeof(c));
    return out;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  JV_CHECK(ctx != nullptr);
  JV_CHECK(EVP_MD_CTX_copy_ex(ctx.get(), impl_->inner.get()) == 1);
  for (ByteView p : parts) {
    if (!p.empty()) JV_CHECK(EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1);
  }
  Bytes out(kHashSize);
  unsigned int len = 0;
  JV_CHECK(EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1);
  JV_CHECK(len == kHashSize);
  JV_CHECK(EVP_MD_CTX_copy_ex(ctx.get(), impl_->outer.get()) == 1);
  JV_CHECK(EVP_DigestUpdate(ctx.get(), out.data(), out.size()) == 1);
  JV_CHECK(EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1);
  JV_CHECK(len == kHashSize);
  return out;
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace jv::crypto
