// Backup and restore through the vault API: round trip, the epoch rule, tampering.
#include "src/vault/backup.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/common/strings.h"
#include "src/common/testing/temp_dir.h"
#include "src/vault/backup_epoch.h"

namespace jv::vault {
namespace {

namespace fs = std::filesystem;

constexpr char kPass[] = "a synthetic test passphrase";

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitOptions o;
    o.dir = dir_.File("vault");
    o.company = "测试珠宝有限公司";
    o.passphrase = SecretBuffer::FromString(kPass);
    o.scrypt.n = 1 << 14;
    ASSERT_TRUE(Vault::Init(o, clock_, random_).ok());
    auto v = Open(dir_.File("vault"));
    ASSERT_TRUE(v.ok());
    for (int i = 0; i < 3; ++i) {
      auto id = (*v)->CreateSubject({{"store", "S01"}});
      ASSERT_TRUE(id.ok());
      ids_.push_back(*id);
      ASSERT_TRUE((*v)->AddRecord(*id, kClassProfile, "", 0, {{"mobile", "1390000000" +
                                                                            std::to_string(i)}})
                      .ok());
      ASSERT_TRUE((*v)->AddBlindIndex(*id, "mobile", "1390000000" + std::to_string(i)).ok());
    }
  }
  Result<std::unique_ptr<Vault>> Open(const std::string& dir) {
    UnlockOptions u;
    u.passphrase = SecretBuffer::FromString(kPass);
    return Vault::Open(dir, std::move(u), clock_, random_);
  }
  RestoreOptions Restore(const std::string& file, const std::string& dir) {
    RestoreOptions o;
    o.backup_file = file;
    o.vault_dir = dir;
    o.unlock.passphrase = SecretBuffer::FromString(kPass);
    return o;
  }

  testing::TempDir dir_;
  FakeClock clock_{int64_t{1790000000} * 1000000};
  SystemRandom& random_ = SystemRandom::Get();
  std::vector<std::string> ids_;
};

TEST_F(BackupTest, RoundTripRestoresEveryRowAndTheKeysWork) {
  auto v = Open(dir_.File("vault"));
  ASSERT_TRUE(v.ok());
  auto b = WriteBackup(**v, dir_.File("b.jvbak"), "");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(b->verified);
  EXPECT_EQ(b->epoch, 1);
  EXPECT_EQ(b->rows.at("subjects"), 3);
  EXPECT_EQ(b->rows.at("records"), 3);
  EXPECT_EQ(b->keyring_path, fs::absolute(dir_.File(kBackupKeyringFileName)).string());
  v->reset();
  fs::remove_all(dir_.File("vault"));

  auto r = RestoreBackup(Restore(dir_.File("b.jvbak"), dir_.File("restored")), clock_, random_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->audit_ok);
  EXPECT_EQ(r->rows, b->rows);
  auto back = Open(dir_.File("restored"));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto found = (*back)->FindByIndex("mobile", "13900000001");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::vector<std::string>{ids_[1]});
  auto recs = (*back)->ReadRecords(ids_[1]);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].fields["mobile"], "13900000001");
  // The restored vault continues the epoch: a new backup from it is epoch 1 again.
  auto e = ReadBackupEpoch(**back);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->epoch, 1);
}

TEST_F(BackupTest, EndedEpochIsRefusedAndANewBackupRestores) {
  auto v = Open(dir_.File("vault"));
  ASSERT_TRUE(v.ok());
  auto b1 = WriteBackup(**v, dir_.File("b1.jvbak"), "");
  ASSERT_TRUE(b1.ok());
  auto end = EndBackupEpochWithReport(**v, "shred run sr_test", 7);
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_TRUE(end->had_epoch);
  EXPECT_EQ(end->ended, 1);
  EXPECT_EQ(end->current, 2);
  EXPECT_TRUE(end->keyring_updated) << end->keyring_error;

  auto r1 = RestoreBackup(Restore(dir_.File("b1.jvbak"), dir_.File("r1")), clock_, random_);
  EXPECT_EQ(r1.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r1.status().message().find("backup epoch 1"), std::string::npos);
  EXPECT_NE(r1.status().message().find("shred run sr_test"), std::string::npos);
  EXPECT_NE(r1.status().message().find("7 subjects"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.File("r1/vault.toml")));

  // The old epoch key is gone from the keyring file: only epoch 2's key is there.
  auto ring = ReadBackupKeyring(dir_.File(kBackupKeyringFileName), (*v)->suite(),
                                (*v)->config().vault_id, (*v)->keys().master_key());
  ASSERT_TRUE(ring.ok()) << ring.status().ToString();
  EXPECT_EQ(ring->epoch, 2);
  ASSERT_EQ(ring->ended.size(), 1u);
  EXPECT_EQ(ring->ended[0].epoch, 1);

  auto b2 = WriteBackup(**v, dir_.File("b2.jvbak"), "");
  ASSERT_TRUE(b2.ok());
  EXPECT_EQ(b2->epoch, 2);
  auto r2 = RestoreBackup(Restore(dir_.File("b2.jvbak"), dir_.File("r2")), clock_, random_);
  EXPECT_TRUE(r2.ok()) << r2.status().ToString();
}

TEST_F(BackupTest, EveryAlteredByteIsDetected) {
  auto v = Open(dir_.File("vault"));
  ASSERT_TRUE(v.ok());
  auto b = WriteBackup(**v, dir_.File("b.jvbak"), "");
  ASSERT_TRUE(b.ok());
  auto data = ReadFileToString(dir_.File("b.jvbak"));
  ASSERT_TRUE(data.ok());
  // Flip one bit at a spread of positions (magic, header, lengths, ciphertext, tags).
  const size_t n = data->size();
  for (size_t pos : {size_t{0}, size_t{9}, size_t{20}, n / 3, n / 2, n - 20, n - 1}) {
    std::string bad = *data;
    bad[pos] ^= 0x04;
    const std::string path = dir_.File("bad.jvbak");
    ASSERT_TRUE(WriteFileAtomic(path, bad).ok());
    auto r = RestoreBackup(Restore(path, dir_.File("r-" + std::to_string(pos))), clock_,
                           random_);
    EXPECT_FALSE(r.ok()) << "byte " << pos;
    EXPECT_FALSE(fs::exists(dir_.File("r-" + std::to_string(pos) + "/vault.db"))) << pos;
  }
  // Truncation anywhere, including exactly after the header.
  for (size_t keep : {n - 1, n / 2, size_t{100}}) {
    const std::string path = dir_.File("short.jvbak");
    ASSERT_TRUE(WriteFileAtomic(path, data->substr(0, keep)).ok());
    auto r = RestoreBackup(Restore(path, dir_.File("t-" + std::to_string(keep))), clock_,
                           random_);
    EXPECT_FALSE(r.ok()) << "kept " << keep;
  }
}

TEST_F(BackupTest, NoEpochBeforeTheFirstBackupAndRefusesToOverwrite) {
  auto v = Open(dir_.File("vault"));
  ASSERT_TRUE(v.ok());
  auto e = EndBackupEpochWithReport(**v, "shred run sr_x", 1);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->had_epoch);
  ASSERT_TRUE(WriteFileAtomic(dir_.File("exists.jvbak"), "x").ok());
  EXPECT_EQ(WriteBackup(**v, dir_.File("exists.jvbak"), "").status().code(),
            StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace jv::vault
