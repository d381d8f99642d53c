// Custodian shares: split/combine over GF(256), the printable share file, and unlocking a
// real vault with K of N shares (and refusing fewer, altered or mixed ones).
#include "src/vault/custody.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/common/strings.h"
#include "src/common/testing/temp_dir.h"
#include "src/vault/vault.h"

namespace jv::vault {
namespace {

namespace fs = std::filesystem;

SecretBuffer TestSecret(uint8_t seed) {
  SecretBuffer s(kShareSecretSize);
  for (size_t i = 0; i < s.size(); ++i) s.data()[i] = static_cast<uint8_t>(seed + 7 * i);
  return s;
}

TEST(CustodyShares, AnyTwoOfThreeRecoverTheSecretAndOneDoesNot) {
  FakeRandom random(1);
  SecretBuffer secret = TestSecret(3);
  auto shares = SplitSecret(secret, 3, 2, "v_test", "kss_a", random);
  ASSERT_TRUE(shares.ok()) << shares.status().ToString();
  ASSERT_EQ(shares->size(), 3u);
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      if (a == b) continue;
      auto back = CombineShares({(*shares)[a], (*shares)[b]});
      ASSERT_TRUE(back.ok()) << a << "," << b << ": " << back.status().ToString();
      EXPECT_TRUE(*back == secret) << "shares " << a + 1 << " and " << b + 1;
    }
    auto one = CombineShares({(*shares)[a]});
    EXPECT_EQ(one.status().code(), StatusCode::kUnauthenticated);
    EXPECT_NE(one.status().message().find("needs 2"), std::string::npos)
        << one.status().message();
    // The same share twice is still one share.
    EXPECT_EQ(CombineShares({(*shares)[a], (*shares)[a]}).status().code(),
              StatusCode::kUnauthenticated);
  }
  auto all = CombineShares(*shares);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(*all == secret);
  // No single share reveals the secret bytes.
  for (const auto& s : *shares) EXPECT_NE(s.y, Bytes(secret.view().begin(), secret.view().end()));
}

// An independent check of libgfshare's arithmetic: GF(2^8) with the reduction polynomial
// x^8+x^4+x^3+x^2+1 (0x11d, the field libgfshare documents), Lagrange interpolation at x=0
// written out here, must give the secret back from any K shares.
uint8_t GfMul(uint8_t a, uint8_t b) {
  uint8_t p = 0;
  while (b != 0) {
    if (b & 1) p ^= a;
    a = static_cast<uint8_t>((a << 1) ^ ((a & 0x80) ? 0x1d : 0));
    b >>= 1;
  }
  return p;
}
uint8_t GfInv(uint8_t a) {
  for (int x = 1; x < 256; ++x)
    if (GfMul(a, static_cast<uint8_t>(x)) == 1) return static_cast<uint8_t>(x);
  return 0;
}

TEST(CustodyShares, SharesMatchAnIndependentLagrangeInterpolation) {
  FakeRandom random(11);
  SecretBuffer secret = TestSecret(0x5a);
  auto shares = SplitSecret(secret, 5, 3, "v_test", "kss_g", random);
  ASSERT_TRUE(shares.ok());
  const std::vector<int> pick = {1, 3, 4};  // x = 2, 4, 5
  for (size_t byte = 0; byte < kShareSecretSize; ++byte) {
    uint8_t acc = 0;
    for (int i : pick) {
      const uint8_t xi = static_cast<uint8_t>((*shares)[i].index);
      uint8_t num = 1, den = 1;
      for (int j : pick) {
        if (j == i) continue;
        const uint8_t xj = static_cast<uint8_t>((*shares)[j].index);
        num = GfMul(num, xj);       // (0 - xj) = xj in characteristic 2
        den = GfMul(den, xi ^ xj);  // (xi - xj)
      }
      acc ^= GfMul((*shares)[i].y[byte], GfMul(num, GfInv(den)));
    }
    EXPECT_EQ(acc, secret.data()[byte]) << "byte " << byte;
  }
}

TEST(CustodyShares, ThreeOfFiveNeedsThree) {
  FakeRandom random(2);
  SecretBuffer secret = TestSecret(9);
  auto shares = SplitSecret(secret, 5, 3, "v_test", "kss_b", random);
  ASSERT_TRUE(shares.ok());
  auto two = CombineShares({(*shares)[0], (*shares)[4]});
  EXPECT_EQ(two.status().code(), StatusCode::kUnauthenticated);
  auto three = CombineShares({(*shares)[4], (*shares)[1], (*shares)[2]});
  ASSERT_TRUE(three.ok());
  EXPECT_TRUE(*three == secret);
}

