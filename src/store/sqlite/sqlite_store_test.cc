// SqliteStore: the conformance suite on real files (WAL on disk, not :memory:), plus the
// SQLite-specific properties: file modes, migrations, several connections on one file, and
// deleted bytes being gone from vault.db and vault.db-wal after Compact().
#include "src/store/sqlite/sqlite_store.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/store/sqlite/sqlite_schema.h"
#include "src/store/store_conformance_test.h"
#include "src/common/testing/temp_dir.h"

namespace jv::store {
namespace {

using ::jv::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Result<std::unique_ptr<Store>> Upcast(Result<std::unique_ptr<SqliteStore>> r) {
  if (!r.ok()) return r.status();
  return std::unique_ptr<Store>(std::move(r).value());
}

// The conformance factory: one temp directory per test, vault.db inside it.
struct SqliteFactory {
  TempDir dir;
  bool Available(std::string*) { return true; }
  Result<std::unique_ptr<Store>> Make() {
    return Upcast(SqliteStore::Open(dir.File("vault.db"), OpenMode::kCreate));
  }
  Result<std::unique_ptr<Store>> Reopen() {
    return Upcast(SqliteStore::Open(dir.File("vault.db"), OpenMode::kExisting));
  }
};

}  // namespace

namespace testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, StoreConformanceTest, ::testing::Types<SqliteFactory>);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, StoreSnapshotTest, ::testing::Types<SqliteFactory>);
}  // namespace testing

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool FileContains(const std::string& path, const Bytes& needle) {
  if (!std::filesystem::exists(path)) return false;
  std::string hay = ReadAll(path);
  return hay.find(AsString(needle)) != std::string::npos;
}

// True if any of the database's files holds `needle`.
bool DatabaseFilesContain(const std::string& db, const Bytes& needle) {
  return FileContains(db, needle) || FileContains(db + "-wal", needle) ||
         FileContains(db + "-shm", needle);
}

// Runs SQL on the file through a separate raw connection (to tamper or inspect).
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string out;
  char* err = nullptr;
  int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* o, int n, char** vals, char**) {
        auto* s = static_cast<std::string*>(o);
        for (int i = 0; i < n; ++i) {
          if (!s->empty()) s->push_back('|');
          s->append(vals[i] != nullptr ? vals[i] : "NULL");
        }
        return 0;
      },
      &out, &err);
  if (rc != SQLITE_OK) out = std::string("error: ") + (err != nullptr ? err : "?");
  sqlite3_free(err);
  sqlite3_close(db);
  return out;
}

SubjectRow Subject(const std::string& id) {
  SubjectRow s;
  s.id = id;
  return s;
}

// Inserts subjects "s_<first>" ... "s_<first + n - 1>", each with `pad` bytes of
// attributes, so that a transaction fills pages (bulk-load tests).
Status InsertPaddedSubjects(SqliteStore& s, int first, int n, size_t pad) {
  for (int i = first; i < first + n; ++i) {
    SubjectRow r = Subject("s_" + std::to_string(i));
    r.attrs_json = std::string(pad, 'x');
    JV_RETURN_IF_ERROR(s.InsertSubject(r));
  }
  return Status::Ok();
}

Bytes Concat(const Bytes& a, const Bytes& b, const Bytes& c) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  out.insert(out.end(), c.begin(), c.end());
  return out;
}

#define ASSERT_OK(expr)                                               \
  do {                                                                \
    ::jv::Status st_ = ::jv::store::testing::StatusOf(expr);          \
    ASSERT_TRUE(st_.ok()) << #expr << ": " << st_.ToString();         \
  } while (0)

// --- deletion is real ----------------------------------------------------------------------

