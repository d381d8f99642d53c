// Tests of the age format (src/crypto/age.h): known-answer tests for the building blocks,
// round trips, tamper and truncation, the fixture corpus in tests/data/age/ and interop
// with the real `age` tool (skipped if /usr/bin/age is not installed).
#include "src/crypto/age.h"

#include <fcntl.h>
#include <pty.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/common/strings.h"
#include "src/crypto/hash.h"

namespace jv::crypto::age {
namespace {

namespace fs = std::filesystem;

Bytes Hex(std::string_view h) { return HexDecode(h).value(); }

Bytes Pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 31 + (i >> 8));
  return b;
}

bool Same(const SecretBuffer& a, ByteView b) {
  return a.size() == b.size() && std::equal(b.begin(), b.end(), a.data());
}

// ---- Bech32 ---------------------------------------------------------------------

// BIP 173, "Test vectors": valid Bech32 strings
// (https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki#test-vectors).
TEST(AgeBech32Test, Bip173ValidStrings) {
  const std::vector<std::string> valid = {
      "A12UEL5L",
      "a12uel5l",
      "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
      "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
      std::string("11") + std::string(82, 'q') + "c8247j",
      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
      "?1ezyfcl",
  };
  for (const std::string& s : valid) {
    auto d = Bech32Decode(s);
    ASSERT_TRUE(d.ok()) << s << ": " << d.status().ToString();
    // Re-encoding gives the same string (in the case it was written).
    bool upper = s != ToLowerAscii(s);
    EXPECT_EQ(Bech32Encode(d->first, d->second, upper), s);
  }
  auto d = Bech32Decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw");
  EXPECT_EQ(d->first, "abcdef");
  EXPECT_EQ(HexEncode(d->second), "00443214c74254b635cf84653a56d7c675be77df");
}

// BIP 173, "Test vectors": invalid Bech32 strings (the 84-character HRP case is left out:
// the age spec removes Bech32's 90-character limit).
TEST(AgeBech32Test, Bip173InvalidStrings) {
  const std::vector<std::string> invalid = {
      std::string("\x20") + "1nwldj5",  // HRP character out of range
      std::string("\x7f") + "1axkwrx",  // HRP character out of range
      std::string("\x80") + "1eym55h",  // HRP character out of range
      "pzry9x0s0muk",                   // no separator
      "1pzry9x0s0muk",                  // empty HRP
      "x1b4n0q5v",                      // invalid data character
      "li1dgmt3",                       // checksum too short
      std::string("de1lg7wt") + "\xff",  // invalid character in checksum
      "A1G7SGD8",                       // checksum computed with upper-case HRP
      "10a06t8",                        // empty HRP
      "1qzzfhee",                       // empty HRP
      "a12UEL5L",                       // mixed case
  };
  for (const std::string& s : invalid) {
    EXPECT_FALSE(Bech32Decode(s).ok()) << HexEncode(AsBytes(s));
  }
}

// c2sp.org/age, "The X25519 recipient type": the example identity and its recipient.
TEST(AgeKeysTest, SpecExampleIdentityAndRecipient) {
  auto id = X25519Identity::Parse(
      "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->Recipient().Encode(),
            "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");
  EXPECT_EQ(id->Encode().str(),
            "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
  auto r = X25519Recipient::Parse("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r == id->Recipient());
}

TEST(AgeKeysTest, RejectsWrongCaseWrongHrpAndBadChecksum) {
  // Identities are upper case only, recipients lower case only (as the reference).
  EXPECT_FALSE(X25519Identity::Parse(
                   "age-secret-key-1gfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpq4egaex")
                   .ok());
  EXPECT_FALSE(X25519Recipient::Parse(
                   "AGE1ZVKYG2LQZRAA2LNJVQEJ32NKUU0UES2S82HZRYE869XEEXVN73EQUNUJWJ")
                   .ok());
  // One character changed: checksum fails.
  EXPECT_FALSE(X25519Recipient::Parse(
                   "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwk")
                   .ok());
  // A recipient is not an identity and vice versa.
  EXPECT_FALSE(X25519Identity::Parse(
                   "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj")
                   .ok());
  // Wrong length: 20 bytes of data.
  std::string short_key = Bech32Encode("age", Bytes(20, 1), false);
  EXPECT_FALSE(X25519Recipient::Parse(short_key).ok());
  // Error messages never echo the key.
  auto bad = X25519Identity::Parse("AGE-SECRET-KEY-1QQQQ");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), ::testing::Not(::testing::HasSubstr("QQQQ")));
}

