#include "src/store/open_store.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "src/common/testing/temp_dir.h"

namespace jv::store {
namespace {

using ::jv::testing::TempDir;

// Port 1 on the loopback refuses connections at once: the URL goes to PostgresStore, the
// failure is kUnavailable, and the message names the server without the password.
TEST(OpenStoreTest, PostgresUrlWithUnreachableServerIsUnavailableAndHidesPassword) {
  auto r = OpenStore("postgresql://jv:s3cretpw@127.0.0.1:1/jadevault", OpenMode::kExisting);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_EQ(r.status().message().find("s3cretpw"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("postgresql://jv@127.0.0.1:1/jadevault"),
            std::string::npos)
      << r.status().message();
}

TEST(OpenStoreTest, CreateThenReopenExisting) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  {
    auto created = OpenStore(path, OpenMode::kCreate);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_EQ((*created)->Backend(), "sqlite");
    ASSERT_TRUE((*created)->PutMeta("vault_id", "v_test").ok());
  }
  auto existing = OpenStore(path, OpenMode::kExisting);
  ASSERT_TRUE(existing.ok()) << existing.status().ToString();
  auto id = (*existing)->GetMeta("vault_id");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, std::optional<std::string>("v_test"));
}

TEST(OpenStoreTest, CreateOverAnExistingVaultIsAlreadyExists) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  {
    auto created = OpenStore(path, OpenMode::kCreate);
    ASSERT_TRUE(created.ok());
    ASSERT_TRUE((*created)->PutMeta("vault_id", "v_test").ok());
  }
  auto again = OpenStore(path, OpenMode::kCreate);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "a vault already exists in " + path);
}

TEST(OpenStoreTest, CreateAgainBeforeInitFinishedIsAllowed) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  { ASSERT_TRUE(OpenStore(path, OpenMode::kCreate).ok()); }  // no vault_id written
  EXPECT_TRUE(OpenStore(path, OpenMode::kCreate).ok());
}

TEST(OpenStoreTest, ExistingOnMissingFileIsNotFoundAndCreatesNothing) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  auto r = OpenStore(path, OpenMode::kExisting);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(OpenStoreTest, ExistingWithoutVaultIdIsNotFound) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  { ASSERT_TRUE(OpenStore(path, OpenMode::kCreate).ok()); }
  auto r = OpenStore(path, OpenMode::kExisting);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no vault in " + path + " (database has no vault_id)");
}

}  // namespace
}  // namespace jv::store
