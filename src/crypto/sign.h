// Vault signing keys: Ed25519 (std) or SM2 with SM3 (gm).
//
// Checkpoints, manifests, receipts and certificates are signed with the vault's key.
// Ed25519 signatures are "pure" (RFC 8032), 64 bytes, so
//   openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg -sigfile sig
// checks them against the PEM public key. SM2 uses the default distinguishing id
// "1234567812345678" (GB/T 32918.2) and SM3 as the digest; signatures are DER
// SEQUENCE { r INTEGER, s INTEGER } (at most 72 bytes). OpenSSL 3.0's CLI verifies them
// only when told the id: add `-digest sm3 -pkeyopt distid:1234567812345678` (without it
// the CLI uses an empty id and reports failure). Formats: docs/formats/crypto.md.
// A SigningKey is immutable after creation and safe to use from several threads.
// Errors: kInternal when OpenSSL fails unexpectedly (never for a bad signature).
#pragma once

#include <memory>
#include <string>

#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/suite.h"

namespace jv::crypto {

class SigningKey {
 public:
  static Result<SigningKey> Generate(Suite suite);
  // From PKCS#8 DER as returned by PrivateKeyDer(); kDataLoss if it does not parse or is
  // not a key of `suite`.
  static Result<SigningKey> FromPrivateKeyDer(Suite suite, ByteView der);
  // Known-answer tests only (RFC 8032 §7.1): the Ed25519 key whose 32-byte private seed is
  // `seed32`. kInvalidArgument if the seed is not 32 bytes.
  static Result<SigningKey> FromEd25519SeedForTest(ByteView seed32);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  Suite suite() const { return suite_; }
  // PKCS#8 DER of the private key (to be stored only wrapped by the master key).
  Result<SecretBuffer> PrivateKeyDer() const;
  // SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----...").
  std::string PublicKeyPem() const;
  // "Ed25519" or "SM2-SM3".
  std::string AlgorithmName() const;
  Result<Bytes> Sign(ByteView message) const;

 private:
  struct Impl;
  SigningKey(Suite suite, std::unique_ptr<Impl> impl);
  Suite suite_;
  std::unique_ptr<Impl> impl_;
};

// Verifies `signature` over `message` with a PEM public key (Ed25519 or SM2, detected
// from the key). OK if valid; kDataLoss if not (including a malformed signature);
// kInvalidArgument if the PEM is not a supported public key. Thread-safe; the last few
// parsed public keys are cached, since parsing costs more than verifying.
Status VerifySignature(std::string_view public_key_pem, ByteView message, ByteView signature);

}  // namespace jv::crypto
