// age decryption: strict header parser, stanza unwrapping (X25519, scrypt), header MAC,
// STREAM payload. Nothing is returned unless the whole file authenticates.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/common/strings.h"
#include "src/crypto/age.h"
#include "src/crypto/hash.h"
#include "src/crypto/kdf.h"

namespace jv::crypto::age {
namespace {

constexpr std::string_view kIntroLine = "age-encryption.org/v1";
constexpr std::string_view kX25519Label = "age-encryption.org/v1/X25519";
constexpr std::string_view kScryptLabel = "age-encryption.org/v1/scrypt";
constexpr size_t kColumns = 64;
constexpr size_t kMacSize = 32;
constexpr size_t kScryptSaltSize = 16;
constexpr size_t kWrappedKeySize = kFileKeySize + kTagSize;  // stanza bodies: 32 bytes
constexpr size_t kEncChunkSize = kChunkSize + kTagSize;
const uint8_t kZeroNonce[12] = {0};

Status HeaderError(std::string_view what) {
  return InvalidArgumentError("age: malformed header: " + std::string(what));
}
Status PayloadError(std::string_view what) {
  return DataLossError("age: payload: " + std::string(what));
}

struct Stanza {
  std::string_view type;
  std::vector<std::string_view> args;
  Bytes body;
};

struct Header {
  std::vector<Stanza> stanzas;
  Bytes mac;
  size_t mac_input_len = 0;   // bytes covered by the MAC: up to and including "---"
  size_t payload_offset = 0;  // first byte after the MAC line
};

// Lines that must end in LF; the LF is not part of the returned line.
class HeaderReader {
 public:
  explicit HeaderReader(std::string_view text) : text_(text) {}
  size_t pos() const { return pos_; }
  bool StartsWith(std::string_view prefix) const {
    return text_.substr(pos_, prefix.size()) == prefix;
  }
  bool Next(std::string_view* line) {
    size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) return false;
    *line = text_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

std::vector<std::string_view> SplitSpaces(std::string_view line) {
  std::vector<std::string_view> parts;
  for (;;) {
    size_t sp = line.find(' ');
    parts.push_back(line.substr(0, sp));
    if (sp == std::string_view::npos) break;
    line.remove_prefix(sp + 1);
  }
  return parts;
}

// argument = 1*VCHAR
bool IsValidArgument(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 33 || c > 126) return false;
  }
  return true;
}

Result<Header> ParseHeader(std::string_view file) {
  HeaderReader r(file);
  std::string_view line;
  if (!r.Next(&line) || line != kIntroLine) {
    return HeaderError("missing or unsupported version line");
  }
  Header h;
  for (;;) {
    if (r.StartsWith("---")) {
      size_t start = r.pos();
      if (!r.Next(&line)) return HeaderError("unterminated MAC line");
      std::vector<std::string_view> parts = SplitSpaces(line);
      if (parts.size() != 2 || parts[0] != "---") return HeaderError("malformed MAC line");
      auto mac = Base64DecodeNoPad(parts[1]);
      if (!mac.ok() || mac->size() != kMacSize) return HeaderError("malformed MAC");
      h.mac = std::move(mac).value();
      h.mac_input_len = start + 3;
      h.payload_offset = r.pos();
      break;
    }
    if (!r.Next(&line)) return HeaderError("unexpected end of header");
    std::vector<std::string_view> parts = SplitSpaces(line);
    if (parts[0] != "->" || parts.size() < 2) return HeaderError("malformed stanza line");
    for (size_t i = 1; i < parts.size(); ++i) {
      if (!IsValidArgument(parts[i])) return HeaderError("invalid stanza argument");
    }
    Stanza s;
    s.type = parts[1];
    s.args.assign(parts.begin() + 2, parts.end());
    // Body: full 64-column lines, then one shorter (possibly empty) line.
    for (;;) {
      if (!r.Next(&line)) return HeaderError("unexpected end of stanza body");
      if (line.size() > kColumns) return HeaderError("stanza body line too long");
      auto chunk = Base64DecodeNoPad(line);
      if (!chunk.ok()) return HeaderError("invalid or non-canonical base64 in stanza body");
      s.body.insert(s.body.end(), chunk->begin(), chunk->end());
      if (line.size() < kColumns) break;
    }
    h.stanzas.push_back(std::move(s));
  }
  if (h.stanzas.empty()) return HeaderError("no recipient stanza");
  return h;
}

// log2(N): ^[1-9][0-9]*$, at most `max`.
Result<int> ParseWorkFactor(std::string_view s, int max) {
  if (s.empty() || s[0] < '1' || s[0] > '9') return HeaderError("invalid scrypt work factor");
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return HeaderError("invalid scrypt work factor");
    v = v * 10 + (c - '0');
    if (v > max) return HeaderError("scrypt work factor too large");
  }
  return static_cast<int>(v);
}

