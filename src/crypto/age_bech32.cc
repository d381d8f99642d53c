// Bech32 (BIP 173) and the textual age keys built on it: "age1…" recipients,
// "AGE-SECRET-KEY-1…" identities and identity files.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/strings.h"
#include "src/crypto/age.h"

namespace jv::crypto::age {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "AGE-SECRET-KEY-";

// BIP 173 "bech32_polymod".
uint32_t Polymod(const std::vector<uint8_t>& values) {
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                       0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

// BIP 173 "bech32_hrp_expand" over the lower-case HRP.
std::vector<uint8_t> HrpExpand(std::string_view hrp) {
  std::vector<uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) >> 5);
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) & 31);
  return out;
}

// Regroups bits; with pad=false rejects more than 4 padding bits or non-zero padding,
// as BIP 173's reference convertbits does.
Result<Bytes> ConvertBits(ByteView in, int from, int to, bool pad) {
  uint32_t acc = 0;
  int bits = 0;
  const uint32_t maxv = (1u << to) - 1;
  Bytes out;
  for (uint8_t v : in) {
    if ((v >> from) != 0) return InvalidArgumentError("bech32: invalid data value");
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return InvalidArgumentError("bech32: invalid padding");
  }
  return out;
}

std::string_view TrimLine(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// A well-formed Bech32 identity of another age type (post-quantum "AGE-SECRET-KEY-PQ-",
// plugins "AGE-PLUGIN-…"): skipped in identity files rather than refused.
bool IsOtherAgeIdentityType(std::string_view line) {
  auto decoded = Bech32Decode(line);
  if (!decoded.ok()) return false;
  SecureWipe(decoded->second.data(), decoded->second.size());
  const std::string& hrp = decoded->first;
  return hrp != kIdentityHrp && StartsWith(hrp, "AGE-");
}

}  // namespace

std::string Bech32Encode(std::string_view hrp, ByteView data, bool upper) {
  std::string lower_hrp = ToLowerAscii(hrp);
  Bytes five = ConvertBits(data, 8, 5, true).value();  // cannot fail with pad=true
  std::vector<uint8_t> values = HrpExpand(lower_hrp);
  values.insert(values.end(), five.begin(), five.end());
  values.insert(values.end(), 6, 0);
  uint32_t mod = Polymod(values) ^ 1;
  std::string out = lower_hrp + "1";
  for (uint8_t v : five) out += kCharset[v];
  for (int i = 0; i < 6; ++i) out += kCharset[(mod >> (5 * (5 - i))) & 31];
  return upper ? ToUpperAscii(out) : out;
}

Result<std::pair<std::string, Bytes>> Bech32Decode(std::string_view text) {
  bool has_lower = false, has_upper = false;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') has_lower = true;
    if (c >= 'A' && c <= 'Z') has_upper = true;
  }
  if (has_lower && has_upper) return InvalidArgumentError("bech32: mixed case");
  size_t pos = text.rfind('1');
  if (pos == std::string_view::npos || pos < 1 || pos + 7 > text.size()) {
    return InvalidArgumentError("bech32: separator missing or misplaced");
  }
  std::string_view hrp = text.substr(0, pos);
  for (char c : hrp) {
    if (c < 33 || c > 126) return InvalidArgumentError("bech32: invalid character in HRP");
  }
  std::string lower = ToLowerAscii(text);
  std::vector<uint8_t> data;
  for (size_t i = pos + 1; i < lower.size(); ++i) {
    size_t d = kCharset.find(lower[i]);
    if (d == std::string_view::npos) {
      return InvalidArgumentError("bech32: invalid character in data part");
    }
    data.push_back(static_cast<uint8_t>(d));
  }
  std::vector<uint8_t> values = HrpExpand(std::string_view(lower).substr(0, pos));
  values.insert(values.end(), data.begin(), data.end());
  if (Polymod(values) != 1) return InvalidArgumentError("bech32: checksum mismatch");
  data.resize(data.size() - 6);
  JV_ASSIGN_OR_RETURN(Bytes bytes, ConvertBits(data, 5, 8, false));
  return std::make_pair(std::string(hrp), std::move(bytes));
}

