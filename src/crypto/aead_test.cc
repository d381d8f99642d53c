#include "src/crypto/aead.h"

#include <gtest/gtest.h>

#include "src/crypto/internal/aead_internal.h"
#include "src/crypto/internal/test_helpers.h"

namespace jv::crypto {
namespace {

using testing::Hex;
using testing::Unhex;

SecretBuffer Key(uint8_t first) {
  SecretBuffer k(kKeySize);
  for (size_t i = 0; i < kKeySize; ++i)
    k.data()[i] = static_cast<uint8_t>(first + i);
  return k;
}

// AES-256-GCM with 96-bit IVs: McGrew & Viega, "The Galois/Counter Mode of
// Operation (GCM)" (2005), Appendix B, test cases 13, 14 and 16 (also in NIST
// CAVP gcmEncryptExtIV256).
TEST(AeadKatTest, AesGcmMcGrewViega) {
  const Bytes zero_key(32, 0), zero_iv(12, 0);
  auto tc13 = internal::AesGcmSealRawForTest(zero_key, zero_iv, {}, {});
  ASSERT_TRUE(tc13.ok()) << tc13.status().ToString();
  EXPECT_EQ(Hex(*tc13), "530f8afbc74536b9a963b4f1c4cb738b");

  auto tc14 =
      internal::AesGcmSealRawForTest(zero_key, zero_iv, {}, Bytes(16, 0));
  ASSERT_TRUE(tc14.ok());
  EXPECT_EQ(Hex(*tc14),
            "cea7403d4d606b6e074ec5d3baf39d18"
            "d0d1c8a799996bf0265b98b5d48ab919");

  auto tc16 = internal::AesGcmSealRawForTest(
      Unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
      Unhex("cafebabefacedbaddecaf888"),
      Unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
      Unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"));
  ASSERT_TRUE(tc16.ok());
  EXPECT_EQ(Hex(*tc16),
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
            "76fc6ece0f4e1768cddf8853bb2d551b");
}

// SM4 block cipher: GB/T 32907-2016 Appendix A, example 1 (one block; key =
// plaintext).
TEST(AeadKatTest, Sm4GbT32907Example1) {
  const Bytes k = Unhex("0123456789abcdeffedcba9876543210");
  auto c = internal::Sm4EcbEncryptForTest(k, k);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(Hex(*c), "681edf34d206965e86b3e94f536e4246");
}

// SM4-CTR: draft-ribose-cfrg-sm4-10 §A.2.5.1 (SM4-CTR example 1), as carried in
// OpenSSL's test/recipes/30-test_evp_data/evpciph_sm4.txt.
TEST(AeadKatTest, Sm4CtrRiboseDraftExample) {
  const Bytes k = Unhex("0123456789abcdeffedcba9876543210");
  const Bytes pt = Unhex(
      "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
      "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa");
  auto c = internal::Sm4CtrForTest(k, k, pt);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Hex(*c),
            "c2b4759e78ac3cf43d0852f4e8d5f9fd7256e8a5fcb65a350ee00630912e4449"
            "2a0b17e1b85b060d0fba612d8a95831638b361fd5ffacd942f081485a83ca35d");
  // CTR is its own inverse.
  auto back = internal::Sm4CtrForTest(k, k, *c);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, pt);
}

// The counter is the whole 128-bit block, incremented big-endian with
// wrap-around: from IV = ff..ff the second keystream block is SM4_K(0^128),
// which is the first block of the draft's SM4-CBC example (CBC with IV = P = K
// encrypts P xor IV = 0^128).
TEST(AeadKatTest, Sm4CtrCounterWrapsAt128Bits) {
  const Bytes k = Unhex("0123456789abcdeffedcba9876543210");
  auto c = internal::Sm4CtrForTest(k, Bytes(16, 0xff), Bytes(32, 0));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Hex(ByteView(*c).subspan(16)), "2677f46b09c122cc975533105bd4a22a");
}

// Whole sealed messages with fixed nonces. The expected bytes were computed
// independently of this code with Python's pyca/cryptography (AESGCM; SM4 in
// CTR mode) and hmac/hashlib (HKDF-SM3 and HMAC-SM3 written out per RFC 5869 /
// RFC 2104), following docs/formats/crypto.md. They pin the format: any change
// to it must change these.
constexpr char kGoldenPlaintext[] = "synthetic field value";
const Bytes& GoldenAad() {
  static const Bytes aad =
      ToBytes(std::string_view("subject:s_test\0field:mobile", 27));
  return aad;
}

