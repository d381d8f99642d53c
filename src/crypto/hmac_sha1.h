// HMAC-SHA-1 (RFC 2104), for one use only: one-time passwords (HOTP RFC 4226 / TOTP
// RFC 6238), whose authenticator apps and `oathtool` default to SHA-1. SHA-1's collision
// weakness does not affect HMAC; nothing else in jadevault may use this.
// Thread-safe. Always returns 20 bytes.
#pragma once

#include "src/common/bytes.h"

namespace jv::crypto {

Bytes HmacSha1(ByteView key, ByteView data);

}  // namespace jv::crypto
