#include "src/server/totp.h"

#include "src/crypto/hash.h"
#include "src/crypto/hmac_sha1.h"

namespace jv::server {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string PercentEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::string Base32Encode(ByteView data) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : data) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

Result<Bytes> Base32Decode(std::string_view text) {
  Bytes out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else {
      return InvalidArgumentError("base32: invalid character");
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string Hotp(ByteView secret, uint64_t counter, int digits) {
  uint8_t msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  Bytes mac = crypto::HmacSha1(secret, ByteView(msg, 8));
  int offset = mac[19] & 0x0f;  // RFC 4226 §5.3 dynamic truncation
  uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                 (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                 (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  uint64_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string s = std::to_string(bin % mod);
  return std::string(static_cast<size_t>(digits) - s.size(), '0') + s;
}

std::string Totp(ByteView secret, int64_t unix_seconds, int digits) {
  return Hotp(secret, static_cast<uint64_t>(unix_seconds / kTotpStepSeconds), digits);
}

std::optional<int64_t> MatchTotp(ByteView secret, std::string_view code, int64_t unix_seconds) {
  if (code.size() != static_cast<size_t>(kTotpDigits)) return std::nullopt;
  int64_t step = unix_seconds / kTotpStepSeconds;
  std::optional<int64_t> match;
  for (int64_t s = step - 1; s <= step + 1; ++s) {
    if (s < 0) continue;
    std::string expect = Hotp(secret, static_cast<uint64_t>(s));
    if (crypto::ConstantTimeEqual(AsBytes(expect), AsBytes(code)) && !match) match = s;
  }
  return match;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view base32_secret) {
  return "otpauth://totp/" + PercentEncode(issuer) + ":" + PercentEncode(account) +
         "?secret=" + std::string(base32_secret) + "&issuer=" + PercentEncode(issuer) +
         "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace jv::server