TEST(AeadFormatTest, StdGolden) {
  auto sealed = internal::SealWithNonceForTest(
      Suite::kStd, Key(0), Unhex("a0a1a2a3a4a5a6a7a8a9aaab"),
      AsBytes(kGoldenPlaintext), GoldenAad());
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  const std::string expected =
      "01"                                          // version
      "a0a1a2a3a4a5a6a7a8a9aaab"                    // nonce
      "956112592dae76d60145e1ba6216a4fe06cd3565f7"  // ciphertext (21 bytes)
      "bd3a9bce77f06f2a8e381b0eee3bfea4";           // tag
  EXPECT_EQ(Hex(*sealed), expected);
  auto opened = Open(Suite::kStd, Key(0), Unhex(expected), GoldenAad());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->str(), kGoldenPlaintext);
}

TEST(AeadFormatTest, GmKeySplit) {
  auto keys = internal::DeriveGmKeys(Key(0));
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(Hex(keys->enc_key), "9500b4806b4bfde2d14fed309ddffe0a");
  EXPECT_EQ(Hex(keys->mac_key),
            "73334898bc9996ae3100fd79231f8f6f5f8cb0343ee5c1ed775c254eb102cda2");
}

TEST(AeadFormatTest, GmGolden) {
  auto sealed = internal::SealWithNonceForTest(
      Suite::kGm, Key(0), Unhex("b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"),
      AsBytes(kGoldenPlaintext), GoldenAad());
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  const std::
      string
          expected =
              "02"                                          // version
              "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"            // IV
              "2b9aa7c62c7db13a7f2d0e4a91d28cca8518fcd676"  // ciphertext
              "3ed8453b816370e26c96bbc2b7d4ad8b08a5a2ffa0861620c1d4e78f78a677f"
              "b";  // HMAC-SM3 tag
  EXPECT_EQ(Hex(*sealed), expected);
  auto opened = Open(Suite::kGm, Key(0), Unhex(expected), GoldenAad());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->str(), kGoldenPlaintext);
}

class AeadSuiteTest : public ::testing::TestWithParam<Suite> {};

INSTANTIATE_TEST_SUITE_P(BothSuites, AeadSuiteTest,
                         ::testing::Values(Suite::kStd, Suite::kGm),
                         [](const auto& info) {
                           return std::string(SuiteName(info.param));
                         });

TEST_P(AeadSuiteTest, OverheadAndSize) {
  auto aead = Aead::Create(GetParam(), Key(1));
  ASSERT_TRUE(aead.ok());
  const size_t expected_overhead =
      GetParam() == Suite::kStd ? 1 + 12 + 16 : 1 + 16 + 32;
  EXPECT_EQ((*aead)->Overhead(), expected_overhead);
  FakeRandom random(7);
  for (size_t n : {0, 1, 15, 16, 17, 1000}) {
    auto sealed = (*aead)->Seal(Bytes(n, 0x41), AsBytes("aad"), random);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(sealed->size(), n + expected_overhead);
    EXPECT_EQ((*sealed)[0], GetParam() == Suite::kStd ? 0x01 : 0x02);
  }
}

TEST_P(AeadSuiteTest, RoundTripReusingContexts) {
  auto sealer = Aead::Create(GetParam(), Key(1));
  auto opener = Aead::Create(GetParam(), Key(1));
  ASSERT_TRUE(sealer.ok() && opener.ok());
  FakeRandom random(42);
  std::vector<Bytes> plaintexts, sealed;
  for (size_t n = 0; n < 70; n += 7) {
    Bytes p(n);
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(i * 31 + n);
    auto s = (*sealer)->Seal(p, AsBytes("aad-" + std::to_string(n)), random);
    ASSERT_TRUE(s.ok());
    plaintexts.push_back(p);
    sealed.push_back(*s);
  }
  // Open in reverse order on a reused object, and each one with the free
  // function too.
  for (size_t j = plaintexts.size(); j-- > 0;) {
    const std::string aad = "aad-" + std::to_string(plaintexts[j].size());
    auto o = (*opener)->Open(sealed[j], AsBytes(aad));
    ASSERT_TRUE(o.ok()) << j << ": " << o.status().ToString();
    EXPECT_EQ(Hex(*o), Hex(plaintexts[j]));
    auto o2 = Open(GetParam(), Key(1), sealed[j], AsBytes(aad));
    ASSERT_TRUE(o2.ok());
    EXPECT_EQ(Hex(*o2), Hex(plaintexts[j]));
  }
}

