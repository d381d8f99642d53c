// X25519 and ChaCha20-Poly1305 for the age format, on OpenSSL EVP.
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "src/crypto/age.h"

namespace jv::crypto::age {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

constexpr size_t kNonceSize = 12;

bool AllZero(ByteView b) {
  uint8_t acc = 0;
  for (uint8_t v : b) acc |= v;
  return acc == 0;
}

// Runs ChaCha20-Poly1305 in either direction; `tag` is written (seal) or checked (open).
bool ChaChaPoly(bool encrypt, ByteView key, ByteView nonce, ByteView in, ByteView aad,
                uint8_t* out, uint8_t* tag) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return false;
  int len = 0;
  if (EVP_CipherInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, nullptr, nullptr,
                        encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce.data(),
                        encrypt ? 1 : 0) != 1) {
    return false;
  }
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return false;
  }
  // EVP lengths are int; age chunks are 64 KiB, but stay correct for any size.
  size_t done = 0;
  while (done < in.size()) {
    size_t step = std::min<size_t>(in.size() - done, size_t{1} << 30);
    if (EVP_CipherUpdate(ctx.get(), out + done, &len, in.data() + done,
                         static_cast<int>(step)) != 1) {
      return false;
    }
    done += step;
  }
  if (!encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize, tag) != 1) {
    return false;
  }
  uint8_t final_block[16];
  if (EVP_CipherFinal_ex(ctx.get(), final_block, &len) != 1) return false;
  if (encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagSize, tag) != 1) {
    return false;
  }
  return true;
}

}  // namespace

Result<SecretBuffer> X25519(ByteView scalar, ByteView point) {
  if (scalar.size() != kX25519KeySize || point.size() != kX25519KeySize) {
    return InvalidArgumentError("x25519: scalar and point must be 32 bytes");
  }
  PkeyPtr priv(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar.data(),
                                            scalar.size()));
  PkeyPtr peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, point.data(),
                                           point.size()));
  if (priv == nullptr || peer == nullptr) return InternalError("x25519: cannot load key");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(priv.get(), nullptr));
  if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) != 1) {
    return InternalError("x25519: cannot initialise derivation");
  }
  // OpenSSL refuses peers whose shared secret would be all zeros (low-order points);
  // either way the result is the same: no shared secret.
  if (EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) {
    return InvalidArgumentError("x25519: low-order point");
  }
  SecretBuffer out(kX25519KeySize);
  size_t len = out.size();
  if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1 || len != kX25519KeySize ||
      AllZero(out.view())) {
    return InvalidArgumentError("x25519: low-order point");
  }
  return out;
}

Result<Bytes> X25519BasePoint(ByteView scalar) {
  if (scalar.size() != kX25519KeySize) {
    return InvalidArgumentError("x25519: scalar must be 32 bytes");
  }
  PkeyPtr priv(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar.data(),
                                            scalar.size()));
  if (priv == nullptr) return InternalError("x25519: cannot load key");
  Bytes pub(kX25519KeySize);
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(priv.get(), pub.data(), &len) != 1 ||
      len != kX25519KeySize) {
    return InternalError("x25519: cannot compute public key");
  }
  return pub;
}

Result<Bytes> ChaCha20Poly1305Seal(ByteView key, ByteView nonce, ByteView plaintext,
                                   ByteView aad) {
  if (key.size() != 32 || nonce.size() != kNonceSize) {
    return InvalidArgumentError("chacha20-poly1305: key is 32 bytes, nonce 12");
  }
  Bytes out(plaintext.size() + kTagSize);
  if (!ChaChaPoly(true, key, nonce, plaintext, aad, out.data(),
                  out.data() + plaintext.size())) {
    return InternalError("chacha20-poly1305: encryption failed");
  }
  return out;
}

Result<SecretBuffer> ChaCha20Poly1305Open(ByteView key, ByteView nonce, ByteView sealed,
                                          ByteView aad) {
  if (key.size() != 32 || nonce.size() != kNonceSize) {
    return InvalidArgumentError("chacha20-poly1305: key is 32 bytes, nonce 12");
  }
  if (sealed.size() < kTagSize) return DataLossError("chacha20-poly1305: too short");
  const size_t n = sealed.size() - kTagSize;
  SecretBuffer out(n);
  uint8_t tag[kTagSize];
  std::copy(sealed.begin() + n, sealed.end(), tag);
  if (!ChaChaPoly(false, key, nonce, sealed.first(n), aad, out.data(), tag)) {
    return DataLossError("chacha20-poly1305: authentication failed");
  }
  return out;
}

}  // namespace jv::crypto::age