TEST(CustodyShares, TamperedShareCombinesToAnotherSecret) {
  FakeRandom random(3);
  SecretBuffer secret = TestSecret(1);
  auto shares = SplitSecret(secret, 3, 2, "v_test", "kss_c", random);
  ASSERT_TRUE(shares.ok());
  Share bad = (*shares)[1];
  bad.y[5] ^= 0x01;
  auto back = CombineShares({(*shares)[0], bad});
  ASSERT_TRUE(back.ok());  // Shamir itself cannot tell; the slot's AEAD does (below)
  EXPECT_FALSE(*back == secret);
  // Two different shares with the same index are refused.
  EXPECT_EQ(CombineShares({(*shares)[1], bad}).status().code(), StatusCode::kDataLoss);
}

TEST(CustodyShares, MixedSetsAndVaultsAreRefused) {
  FakeRandom random(4);
  SecretBuffer secret = TestSecret(2);
  auto a = SplitSecret(secret, 3, 2, "v_test", "kss_a", random);
  auto b = SplitSecret(secret, 3, 2, "v_test", "kss_b", random);
  auto c = SplitSecret(secret, 3, 2, "v_other", "kss_a", random);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  auto mixed = CombineShares({(*a)[0], (*b)[1]});
  EXPECT_EQ(mixed.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(mixed.status().message().find("different share sets"), std::string::npos);
  auto vaults = CombineShares({(*a)[0], (*c)[1]});
  EXPECT_EQ(vaults.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(vaults.status().message().find("different vaults"), std::string::npos);
}

TEST(CustodyShares, BadParametersAreRefused) {
  FakeRandom random(5);
  SecretBuffer secret = TestSecret(2);
  EXPECT_EQ(SplitSecret(secret, 3, 1, "v", "kss", random).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitSecret(secret, 2, 3, "v", "kss", random).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitSecret(secret, 256, 2, "v", "kss", random).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(CustodyShareFile, RoundTripsAndNamesAMistypedLine) {
  FakeRandom random(6);
  SecretBuffer secret = TestSecret(4);
  auto shares = SplitSecret(secret, 3, 2, "v_abc", "kss_xyz", random);
  ASSERT_TRUE(shares.ok());
  std::string text = FormatShareFile((*shares)[2], "测试珠宝有限公司", "2026-11-27T00:00:00Z");
  EXPECT_NE(text.find("3 of 3"), std::string::npos);
  EXPECT_NE(text.find("主密钥保管分片"), std::string::npos);
  auto parsed = ParseShareFile(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->vault_id, "v_abc");
  EXPECT_EQ(parsed->set_id, "kss_xyz");
  EXPECT_EQ(parsed->index, 3);
  EXPECT_EQ(parsed->count, 3);
  EXPECT_EQ(parsed->threshold, 2);
  EXPECT_EQ(parsed->y, (*shares)[2].y);

  // Change one hex digit of data line 3: the parser names line 3.
  size_t at = text.find("  03: ");
  ASSERT_NE(at, std::string::npos);
  std::string typo = text;
  char& c = typo[at + 6];
  c = (c == '0') ? '1' : '0';
  auto bad = ParseShareFile(typo);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos) << bad.status().message();

  // A missing line is named too.
  std::string cut = text;
  size_t l2 = cut.find("  02: ");
  cut.erase(l2, cut.find('\n', l2) - l2 + 1);
  auto missing = ParseShareFile(cut);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("line 2"), std::string::npos);
  EXPECT_EQ(ParseShareFile("hello").status().code(), StatusCode::kInvalidArgument);
}

// A real vault: split, then unlock with shares; rotate keeps or drops the shares slot.
class CustodyVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitOptions o;
    o.dir = dir_.File("vault");
    o.company = "测试珠宝有限公司";
    o.passphrase = SecretBuffer::FromString("a synthetic test passphrase");
    o.scrypt.n = 1 << 14;
    ASSERT_TRUE(Vault::Init(o, clock_, random_).ok());
  }
  Result<std::unique_ptr<Vault>> OpenWithPassphrase() {
    UnlockOptions u;
    u.passphrase = SecretBuffer::FromString("a synthetic test passphrase");
    return Vault::Open(dir_.File("vault"), std::move(u), clock_, random_);
  }
  Result<std::unique_ptr<Vault>> OpenWithShares(const std::vector<std::string>& files) {
    std::vector<Share> shares;
    for (const auto& f : files) {
      JV_ASSIGN_OR_RETURN(std::string text, ReadFileToString(f));
      JV_ASSIGN_OR_RETURN(Share s, ParseShareFile(text));
      shares.push_back(std::move(s));
    }
    JV_ASSIGN_OR_RETURN(SecretBuffer secret, CombineShares(shares));
    UnlockOptions u;
    u.shares = SharesUnlock{shares[0].vault_id, shares[0].set_id, std::move(secret)};
    return Vault::Open(dir_.File("vault"), std::move(u), clock_, random_);
  }
  Result<SplitReport> Split(const std::string& out) {
    JV_ASSIGN_OR_RETURN(auto v, OpenWithPassphrase());
    return SplitMasterKey(*v, 3, 2, dir_.File(out));
  }

  testing::TempDir dir_;
  FakeClock clock_{int64_t{1790000000} * 1000000};
  SystemRandom& random_ = SystemRandom::Get();
};