// std keys each direction's context on its first use and then drops its copy of the
// key: one object must open before it ever seals, seal after that, and go on doing both.
TEST_P(AeadSuiteTest, OpensFirstThenSealsAndOpensOnOneObject) {
  FakeRandom random(5);
  auto other = Seal(GetParam(), Key(3), AsBytes("first"), AsBytes("a"), random);
  ASSERT_TRUE(other.ok());
  auto aead = Aead::Create(GetParam(), Key(3));
  ASSERT_TRUE(aead.ok());
  auto o = (*aead)->Open(*other, AsBytes("a"));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->str(), "first");
  for (int i = 0; i < 3; ++i) {
    const std::string text = "round " + std::to_string(i);
    auto s = (*aead)->Seal(AsBytes(text), AsBytes("b"), random);
    ASSERT_TRUE(s.ok());
    auto back = (*aead)->Open(*s, AsBytes("b"));
    ASSERT_TRUE(back.ok()) << i;
    EXPECT_EQ(back->str(), text);
    auto free_open = Open(GetParam(), Key(3), *s, AsBytes("b"));
    ASSERT_TRUE(free_open.ok());
    EXPECT_EQ(free_open->str(), text);
    EXPECT_EQ(Open(GetParam(), Key(4), *s, AsBytes("b")).status().code(), StatusCode::kDataLoss);
  }
}

// SetKey makes the object Create(suite, new key): the same bytes as the free Seal under
// the new key from the same nonce source, after the contexts were keyed with the old one
// in both directions, and nothing the old key opens any more.
TEST_P(AeadSuiteTest, SetKeySealsAndOpensAsANewObjectWould) {
  auto aead = Aead::Create(GetParam(), Key(1));
  ASSERT_TRUE(aead.ok());
  FakeRandom r1(9);
  auto under_old = (*aead)->Seal(AsBytes("old"), AsBytes("a"), r1);
  ASSERT_TRUE(under_old.ok());
  ASSERT_TRUE((*aead)->Open(*under_old, AsBytes("a")).ok());  // both directions keyed
  for (int k = 2; k <= 4; ++k) {
    ASSERT_TRUE((*aead)->SetKey(Key(k)).ok());
    FakeRandom ra(100 + k), rb(100 + k);
    auto mine = (*aead)->Seal(AsBytes("record " + std::to_string(k)), AsBytes("aad"), ra);
    auto fresh = Seal(GetParam(), Key(k), AsBytes("record " + std::to_string(k)),
                      AsBytes("aad"), rb);
    ASSERT_TRUE(mine.ok() && fresh.ok());
    EXPECT_EQ(Hex(*mine), Hex(*fresh));
    auto back = (*aead)->Open(*fresh, AsBytes("aad"));
    ASSERT_TRUE(back.ok()) << k;
    EXPECT_EQ(back->str(), "record " + std::to_string(k));
    EXPECT_EQ((*aead)->Open(*under_old, AsBytes("a")).status().code(), StatusCode::kDataLoss);
  }
  // A wrong size is refused and the key in use stays.
  EXPECT_EQ((*aead)->SetKey(SecretBuffer(16)).code(), StatusCode::kInvalidArgument);
  FakeRandom rc(7), rd(7);
  auto still = (*aead)->Seal(AsBytes("x"), AsBytes(""), rc);
  auto expect = Seal(GetParam(), Key(4), AsBytes("x"), AsBytes(""), rd);
  ASSERT_TRUE(still.ok() && expect.ok());
  EXPECT_EQ(Hex(*still), Hex(*expect));
}

// Re-keyed before the decryption context exists: that context is made with the new key.
TEST_P(AeadSuiteTest, SetKeyBeforeFirstOpen) {
  auto aead = Aead::Create(GetParam(), Key(1));
  ASSERT_TRUE(aead.ok());
  FakeRandom random(3);
  ASSERT_TRUE((*aead)->Seal(AsBytes("warm"), AsBytes(""), random).ok());
  ASSERT_TRUE((*aead)->SetKey(Key(2)).ok());
  auto other = Seal(GetParam(), Key(2), AsBytes("new"), AsBytes("b"), random);
  ASSERT_TRUE(other.ok());
  auto o = (*aead)->Open(*other, AsBytes("b"));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->str(), "new");
}

