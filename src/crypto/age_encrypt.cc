// age encryption: header (X25519 or scrypt stanzas, HMAC), STREAM payload, optional armor.
#include <algorithm>
#include <string>
#include <utility>

#include "src/common/strings.h"
#include "src/crypto/age.h"
#include "src/crypto/hash.h"
#include "src/crypto/kdf.h"

namespace jv::crypto::age {
namespace {

constexpr std::string_view kIntro = "age-encryption.org/v1\n";
constexpr std::string_view kX25519Label = "age-encryption.org/v1/X25519";
constexpr std::string_view kScryptLabel = "age-encryption.org/v1/scrypt";
constexpr std::string_view kArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----\n";
constexpr std::string_view kArmorEnd = "-----END AGE ENCRYPTED FILE-----\n";
constexpr size_t kColumns = 64;
constexpr size_t kBytesPerLine = 48;
constexpr size_t kScryptSaltSize = 16;

struct Stanza {
  std::string type;
  std::vector<std::string> args;
  Bytes body;
};

// "-> type args…\n" then the body in unpadded base64, 64 columns, ending with a line
// shorter than 64 columns (possibly empty).
void AppendStanza(const Stanza& s, std::string* out) {
  out->append("->");
  out->append(" ").append(s.type);
  for (const std::string& a : s.args) out->append(" ").append(a);
  out->push_back('\n');
  std::string b64 = Base64EncodeNoPad(s.body);
  size_t i = 0;
  for (; i + kColumns <= b64.size(); i += kColumns) {
    out->append(b64, i, kColumns).push_back('\n');
  }
  out->append(b64, i, std::string::npos).push_back('\n');
}

Result<SecretBuffer> HkdfSha256(ByteView ikm, ByteView salt, std::string_view info) {
  return Hkdf(Suite::kStd, ikm, salt, info, 32);
}

const uint8_t kZeroNonce[12] = {0};

Result<Stanza> WrapX25519(const X25519Recipient& recipient, const SecretBuffer& file_key,
                          Random& random) {
  SecretBuffer ephemeral(kX25519KeySize);
  random.Fill(ephemeral.data(), ephemeral.size());
  JV_ASSIGN_OR_RETURN(Bytes share, X25519BasePoint(ephemeral.view()));
  auto shared = X25519(ephemeral.view(), recipient.bytes());
  if (!shared.ok()) {
    return InvalidArgumentError("age: recipient is not a valid X25519 public key");
  }
  Bytes salt = share;
  salt.insert(salt.end(), recipient.bytes().begin(), recipient.bytes().end());
  JV_ASSIGN_OR_RETURN(SecretBuffer wrap_key, HkdfSha256(shared->view(), salt, kX25519Label));
  JV_ASSIGN_OR_RETURN(Bytes body,
                      ChaCha20Poly1305Seal(wrap_key.view(), kZeroNonce, file_key.view(), {}));
  return Stanza{"X25519", {Base64EncodeNoPad(share)}, std::move(body)};
}

Result<Stanza> WrapScrypt(const SecretBuffer& passphrase, int work_factor,
                          const SecretBuffer& file_key, Random& random) {
  Bytes salt = random.RandomBytes(kScryptSaltSize);
  std::string labelled_salt = std::string(kScryptLabel) + std::string(AsString(salt));
  ScryptParams params;
  params.n = uint64_t{1} << work_factor;
  params.r = 8;
  params.p = 1;
  JV_ASSIGN_OR_RETURN(SecretBuffer wrap_key,
                      Scrypt(passphrase.view(), AsBytes(labelled_salt), params, 32));
  JV_ASSIGN_OR_RETURN(Bytes body,
                      ChaCha20Poly1305Seal(wrap_key.view(), kZeroNonce, file_key.view(), {}));
  return Stanza{"scrypt", {Base64EncodeNoPad(salt), std::to_string(work_factor)},
                std::move(body)};
}

}  // namespace

struct Encryptor::Impl {
  Sink sink;
  bool armor = false;
  SecretBuffer stream_key;
  uint64_t counter = 0;
  SecretBuffer chunk{kChunkSize};  // pending plaintext, chunk_len bytes used
  size_t chunk_len = 0;
  uint8_t armor_pending[kBytesPerLine] = {};
  size_t armor_pending_len = 0;
  bool done = false;  // closed or failed

  // Sends bytes of the binary age file to the sink, armoring them if asked.
  Status Emit(ByteView data) {
    if (!armor) return sink(data);
    std::string text;
    text.reserve(data.size() / 3 * 4 + data.size() / kBytesPerLine + 8);
    while (!data.empty()) {
      size_t take = std::min(kBytesPerLine - armor_pending_len, data.size());
      std::copy(data.begin(), data.begin() + take, armor_pending + armor_pending_len);
      armor_pending_len += take;
      data = data.subspan(take);
      if (armor_pending_len == kBytesPerLine) {
        text += Base64Encode(ByteView(armor_pending, kBytesPerLine));
        text.push_back('\n');
        armor_pending_len = 0;
      }
    }
    return text.empty() ? Status::Ok() : sink(AsBytes(text));
  }

  Status FlushChunk(bool last) {
    uint8_t nonce[12] = {0};
    for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<uint8_t>(counter >> (8 * i));
    nonce[11] = last ? 1 : 0;
    JV_ASSIGN_OR_RETURN(Bytes sealed, ChaCha20Poly1305Seal(stream_key.view(), nonce,
                                                           ByteView(chunk.data(), chunk_len), {}));
    ++counter;
    chunk_len = 0;
    return Emit(sealed);
  }