TEST(SqliteStoreTest, DeletedBytesAreGoneFromDatabaseFilesAfterCompact) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  auto opened = SqliteStore::Open(path, OpenMode::kCreate);
  ASSERT_OK(opened);
  std::unique_ptr<SqliteStore> store = std::move(opened).value();
  Random& rnd = SystemRandom::Get();
  // Fresh random 32-byte markers: they cannot occur in the files by chance.
  const Bytes key_marker = rnd.RandomBytes(32);      // in a data key (shred)
  const Bytes rotated_marker = rnd.RandomBytes(32);  // in a data key later replaced
  const Bytes record_marker = rnd.RandomBytes(32);   // in a small record
  const Bytes big_marker = rnd.RandomBytes(32);      // in a record on overflow pages
  const Bytes index_marker = rnd.RandomBytes(32);    // a blind index mac
  const Bytes object_marker = rnd.RandomBytes(32);   // a sealed object
  const std::vector<Bytes> markers = {key_marker,   rotated_marker, record_marker,
                                      big_marker,   index_marker,   object_marker};

  ASSERT_OK(store->Begin());
  for (int i = 0; i < 300; ++i) {  // neighbours on the same pages, which must survive
    std::string id = "s_n" + std::to_string(i);
    ASSERT_OK(store->InsertSubject(Subject(id)));
    ASSERT_OK(store->PutDataKey({id, "profile", rnd.RandomBytes(60)}));
    RecordRow r;
    r.subject_id = id;
    r.key_class = "profile";
    r.ciphertext = rnd.RandomBytes(80);
    ASSERT_OK(store->InsertRecord(r));
    ASSERT_OK(store->PutIndex({"mobile", rnd.RandomBytes(32), id}));
  }
  ASSERT_OK(store->InsertSubject(Subject("s_gone")));
  ASSERT_OK(store->InsertSubject(Subject("s_kept")));
  ASSERT_OK(store->PutDataKey(
      {"s_gone", "profile", Concat(Bytes(12, 1), key_marker, Bytes(16, 2))}));
  ASSERT_OK(store->PutDataKey(
      {"s_kept", "profile", Concat(Bytes(12, 1), rotated_marker, Bytes(16, 2))}));
  RecordRow small;
  small.subject_id = "s_gone";
  small.key_class = "profile";
  small.ciphertext = Concat(Bytes(5, 3), record_marker, Bytes(7, 4));
  ASSERT_OK(store->InsertRecord(small));
  RecordRow big = small;
  big.key_class = "aml_10y";
  big.ciphertext = Concat(rnd.RandomBytes(9000), big_marker, rnd.RandomBytes(3000));
  ASSERT_OK(store->InsertRecord(big));
  ASSERT_OK(store->PutIndex({"id_number", index_marker, "s_gone"}));
  ObjectRow o;
  o.kind = "request";
  o.id = "r_1";
  o.subject_id = "s_gone";
  o.status = "open";
  o.sealed = Concat(Bytes(3, 5), object_marker, Bytes(3, 6));
  ASSERT_OK(store->PutObject(o));
  ASSERT_OK(store->Commit());

  // Control: the scan finds the markers while they are live, and they are in vault.db
  // itself after a checkpoint.
  ASSERT_OK(store->Compact());
  for (const Bytes& m : markers) ASSERT_TRUE(FileContains(path, m));

  // Shred s_gone, rotate s_kept's key.
  ASSERT_OK(store->Begin());
  auto n = store->DeleteDataKeys("s_gone", std::nullopt);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 1);
  n = store->DeleteRecords("s_gone", std::nullopt);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2);
  n = store->DeleteIndexes("s_gone");
  ASSERT_OK(n);
  EXPECT_EQ(*n, 1);
  ASSERT_OK(store->DeleteObject("request", "r_1"));
  ASSERT_OK(store->PutDataKey({"s_kept", "profile", rnd.RandomBytes(60)}));
  ASSERT_OK(store->Commit());

  // Before Compact the old pages are still in vault.db (only the WAL has the zeroed
  // versions): Compact is what the guarantee rests on.
  EXPECT_TRUE(FileContains(path, key_marker));

  ASSERT_OK(store->Compact());
  for (size_t i = 0; i < markers.size(); ++i) {
    EXPECT_FALSE(DatabaseFilesContain(path, markers[i])) << "marker " << i;
  }
  EXPECT_EQ(std::filesystem::file_size(path + "-wal"), 0u);
  // Neighbours are intact.
  auto k = store->GetDataKey("s_n17", "profile");
  ASSERT_OK(k);
  EXPECT_EQ(k->wrapped.size(), 60u);
  auto recs = store->ListRecords("s_n299");
  ASSERT_OK(recs);
  EXPECT_EQ(recs->size(), 1u);

  store.reset();  // closing must not bring anything back either
  for (size_t i = 0; i < markers.size(); ++i) {
    EXPECT_FALSE(DatabaseFilesContain(path, markers[i])) << "marker " << i << " after close";
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
}

// --- files ----------------------------------------------------------------------------------

TEST(SqliteStoreTest, DatabaseWalAndShmFilesAreOwnerOnly) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  mode_t old = ::umask(0);  // even a permissive umask must not widen the modes
  auto store = SqliteStore::Open(path, OpenMode::kCreate);
  ::umask(old);
  ASSERT_OK(store);
  ASSERT_OK((*store)->InsertSubject(Subject("s_1")));  // makes the -wal and -shm files
  for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
    struct stat sb;
    ASSERT_EQ(::stat(f.c_str(), &sb), 0) << f;
    EXPECT_EQ(sb.st_mode & 0777, 0600u) << f;
  }
}

TEST(SqliteStoreTest, UsesWalAndSecureDelete) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  auto store = SqliteStore::Open(path, OpenMode::kCreate);
  ASSERT_OK(store);
  EXPECT_EQ((*store)->Backend(), "sqlite");
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");  // persistent in the file
  EXPECT_EQ(RawQuery(path, "PRAGMA application_id"), std::to_string(kSqliteApplicationId));
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(SqliteMigrations().size()));
  EXPECT_EQ((*store)->schema_version(), static_cast<int>(SqliteMigrations().size()));
}