TEST(AgeKeysTest, IdentityFileWithCommentsBlankLinesAndSeveralKeys) {
  FakeRandom random(1);
  X25519Identity a = X25519Identity::Generate(random);
  X25519Identity b = X25519Identity::Generate(random);
  std::string text = std::string(FormatIdentityFile(a, "2026-01-02T03:04:05Z").str()) +
                     "\n   \n# another key\r\n  " + std::string(b.Encode().str()) + "  \r\n";
  auto ids = ParseIdentityFile(text);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_TRUE((*ids)[0].Recipient() == a.Recipient());
  EXPECT_TRUE((*ids)[1].Recipient() == b.Recipient());

  auto bad = ParseIdentityFile("# comment\nAGE-SECRET-KEY-1NOTAKEY\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("line 2"));
  EXPECT_FALSE(ParseIdentityFile("# only comments\n\n").ok());
  // Identities of other age types are skipped, but one X25519 identity is required.
  std::string pq = Bech32Encode("AGE-SECRET-KEY-PQ-", Bytes(32, 5), /*upper=*/true);
  auto mixed = ParseIdentityFile(pq + "\n" + std::string(a.Encode().str()) + "\n");
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->size(), 1u);
  EXPECT_FALSE(ParseIdentityFile(pq + "\n").ok());
}

TEST(AgeKeysTest, FormatIdentityFileLooksLikeAgeKeygen) {
  FakeRandom random(2);
  X25519Identity id = X25519Identity::Generate(random);
  std::string text(FormatIdentityFile(id, "2026-01-02T03:04:05Z").str());
  EXPECT_EQ(text, "# created: 2026-01-02T03:04:05Z\n# public key: " + id.Recipient().Encode() +
                      "\n" + std::string(id.Encode().str()) + "\n");
}

// ---- X25519, ChaCha20-Poly1305 --------------------------------------------------------

