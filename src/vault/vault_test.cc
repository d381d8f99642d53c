#include "src/vault/vault.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "src/common/strings.h"
#include "src/vault/keyring.h"

namespace jv::vault {
namespace {

namespace fs = std::filesystem;

class VaultTest : public ::testing::TestWithParam<crypto::Suite> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jv-vault-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/vault";
  }
  void TearDown() override { fs::remove_all(root_); }

  InitOptions Options() {
    InitOptions o;
    o.dir = dir_;
    o.company = "测试珠宝有限公司";
    o.suite = GetParam();
    o.passphrase = SecretBuffer::FromString("a synthetic test passphrase");
    o.scrypt.n = 1 << 14;
    return o;
  }

  Result<std::unique_ptr<Vault>> OpenWith(std::string_view passphrase) {
    UnlockOptions u;
    u.passphrase = SecretBuffer::FromString(passphrase);
    return Vault::Open(dir_, std::move(u), clock_, random_);
  }

  // Every byte of every file under the vault directory.
  std::string AllFileBytes() {
    std::string all;
    for (const auto& e : fs::recursive_directory_iterator(root_)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }

  static bool Contains(const std::string& haystack, ByteView needle) {
    return haystack.find(std::string(AsString(needle))) != std::string::npos;
  }

  std::string root_, dir_;
  FakeClock clock_{int64_t{1790000000} * 1000000};
  SystemRandom random_;
};

TEST_P(VaultTest, InitThenOpenWithRightPassphraseOnly) {
  auto init = Vault::Init(Options(), clock_, random_);
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  EXPECT_EQ(init->config.crypto, crypto::SuiteName(GetParam()));
  EXPECT_NE(init->signing_public_key_pem.find("BEGIN PUBLIC KEY"), std::string::npos);

  auto again = Vault::Init(Options(), clock_, random_);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);

  auto wrong = OpenWith("not it");
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  auto v = OpenWith("a synthetic test passphrase");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)->config().vault_id, init->config.vault_id);
  EXPECT_EQ((*v)->signer().PublicKeyPem(), init->signing_public_key_pem);
}

TEST_P(VaultTest, NoKeyOrPassphraseInTheClearAnywhere) {
  ASSERT_TRUE(Vault::Init(Options(), clock_, random_).ok());
  auto v = OpenWith("a synthetic test passphrase");
  ASSERT_TRUE(v.ok());
  std::vector<SecretBuffer> deks;
  for (int i = 0; i < 20; ++i) {
    auto id = (*v)->CreateSubject({{"store", "测试店"}});
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE((*v)->AddRecord(*id, kClassProfile, "", 0, {{"mobile", "13800000000"}}).ok());
    auto dek = (*v)->DataKey(*id, kClassProfile, false);
    ASSERT_TRUE(dek.ok());
    deks.push_back((*dek)->Clone());
  }
  SecretBuffer master = (*v)->keys().MasterKeyForTest().Clone();
  v->reset();  // close: flush everything to the files
  std::string files = AllFileBytes();
  EXPECT_FALSE(Contains(files, master.view()));
  EXPECT_FALSE(Contains(files, AsBytes(HexEncode(master.view()))));
  for (const auto& dek : deks) {
    EXPECT_FALSE(Contains(files, dek.view()));
    EXPECT_FALSE(Contains(files, AsBytes(HexEncode(dek.view()))));
  }
  EXPECT_EQ(files.find("a synthetic test passphrase"), std::string::npos);
  EXPECT_EQ(files.find("13800000000"), std::string::npos);
}

TEST_P(VaultTest, RecordsAreBoundToSubjectAndFields) {
  ASSERT_TRUE(Vault::Init(Options(), clock_, random_).ok());
  auto v = OpenWith("a synthetic test passphrase");
  ASSERT_TRUE(v.ok());
  auto a = (*v)->CreateSubject({});
  auto b = (*v)->CreateSubject({});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*v)->AddRecord(*a, kClassProfile, "src_x", 3, {{"name", "甲"}}).ok());
  ASSERT_TRUE((*v)->AddRecord(*b, kClassProfile, "src_x", 4, {{"name", "乙"}}).ok());
  auto recs = (*v)->ReadRecords(*a);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].fields["name"], "甲");
  EXPECT_EQ((*recs)[0].row_no, 3);

  // Move a's ciphertext into b's record slot: authentication must fail.
  auto rows_a = (*v)->store().ListRecords(*a);
  ASSERT_TRUE(rows_a.ok());
  store::RecordRow moved = (*rows_a)[0];
  moved.subject_id = *b;
  ASSERT_TRUE((*v)->store().DeleteRecords(*b, std::nullopt).ok());
  ASSERT_TRUE((*v)->store().InsertRecord(moved).ok());
  EXPECT_EQ((*v)->ReadRecords(*b).status().code(), StatusCode::kDataLoss);

  // Rename the field list: authentication must fail too.
  store::RecordRow renamed = (*rows_a)[0];
  renamed.fields = "mobile";
  ASSERT_TRUE((*v)->store().DeleteRecords(*a, std::nullopt).ok());
  ASSERT_TRUE((*v)->store().InsertRecord(renamed).ok());
  EXPECT_EQ((*v)->ReadRecords(*a).status().code(), StatusCode::kDataLoss);
}