// ---- X25519Identity / X25519Recipient ----------------------------------------------

X25519Identity X25519Identity::Generate(Random& random) {
  SecretBuffer secret(kX25519KeySize);
  random.Fill(secret.data(), secret.size());
  return X25519Identity(std::move(secret));
}

Result<X25519Identity> X25519Identity::FromBytes(ByteView secret) {
  if (secret.size() != kX25519KeySize) {
    return InvalidArgumentError("age: an X25519 identity is 32 bytes");
  }
  return X25519Identity(SecretBuffer(secret));
}

Result<X25519Identity> X25519Identity::Parse(std::string_view text) {
  auto decoded = Bech32Decode(text);
  if (!decoded.ok()) {
    return InvalidArgumentError("age: malformed identity (" + decoded.status().message() + ")");
  }
  if (decoded->first != kIdentityHrp) {
    return InvalidArgumentError("age: not an upper-case AGE-SECRET-KEY-1 identity");
  }
  SecretBuffer secret(decoded->second);
  SecureWipe(decoded->second.data(), decoded->second.size());
  if (secret.size() != kX25519KeySize) {
    return InvalidArgumentError("age: malformed identity (wrong key length)");
  }
  return X25519Identity(std::move(secret));
}

SecretBuffer X25519Identity::Encode() const {
  std::string s = Bech32Encode(kIdentityHrp, secret_.view(), /*upper=*/true);
  SecretBuffer out = SecretBuffer::FromString(s);
  SecureWipe(s.data(), s.size());
  return out;
}

X25519Recipient X25519Identity::Recipient() const {
  // The secret is always 32 bytes and X25519 with the base point never yields zero.
  Bytes pub = X25519BasePoint(secret_.view()).value();
  return X25519Recipient::FromBytes(pub).value();
}

Result<X25519Recipient> X25519Recipient::FromBytes(ByteView public_key) {
  if (public_key.size() != kX25519KeySize) {
    return InvalidArgumentError("age: an X25519 recipient is 32 bytes");
  }
  X25519Recipient r;
  std::copy(public_key.begin(), public_key.end(), r.key_.begin());
  return r;
}

Result<X25519Recipient> X25519Recipient::Parse(std::string_view text) {
  auto decoded = Bech32Decode(text);
  if (!decoded.ok()) {
    return InvalidArgumentError("age: malformed recipient (" + decoded.status().message() +
                                ")");
  }
  if (decoded->first != kRecipientHrp) {
    return InvalidArgumentError("age: not a lower-case age1 X25519 recipient");
  }
  if (decoded->second.size() != kX25519KeySize) {
    return InvalidArgumentError("age: malformed recipient (wrong key length)");
  }
  return FromBytes(decoded->second);
}

std::string X25519Recipient::Encode() const {
  return Bech32Encode(kRecipientHrp, key_, /*upper=*/false);
}

Result<std::vector<X25519Identity>> ParseIdentityFile(std::string_view text) {
  std::vector<X25519Identity> out;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = TrimLine(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto id = X25519Identity::Parse(line);
    if (!id.ok() && IsOtherAgeIdentityType(line)) continue;
    if (!id.ok()) {
      return InvalidArgumentError("age: identity file line " + std::to_string(line_no) +
                                  ": " + id.status().message());
    }
    out.push_back(std::move(id).value());
  }
  if (out.empty()) return InvalidArgumentError("age: no X25519 identity in the identity file");
  return out;
}

SecretBuffer FormatIdentityFile(const X25519Identity& identity, std::string_view created) {
  SecretBuffer encoded = identity.Encode();
  std::string s = "# created: " + std::string(created) +
                  "\n# public key: " + identity.Recipient().Encode() + "\n" +
                  std::string(encoded.str()) + "\n";
  SecretBuffer out = SecretBuffer::FromString(s);
  SecureWipe(s.data(), s.size());
  return out;
}

}  // namespace jv::crypto::age
