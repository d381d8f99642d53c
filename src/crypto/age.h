// The age file format (age-encryption.org/v1, c2sp.org/age): X25519 and scrypt
// (passphrase) recipients, ASCII armor, STREAM payload. Interoperates with the `age` tool
// in both directions; byte-level notes and limits in docs/formats/age.md.
//
// What is implemented: the X25519 and scrypt recipient types (other stanza types in a
// file are skipped, as the spec requires), armored and binary files, streaming
// encryption. Not implemented: the hybrid post-quantum, tagged and SSH recipient types,
// plugins, streaming decryption (Decrypt buffers the whole plaintext and releases it only
// once every byte of the file has authenticated).
//
// Parsing is strict and fails closed, exactly as the spec and the C2SP CCTV age test
// vectors demand: exact version line, canonical unpadded base64 wrapped at 64 columns
// with a short (possibly empty) last line, stanza argument rules, 32-byte stanza bodies,
// all-zero X25519 shared secrets refused, scrypt stanza alone in its header, decimal work
// factor without leading zeros and at most kMaxScryptWorkFactor, 32-byte header MAC,
// 16-byte payload nonce, 64 KiB chunks with a final-chunk flag, no empty final chunk
// unless the whole payload is empty, no trailing data; armor is strict PEM with label
// "AGE ENCRYPTED FILE", 64-column padded canonical base64, LF or CRLF line ends, and only
// whitespace (at most 1 KiB) before and after.
//
// Status codes returned by Decrypt (docs/formats/age.md has the CLI exit codes):
//   kInvalidArgument  the file is not a well-formed age file (armor, header or stanza
//                     syntax, a stanza rule above), or the caller gave no identity and
//                     no passphrase;
//   kNotFound         the header is well formed but no identity matched any stanza;
//   kUnauthenticated  a passphrase was given and the file's scrypt stanza did not open
//                     with it (wrong passphrase — or a tampered stanza: the two cannot be
//                     told apart);
//   kDataLoss         a file key was recovered but the header MAC does not match, or the
//                     payload is truncated, tampered, has trailing data or a bad chunk;
//   kInternal         OpenSSL failed (e.g. cannot allocate scrypt memory).
// Error messages never contain key material, passphrases or plaintext.
//
// Ownership: secret keys, passphrases and plaintext live in SecretBuffers (wiped on
// destruction). Thread-safety: all free functions are thread-safe; an Encryptor is used
// by one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/common/bytes.h"
#include "src/common/random.h"
#include "src/common/result.h"
#include "src/common/secret_buffer.h"

namespace jv::crypto::age {

inline constexpr size_t kX25519KeySize = 32;
inline constexpr size_t kFileKeySize = 16;
inline constexpr size_t kPayloadNonceSize = 16;
inline constexpr size_t kChunkSize = 64 * 1024;
inline constexpr size_t kTagSize = 16;
// log2(N) used by EncryptWithPassphrase when the caller has no preference (age's own).
inline constexpr int kDefaultScryptWorkFactor = 18;
// Largest log2(N) accepted when decrypting, as the reference implementation (4 GiB).
inline constexpr int kMaxScryptWorkFactor = 22;

class X25519Recipient;

// An X25519 identity: a 32-byte secret scalar ("AGE-SECRET-KEY-1…", upper-case Bech32).
class X25519Identity {
 public:
  // A fresh identity from `random`.
  static X25519Identity Generate(Random& random);
  // From 32 raw bytes; kInvalidArgument on another size.
  static Result<X25519Identity> FromBytes(ByteView secret);
  // Parses "AGE-SECRET-KEY-1…" (upper case only, as age-keygen writes it; checksum
  // verified). kInvalidArgument otherwise (the message never echoes the string).
  static Result<X25519Identity> Parse(std::string_view text);

  // "AGE-SECRET-KEY-1…".
  SecretBuffer Encode() const;
  // The public key X25519(secret, basepoint).
  X25519Recipient Recipient() const;
  const SecretBuffer& secret() const { return secret_; }

  X25519Identity Clone() const { return X25519Identity(secret_.Clone()); }

 private:
  explicit X25519Identity(SecretBuffer secret) : secret_(std::move(secret)) {}
  SecretBuffer secret_;
};

// An X25519 recipient: a 32-byte public key ("age1…", lower-case Bech32).
class X25519Recipient {
 public:
  // kInvalidArgument on another size.
  static Result<X25519Recipient> FromBytes(ByteView public_key);
  // Parses "age1…" (lower case only, checksum verified); kInvalidArgument otherwise.
  static Result<X25519Recipient> Parse(std::string_view text);

  std::string Encode() const;
  const std::array<uint8_t, kX25519KeySize>& bytes() const { return key_; }

  friend bool operator==(const X25519Recipient& a, const X25519Recipient& b) {
    return a.key_ == b.key_;
  }