// Structural rules of the stanza types we implement, checked for every stanza whether or
// not a matching identity was given (c2sp.org/age, "The X25519 recipient type" and "The
// scrypt recipient type"). Other types are skipped.
Status CheckStanzas(const Header& h, int max_work_factor) {
  for (const Stanza& s : h.stanzas) {
    if (s.type == "scrypt") {
      if (h.stanzas.size() != 1) {
        return HeaderError("an scrypt stanza must be the only stanza");
      }
      if (s.args.size() != 2) return HeaderError("scrypt stanza needs 2 arguments");
      auto salt = Base64DecodeNoPad(s.args[0]);
      if (!salt.ok() || salt->size() != kScryptSaltSize) {
        return HeaderError("invalid scrypt salt");
      }
      JV_RETURN_IF_ERROR(ParseWorkFactor(s.args[1], max_work_factor).status());
      if (s.body.size() != kWrappedKeySize) return HeaderError("scrypt body is not 32 bytes");
    } else if (s.type == "X25519") {
      if (s.args.size() != 1) return HeaderError("X25519 stanza needs 1 argument");
      auto share = Base64DecodeNoPad(s.args[0]);
      if (!share.ok() || share->size() != kX25519KeySize) {
        return HeaderError("invalid X25519 share");
      }
      if (s.body.size() != kWrappedKeySize) return HeaderError("X25519 body is not 32 bytes");
    }
  }
  return Status::Ok();
}

struct LoadedIdentity {
  const X25519Identity* identity;
  X25519Recipient recipient;
};

// Finds the file key. kNotFound if nothing matched, kUnauthenticated if an scrypt
// stanza refused the passphrase, kInvalidArgument for a low-order X25519 share.
Result<SecretBuffer> UnwrapFileKey(const Header& h, const DecryptKeys& keys) {
  std::vector<LoadedIdentity> ids;
  for (const X25519Identity& id : keys.identities) ids.push_back({&id, id.Recipient()});
  bool passphrase_refused = false;
  for (const Stanza& s : h.stanzas) {
    if (s.type == "X25519") {
      Bytes share = Base64DecodeNoPad(s.args[0]).value();  // checked in CheckStanzas
      for (const LoadedIdentity& id : ids) {
        auto shared = X25519(id.identity->secret().view(), share);
        if (!shared.ok()) {
          return HeaderError("X25519 share is a low-order point");
        }
        Bytes salt = share;
        salt.insert(salt.end(), id.recipient.bytes().begin(), id.recipient.bytes().end());
        JV_ASSIGN_OR_RETURN(SecretBuffer wrap_key,
                            Hkdf(Suite::kStd, shared->view(), salt, kX25519Label, 32));
        auto file_key = ChaCha20Poly1305Open(wrap_key.view(), kZeroNonce, s.body, {});
        if (file_key.ok()) return std::move(file_key).value();
      }
    } else if (s.type == "scrypt" && keys.passphrase != nullptr) {
      Bytes salt(kScryptLabel.begin(), kScryptLabel.end());
      Bytes raw_salt = Base64DecodeNoPad(s.args[0]).value();
      salt.insert(salt.end(), raw_salt.begin(), raw_salt.end());
      JV_ASSIGN_OR_RETURN(int log_n, ParseWorkFactor(s.args[1], keys.max_scrypt_work_factor));
      ScryptParams params;
      params.n = uint64_t{1} << log_n;
      params.r = 8;
      params.p = 1;
      auto wrap_key = Scrypt(keys.passphrase->view(), salt, params, 32);
      if (!wrap_key.ok()) {
        return InternalError("age: scrypt failed: " + wrap_key.status().message());
      }
      auto file_key = ChaCha20Poly1305Open(wrap_key->view(), kZeroNonce, s.body, {});
      if (file_key.ok()) return std::move(file_key).value();
      passphrase_refused = true;
    }
  }
  if (passphrase_refused) {
    return UnauthenticatedError("age: wrong passphrase (the scrypt stanza did not open)");
  }
  return NotFoundError("age: no identity matched any recipient stanza");
}