TEST(SqliteStoreTest, ExistingModeNeedsAFileWithAVaultSchema) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  auto missing = SqliteStore::Open(path, OpenMode::kExisting);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no vault database at " + path);
  EXPECT_FALSE(std::filesystem::exists(path));  // nothing was created

  { std::ofstream(path).flush(); }  // an empty file
  auto empty = SqliteStore::Open(path, OpenMode::kExisting);
  EXPECT_EQ(empty.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(std::filesystem::file_size(path), 0u);  // and it was not given a schema
}

TEST(SqliteStoreTest, NotAnSqliteFileIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(4096, 'x');
  }
  for (OpenMode mode : {OpenMode::kCreate, OpenMode::kExisting}) {
    auto r = SqliteStore::Open(path, mode);
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  }
}

TEST(SqliteStoreTest, AnotherProgramsDatabaseIsRefused) {
  TempDir dir;
  const std::string path = dir.File("other.db");
  EXPECT_EQ(RawQuery(path, "CREATE TABLE contacts (name TEXT)"), "");
  auto r = SqliteStore::Open(path, OpenMode::kCreate);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("another program"));
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM sqlite_master"), "1");  // untouched
}

TEST(SqliteStoreTest, DirectoryPathIsInvalidArgument) {
  TempDir dir;
  auto r = SqliteStore::Open(dir.Path(), OpenMode::kCreate);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

// --- migrations -----------------------------------------------------------------------------

// A test-only version 2 on top of the real version 1.
constexpr char kTestV2[] =
    "ALTER TABLE subjects ADD COLUMN test_flag INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE test_v2 (id INTEGER PRIMARY KEY) STRICT;";
constexpr char kBrokenV2[] =
    "CREATE TABLE test_half_done (id INTEGER PRIMARY KEY) STRICT;"
    "INSERT INTO no_such_table VALUES (1);";

TEST(SqliteStoreTest, OldVersionIsUpgradedInPlace) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  const Migration v1 = SqliteMigrations()[0];
  const Migration v1_only[] = {v1};
  const Migration v1_v2[] = {v1, {2, "test: add a column", kTestV2}};
  {
    SqliteOptions o;
    o.migrations_for_test = v1_only;
    auto old = SqliteStore::Open(path, OpenMode::kCreate, o);
    ASSERT_OK(old);
    EXPECT_EQ((*old)->schema_version(), 1);
    ASSERT_OK((*old)->InsertSubject(Subject("s_1")));
    ASSERT_OK((*old)->PutMeta("vault_id", "v_1"));
  }
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "1");
  {
    SqliteOptions o;
    o.migrations_for_test = v1_v2;
    auto upgraded = SqliteStore::Open(path, OpenMode::kExisting, o);
    ASSERT_OK(upgraded);
    EXPECT_EQ((*upgraded)->schema_version(), 2);
    auto s = (*upgraded)->GetSubject("s_1");  // data kept
    ASSERT_OK(s);
    auto meta = (*upgraded)->GetMeta("schema_version");
    ASSERT_OK(meta);
    EXPECT_EQ(*meta, std::optional<std::string>("2"));
  }
  EXPECT_EQ(RawQuery(path, "SELECT id, test_flag FROM subjects"), "s_1|0");
  {
    SqliteOptions o;  // opening again at the same version is a no-op
    o.migrations_for_test = v1_v2;
    auto again = SqliteStore::Open(path, OpenMode::kExisting, o);
    ASSERT_OK(again);
    EXPECT_EQ((*again)->schema_version(), 2);
  }
  {
    SqliteOptions o;  // the v1 binary refuses the v2 file
    o.migrations_for_test = v1_only;
    auto older_binary = SqliteStore::Open(path, OpenMode::kExisting, o);
    EXPECT_EQ(older_binary.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(older_binary.status().message(),
              "vault database schema version 2 is newer than this jadevault supports (1); "
              "use the jadevault release that wrote it, or a newer one");
  }
}

TEST(SqliteStoreTest, NewerSchemaThanThisBinaryIsRefused) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  { ASSERT_OK(SqliteStore::Open(path, OpenMode::kCreate)); }
  EXPECT_EQ(RawQuery(path, "UPDATE meta SET value = '999' WHERE key = 'schema_version'"), "");
  for (OpenMode mode : {OpenMode::kCreate, OpenMode::kExisting}) {
    auto r = SqliteStore::Open(path, mode);
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(r.status().message(),
              "vault database schema version 999 is newer than this jadevault supports (" +
                  std::to_string(SqliteMigrations().size()) +
                  "); use the jadevault release that wrote it, or a newer one");
  }
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "999");
}