// RFC 7748 §6.1 (https://www.rfc-editor.org/rfc/rfc7748#section-6.1): Alice and Bob.
TEST(AgePrimitivesTest, X25519Rfc7748Section6_1) {
  Bytes alice = Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  Bytes bob = Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  EXPECT_EQ(HexEncode(X25519BasePoint(alice).value()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(HexEncode(X25519BasePoint(bob).value()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const std::string k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  EXPECT_EQ(HexEncode(X25519(alice, X25519BasePoint(bob).value()).value().view()), k);
  EXPECT_EQ(HexEncode(X25519(bob, X25519BasePoint(alice).value()).value().view()), k);
}

TEST(AgePrimitivesTest, X25519RejectsLowOrderPoints) {
  Bytes scalar(32, 7);
  EXPECT_FALSE(X25519(scalar, Bytes(32, 0)).ok());
  // A point of order 8 (from the CCTV age vectors' x25519_low_order comment).
  EXPECT_FALSE(
      X25519(scalar, Hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7"))
          .ok());
  EXPECT_FALSE(X25519(Bytes(31), Bytes(32, 9)).ok());
}

// RFC 8439 §2.8.2 (https://www.rfc-editor.org/rfc/rfc8439#section-2.8.2): AEAD example.
TEST(AgePrimitivesTest, ChaCha20Poly1305Rfc8439Section2_8_2) {
  Bytes key = Hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  Bytes nonce = Hex("070000004041424344454647");
  Bytes aad = Hex("50515253c0c1c2c3c4c5c6c7");
  std::string plaintext =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  const std::string expected =
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69"
      "da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad67594"
      "5585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
      "1ae10b594f09e26a7e902ecbd0600691";
  auto sealed = ChaCha20Poly1305Seal(key, nonce, AsBytes(plaintext), aad);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(HexEncode(*sealed), expected);
  auto opened = ChaCha20Poly1305Open(key, nonce, *sealed, aad);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->str(), plaintext);
  // Tamper: every byte flip fails with kDataLoss.
  for (size_t i = 0; i < sealed->size(); ++i) {
    Bytes t = *sealed;
    t[i] ^= 0x01;
    auto r = ChaCha20Poly1305Open(key, nonce, t, aad);
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  }
  Bytes other_aad = aad;
  other_aad[0] ^= 1;
  EXPECT_FALSE(ChaCha20Poly1305Open(key, nonce, *sealed, other_aad).ok());
}

// ---- Armor ---------------------------------------------------------------------------

TEST(AgeArmorTest, RoundTripAllLengthsAroundLineBoundaries) {
  for (size_t n : {0, 1, 2, 3, 47, 48, 49, 95, 96, 97, 1000}) {
    Bytes data = Pattern(n);
    std::string text = Armor(data);
    auto back = Dearmor(AsBytes(text));
    ASSERT_TRUE(back.ok()) << n << ": " << back.status().ToString();
    EXPECT_EQ(*back, data) << n;
  }
  // A full last line is followed directly by the END line (no empty line).
  EXPECT_EQ(Armor(Bytes(48, 0)),
            "-----BEGIN AGE ENCRYPTED FILE-----\n" + std::string(64, 'A') +
                "\n-----END AGE ENCRYPTED FILE-----\n");
}

// ---- Round trips ---------------------------------------------------------------------

class AgeRoundTripTest : public ::testing::TestWithParam<size_t> {};

TEST_P(AgeRoundTripTest, X25519BinaryAndArmored) {
  FakeRandom random(GetParam() + 11);
  X25519Identity id = X25519Identity::Generate(random);
  std::vector<X25519Recipient> to = {id.Recipient()};
  Bytes plaintext = Pattern(GetParam());
  for (bool armor : {false, true}) {
    auto file = EncryptToRecipients(plaintext, to, armor, random);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    if (armor) {
      EXPECT_TRUE(StartsWith(AsString(*file), "-----BEGIN AGE ENCRYPTED FILE-----\n"));
    } else {
      EXPECT_TRUE(StartsWith(AsString(*file), "age-encryption.org/v1\n-> X25519 "));
    }
    std::vector<X25519Identity> ids;
    ids.push_back(id.Clone());
    auto out = Decrypt(*file, ids);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(Same(*out, plaintext));
  }
}

TEST_P(AgeRoundTripTest, StreamingWritesMatchOneShot) {
  Bytes plaintext = Pattern(GetParam());
  FakeRandom r1(5), r2(5), sizes(9);
  X25519Identity id = X25519Identity::Generate(r1);
  X25519Identity id2 = X25519Identity::Generate(r2);
  std::vector<X25519Recipient> to = {id.Recipient()};
  auto one_shot = EncryptToRecipients(plaintext, to, /*armor=*/true, r1);
  ASSERT_TRUE(one_shot.ok());
  Bytes streamed;
  auto enc = Encryptor::ForRecipients(to, /*armor=*/true, r2, [&](ByteView b) {
    streamed.insert(streamed.end(), b.begin(), b.end());
    return Status::Ok();
  });
  ASSERT_TRUE(enc.ok());
  ByteView rest = plaintext;
  while (!rest.empty()) {
    size_t n = std::min<size_t>(rest.size(), 1 + sizes.Uniform(70000));
    ASSERT_TRUE((*enc)->Write(rest.first(n)).ok());
    rest = rest.subspan(n);
  }
  ASSERT_TRUE((*enc)->Close().ok());
  EXPECT_EQ(streamed, *one_shot);
  EXPECT_EQ((*enc)->Write(AsBytes("x")).code(), StatusCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Sizes, AgeRoundTripTest,
                         ::testing::Values(0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1,
                                           128 * 1024, 200 * 1024));

TEST(AgeTest, SeveralRecipientsEachDecrypt) {
  FakeRandom random(3);
  std::vector<X25519Identity> ids;
  std::vector<X25519Recipient> to;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(X25519Identity::Generate(random));
    to.push_back(ids.back().Recipient());
  }
  Bytes plaintext = Pattern(1234);
  auto file = EncryptToRecipients(plaintext, to, false, random);
  ASSERT_TRUE(file.ok());
  for (const auto& id : ids) {
    std::vector<X25519Identity> one;
    one.push_back(id.Clone());
    auto out = Decrypt(*file, one);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(Same(*out, plaintext));
  }
  std::vector<X25519Identity> stranger;
  stranger.push_back(X25519Identity::Generate(random));
  auto r = Decrypt(*file, stranger);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(AgeTest, PassphraseRoundTripAndWrongPassphrase) {
  FakeRandom random(4);
  SecretBuffer pass = SecretBuffer::FromString("correct horse battery staple");
  Bytes plaintext = Pattern(70000);
  for (bool armor : {false, true}) {
    auto file = EncryptWithPassphrase(plaintext, pass, 10, armor, random);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    std::string_view text = AsString(*file);
    if (!armor) {
      EXPECT_TRUE(StartsWith(text, "age-encryption.org/v1\n-> scrypt "));
    }
    auto out = DecryptWithPassphrase(*file, pass);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(Same(*out, plaintext));
    auto wrong = DecryptWithPassphrase(*file, SecretBuffer::FromString("wrong"));
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
    // X25519 identities only: nothing matches.
    std::vector<X25519Identity> ids;
    ids.push_back(X25519Identity::Generate(random));
    EXPECT_EQ(Decrypt(*file, ids).status().code(), StatusCode::kNotFound);
  }
  EXPECT_FALSE(EncryptWithPassphrase(plaintext, SecretBuffer(), 10, false, random).ok());
  EXPECT_FALSE(EncryptWithPassphrase(plaintext, pass, 23, false, random).ok());
  EXPECT_FALSE(EncryptWithPassphrase(plaintext, pass, 0, false, random).ok());
}

TEST(AgeTest, ScryptWorkFactorCapIsEnforced) {
  FakeRandom random(6);
  SecretBuffer pass = SecretBuffer::FromString("pw");
  auto file = EncryptWithPassphrase(AsBytes("x"), pass, 12, false, random);
  ASSERT_TRUE(file.ok());
  DecryptKeys keys;
  keys.passphrase = &pass;
  keys.max_scrypt_work_factor = 11;
  auto r = Decrypt(*file, keys);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  keys.max_scrypt_work_factor = 12;
  EXPECT_TRUE(Decrypt(*file, keys).ok());
}

TEST(AgeTest, EncryptRejectsNoRecipientsAndDecryptNoKeys) {
  FakeRandom random(8);
  EXPECT_EQ(EncryptToRecipients(AsBytes("x"), {}, false, random).status().code(),
            StatusCode::kInvalidArgument);
  // A low-order recipient cannot be encrypted to.
  auto low = X25519Recipient::FromBytes(Bytes(32, 0));
  ASSERT_TRUE(low.ok());
  std::vector<X25519Recipient> to = {*low};
  EXPECT_EQ(EncryptToRecipients(AsBytes("x"), to, false, random).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Decrypt(AsBytes("age-encryption.org/v1\n"), DecryptKeys{}).status().code(),
            StatusCode::kInvalidArgument);
}

// ---- Tamper and truncation ---------------------------------------------------------------

TEST(AgeTamperTest, EveryByteFlipAndEveryTruncationIsRefused) {
  FakeRandom random(10);
  X25519Identity id = X25519Identity::Generate(random);
  std::vector<X25519Recipient> to = {id.Recipient()};
  std::vector<X25519Identity> ids;
  ids.push_back(id.Clone());
  for (bool armor : {false, true}) {
    auto file = EncryptToRecipients(AsBytes("a small secret"), to, armor, random);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(Decrypt(*file, ids).ok());
    for (size_t i = 0; i < file->size(); ++i) {
      for (uint8_t mask : {0x01, 0x80}) {
        Bytes t = *file;
        t[i] ^= mask;
        auto r = Decrypt(t, ids);
        // The only accepted change is a CR<->LF-style armor edit that keeps the same
        // bytes — none exists, so every flip must fail.
        EXPECT_FALSE(r.ok()) << "armor=" << armor << " byte " << i << " mask " << int(mask);
      }
    }
    for (size_t n = 0; n < file->size(); ++n) {
      ByteView cut = ByteView(*file).first(n);
      // Cutting only the final LF of an armored file is allowed (no EOL after END).
      if (armor && n == file->size() - 1) continue;
      EXPECT_FALSE(Decrypt(cut, ids).ok()) << "armor=" << armor << " truncated to " << n;
    }
  }
}

TEST(AgeTamperTest, MultiChunkTruncationAtChunkBoundariesIsRefused) {
  FakeRandom random(12);
  X25519Identity id = X25519Identity::Generate(random);
  std::vector<X25519Recipient> to = {id.Recipient()};
  std::vector<X25519Identity> ids;
  ids.push_back(id.Clone());
  auto file = EncryptToRecipients(Pattern(3 * kChunkSize), to, false, random);
  ASSERT_TRUE(file.ok());
  const size_t payload_end = file->size();
  const size_t enc_chunk = kChunkSize + kTagSize;
  const size_t first_chunk = payload_end - 3 * enc_chunk;
  for (size_t cut : {first_chunk, first_chunk + enc_chunk, first_chunk + 2 * enc_chunk,
                     first_chunk + enc_chunk + 1, payload_end - 1, first_chunk - 1}) {
    auto r = Decrypt(ByteView(*file).first(cut), ids);
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << cut;
  }
  Bytes extended = *file;
  extended.push_back(0);
  EXPECT_EQ(Decrypt(extended, ids).status().code(), StatusCode::kDataLoss);
}

// ---- Fixture corpus (tests/data/age, CCTV layout; see its README.md) ------------------

struct Fixture {
  std::map<std::string, std::string> fields;
  std::vector<std::string> identities;
  std::vector<std::string> passphrases;
  Bytes file;
};

Fixture LoadFixture(const fs::path& path) {
  std::string text = ReadFileToString(path.string()).value();
  size_t split = text.find("\n\n");
  JV_CHECK(split != std::string::npos);
  Fixture f;
  for (std::string_view line : Split(std::string_view(text).substr(0, split), '\n')) {
    size_t colon = line.find(": ");
    JV_CHECK(colon != std::string_view::npos);
    std::string key(line.substr(0, colon));
    std::string value(line.substr(colon + 2));
    if (key == "identity") {
      f.identities.push_back(value);
    } else if (key == "passphrase") {
      f.passphrases.push_back(value);
    } else {
      f.fields[key] = value;
    }
  }
  f.file = ToBytes(std::string_view(text).substr(split + 2));
  return f;
}

TEST(AgeFixturesTest, EveryFixtureHasTheExpectedOutcome) {
  const fs::path dir = fs::path(JV_SOURCE_DIR) / "tests" / "data" / "age";
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name == "README.md" || EndsWith(name, ".py")) continue;
    ++count;
    Fixture f = LoadFixture(entry.path());
    std::vector<X25519Identity> ids;
    for (const std::string& s : f.identities) ids.push_back(X25519Identity::Parse(s).value());
    SecretBuffer pass;
    DecryptKeys keys;
    keys.identities = ids;
    if (!f.passphrases.empty()) {
      pass = SecretBuffer::FromString(f.passphrases[0]);
      keys.passphrase = &pass;
    }
    auto r = Decrypt(f.file, keys);
    const std::string expect = f.fields["expect"];
    if (expect == "success") {
      ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
      EXPECT_EQ(HexEncode(Sha256(r->view())), f.fields["payload"]) << name;
      continue;
    }
    ASSERT_FALSE(r.ok()) << name << " must fail (" << expect << ")";
    StatusCode want = StatusCode::kOk;
    if (expect == "header failure" || expect == "armor failure") {
      want = StatusCode::kInvalidArgument;
    } else if (expect == "HMAC failure" || expect == "payload failure") {
      want = StatusCode::kDataLoss;
    } else if (expect == "no match") {
      want = f.passphrases.empty() ? StatusCode::kNotFound : StatusCode::kUnauthenticated;
    }
    EXPECT_EQ(r.status().code(), want) << name << ": " << r.status().ToString();
  }
  EXPECT_GE(count, 80);
}

// ---- Interop with the real age tool ------------------------------------------------------

class AgeInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/usr/bin/age", X_OK) != 0) GTEST_SKIP() << "age is not installed";
    char tmpl[] = "/tmp/jv_age_interop_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  void Write(const std::string& name, ByteView data) const {
    std::ofstream(Path(name), std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
  }
  Bytes Read(const std::string& name) const {
    return ToBytes(ReadFileToString(Path(name)).value());
  }
  // Runs argv (no shell) and returns its exit status.
  static int Run(const std::vector<std::string>& argv) {
    pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      int devnull = ::open("/dev/null", O_RDWR);
      ::dup2(devnull, 0);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // Runs argv on a pseudo-terminal, typing `passphrase` at each passphrase prompt (age
  // reads passphrases only from a terminal).
  static int RunWithPassphrase(const std::vector<std::string>& argv,
                               const std::string& passphrase) {
    int master = -1;
    pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid == 0) {
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    std::string seen;
    size_t answered = 0;
    for (;;) {
      struct pollfd p = {master, POLLIN, 0};
      if (::poll(&p, 1, 30000) <= 0) break;
      char buf[512];
      ssize_t n = ::read(master, buf, sizeof(buf));
      if (n <= 0) break;
      seen.append(buf, static_cast<size_t>(n));
      size_t prompts = 0;
      for (size_t at = seen.find("assphrase"); at != std::string::npos;
           at = seen.find("assphrase", at + 1)) {
        ++prompts;
      }
      while (answered < prompts) {
        std::string line = passphrase + "\r";
        if (::write(master, line.data(), line.size()) < 0) break;
        ++answered;
      }
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string dir_;
};

TEST_F(AgeInteropTest, AgeEncryptsToUsX25519) {
  FakeRandom random(20);
  X25519Identity id = X25519Identity::Generate(random);
  for (size_t n : {size_t{0}, size_t{1}, kChunkSize, kChunkSize + 1, size_t{200 * 1024}}) {
    for (bool armor : {false, true}) {
      Bytes plaintext = Pattern(n);
      Write("in", plaintext);
      std::vector<std::string> argv = {"/usr/bin/age", "-e", "-r", id.Recipient().Encode(),
                                       "-o", Path("out.age")};
      if (armor) argv.push_back("-a");
      argv.push_back(Path("in"));
      ASSERT_EQ(Run(argv), 0);
      std::vector<X25519Identity> ids;
      ids.push_back(id.Clone());
      auto out = Decrypt(Read("out.age"), ids);
      ASSERT_TRUE(out.ok()) << n << ": " << out.status().ToString();
      EXPECT_TRUE(Same(*out, plaintext)) << n;
    }
  }
}

TEST_F(AgeInteropTest, AgeDecryptsOurX25519Files) {
  FakeRandom random(21);
  X25519Identity id = X25519Identity::Generate(random);
  SecretBuffer id_file = FormatIdentityFile(id, "2026-01-02T03:04:05Z");
  Write("key.txt", id_file.view());
  for (size_t n : {size_t{0}, size_t{1}, kChunkSize, kChunkSize + 1, size_t{200 * 1024}}) {
    for (bool armor : {false, true}) {
      Bytes plaintext = Pattern(n);
      std::vector<X25519Recipient> to = {X25519Identity::Generate(random).Recipient(),
                                         id.Recipient()};
      auto file = EncryptToRecipients(plaintext, to, armor, random);
      ASSERT_TRUE(file.ok());
      Write("ours.age", *file);
      fs::remove(Path("plain"));
      ASSERT_EQ(Run({"/usr/bin/age", "-d", "-i", Path("key.txt"), "-o", Path("plain"),
                     Path("ours.age")}),
                0)
          << n << " armor=" << armor;
      // age does not create the output file when there is nothing to write.
      Bytes got = fs::exists(Path("plain")) ? Read("plain") : Bytes();
      EXPECT_EQ(got, plaintext) << n;
    }
  }
}

TEST_F(AgeInteropTest, AgeKeygenIdentityFileParses) {
  fs::remove(Path("k.txt"));
  ASSERT_EQ(Run({"/usr/bin/age-keygen", "-o", Path("k.txt")}), 0);
  auto ids = ParseIdentityFile(AsString(Read("k.txt")));
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 1u);
  // The "# public key:" comment matches our derivation of the recipient.
  EXPECT_THAT(AsString(Read("k.txt")),
              ::testing::HasSubstr("# public key: " + (*ids)[0].Recipient().Encode() + "\n"));
}

TEST_F(AgeInteropTest, PassphraseBothDirections) {
  const std::string pass = "interop passphrase 123";
  Bytes plaintext = Pattern(kChunkSize + 10);
  Write("in", plaintext);
  // age -p → us.
  ASSERT_EQ(RunWithPassphrase(
                {"/usr/bin/age", "-p", "-o", Path("theirs.age"), Path("in")}, pass),
            0);
  auto out = DecryptWithPassphrase(Read("theirs.age"), SecretBuffer::FromString(pass));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(Same(*out, plaintext));
  // us → age -d.
  FakeRandom random(22);
  for (bool armor : {false, true}) {
    auto file = EncryptWithPassphrase(plaintext, SecretBuffer::FromString(pass), 12, armor,
                                      random);
    ASSERT_TRUE(file.ok());
    Write("ours.age", *file);
    fs::remove(Path("plain"));
    ASSERT_EQ(RunWithPassphrase(
                  {"/usr/bin/age", "-d", "-o", Path("plain"), Path("ours.age")}, pass),
              0);
    EXPECT_EQ(Read("plain"), plaintext);
  }
}

}  // namespace
}  // namespace jv::crypto::age