TEST_P(AeadSuiteTest, FreshNonceEachTime) {
  auto a = Seal(GetParam(), Key(1), AsBytes("same"), AsBytes("aad"),
                SystemRandom::Get());
  auto b = Seal(GetParam(), Key(1), AsBytes("same"), AsBytes("aad"),
                SystemRandom::Get());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST_P(AeadSuiteTest, RejectsWrongKeySize) {
  EXPECT_EQ(Aead::Create(GetParam(), SecretBuffer(16)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Aead::Create(GetParam(), SecretBuffer(33)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Open(GetParam(), SecretBuffer(), Bytes(64, 0), {}).status().code(),
            StatusCode::kInvalidArgument);
}

// Tamper tests: every single-bit flip, every truncation, an extension, every
// change of the associated data, a wrong key and the other suite all give
// kDataLoss and no plaintext.
TEST_P(AeadSuiteTest, TamperEveryBitTruncationAadAndKey) {
  const Suite suite = GetParam();
  auto aead = Aead::Create(suite, Key(1));
  ASSERT_TRUE(aead.ok());
  FakeRandom random(3);
  const Bytes aad = ToBytes("s_synthetic|mobile");
  auto sealed_or = (*aead)->Seal(AsBytes("synthetic 42"), aad, random);
  ASSERT_TRUE(sealed_or.ok());
  const Bytes sealed = *sealed_or;

  for (size_t bit = 0; bit < sealed.size() * 8; ++bit) {
    Bytes t = sealed;
    t[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto r = (*aead)->Open(t, aad);
    ASSERT_FALSE(r.ok()) << "bit " << bit;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << "bit " << bit;
  }
  for (size_t len = 0; len < sealed.size(); ++len) {
    auto r = (*aead)->Open(ByteView(sealed).first(len), aad);
    ASSERT_FALSE(r.ok()) << "length " << len;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << "length " << len;
  }
  Bytes extended = sealed;
  extended.push_back(0);
  EXPECT_EQ((*aead)->Open(extended, aad).status().code(),
            StatusCode::kDataLoss);

  for (size_t bit = 0; bit < aad.size() * 8; ++bit) {
    Bytes a = aad;
    a[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_EQ((*aead)->Open(sealed, a).status().code(), StatusCode::kDataLoss)
        << "aad bit " << bit;
  }
  EXPECT_EQ((*aead)->Open(sealed, {}).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ((*aead)
                ->Open(sealed, ByteView(aad).first(aad.size() - 1))
                .status()
                .code(),
            StatusCode::kDataLoss);
  Bytes longer_aad = aad;
  longer_aad.push_back(0);
  EXPECT_EQ((*aead)->Open(sealed, longer_aad).status().code(),
            StatusCode::kDataLoss);

  EXPECT_EQ(Open(suite, Key(2), sealed, aad).status().code(),
            StatusCode::kDataLoss);
  const Suite other = suite == Suite::kStd ? Suite::kGm : Suite::kStd;
  EXPECT_EQ(Open(other, Key(1), sealed, aad).status().code(),
            StatusCode::kDataLoss);
  // The version byte of the other suite is refused even when the rest would
  // parse.
  Bytes relabelled = sealed;
  relabelled[0] = suite == Suite::kStd ? 0x02 : 0x01;
  EXPECT_EQ((*aead)->Open(relabelled, aad).status().code(),
            StatusCode::kDataLoss);

  // The reused contexts still work after all those failures.
  auto ok = (*aead)->Open(sealed, aad);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->str(), "synthetic 42");
}

TEST_P(AeadSuiteTest, TamperEmptyPlaintext) {
  auto aead = Aead::Create(GetParam(), Key(9));
  ASSERT_TRUE(aead.ok());
  FakeRandom random(5);
  auto sealed = (*aead)->Seal({}, AsBytes("a"), random);
  ASSERT_TRUE(sealed.ok());
  auto ok = (*aead)->Open(*sealed, AsBytes("a"));
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->empty());
  for (size_t bit = 0; bit < sealed->size() * 8; ++bit) {
    Bytes t = *sealed;
    t[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_EQ((*aead)->Open(t, AsBytes("a")).status().code(),
              StatusCode::kDataLoss);
  }
  EXPECT_EQ((*aead)->Open(*sealed, AsBytes("b")).status().code(),
            StatusCode::kDataLoss);
}

TEST_P(AeadSuiteTest, ErrorMessagesCarryNoData) {
  auto aead = Aead::Create(GetParam(), Key(1));
  ASSERT_TRUE(aead.ok());
  FakeRandom random(11);
  auto sealed =
      (*aead)->Seal(AsBytes("13912345678"), AsBytes("s_x|mobile"), random);
  ASSERT_TRUE(sealed.ok());
  Bytes t = *sealed;
  t.back() ^= 1;
  Status s = (*aead)->Open(t, AsBytes("s_x|mobile")).status();
  EXPECT_EQ(s.message(), "aead: authentication failed");
}

}  // namespace
}  // namespace jv::crypto