TEST(SqliteStoreTest, GarbledSchemaVersionIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  { ASSERT_OK(SqliteStore::Open(path, OpenMode::kCreate)); }
  EXPECT_EQ(RawQuery(path, "UPDATE meta SET value = '1x' WHERE key = 'schema_version'"), "");
  auto r = SqliteStore::Open(path, OpenMode::kExisting);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST(SqliteStoreTest, FailingMigrationStepIsRolledBackWhole) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  const Migration v1 = SqliteMigrations()[0];
  const Migration broken[] = {v1, {2, "test: broken step", kBrokenV2}};
  SqliteOptions o;
  o.migrations_for_test = broken;
  auto r = SqliteStore::Open(path, OpenMode::kCreate, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_THAT(r.status().message(),
              HasSubstr("schema migration to version 2 (test: broken step)"));
  // Step 1 committed, step 2 left nothing behind.
  EXPECT_EQ(RawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "1");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM sqlite_master WHERE name = 'test_half_done'"),
            "0");
  auto fine = SqliteStore::Open(path, OpenMode::kExisting);  // the real steps
  ASSERT_OK(fine);
  EXPECT_EQ((*fine)->schema_version(), static_cast<int>(SqliteMigrations().size()));
}

// The merge into an empty index rebuilds blind_index_by_subject after the rows (one sort);
// the index is there afterwards and the entries are whole.
TEST(SqliteStoreTest, MergeIntoAnEmptyIndexKeepsTheSubjectIndex) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  {
    auto s = SqliteStore::Open(path, OpenMode::kCreate);
    ASSERT_OK(s);
    ASSERT_OK((*s)->InsertSubject(Subject("s_1")));
    ASSERT_OK((*s)->InsertSubject(Subject("s_2")));
    ASSERT_OK((*s)->Begin());
    ASSERT_OK((*s)->PutIndexPending({"mobile", Bytes{2}, "s_2"}));
    ASSERT_OK((*s)->PutIndexPending({"mobile", Bytes{1}, "s_1"}));
    ASSERT_OK((*s)->PutIndexPending({"email", Bytes{1}, "s_1"}));
    auto added = (*s)->MergePendingIndexes();
    ASSERT_OK(added);
    EXPECT_EQ(*added, 3);
    ASSERT_OK((*s)->Commit());
    auto deleted = (*s)->DeleteIndexes("s_1");
    ASSERT_OK(deleted);
    EXPECT_EQ(*deleted, 2);
  }
  EXPECT_EQ(RawQuery(path, "SELECT sql FROM sqlite_master WHERE name = 'blind_index_by_subject'"),
            "CREATE INDEX blind_index_by_subject ON blind_index (subject_id)");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM blind_index_pending"), "0");
  EXPECT_EQ(RawQuery(path, "SELECT subject_id FROM blind_index"), "s_2");
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
}

// In bulk-load mode the writer's connection does not checkpoint (wal_autocheckpoint = 0);
// a connection of the store's checkpointer copies committed frames into the database file
// once a commit leaves `bulk_checkpoint_frames` frames in the WAL. Only the database file
// is copied below, without its WAL: it holds the committed rows only if that checkpoint
// ran. With a threshold the commit does not reach, the copy holds none of them. (Another
// connection, open throughout, keeps the bulk load in WAL: see the next test.)
TEST(SqliteStoreTest, BulkLoadCheckpointsFromAnotherConnection) {
  for (int threshold : {8, 1 << 30}) {
    TempDir dir;
    const std::string path = dir.File("vault.db");
    SqliteOptions o;
    o.bulk_checkpoint_frames = threshold;
    auto s = SqliteStore::Open(path, OpenMode::kCreate, o);
    ASSERT_OK(s);
    ASSERT_OK((*s)->Compact());  // the schema into the database file
    auto other = SqliteStore::Open(path, OpenMode::kExisting);  // e.g. a server's
    ASSERT_OK(other);
    ASSERT_OK((*other)->GetMeta("schema_version"));
    ASSERT_OK((*s)->SetBulkLoad(true));
    EXPECT_FALSE((*s)->bulk_rollback_journal_for_test());
    ASSERT_OK((*s)->Begin());
    ASSERT_OK(InsertPaddedSubjects(**s, 1000, 300, 200));
    ASSERT_OK((*s)->Commit());
    ASSERT_OK((*s)->SetBulkLoad(false));  // runs the checkpoint the commit asked for
    const bool checkpointed = threshold == 8;
    EXPECT_EQ((*s)->bulk_checkpoints_for_test(), checkpointed ? 1 : 0) << threshold;
    const std::string copy = dir.File("copy.db");
    std::filesystem::copy_file(path, copy);
    EXPECT_EQ(RawQuery(copy, "SELECT count(*) FROM subjects"), checkpointed ? "300" : "0")
        << threshold;
    // The store goes on normally after the bulk load.
    ASSERT_OK((*s)->InsertSubject(Subject("s_after")));
    auto got = (*s)->GetSubject("s_after");
    ASSERT_OK(got);
  }
}

// A new vault file has 16 KiB pages; a vault with other pages keeps them (SQLite changes a
// page size only by VACUUM) and works as before.
TEST(SqliteStoreTest, NewFilesHaveSixteenKibPagesOldOnesKeepTheirs) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  {
    auto s = SqliteStore::Open(path, OpenMode::kCreate);
    ASSERT_OK(s);
    ASSERT_OK((*s)->InsertSubject(Subject("s_1")));
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA page_size"), "16384");
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM; "
                           "PRAGMA journal_mode = WAL"),
            "delete|wal");
  EXPECT_EQ(RawQuery(path, "PRAGMA page_size"), "4096");
  auto s = SqliteStore::Open(path, OpenMode::kExisting);
  ASSERT_OK(s);
  ASSERT_OK((*s)->InsertSubject(Subject("s_2")));
  EXPECT_EQ(RawQuery(path, "PRAGMA page_size"), "4096");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM subjects"), "2");
}