  Status Start(const std::vector<Stanza>& stanzas, const SecretBuffer& file_key,
               Random& random) {
    if (armor) JV_RETURN_IF_ERROR(sink(AsBytes(kArmorBegin)));
    std::string header(kIntro);
    for (const Stanza& s : stanzas) AppendStanza(s, &header);
    header.append("---");
    JV_ASSIGN_OR_RETURN(SecretBuffer hmac_key, HkdfSha256(file_key.view(), {}, "header"));
    Bytes mac = Hmac(Suite::kStd, hmac_key.view(), AsBytes(header));
    header.append(" ").append(Base64EncodeNoPad(mac)).push_back('\n');
    Bytes nonce = random.RandomBytes(kPayloadNonceSize);
    JV_ASSIGN_OR_RETURN(stream_key, HkdfSha256(file_key.view(), nonce, "payload"));
    JV_RETURN_IF_ERROR(Emit(AsBytes(header)));
    return Emit(nonce);
  }
};

Encryptor::Encryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Encryptor::~Encryptor() = default;

Result<std::unique_ptr<Encryptor>> Encryptor::ForRecipients(
    std::span<const X25519Recipient> recipients, bool armor, Random& random, Sink sink) {
  if (recipients.empty()) return InvalidArgumentError("age: no recipients");
  SecretBuffer file_key(kFileKeySize);
  random.Fill(file_key.data(), file_key.size());
  std::vector<Stanza> stanzas;
  for (const X25519Recipient& r : recipients) {
    JV_ASSIGN_OR_RETURN(Stanza s, WrapX25519(r, file_key, random));
    stanzas.push_back(std::move(s));
  }
  auto impl = std::make_unique<Impl>();
  impl->sink = std::move(sink);
  impl->armor = armor;
  JV_RETURN_IF_ERROR(impl->Start(stanzas, file_key, random));
  return std::unique_ptr<Encryptor>(new Encryptor(std::move(impl)));
}

Result<std::unique_ptr<Encryptor>> Encryptor::ForPassphrase(const SecretBuffer& passphrase,
                                                            int work_factor, bool armor,
                                                            Random& random, Sink sink) {
  if (passphrase.empty()) return InvalidArgumentError("age: empty passphrase");
  if (work_factor < 1 || work_factor > kMaxScryptWorkFactor) {
    return InvalidArgumentError("age: scrypt work factor must be 1..22");
  }
  SecretBuffer file_key(kFileKeySize);
  random.Fill(file_key.data(), file_key.size());
  JV_ASSIGN_OR_RETURN(Stanza s, WrapScrypt(passphrase, work_factor, file_key, random));
  auto impl = std::make_unique<Impl>();
  impl->sink = std::move(sink);
  impl->armor = armor;
  JV_RETURN_IF_ERROR(impl->Start({s}, file_key, random));
  return std::unique_ptr<Encryptor>(new Encryptor(std::move(impl)));
}

Status Encryptor::Write(ByteView plaintext) {
  Impl& m = *impl_;
  if (m.done) return FailedPreconditionError("age: encryptor closed or failed");
  while (!plaintext.empty()) {
    // A full chunk is only sealed (as non-final) once more data arrives, so that the
    // final chunk is never empty unless the whole payload is.
    if (m.chunk_len == kChunkSize) {
      Status s = m.FlushChunk(/*last=*/false);
      if (!s.ok()) {
        m.done = true;
        return s;
      }
    }
    size_t take = std::min(kChunkSize - m.chunk_len, plaintext.size());
    std::copy(plaintext.begin(), plaintext.begin() + take, m.chunk.data() + m.chunk_len);
    m.chunk_len += take;
    plaintext = plaintext.subspan(take);
  }
  return Status::Ok();
}

Status Encryptor::Close() {
  Impl& m = *impl_;
  if (m.done) return FailedPreconditionError("age: encryptor closed or failed");
  m.done = true;
  JV_RETURN_IF_ERROR(m.FlushChunk(/*last=*/true));
  if (!m.armor) return Status::Ok();
  std::string tail;
  if (m.armor_pending_len > 0) {
    tail = Base64Encode(ByteView(m.armor_pending, m.armor_pending_len));
    tail.push_back('\n');
  }
  tail.append(kArmorEnd);
  return m.sink(AsBytes(tail));
}

namespace {

Result<Bytes> EncryptAll(Result<std::unique_ptr<Encryptor>> enc, ByteView plaintext,
                         Bytes* out) {
  if (!enc.ok()) return enc.status();
  JV_RETURN_IF_ERROR((*enc)->Write(plaintext));
  JV_RETURN_IF_ERROR((*enc)->Close());
  return std::move(*out);
}

}  // namespace

Result<Bytes> EncryptToRecipients(ByteView plaintext,
                                  std::span<const X25519Recipient> recipients, bool armor,
                                  Random& random) {
  Bytes out;
  Sink sink = [&out](ByteView b) {
    out.insert(out.end(), b.begin(), b.end());
    return Status::Ok();
  };
  return EncryptAll(Encryptor::ForRecipients(recipients, armor, random, sink), plaintext,
                    &out);
}

Result<Bytes> EncryptWithPassphrase(ByteView plaintext, const SecretBuffer& passphrase,
                                    int work_factor, bool armor, Random& random) {
  Bytes out;
  Sink sink = [&out](ByteView b) {
    out.insert(out.end(), b.begin(), b.end());
    return Status::Ok();
  };
  return EncryptAll(Encryptor::ForPassphrase(passphrase, work_factor, armor, random, sink),
                    plaintext, &out);
}

}  // namespace jv::crypto::age