TEST_P(VaultTest, RotateRewrapsEveryDataKeyAndKeepsIndexes) {
  ASSERT_TRUE(Vault::Init(Options(), clock_, random_).ok());
  std::vector<std::string> ids;
  Bytes old_wrapped;
  {
    auto v = OpenWith("a synthetic test passphrase");
    ASSERT_TRUE(v.ok());
    for (int i = 0; i < 5; ++i) {
      auto id = (*v)->CreateSubject({});
      ASSERT_TRUE(id.ok());
      ids.push_back(*id);
      ASSERT_TRUE((*v)->AddRecord(*id, kClassProfile, "", 0, {{"n", i}}).ok());
      ASSERT_TRUE((*v)->AddRecord(*id, "aml_10y", "", 0, {{"cash", i * 100}}).ok());
      ASSERT_TRUE((*v)->AddBlindIndex(*id, "mobile", "1390000000" + std::to_string(i)).ok());
    }
    old_wrapped = (*v)->store().GetDataKey(ids[0], kClassProfile)->wrapped;
    auto r = (*v)->RotateMasterKey();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->rewrapped, 10);
    EXPECT_NE((*v)->store().GetDataKey(ids[0], kClassProfile)->wrapped, old_wrapped);
  }
  auto v = OpenWith("a synthetic test passphrase");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  for (int i = 0; i < 5; ++i) {
    auto recs = (*v)->ReadRecords(ids[i]);
    ASSERT_TRUE(recs.ok()) << recs.status().ToString();
    ASSERT_EQ(recs->size(), 2u);
    EXPECT_EQ((*recs)[0].fields["n"], i);
    auto found = (*v)->FindByIndex("mobile", "1390000000" + std::to_string(i));
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0], ids[i]);
  }
  auto report = (*v)->audit().Verify((*v)->signer().PublicKeyPem());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok);
  // The old wrapped key no longer opens under the new master key.
  EXPECT_FALSE((*v)->keys().UnwrapDataKey(ids[0], kClassProfile, old_wrapped).ok());
}

TEST_P(VaultTest, KeyFileUnlocksToo) {
  InitOptions o = Options();
  o.key_file_secret = SecretBuffer::FromString(std::string(64, 'k'));
  ASSERT_TRUE(Vault::Init(o, clock_, random_).ok());
  UnlockOptions u;
  u.key_file_secret = SecretBuffer::FromString(std::string(64, 'k'));
  EXPECT_TRUE(Vault::Open(dir_, std::move(u), clock_, random_).ok());
  UnlockOptions bad;
  bad.key_file_secret = SecretBuffer::FromString(std::string(64, 'j'));
  EXPECT_EQ(Vault::Open(dir_, std::move(bad), clock_, random_).status().code(),
            StatusCode::kUnauthenticated);
}

TEST_P(VaultTest, MissingVaultIsNotFound) {
  EXPECT_EQ(Vault::ReadConfig(dir_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(OpenWith("x").status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Suites, VaultTest,
                         ::testing::Values(crypto::Suite::kStd, crypto::Suite::kGm),
                         [](const auto& info) {
                           return std::string(crypto::SuiteName(info.param));
                         });

// WrapDataKeys is WrapDataKey for each key, byte for byte from the same nonce source, and
// each wrapped key opens only for its own subject.
TEST_P(VaultTest, WrapDataKeysEqualsWrapDataKeyOneByOne) {
  FakeRandom keys_random(11);
  Keyring ring(GetParam(), "v_test", SecretBuffer(32), SecretBuffer(32));  // zero keys
  std::vector<SecretBuffer> deks;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    deks.push_back(ring.NewDataKey(keys_random));
    ids.push_back("s_" + std::to_string(i));
  }
  std::vector<Keyring::KeyToWrap> want;
  for (int i = 0; i < 5; ++i) want.push_back({ids[i], &deks[i]});
  FakeRandom ra(5), rb(5);
  auto many = ring.WrapDataKeys(want, kClassProfile, ra);
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  ASSERT_EQ(many->size(), 5u);
  for (int i = 0; i < 5; ++i) {
    auto one = ring.WrapDataKey(ids[i], kClassProfile, deks[i], rb);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ((*many)[i], *one) << i;
    auto back = ring.UnwrapDataKey(ids[i], kClassProfile, (*many)[i]);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->view().size(), deks[i].view().size());
    EXPECT_TRUE(std::equal(back->view().begin(), back->view().end(), deks[i].view().begin()));
    EXPECT_EQ(ring.UnwrapDataKey(ids[(i + 1) % 5], kClassProfile, (*many)[i]).status().code(),
              StatusCode::kDataLoss);
  }
  auto none = ring.WrapDataKeys({}, kClassProfile, ra);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(VaultConfigTest, RoundTripAndErrors) {
  VaultConfig c;
  c.vault_id = "v_abc";
  c.company = "某某\"珠宝\"有限公司";
  c.case_type = "transfer";
  c.crypto = "gm";
  c.store = "vault.db";
  c.created = "2026-11-26T00:00:00Z";
  auto back = VaultConfig::FromToml(c.ToToml());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->company, c.company);
  EXPECT_EQ(back->crypto, "gm");
  EXPECT_FALSE(VaultConfig::FromToml("format_version = 1\nvault_id\n").ok());
  auto newer = VaultConfig::FromToml(
      "format_version = 99\nvault_id = \"v\"\ncompany = \"c\"\ncase = \"transfer\"\n"
      "crypto = \"std\"\nstore = \"vault.db\"\n");
  EXPECT_EQ(newer.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace jv::vault