// Alone on the file, a bulk load leaves WAL for a rollback journal: each commit writes the
// database file itself (the copy of the file alone, without any -wal, holds the rows at
// once, and no -wal file grows), and leaving the mode puts the file back in WAL.
TEST(SqliteStoreTest, BulkLoadAloneWritesTheDatabaseFileDirectly) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  auto s = SqliteStore::Open(path, OpenMode::kCreate);
  ASSERT_OK(s);
  ASSERT_OK((*s)->SetBulkLoad(true));
  EXPECT_TRUE((*s)->bulk_rollback_journal_for_test());
  ASSERT_OK((*s)->Begin());
  ASSERT_OK(InsertPaddedSubjects(**s, 1000, 300, 200));
  ASSERT_OK((*s)->Commit());
  std::error_code ec;
  const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
  EXPECT_TRUE(ec || wal_size == 0);
  const std::string copy = dir.File("copy.db");
  std::filesystem::copy_file(path, copy);
  EXPECT_EQ(RawQuery(copy, "SELECT count(*) FROM subjects"), "300");
  EXPECT_EQ((*s)->bulk_checkpoints_for_test(), 0);
  ASSERT_OK((*s)->SetBulkLoad(false));
  EXPECT_FALSE((*s)->bulk_rollback_journal_for_test());
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  ASSERT_OK((*s)->InsertSubject(Subject("s_after")));
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM subjects"), "301");
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
}

// A process killed in the middle of a bulk load's transaction, after SQLite had to spill
// changed pages into the database file, leaves a hot rollback journal; the next open rolls
// it back (the batch committed before the kill stays, the half-written one is gone) and
// puts the file back in WAL.
TEST(SqliteStoreTest, BulkLoadKilledMidBatchRollsBackOnNextOpen) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  {
    auto s = SqliteStore::Open(path, OpenMode::kCreate);
    ASSERT_OK(s);
  }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SqliteOptions small;
    small.cache_kib = 256;  // a batch bigger than the cache spills into the file
    auto s = SqliteStore::Open(path, OpenMode::kExisting, small);
    if (!s.ok() || !(*s)->SetBulkLoad(true).ok() || !(*s)->bulk_rollback_journal_for_test()) {
      _exit(2);
    }
    for (int batch = 0; batch < 2; ++batch) {
      if (!(*s)->Begin().ok()) _exit(3);
      if (!InsertPaddedSubjects(**s, batch * 10000, 3000, 500).ok()) _exit(4);
      if (batch == 0 && !(*s)->Commit().ok()) _exit(5);
    }
    _exit(0);  // killed: the second batch neither committed nor rolled back
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  ASSERT_EQ(WEXITSTATUS(wstatus), 0);
  ASSERT_TRUE(std::filesystem::exists(path + "-journal"));
  EXPECT_GT(std::filesystem::file_size(path + "-journal"), 0u);  // hot
  auto s = SqliteStore::Open(path, OpenMode::kExisting);
  ASSERT_OK(s);
  auto counts = (*s)->CountSubjectsByState();
  ASSERT_OK(counts);
  int64_t total = 0;
  for (const auto& [state, n] : *counts) total += n;
  EXPECT_EQ(total, 3000);
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
}