TEST_F(CustodyVaultTest, AnyTwoSharesUnlockOneDoesNot) {
  auto rep = Split("shares");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_EQ(rep->files.size(), 3u);
  for (const auto& f : rep->files) {
    EXPECT_EQ(fs::status(f).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
  }
  const auto& f = rep->files;
  for (auto pair : {std::pair{0, 1}, std::pair{0, 2}, std::pair{1, 2}}) {
    auto v = OpenWithShares({f[pair.first], f[pair.second]});
    EXPECT_TRUE(v.ok()) << v.status().ToString();
  }
  auto one = OpenWithShares({f[1]});
  EXPECT_EQ(one.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(CustodyVaultTest, AlteredShareWithValidChecksumsDoesNotUnlock) {
  auto rep = Split("shares");
  ASSERT_TRUE(rep.ok());
  auto text = ReadFileToString(rep->files[1]);
  ASSERT_TRUE(text.ok());
  auto share = ParseShareFile(*text);
  ASSERT_TRUE(share.ok());
  share->y[0] ^= 0x80;  // an attacker who also recomputes the line checksums
  ASSERT_TRUE(WriteFileAtomic(rep->files[1],
                              FormatShareFile(*share, "测试珠宝有限公司", "2026-11-27T00:00:00Z"))
                  .ok());
  auto v = OpenWithShares({rep->files[0], rep->files[1]});
  EXPECT_EQ(v.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(v.status().message().find("corrupted or altered"), std::string::npos);
}

TEST_F(CustodyVaultTest, ResplitVoidsTheOldSetAndMixedSetsFail) {
  auto first = Split("one");
  ASSERT_TRUE(first.ok());
  auto second = Split("two");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->slots_replaced, 1);
  auto old = OpenWithShares({first->files[0], first->files[1]});
  EXPECT_EQ(old.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(old.status().message().find("not a key slot"), std::string::npos);
  auto mixed = OpenWithShares({first->files[0], second->files[1]});
  EXPECT_EQ(mixed.status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(OpenWithShares({second->files[2], second->files[0]}).ok());
}

TEST_F(CustodyVaultTest, RotateKeepsSharesOnlyWhenUnlockedWithThem) {
  auto rep = Split("shares");
  ASSERT_TRUE(rep.ok());
  {
    auto v = OpenWithShares({rep->files[0], rep->files[2]});
    ASSERT_TRUE(v.ok());
    auto r = (*v)->RotateMasterKey();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->shares_kept);
    EXPECT_EQ(r->removed_kinds, std::vector<std::string>{"passphrase"});
  }
  // The same share files still unlock the rotated vault; the passphrase slot is gone.
  EXPECT_TRUE(OpenWithShares({rep->files[1], rep->files[2]}).ok());
  EXPECT_EQ(OpenWithPassphrase().status().code(), StatusCode::kUnauthenticated);
}

TEST_F(CustodyVaultTest, RotateWithPassphraseDropsTheShares) {
  auto rep = Split("shares");
  ASSERT_TRUE(rep.ok());
  {
    auto v = OpenWithPassphrase();
    ASSERT_TRUE(v.ok());
    auto r = (*v)->RotateMasterKey();
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->shares_kept);
    EXPECT_EQ(r->removed_kinds, std::vector<std::string>{"shares"});
  }
  EXPECT_EQ(OpenWithShares({rep->files[0], rep->files[1]}).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_TRUE(OpenWithPassphrase().ok());
}

}  // namespace
}  // namespace jv::vault