 private:
  X25519Recipient() = default;
  std::array<uint8_t, kX25519KeySize> key_{};
};

// Parses an identity file: one "AGE-SECRET-KEY-1…" per line; blank lines and lines
// starting with '#' are ignored; surrounding spaces/tabs and CR are trimmed; well-formed
// Bech32 identities of other age types (HRP "AGE-…" other than "AGE-SECRET-KEY-", e.g.
// post-quantum or plugin identities) are skipped. kInvalidArgument naming the line number
// if a line is anything else that is not a valid X25519 identity, or if the file holds no
// X25519 identity at all.
Result<std::vector<X25519Identity>> ParseIdentityFile(std::string_view text);

// What age-keygen prints: "# created: <created>\n# public key: age1…\nAGE-SECRET-KEY-1…\n".
SecretBuffer FormatIdentityFile(const X25519Identity& identity, std::string_view created);

// ---- Encryption -------------------------------------------------------------------

// Receives the encrypted (or armored) bytes in order. A non-OK status aborts encryption.
using Sink = std::function<Status(ByteView)>;

// Streaming encryption: header first, then one 64 KiB chunk at a time (at most one chunk
// of plaintext is buffered). Call Write any number of times, then Close exactly once.
// After any error the Encryptor is unusable (further calls return kFailedPrecondition).
class Encryptor {
 public:
  // To one or more X25519 recipients. kInvalidArgument if `recipients` is empty or a
  // recipient is a low-order point.
  static Result<std::unique_ptr<Encryptor>> ForRecipients(
      std::span<const X25519Recipient> recipients, bool armor, Random& random, Sink sink);
  // To a passphrase (scrypt, N = 2^work_factor, r = 8, p = 1). kInvalidArgument if the
  // passphrase is empty or work_factor is outside 1..kMaxScryptWorkFactor.
  static Result<std::unique_ptr<Encryptor>> ForPassphrase(const SecretBuffer& passphrase,
                                                          int work_factor, bool armor,
                                                          Random& random, Sink sink);
  ~Encryptor();
  Encryptor(const Encryptor&) = delete;
  Encryptor& operator=(const Encryptor&) = delete;

  // Errors: the sink's status, kInternal (OpenSSL), kFailedPrecondition after Close/error.
  Status Write(ByteView plaintext);
  // Encrypts the final chunk, writes the armor footer. Same errors as Write.
  Status Close();

 private:
  struct Impl;
  explicit Encryptor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One-shot forms of the above; return the whole file.
Result<Bytes> EncryptToRecipients(ByteView plaintext,
                                  std::span<const X25519Recipient> recipients, bool armor,
                                  Random& random);
Result<Bytes> EncryptWithPassphrase(ByteView plaintext, const SecretBuffer& passphrase,
                                    int work_factor, bool armor, Random& random);

// ---- Decryption -------------------------------------------------------------------

struct DecryptKeys {
  std::span<const X25519Identity> identities;  // tried for every X25519 stanza
  const SecretBuffer* passphrase = nullptr;    // tried for an scrypt stanza (not owned)
  int max_scrypt_work_factor = kMaxScryptWorkFactor;
};

// Decrypts a whole age file, binary or armored (detected: after optional leading
// whitespace, armored files start with "-----BEGIN"). Returns the plaintext only if the
// armor, the header, its MAC and every payload chunk are valid; otherwise the codes in
// the comment at the top of this file, and no plaintext at all.
Result<SecretBuffer> Decrypt(ByteView file, const DecryptKeys& keys);
Result<SecretBuffer> Decrypt(ByteView file, std::span<const X25519Identity> identities);
Result<SecretBuffer> DecryptWithPassphrase(ByteView file, const SecretBuffer& passphrase);

// ---- Building blocks (used by the format code; exposed for known-answer tests) ----

// Bech32 (BIP 173, not bech32m), without the 90-character limit (the age spec lifts it).
// Encode converts 8-bit `data` to 5-bit groups; the HRP and result are lower case unless
// `upper`. Decode accepts all-lower or all-upper strings, verifies the checksum and
// converts back to 8-bit data (rejecting non-zero or over-long padding); it returns the
// HRP as written. kInvalidArgument on any violation.
std::string Bech32Encode(std::string_view hrp, ByteView data, bool upper);
Result<std::pair<std::string, Bytes>> Bech32Decode(std::string_view text);

// RFC 7748 X25519. `scalar` and `point` are 32 bytes. kInvalidArgument on a wrong size or
// when the result is all zeros (a low-order point).
Result<SecretBuffer> X25519(ByteView scalar, ByteView point);
// X25519(scalar, 9).
Result<Bytes> X25519BasePoint(ByteView scalar);

// RFC 8439 ChaCha20-Poly1305; key 32 bytes, nonce 12 bytes. Seal returns ciphertext ||
// 16-byte tag; Open returns kDataLoss if the tag does not verify.
Result<Bytes> ChaCha20Poly1305Seal(ByteView key, ByteView nonce, ByteView plaintext,
                                   ByteView aad);
Result<SecretBuffer> ChaCha20Poly1305Open(ByteView key, ByteView nonce, ByteView sealed,
                                          ByteView aad);

// ASCII armor. Armor wraps `data` as PEM "AGE ENCRYPTED FILE"; Dearmor is the strict
// inverse (kInvalidArgument on any armor violation).
std::string Armor(ByteView data);
Result<Bytes> Dearmor(ByteView text);

}  // namespace jv::crypto::age
