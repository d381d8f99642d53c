// SHA-256 / SM3 digests and HMAC through OpenSSL's EVP_MD and EVP_MAC "HMAC".
#include <openssl/crypto.h>
#include <openssl/evp.h>

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
  MdCtxPtr inner;  // state after absorbing K ^ ipad
  MdCtxPtr outer;  // state after absorbing K ^ opad
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
  uint8_t pad[128];
  auto absorb = [&](MdCtxPtr& ctx, uint8_t byte) {
    for (int i = 0; i < block; ++i) pad[i] = k[i] ^ byte;
    ctx.reset(EVP_MD_CTX_new());
    JV_CHECK(ctx != nullptr);
    JV_CHECK(EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1);
    JV_CHECK(EVP_DigestUpdate(ctx.get(), pad, block) == 1);
  };
  absorb(impl_->inner, 0x36);
  absorb(impl_->outer, 0x5c);
  OPENSSL_cleanse(pad, sizeof(pad));
  OPENSSL_cleanse(k, sizeof(k));
}

HmacKey::~HmacKey() = default;

Bytes HmacKey::Mac(std::initializer_list<ByteView> parts) const {
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
