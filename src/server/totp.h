// One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA-1, 30-second
// steps and 6 digits (what authenticator apps and `oathtool --totp` use by default), and
// the base32 (RFC 4648, no padding) and otpauth:// URI forms used to enrol an app.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/common/bytes.h"
#include "src/common/result.h"

namespace jv::server {

inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

// RFC 4648 base32, upper case, without '=' padding.
std::string Base32Encode(ByteView data);
// Accepts upper or lower case, ignores spaces and '=' padding; kInvalidArgument otherwise.
Result<Bytes> Base32Decode(std::string_view text);

// HOTP value for `counter` with `digits` digits, zero-padded ("000123").
std::string Hotp(ByteView secret, uint64_t counter, int digits = kTotpDigits);
// TOTP at Unix time `unix_seconds` (T0 = 0, 30-second steps).
std::string Totp(ByteView secret, int64_t unix_seconds, int digits = kTotpDigits);

// If `code` (6 digits) matches the step of `unix_seconds` or one step either side (clock
// drift), returns the matching step number; else std::nullopt. Comparison is constant-time
// per candidate. The caller must refuse a step at or below the last one accepted (replay).
std::optional<int64_t> MatchTotp(ByteView secret, std::string_view code, int64_t unix_seconds);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view base32_secret);

}  // namespace jv::server
