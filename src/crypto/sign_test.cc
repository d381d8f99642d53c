#include "src/crypto/sign.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "src/common/strings.h"
#include "src/crypto/internal/test_helpers.h"

namespace jv::crypto {
namespace {

using testing::HaveOpensslCli;
using testing::Hex;
using testing::RunQuiet;
using testing::TempDir;
using testing::Unhex;

// SubjectPublicKeyInfo DER prefixes (RFC 8410 §4): SEQUENCE { SEQUENCE { OID },
// BIT STRING }.
constexpr char kEd25519SpkiPrefix[] = "302a300506032b6570032100";
constexpr char kX25519SpkiPrefix[] = "302a300506032b656e032100";

// Decodes the DER inside a single-block PEM.
Bytes PemToDer(std::string_view pem) {
  std::string b64;
  for (std::string_view line : Split(pem, '\n')) {
    if (line.empty() || line.front() == '-') continue;
    b64 += line;
  }
  auto der = Base64Decode(b64);
  JV_CHECK(der.ok());
  return *der;
}

std::string DerToPem(ByteView der) {
  std::string b64 = Base64Encode(der);
  std::string pem = "-----BEGIN PUBLIC KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END PUBLIC KEY-----\n";
}

struct Rfc8032Vector {
  const char* name;
  const char* secret;
  const char* public_key;
  const char* message;
  const char* signature;
};

// Ed25519: RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3.
const Rfc8032Vector kRfc8032[] = {
    {"TEST 1",
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2",
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3",
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(Ed25519Test, Rfc8032Section7_1) {
  for (const Rfc8032Vector& v : kRfc8032) {
    SCOPED_TRACE(v.name);
    auto key = SigningKey::FromEd25519SeedForTest(Unhex(v.secret));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(key->suite(), Suite::kStd);
    EXPECT_EQ(key->AlgorithmName(), "Ed25519");
    // seed -> public key
    const std::string pem = key->PublicKeyPem();
    EXPECT_TRUE(StartsWith(pem, "-----BEGIN PUBLIC KEY-----\n"));
    EXPECT_EQ(Hex(PemToDer(pem)),
              std::string(kEd25519SpkiPrefix) + v.public_key);
    // -> signature bytes
    const Bytes msg = Unhex(v.message);
    auto sig = key->Sign(msg);
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(Hex(*sig), v.signature);
    // The RFC's own public key and signature verify (independently of our
    // signing).
    const std::string rfc_pem =
        DerToPem(Unhex(std::string(kEd25519SpkiPrefix) + v.public_key));
    EXPECT_TRUE(VerifySignature(rfc_pem, msg, Unhex(v.signature)).ok());
  }
}

TEST(Ed25519Test, PrivateKeyDerIsPkcs8AndRoundTrips) {
  auto key = SigningKey::FromEd25519SeedForTest(Unhex(kRfc8032[0].secret));
  ASSERT_TRUE(key.ok());
  auto der = key->PrivateKeyDer();
  ASSERT_TRUE(der.ok());
  // RFC 8410 §7: OneAsymmetricKey v1 (PKCS#8) wrapping the 32-byte seed.
  EXPECT_EQ(Hex(*der), std::string("302e020100300506032b657004220420") +
                           kRfc8032[0].secret);
  auto again = SigningKey::FromPrivateKeyDer(Suite::kStd, der->view());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->PublicKeyPem(), key->PublicKeyPem());
  auto sig = again->Sign(AsBytes("checkpoint"));
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(*sig,
            *key->Sign(AsBytes("checkpoint")));  // Ed25519 is deterministic

  EXPECT_EQ(
      SigningKey::FromPrivateKeyDer(Suite::kGm, der->view()).status().code(),
      StatusCode::kDataLoss);
  Bytes trailing(der->view().begin(), der->view().end());
  trailing.push_back(0);
  EXPECT_EQ(
      SigningKey::FromPrivateKeyDer(Suite::kStd, trailing).status().code(),
      StatusCode::kDataLoss);
  EXPECT_EQ(SigningKey::FromPrivateKeyDer(Suite::kStd, der->view().first(20))
                .status()
                .code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(SigningKey::FromPrivateKeyDer(Suite::kStd, {}).status().code(),
            StatusCode::kDataLoss);
}

class SignSuiteTest : public ::testing::TestWithParam<Suite> {};

INSTANTIATE_TEST_SUITE_P(BothSuites, SignSuiteTest,
                         ::testing::Values(Suite::kStd, Suite::kGm),
                         [](const auto& info) {
                           return std::string(SuiteName(info.param));
                         });

TEST_P(SignSuiteTest, SignVerifyAndRejections) {
  auto key = SigningKey::Generate(GetParam());
  auto other = SigningKey::Generate(GetParam());
  ASSERT_TRUE(key.ok() && other.ok()) << key.status().ToString();
  EXPECT_EQ(key->AlgorithmName(),
            GetParam() == Suite::kStd ? "Ed25519" : "SM2-SM3");
  const Bytes msg = ToBytes("tree_size=42 root=synthetic");
  auto sig = key->Sign(msg);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(VerifySignature(key->PublicKeyPem(), msg, *sig).ok());

  EXPECT_EQ(VerifySignature(key->PublicKeyPem(),
                            AsBytes("tree_size=43 root=synthetic"), *sig)
                .code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(VerifySignature(other->PublicKeyPem(), msg, *sig).code(),
            StatusCode::kDataLoss);
  for (size_t bit = 0; bit < sig->size() * 8; ++bit) {
    Bytes t = *sig;
    t[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_EQ(VerifySignature(key->PublicKeyPem(), msg, t).code(),
              StatusCode::kDataLoss)
        << "bit " << bit;
  }
  for (size_t bit = 0; bit < msg.size() * 8; ++bit) {
    Bytes m = msg;
    m[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_EQ(VerifySignature(key->PublicKeyPem(), m, *sig).code(),
              StatusCode::kDataLoss)
        << "message bit " << bit;
  }
  EXPECT_EQ(VerifySignature(key->PublicKeyPem(), msg,
                            ByteView(*sig).first(sig->size() - 1))
                .code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(VerifySignature(key->PublicKeyPem(), msg, {}).code(),
            StatusCode::kDataLoss);
}

TEST_P(SignSuiteTest, PrivateKeyRoundTrip) {
  auto key = SigningKey::Generate(GetParam());
  ASSERT_TRUE(key.ok());
  auto der = key->PrivateKeyDer();
  ASSERT_TRUE(der.ok());
  if (GetParam() == Suite::kGm) {
    // PKCS#8 PrivateKeyInfo: SEQUENCE (2-byte long-form length) { INTEGER 0,
    // AlgorithmIdentifier { id-ecPublicKey, curve SM2 1.2.156.10197.1.301 },
    // ... }.
    EXPECT_EQ(Hex(der->view().first(27)),
              "3081" + Hex(der->view().subspan(2, 1)) +
                  "020100301306072a8648ce3d020106082a811ccf5501822d");
  }
  auto again = SigningKey::FromPrivateKeyDer(GetParam(), der->view());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->suite(), GetParam());
  EXPECT_EQ(again->PublicKeyPem(), key->PublicKeyPem());
  auto sig = again->Sign(AsBytes("m"));
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifySignature(key->PublicKeyPem(), AsBytes("m"), *sig).ok());
  const Suite other = GetParam() == Suite::kStd ? Suite::kGm : Suite::kStd;
  EXPECT_EQ(SigningKey::FromPrivateKeyDer(other, der->view()).status().code(),
            StatusCode::kDataLoss);
}

TEST(VerifyTest, RejectsUnsupportedOrBrokenKeys) {
  const Bytes sig(64, 0);
  EXPECT_EQ(VerifySignature("", AsBytes("m"), sig).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifySignature(
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                AsBytes("m"), sig)
                .code(),
            StatusCode::kInvalidArgument);
  // An X25519 key is a valid SubjectPublicKeyInfo but not a signing key.
  const std::string x25519 = DerToPem(Unhex(
      std::string(kX25519SpkiPrefix) +
      "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
  EXPECT_EQ(VerifySignature(x25519, AsBytes("m"), sig).code(),
            StatusCode::kInvalidArgument);
}

TEST(VerifyTest, ConcurrentSignAndVerify) {
  auto ed = SigningKey::Generate(Suite::kStd);
  auto sm2 = SigningKey::Generate(Suite::kGm);
  ASSERT_TRUE(ed.ok() && sm2.ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const SigningKey& key = (i + t) % 2 == 0 ? *ed : *sm2;
        const std::string msg =
            "thread " + std::to_string(t) + " message " + std::to_string(i);
        auto sig = key.Sign(AsBytes(msg));
        if (!sig.ok() ||
            !VerifySignature(key.PublicKeyPem(), AsBytes(msg), *sig).ok() ||
            VerifySignature(key.PublicKeyPem(), AsBytes(msg + "!"), *sig)
                .ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// Interoperability with the OpenSSL command line: what we sign, `openssl
// pkeyutl -verify` accepts (and rejects once one byte is flipped); what it
// signs, we accept.
class OpensslCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveOpensslCli()) GTEST_SKIP() << "openssl CLI not installed";
  }
  TempDir dir_;
};

TEST_F(OpensslCliTest, Ed25519PkeyutlVerifiesOurSignatures) {
  auto key = SigningKey::Generate(Suite::kStd);
  ASSERT_TRUE(key.ok());
  const Bytes msg = ToBytes("audit checkpoint: tree_size=7 root=synthetic\n");
  auto sig = key->Sign(msg);
  ASSERT_TRUE(sig.ok());
  const std::string pub = dir_.Write("pub.pem", key->PublicKeyPem());
  const std::string in = dir_.Write("msg.bin", msg);
  const std::string good = dir_.Write("sig.bin", *sig);
  Bytes flipped = *sig;
  flipped[10] ^= 0x01;
  const std::string bad = dir_.Write("bad.bin", flipped);
  const std::string cmd =
      "openssl pkeyutl -verify -pubin -inkey " + pub + " -rawin -in " + in;
  EXPECT_EQ(RunQuiet(cmd + " -sigfile " + good), 0);
  EXPECT_NE(RunQuiet(cmd + " -sigfile " + bad), 0);

  // The other direction: the CLI signs with our PKCS#8 DER; the signature is
  // identical (Ed25519 is deterministic) and VerifySignature accepts it.
  auto der = key->PrivateKeyDer();
  ASSERT_TRUE(der.ok());
  const std::string priv = dir_.Write("key.der", der->view());
  const std::string out = dir_.File("cli_sig.bin");
  ASSERT_EQ(RunQuiet("openssl pkeyutl -sign -keyform DER -inkey " + priv +
                     " -rawin -in " + in + " -out " + out),
            0);
  auto cli_sig = ReadFileToString(out);
  ASSERT_TRUE(cli_sig.ok());
  EXPECT_EQ(Hex(AsBytes(*cli_sig)), Hex(*sig));
  EXPECT_TRUE(
      VerifySignature(key->PublicKeyPem(), msg, AsBytes(*cli_sig)).ok());
}

// OpenSSL 3.0's CLI can check SM2-with-SM3 signatures when given the
// distinguishing id explicitly (-digest sm3 -pkeyopt distid:1234567812345678);
// without the distid option it uses an empty id and rejects them, which the
// last assertion documents.
TEST_F(OpensslCliTest, Sm2PkeyutlVerifiesOurSignatures) {
  auto key = SigningKey::Generate(Suite::kGm);
  ASSERT_TRUE(key.ok());
  const Bytes msg = ToBytes("certificate: synthetic transfer 2024-001\n");
  auto sig = key->Sign(msg);
  ASSERT_TRUE(sig.ok());
  const std::string pub = dir_.Write("pub.pem", key->PublicKeyPem());
  const std::string in = dir_.Write("msg.bin", msg);
  const std::string good = dir_.Write("sig.bin", *sig);
  Bytes flipped = *sig;
  flipped[flipped.size() - 5] ^= 0x01;
  const std::string bad = dir_.Write("bad.bin", flipped);
  const std::string base = "openssl pkeyutl -verify -pubin -inkey " + pub +
                           " -rawin -in " + in + " -digest sm3";
  const std::string with_id = base + " -pkeyopt distid:1234567812345678";
  EXPECT_EQ(RunQuiet(with_id + " -sigfile " + good), 0);
  EXPECT_NE(RunQuiet(with_id + " -sigfile " + bad), 0);

  // The CLI signs with our PKCS#8 DER key; we verify.
  auto der = key->PrivateKeyDer();
  ASSERT_TRUE(der.ok());
  const std::string priv = dir_.Write("key.der", der->view());
  const std::string out = dir_.File("cli_sig.bin");
  ASSERT_EQ(
      RunQuiet("openssl pkeyutl -sign -keyform DER -inkey " + priv +
               " -rawin -in " + in +
               " -digest sm3 -pkeyopt distid:1234567812345678 -out " + out),
      0);
  auto cli_sig = ReadFileToString(out);
  ASSERT_TRUE(cli_sig.ok());
  EXPECT_TRUE(
      VerifySignature(key->PublicKeyPem(), msg, AsBytes(*cli_sig)).ok());

  EXPECT_NE(RunQuiet(base + " -sigfile " + good), 0);
}

}  // namespace
}  // namespace jv::crypto