// Into an empty index the pending table becomes the index: ids, and so the order
// FindIndex and ForEachIndex give, are the append order; of repeated entries the earliest
// stays. The result is computed here independently; with and without repeats (the
// importer appends none; store.h allows them). Afterwards the index has its two indexes,
// ignores a repeated PutIndex and takes a second import through the run merge.
TEST(SqliteStoreTest, MergeIntoAnEmptyIndexAdoptsThePendingTable) {
  FakeRandom random(11);
  const std::vector<std::string> kinds = {"mobile", "email", "name"};
  const std::vector<std::string> subjects = {"s_1", "s_2", "s_3"};
  for (bool repeats : {false, true}) {
    SCOPED_TRACE(repeats);
    std::vector<IndexRow> rows;  // in append order
    std::vector<std::string> seen;
    std::string want_ids, want;
    while (rows.size() < 600) {
      IndexRow r;
      r.kind = kinds[random.Uniform(kinds.size())];
      r.mac = random.RandomBytes(repeats ? 1 : 8);
      r.subject_id = subjects[random.Uniform(subjects.size())];
      const std::string key = r.kind + "|" + HexEncode(r.mac) + "|" + r.subject_id;
      const bool first = std::find(seen.begin(), seen.end(), key) == seen.end();
      if (!repeats && !first) continue;
      rows.push_back(r);
      if (!first) continue;
      seen.push_back(key);
      if (!want.empty()) {
        want.push_back('|');
        want_ids.push_back('|');
      }
      want += key;
      want_ids += std::to_string(rows.size());
    }
    if (repeats) {
      EXPECT_LT(seen.size(), rows.size());
    }
    TempDir dir;
    const std::string path = dir.File("vault.db");
    auto s = SqliteStore::Open(path, OpenMode::kCreate);
    ASSERT_OK(s);
    for (const std::string& id : subjects) ASSERT_OK((*s)->InsertSubject(Subject(id)));
    for (size_t b = 0; b < rows.size(); b += 200) {
      ASSERT_OK((*s)->Begin());
      for (size_t i = b; i < b + 200; ++i) ASSERT_OK((*s)->PutIndexPending(rows[i]));
      ASSERT_OK((*s)->Commit());
    }
    ASSERT_OK((*s)->Begin());
    auto added = (*s)->MergePendingIndexes();
    ASSERT_OK(added);
    EXPECT_EQ(*added, static_cast<int64_t>(seen.size()));
    ASSERT_OK((*s)->Commit());
    EXPECT_EQ(RawQuery(path, "SELECT kind, lower(hex(mac)), subject_id FROM blind_index "
                             "ORDER BY id"),
              want);
    EXPECT_EQ(RawQuery(path, "SELECT id FROM blind_index ORDER BY id"), want_ids);
    EXPECT_EQ(RawQuery(path, "SELECT sql FROM sqlite_master WHERE name = 'blind_index_key'"),
              kIndexKeySql);
    EXPECT_EQ(RawQuery(path, "SELECT sql FROM sqlite_master WHERE name = "
                             "'blind_index_by_subject'"),
              kIndexBySubjectSql);
    EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM blind_index_pending"), "0");
    EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
    // The index works as one made by the schema.
    ASSERT_OK((*s)->PutIndex(rows[0]));  // repeated: ignored
    EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM blind_index"), std::to_string(seen.size()));
    IndexRow later{"mobile", Bytes{0xAB, 0xCD}, "s_2"};
    ASSERT_OK((*s)->Begin());
    ASSERT_OK((*s)->PutIndexPending(later));
    ASSERT_OK((*s)->PutIndexPending(rows[1]));  // repeated: ignored by the run merge
    auto more = (*s)->MergePendingIndexes();
    ASSERT_OK(more);
    EXPECT_EQ(*more, 1);
    ASSERT_OK((*s)->Commit());
    auto found = (*s)->FindIndex("mobile", later.mac);
    ASSERT_OK(found);
    EXPECT_THAT(*found, ElementsAre("s_2"));
    auto deleted = (*s)->DeleteIndexes("s_2");
    ASSERT_OK(deleted);
    EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM blind_index WHERE subject_id = 's_2'"), "0");
  }
}

// The merge of pending entries appended in sorted runs (one per import batch, read one
// cursor per run) and of entries appended in no order (sorted by SQLite) give the same
// index: every entry once, ids in (kind, mac, append order) order. The expected order is
// computed here, independently of both paths. Kinds and MACs include a prefix of another
// and a byte above 0x7f, where a signed comparison would differ.
TEST(SqliteStoreTest, MergeOfSortedRunsEqualsTheSortedMerge) {
  FakeRandom random(7);
  const std::vector<std::string> kinds = {"mobile", "mob", "email", "name"};
  const std::vector<std::string> subjects = {"s_1", "s_2", "s_3"};
  std::vector<IndexRow> rows;  // in append order
  for (int i = 0; i < 1200; ++i) {
    IndexRow r;
    r.kind = kinds[random.Uniform(kinds.size())];
    r.mac = random.RandomBytes(1 + random.Uniform(2));  // few distinct: many equal keys
    if (random.Uniform(4) == 0) r.mac.push_back(0x80);
    r.subject_id = subjects[random.Uniform(subjects.size())];
    rows.push_back(r);
  }
  auto less = [](const IndexRow& a, const IndexRow& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.mac < b.mac;
  };
  // Expected: stable order by (kind, mac), the first of repeated entries kept.
  std::vector<IndexRow> expected = rows;
  std::stable_sort(expected.begin(), expected.end(), less);
  std::vector<IndexRow> unique;
  for (const IndexRow& r : expected) {
    bool seen = std::any_of(unique.begin(), unique.end(), [&](const IndexRow& u) {
      return u.kind == r.kind && u.mac == r.mac && u.subject_id == r.subject_id;
    });
    if (!seen) unique.push_back(r);
  }
  auto merge = [&](bool in_runs, std::string* out) {
    TempDir dir;
    const std::string path = dir.File("vault.db");
    auto s = SqliteStore::Open(path, OpenMode::kCreate);
    ASSERT_OK(s);
    for (const std::string& id : subjects) ASSERT_OK((*s)->InsertSubject(Subject(id)));
    // An entry already indexed, so that the merge runs (into an empty index the pending
    // table is adopted instead: the next test).
    ASSERT_OK((*s)->PutIndex({"zz", Bytes{0x01}, "s_1"}));
    // Runs: four batches of 300, each appended sorted (stable). Otherwise, append order
    // (random keys: hundreds of runs, more than the run merge takes).
    for (size_t b = 0; b < rows.size(); b += 300) {
      std::vector<IndexRow> batch(rows.begin() + b, rows.begin() + b + 300);
      if (in_runs) std::stable_sort(batch.begin(), batch.end(), less);
      ASSERT_OK((*s)->Begin());
      for (const IndexRow& r : batch) ASSERT_OK((*s)->PutIndexPending(r));
      ASSERT_OK((*s)->Commit());
    }
    // Which path the merge takes (kMaxMergeRuns = 256): count the runs independently.
    const std::string runs = RawQuery(
        path,
        "SELECT count(*) FROM (SELECT kind, mac, LAG(kind) OVER (ORDER BY id) AS pk, "
        "LAG(mac) OVER (ORDER BY id) AS pm FROM blind_index_pending) "
        "WHERE pk IS NULL OR kind < pk OR (kind = pk AND mac < pm)");
    if (in_runs) {
      EXPECT_EQ(runs, "4");
    } else {
      EXPECT_GT(std::stoi(runs), 256);
    }
    ASSERT_OK((*s)->Begin());
    auto added = (*s)->MergePendingIndexes();
    ASSERT_OK(added);
    EXPECT_EQ(*added, static_cast<int64_t>(unique.size()));  // not counting "zz"
    ASSERT_OK((*s)->Commit());
    s->reset();
    EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM blind_index_pending"), "0");
    EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
    *out = RawQuery(path, "SELECT kind, lower(hex(mac)), subject_id FROM blind_index ORDER BY id");
  };
  std::string want = "zz|01|s_1";
  for (const IndexRow& r : unique) {
    if (!want.empty()) want.push_back('|');
    want += r.kind + "|" + HexEncode(r.mac) + "|" + r.subject_id;
  }
  std::string in_runs, unordered;
  merge(true, &in_runs);
  merge(false, &unordered);
  EXPECT_EQ(in_runs, want);
  EXPECT_EQ(unordered, want);
}

