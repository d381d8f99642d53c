#include <openssl/evp.h>

#include "src/common/check.h"
#include "src/crypto/hmac_sha1.h"

namespace jv::crypto {

Bytes HmacSha1(ByteView key, ByteView data) {
  Bytes out(20);
  size_t len = 0;
  // EVP_Q_mac rejects a NULL key pointer even when the length is 0.
  static const uint8_t kEmpty = 0;
  const uint8_t* k = key.empty() ? &kEmpty : key.data();
  unsigned char* r = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, k, key.size(),
                               data.data(), data.size(), out.data(), out.size(), &len);
  JV_CHECK(r != nullptr && len == 20);
  return out;
}

}  // namespace jv::crypto