Result<SecretBuffer> DecryptPayload(const SecretBuffer& file_key, ByteView payload) {
  if (payload.size() < kPayloadNonceSize) return PayloadError("missing or short nonce");
  ByteView nonce = payload.first(kPayloadNonceSize);
  ByteView rest = payload.subspan(kPayloadNonceSize);
  if (rest.empty()) return PayloadError("no chunks (truncated)");
  const size_t chunks = (rest.size() + kEncChunkSize - 1) / kEncChunkSize;
  const size_t last_size = rest.size() - (chunks - 1) * kEncChunkSize;
  if (last_size < kTagSize) return PayloadError("truncated chunk");
  if (last_size == kTagSize && chunks > 1) {
    return PayloadError("empty final chunk");
  }
  JV_ASSIGN_OR_RETURN(SecretBuffer stream_key,
                      Hkdf(Suite::kStd, file_key.view(), nonce, "payload", 32));
  SecretBuffer out(rest.size() - chunks * kTagSize);
  size_t written = 0;
  for (size_t i = 0; i < chunks; ++i) {
    const bool last = i + 1 == chunks;
    uint8_t chunk_nonce[12] = {0};
    for (int b = 0; b < 8; ++b) chunk_nonce[10 - b] = static_cast<uint8_t>(uint64_t{i} >> (8 * b));
    chunk_nonce[11] = last ? 1 : 0;
    ByteView sealed = rest.subspan(i * kEncChunkSize, last ? last_size : kEncChunkSize);
    auto plain = ChaCha20Poly1305Open(stream_key.view(), chunk_nonce, sealed, {});
    if (!plain.ok()) {
      return PayloadError(last ? "final chunk failed to authenticate (tampered, truncated "
                                 "or trailing data)"
                               : "chunk " + std::to_string(i) + " failed to authenticate");
    }
    std::copy(plain->data(), plain->data() + plain->size(), out.data() + written);
    written += plain->size();
  }
  return out;
}

bool LooksArmored(ByteView file) {
  size_t i = 0;
  while (i < file.size() && (file[i] == ' ' || file[i] == '\t' || file[i] == '\r' ||
                             file[i] == '\n' || file[i] == '\v' || file[i] == '\f')) {
    ++i;
  }
  return AsString(file.subspan(i)).substr(0, 10) == "-----BEGIN";
}

}  // namespace

Result<SecretBuffer> Decrypt(ByteView file, const DecryptKeys& keys) {
  if (keys.identities.empty() && keys.passphrase == nullptr) {
    return InvalidArgumentError("age: no identity and no passphrase given");
  }
  if (keys.passphrase != nullptr && keys.passphrase->empty()) {
    return InvalidArgumentError("age: empty passphrase");
  }
  Bytes dearmored;
  if (LooksArmored(file)) {
    JV_ASSIGN_OR_RETURN(dearmored, Dearmor(file));
    file = dearmored;
  }
  JV_ASSIGN_OR_RETURN(Header h, ParseHeader(AsString(file)));
  JV_RETURN_IF_ERROR(CheckStanzas(h, keys.max_scrypt_work_factor));
  JV_ASSIGN_OR_RETURN(SecretBuffer file_key, UnwrapFileKey(h, keys));
  JV_ASSIGN_OR_RETURN(SecretBuffer hmac_key,
                      Hkdf(Suite::kStd, file_key.view(), {}, "header", 32));
  Bytes mac = Hmac(Suite::kStd, hmac_key.view(), file.first(h.mac_input_len));
  if (!ConstantTimeEqual(mac, h.mac)) {
    return DataLossError("age: header MAC mismatch (header tampered or wrong file key)");
  }
  return DecryptPayload(file_key, file.subspan(h.payload_offset));
}

Result<SecretBuffer> Decrypt(ByteView file, std::span<const X25519Identity> identities) {
  DecryptKeys keys;
  keys.identities = identities;
  return Decrypt(file, keys);
}

Result<SecretBuffer> DecryptWithPassphrase(ByteView file, const SecretBuffer& passphrase) {
  DecryptKeys keys;
  keys.passphrase = &passphrase;
  return Decrypt(file, keys);
}

}  // namespace jv::crypto::age