// A version-2 vault's blind index is rebuilt in step 3's shape: the same entries with the
// same ids (insertion order), uniqueness as the named index, the by-subject index.
TEST(SqliteStoreTest, VersionTwoVaultKeepsItsIndexEntriesAndIds) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  const Migration v2_only[] = {SqliteMigrations()[0], SqliteMigrations()[1]};
  {
    SqliteOptions o;
    o.migrations_for_test = v2_only;
    auto old = SqliteStore::Open(path, OpenMode::kCreate, o);
    ASSERT_OK(old);
    ASSERT_OK((*old)->InsertSubject(Subject("s_1")));
    ASSERT_OK((*old)->InsertSubject(Subject("s_2")));
    ASSERT_OK((*old)->PutIndex({"mobile", Bytes{9}, "s_2"}));
    ASSERT_OK((*old)->PutIndex({"mobile", Bytes{8}, "s_1"}));
    ASSERT_OK((*old)->PutIndex({"email", Bytes{7}, "s_1"}));
    ASSERT_OK((*old)->PutIndex({"mobile", Bytes{9}, "s_1"}));
    auto deleted = (*old)->DeleteIndexes("s_2");  // a gap in the ids
    ASSERT_OK(deleted);
  }
  EXPECT_EQ(RawQuery(path, "SELECT sql FROM sqlite_master WHERE name = 'blind_index_key'"), "");
  auto s = SqliteStore::Open(path, OpenMode::kExisting);
  ASSERT_OK(s);
  EXPECT_EQ((*s)->schema_version(), 3);
  EXPECT_EQ(RawQuery(path, "SELECT id, kind, hex(mac), subject_id FROM blind_index ORDER BY id"),
            "2|mobile|08|s_1|3|email|07|s_1|4|mobile|09|s_1");
  EXPECT_EQ(RawQuery(path, "SELECT sql FROM sqlite_master WHERE name = 'blind_index_key'"),
            kIndexKeySql);
  EXPECT_EQ(RawQuery(path, "SELECT sql FROM sqlite_master WHERE name = "
                           "'blind_index_by_subject'"),
            kIndexBySubjectSql);
  ASSERT_OK((*s)->PutIndex({"mobile", Bytes{9}, "s_2"}));
  ASSERT_OK((*s)->PutIndex({"mobile", Bytes{9}, "s_1"}));  // repeated: ignored
  auto found = (*s)->FindIndex("mobile", Bytes{9});
  ASSERT_OK(found);
  EXPECT_THAT(*found, ElementsAre("s_1", "s_2"));
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
}

// A vault written by a version-1 binary gets the pending blind-index table of step 2 and
// keeps its entries.
TEST(SqliteStoreTest, VersionOneVaultGainsPendingIndexEntries) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  const Migration v1_only[] = {SqliteMigrations()[0]};
  {
    SqliteOptions o;
    o.migrations_for_test = v1_only;
    auto old = SqliteStore::Open(path, OpenMode::kCreate, o);
    ASSERT_OK(old);
    ASSERT_OK((*old)->InsertSubject(Subject("s_1")));
    ASSERT_OK((*old)->InsertSubject(Subject("s_2")));
    ASSERT_OK((*old)->PutIndex({"mobile", Bytes{1}, "s_1"}));
  }
  auto s = SqliteStore::Open(path, OpenMode::kExisting);
  ASSERT_OK(s);
  EXPECT_EQ((*s)->schema_version(), static_cast<int>(SqliteMigrations().size()));
  ASSERT_OK((*s)->PutIndexPending({"mobile", Bytes{1}, "s_2"}));
  auto found = (*s)->FindIndex("mobile", Bytes{1});
  ASSERT_OK(found);
  EXPECT_THAT(*found, ElementsAre("s_1", "s_2"));
}

// --- several connections on one file ---------------------------------------------------------

TEST(SqliteStoreTest, TwoConnectionsSeeEachOthersCommittedWrites) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  auto a = SqliteStore::Open(path, OpenMode::kCreate);
  ASSERT_OK(a);
  auto b = SqliteStore::Open(path, OpenMode::kExisting);
  ASSERT_OK(b);
  ASSERT_OK((*a)->InsertSubject(Subject("s_a")));
  ASSERT_OK((*b)->InsertSubject(Subject("s_b")));
  ASSERT_OK((*b)->GetSubject("s_a"));
  ASSERT_OK((*a)->GetSubject("s_b"));
  ASSERT_OK((*a)->Begin());
  ASSERT_OK((*a)->PutMeta("k", "1"));
  ASSERT_OK((*a)->Commit());
  auto v = (*b)->GetMeta("k");
  ASSERT_OK(v);
  EXPECT_EQ(*v, std::optional<std::string>("1"));
}

TEST(SqliteStoreTest, SecondWriterFailsCleanlyWhileFirstHoldsTheLock) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  auto a = SqliteStore::Open(path, OpenMode::kCreate);
  ASSERT_OK(a);
  SqliteOptions quick;
  quick.busy_timeout_ms = 100;
  auto b = SqliteStore::Open(path, OpenMode::kExisting, quick);
  ASSERT_OK(b);

  ASSERT_OK((*a)->Begin());
  ASSERT_OK((*a)->InsertSubject(Subject("s_a")));
  Status st = (*b)->Begin();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ((*b)->Rollback().code(), StatusCode::kFailedPrecondition);  // no tx was opened
  EXPECT_EQ((*b)->InsertSubject(Subject("s_b")).code(), StatusCode::kUnavailable);
  EXPECT_EQ((*b)->AppendAudit({1, "{}", Bytes(32, 0)}).code(), StatusCode::kUnavailable);
  // Readers are not blocked, and see only committed data.
  EXPECT_EQ((*b)->GetSubject("s_a").status().code(), StatusCode::kNotFound);
  ASSERT_OK((*a)->Commit());

  ASSERT_OK((*b)->Begin());
  ASSERT_OK((*b)->InsertSubject(Subject("s_b")));
  ASSERT_OK((*b)->Commit());
  ASSERT_OK((*b)->GetSubject("s_a"));
  ASSERT_OK((*a)->GetSubject("s_b"));
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
}

TEST(SqliteStoreTest, SecondWriterWaitsForTheFirstWithinTheBusyTimeout) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  auto a = SqliteStore::Open(path, OpenMode::kCreate);
  ASSERT_OK(a);
  SqliteOptions patient;
  patient.busy_timeout_ms = 10000;
  auto b = SqliteStore::Open(path, OpenMode::kExisting, patient);
  ASSERT_OK(b);

  ASSERT_OK((*a)->Begin());
  ASSERT_OK((*a)->InsertSubject(Subject("s_a")));
  Store* first = a->get();
  Status commit_status;
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    commit_status = first->Commit();  // `a` is used by this thread only from here on
  });
  Status begin_status = (*b)->Begin();  // blocks until the commit
  committer.join();
  ASSERT_OK(commit_status);
  ASSERT_OK(begin_status);
  ASSERT_OK((*b)->GetSubject("s_a"));
  ASSERT_OK((*b)->Commit());
}

TEST(SqliteStoreTest, CompactWaitsForAnotherWriterThenReportsUnavailable) {
  TempDir dir;
  const std::string path = dir.File("vault.db");
  SqliteOptions quick;
  quick.busy_timeout_ms = 100;
  auto a = SqliteStore::Open(path, OpenMode::kCreate, quick);
  ASSERT_OK(a);
  auto b = SqliteStore::Open(path, OpenMode::kExisting);
  ASSERT_OK(b);
  ASSERT_OK((*b)->Begin());
  ASSERT_OK((*b)->InsertSubject(Subject("s_b")));
  EXPECT_EQ((*a)->Compact().code(), StatusCode::kUnavailable);
  ASSERT_OK((*b)->Commit());
  ASSERT_OK((*a)->Compact());
}

}  // namespace
}  // namespace jv::store
