// PostgresStore: the conformance suite on a real PostgreSQL server (a fresh database per
// test, see pg_test_database.h), plus the PostgreSQL-specific properties: advisory-lock
// audit serialization across connections, snapshot isolation, restore of record ids,
// refusals on open, and what Compact() removes from the table files.
//
// Without $JV_TEST_PG_URL these tests skip with a message, or fail when $JV_REQUIRE_PG=1
// (scripts/test.sh), so CI can never pass them silently. All data is synthetic.
#include "src/store/postgres/postgres_store.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/store/postgres/pg_test_database.h"
#include "src/store/postgres/postgres_schema.h"
#include "src/store/store_conformance_test.h"

namespace jv::store {
namespace {

using ::jv::store::testing::PgTestDatabase;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Result<std::unique_ptr<Store>> Upcast(Result<std::unique_ptr<PostgresStore>> r) {
  if (!r.ok()) return r.status();
  return std::unique_ptr<Store>(std::move(r).value());
}

// Skips (or, with JV_REQUIRE_PG=1, fails) a test when no server is configured.
#define JV_REQUIRE_PG_SERVER()                                                       \
  do {                                                                               \
    if (PgTestDatabase::ServerUrl().empty()) {                                       \
      if (PgTestDatabase::Required()) FAIL() << "JV_REQUIRE_PG=1 but " << PgTestDatabase::kUnsetMessage; \
      GTEST_SKIP() << PgTestDatabase::kUnsetMessage;                                 \
    }                                                                                \
  } while (0)

// The conformance factory: a fresh database per test, dropped afterwards.
struct PgFactory {
  PgTestDatabase db;
  bool Available(std::string* why) {
    if (!PgTestDatabase::ServerUrl().empty() || PgTestDatabase::Required()) return true;
    *why = PgTestDatabase::kUnsetMessage;
    return false;
  }
  Result<std::unique_ptr<Store>> Make() {
    if (PgTestDatabase::ServerUrl().empty()) {
      return FailedPreconditionError(std::string("JV_REQUIRE_PG=1 but ") +
                                     PgTestDatabase::kUnsetMessage);
    }
    JV_ASSIGN_OR_RETURN(std::string url, db.Create());
    return Upcast(PostgresStore::Open(url, OpenMode::kCreate));
  }
  Result<std::unique_ptr<Store>> Reopen() {
    return Upcast(PostgresStore::Open(db.url(), OpenMode::kExisting));
  }
};

}  // namespace

namespace testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, StoreConformanceTest, ::testing::Types<PgFactory>);
}  // namespace testing

namespace {

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    JV_REQUIRE_PG_SERVER();
    auto url = db_.Create();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
  }
  std::unique_ptr<PostgresStore> Open(OpenMode mode = OpenMode::kCreate,
                                      PostgresOptions options = PostgresOptions()) {
    auto s = PostgresStore::Open(url_, mode, options);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  static SubjectRow Subject(const std::string& id) {
    SubjectRow s;
    s.id = id;
    s.attrs_json = R"({"store":"S01"})";
    s.created_micros = s.updated_micros = 1;
    return s;
  }
  static AuditRow Audit(int64_t seq) {
    return AuditRow{seq, "{\"seq\":" + std::to_string(seq) + "}",
                    Bytes(32, static_cast<uint8_t>(seq))};
  }

  PgTestDatabase db_;
  std::string url_;
  bool found_ = false;
};

TEST_F(PostgresStoreTest, ExistingModeOnEmptyDatabaseIsNotFound) {
  auto s = PostgresStore::Open(url_, OpenMode::kExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound) << s.status().ToString();
  EXPECT_THAT(s.status().message(), HasSubstr("no vault"));
}

TEST_F(PostgresStoreTest, MissingDatabaseIsNotFound) {
  auto s = PostgresStore::Open(PgTestDatabase::WithDatabase(url_, db_.name() + "_absent"),
                               OpenMode::kExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound) << s.status().ToString();
}

TEST_F(PostgresStoreTest, ForeignTablesAreRefused) {
  ASSERT_TRUE(db_.Query("CREATE TABLE customers (name text)").ok());
  auto s = PostgresStore::Open(url_, OpenMode::kCreate);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition) << s.status().ToString();
  auto tables = db_.Query("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(*tables, "1");  // untouched
}

TEST_F(PostgresStoreTest, NewerSchemaIsRefused) {
  ASSERT_NE(Open(), nullptr);
  ASSERT_TRUE(db_.Query("UPDATE meta SET value = '99' WHERE key = 'schema_version'").ok());
  auto s = PostgresStore::Open(url_, OpenMode::kExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(), HasSubstr("99"));
}

TEST_F(PostgresStoreTest, ConcurrentOpenersMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto s = PostgresStore::Open(url_, OpenMode::kCreate);
      if (s.ok() && (*s)->schema_version() == static_cast<int>(PostgresMigrations().size())) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}

TEST_F(PostgresStoreTest, ErrorMessagesDoNotQuoteValues) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->InsertSubject(Subject("s_secretvalue1")).ok());
  Status dup = s->InsertSubject(Subject("s_secretvalue1"));
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.message(), ::testing::Not(HasSubstr("secretvalue")));
  Status fk = s->PutIndex({"mobile", Bytes{1, 2}, "s_secretvalue2"});
  EXPECT_EQ(fk.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(fk.message(), ::testing::Not(HasSubstr("secretvalue")));
}

// The advisory lock: while one connection's transaction holds LockAudit, another waits and,
// past lock_timeout, gets kUnavailable; after the holder commits it gets the lock and sees
// the holder's entry.
TEST_F(PostgresStoreTest, LockAuditExcludesOtherConnectionsUntilCommit) {
  auto a = Open();
  PostgresOptions quick;
  quick.lock_timeout_ms = 200;
  auto b = Open(OpenMode::kExisting, quick);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->PutMeta("vault_id", "v_locktest").ok());
  ASSERT_TRUE(a->Begin().ok());
  ASSERT_TRUE(a->LockAudit().ok());
  ASSERT_TRUE(a->AppendAudit(Audit(1)).ok());

  ASSERT_TRUE(b->Begin().ok());
  auto t0 = std::chrono::steady_clock::now();
  Status blocked = b->LockAudit();
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(blocked.code(), StatusCode::kUnavailable) << blocked.ToString();
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  ASSERT_TRUE(b->Rollback().ok());

  ASSERT_TRUE(a->Commit().ok());
  ASSERT_TRUE(b->Begin().ok());
  ASSERT_TRUE(b->LockAudit().ok());
  auto size = b->AuditSize();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 1);
  ASSERT_TRUE(b->AppendAudit(Audit(2)).ok());
  ASSERT_TRUE(b->Commit().ok());
}

// Several connections appending at once through LockAudit + AuditSize + AppendAudit (what
// audit::AuditLog does) give one dense chain with nothing lost.
TEST_F(PostgresStoreTest, ConcurrentAuditWritersProduceOneDenseLog) {
  ASSERT_NE(Open(), nullptr);
  constexpr int kThreads = 4, kEach = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto s = PostgresStore::Open(url_, OpenMode::kExisting);
      if (!s.ok()) {
        failures += kEach;
        return;
      }
      for (int i = 0; i < kEach; ++i) {
        Status st = [&]() -> Status {
          Transaction tx(**s);
          JV_RETURN_IF_ERROR(tx.Start());
          JV_RETURN_IF_ERROR((*s)->LockAudit());
          JV_ASSIGN_OR_RETURN(int64_t size, (*s)->AuditSize());
          JV_RETURN_IF_ERROR((*s)->AppendAudit(Audit(size + 1)));
          return tx.Commit();
        }();
        if (!st.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto s = Open(OpenMode::kExisting);
  auto size = s->AuditSize();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, kThreads * kEach);
  int64_t expect = 1;
  ASSERT_TRUE(s->ForEachAudit(1, *size, [&](const AuditRow& r) {
                 EXPECT_EQ(r.seq, expect++);
                 return Status::Ok();
               }).ok());
}

// Records every row VisitSnapshot hands over, as "table:key" strings.
class RecordingVisitor : public SnapshotVisitor {
 public:
  std::function<void()> on_first_subject;
  std::vector<std::string> seen;
  Status OnMeta(const std::string& k, const std::string&) override { return Add("meta:" + k); }
  Status OnKeySlot(const KeySlotRow& r) override { return Add("slot:" + r.id); }
  Status OnSubject(const SubjectRow& r) override {
    if (on_first_subject) std::exchange(on_first_subject, nullptr)();
    return Add("subject:" + r.id);
  }
  Status OnDataKey(const DataKeyRow& r) override {
    return Add("key:" + r.subject_id + "/" + r.key_class);
  }
  Status OnRecord(const RecordRow& r) override {
    return Add("record:" + std::to_string(r.id) + ":" + std::string(AsString(r.ciphertext)));
  }
  Status OnIndex(const IndexRow& r) override { return Add("index:" + r.kind + ":" + r.subject_id); }
  Status OnSource(const SourceRow& r) override { return Add("source:" + r.id); }
  Status OnAudit(const AuditRow& r) override { return Add("audit:" + std::to_string(r.seq)); }
  Status OnCheckpoint(const CheckpointRow& r) override {
    return Add("checkpoint:" + std::to_string(r.tree_size));
  }
  Status OnObject(const ObjectRow& r) override { return Add("object:" + r.kind + "/" + r.id); }

 private:
  Status Add(std::string s) {
    seen.push_back(std::move(s));
    return Status::Ok();
  }
};

TEST_F(PostgresStoreTest, SnapshotVisitsEveryTableInOrderAndIgnoresConcurrentWrites) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->PutMeta("vault_id", "v_snap").ok());
  ASSERT_TRUE(s->PutKeySlot({"ks_1", "passphrase", "{}", Bytes{9}, 5}).ok());
  ASSERT_TRUE(s->InsertSubject(Subject("s_b")).ok());
  ASSERT_TRUE(s->InsertSubject(Subject("s_a")).ok());
  ASSERT_TRUE(s->PutDataKey({"s_a", "profile", Bytes{1}}).ok());
  RecordRow rec;
  rec.subject_id = "s_a";
  rec.key_class = "profile";
  rec.ciphertext = ToBytes("c1");
  ASSERT_TRUE(s->InsertRecord(rec).ok());
  ASSERT_TRUE(s->PutIndex({"name", Bytes{2}, "s_b"}).ok());
  ASSERT_TRUE(s->PutIndex({"mobile", Bytes{1}, "s_a"}).ok());
  ASSERT_TRUE(s->PutSource({"src_1", "customers", "ab", "complete", "{}", 1, 1}).ok());
  ASSERT_TRUE(s->AppendAudit(Audit(1)).ok());
  ASSERT_TRUE(s->PutCheckpoint({1, Bytes{1}, Bytes{2}, Bytes{3}, 4}).ok());
  ASSERT_TRUE(s->PutObject({"notice", "n_1", "s_a", "sent", "{}", Bytes{}, 1, 1}).ok());

  auto other = Open(OpenMode::kExisting);
  ASSERT_NE(other, nullptr);
  RecordingVisitor v;
  Status concurrent = Status::Ok();
  v.on_first_subject = [&] {
    // Committed by another connection while the snapshot is being read: not in it.
    concurrent = other->InsertSubject(Subject("s_c"));
    if (concurrent.ok()) concurrent = other->AppendAudit(Audit(2));
    if (concurrent.ok()) {
      RecordRow r2 = rec;
      r2.ciphertext = ToBytes("c2");
      concurrent = other->InsertRecord(r2).status();
    }
  };
  ASSERT_TRUE(s->VisitSnapshot(v).ok());
  ASSERT_TRUE(concurrent.ok()) << concurrent.ToString();
  EXPECT_THAT(v.seen, ElementsAre("meta:schema_version", "meta:vault_id", "slot:ks_1",
                                  "subject:s_a", "subject:s_b", "key:s_a/profile",
                                  "record:1:c1", "index:mobile:s_a", "index:name:s_b",
                                  "source:src_1", "audit:1", "checkpoint:1",
                                  "object:notice/n_1"));
  // The store is usable afterwards, and sees the concurrent writes.
  auto size = s->AuditSize();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 2);
  EXPECT_EQ(s->Begin().code(), StatusCode::kOk);
  ASSERT_TRUE(s->Rollback().ok());
}

TEST_F(PostgresStoreTest, SnapshotStopsWithVisitorErrorAndRefusesInsideTransaction) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Begin().ok());
  RecordingVisitor v;
  EXPECT_EQ(s->VisitSnapshot(v).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(s->Rollback().ok());
  struct Failing : RecordingVisitor {
    Status OnMeta(const std::string&, const std::string&) override {
      return DataLossError("stop");
    }
  } failing;
  EXPECT_EQ(s->VisitSnapshot(failing).code(), StatusCode::kDataLoss);
  EXPECT_TRUE(s->Begin().ok());  // the snapshot transaction was ended
  ASSERT_TRUE(s->Rollback().ok());
}

TEST_F(PostgresStoreTest, RestoreRecordKeepsIdsAndNewIdsGoAbove) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->InsertSubject(Subject("s_1")).ok());
  RecordRow r;
  r.subject_id = "s_1";
  r.key_class = "profile";
  r.ciphertext = Bytes{7};
  r.id = 41;
  ASSERT_TRUE(s->RestoreRecord(r).ok());
  r.id = 7;
  ASSERT_TRUE(s->RestoreRecord(r).ok());
  EXPECT_EQ(s->RestoreRecord(r).code(), StatusCode::kAlreadyExists);
  RecordRow ghost = r;
  ghost.id = 50;
  ghost.subject_id = "s_ghost";
  EXPECT_EQ(s->RestoreRecord(ghost).code(), StatusCode::kFailedPrecondition);
  auto next = s->InsertRecord(r);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, 42);
  auto list = s->ListRecords("s_1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, 7);
  EXPECT_EQ((*list)[1].id, 41);
  EXPECT_EQ((*list)[2].id, 42);
}

// Inside a transaction, index entries of subjects the transaction knows are sent in batches:
// reads in the same transaction see them in insertion order, duplicates are ignored,
// Rollback drops the queued ones, Commit sends the rest.
TEST_F(PostgresStoreTest, BatchedIndexEntriesKeepOrderAndTransactionSemantics) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Begin().ok());
  ASSERT_TRUE(s->InsertSubject(Subject("s_a")).ok());
  ASSERT_TRUE(s->InsertSubject(Subject("s_b")).ok());
  ASSERT_TRUE(s->PutIndex({"mobile", Bytes{9}, "s_a"}).ok());
  ASSERT_TRUE(s->Rollback().ok());
  ASSERT_TRUE(s->InsertSubject(Subject("s_a")).ok());  // the rollback removed it
  ASSERT_TRUE(s->InsertSubject(Subject("s_b")).ok());

  ASSERT_TRUE(s->Begin().ok());
  ASSERT_TRUE(s->GetSubject("s_a").ok());  // now known to this transaction
  ASSERT_TRUE(s->UpdateSubject(Subject("s_b")).ok());
  constexpr int kEntries = 700;  // more than two batches
  for (int i = 0; i < kEntries; ++i) {
    Bytes mac{static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i & 0xff)};
    ASSERT_TRUE(s->PutIndex({"mobile", mac, i % 2 == 0 ? "s_b" : "s_a"}).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(s->PutIndex({"mobile", mac, i % 2 == 0 ? "s_b" : "s_a"}).ok());
    }
  }
  ASSERT_TRUE(s->PutIndex({"name", Bytes{1}, "s_b"}).ok());
  ASSERT_TRUE(s->PutIndex({"name", Bytes{1}, "s_a"}).ok());
  auto found = s->FindIndex("name", Bytes{1});  // flushes first
  ASSERT_TRUE(found.ok());
  EXPECT_THAT(*found, ElementsAre("s_b", "s_a"));
  EXPECT_EQ(s->PutIndex({"name", Bytes{2}, "s_ghost"}).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(s->PutIndex({"email", Bytes{3}, "s_a"}).ok());  // queued at Commit
  ASSERT_TRUE(s->Commit().ok());

  auto other = Open(OpenMode::kExisting);
  std::vector<IndexRow> rows;
  ASSERT_TRUE(other->ForEachIndex("mobile", [&](const IndexRow& r) {
                    rows.push_back(r);
                    return Status::Ok();
                  }).ok());
  ASSERT_EQ(rows.size(), static_cast<size_t>(kEntries));
  for (int i = 0; i < kEntries; ++i) {
    ASSERT_EQ(rows[i].mac, (Bytes{static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i & 0xff)}));
    ASSERT_EQ(rows[i].subject_id, i % 2 == 0 ? "s_b" : "s_a");
  }
  auto email = other->FindIndex("email", Bytes{3});
  ASSERT_TRUE(email.ok());
  EXPECT_THAT(*email, ElementsAre("s_a"));
}

// Records of subjects the transaction knows are queued with ids drawn from the sequence in
// blocks: ids still increase per connection (also across a record written at once), reads
// in the transaction see the queued ones, and Rollback drops them without reusing ids.
TEST_F(PostgresStoreTest, BatchedRecordsKeepIncreasingIdsAndTransactionSemantics) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->InsertSubject(Subject("s_old")).ok());
  RecordRow r;
  r.key_class = "profile";
  r.fields = "name";
  r.ciphertext = Bytes{1, 0, 2};
  std::vector<int64_t> ids;
  ASSERT_TRUE(s->Begin().ok());
  ASSERT_TRUE(s->InsertSubject(Subject("s_new")).ok());
  EXPECT_EQ(s->GetDataKey("s_new", "profile").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(s->PutDataKey({"s_new", "profile", Bytes{5}}).ok());
  auto key = s->GetDataKey("s_new", "profile");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->wrapped, Bytes{5});
  for (int i = 0; i < 300; ++i) {
    r.subject_id = i == 150 ? "s_old" : "s_new";  // s_old is not known: written at once
    r.row_no = i;
    auto id = s->InsertRecord(r);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    if (!ids.empty()) {
      ASSERT_GT(*id, ids.back());
    }
    ids.push_back(*id);
  }
  auto listed = s->ListRecords("s_new");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 299u);
  for (size_t i = 0; i < listed->size(); ++i) {
    EXPECT_EQ((*listed)[i].id, ids[i < 150 ? i : i + 1]);
    EXPECT_EQ((*listed)[i].ciphertext, r.ciphertext);
  }
  r.subject_id = "s_new";
  ASSERT_TRUE(s->InsertRecord(r).ok());  // queued, then dropped by the rollback
  ASSERT_TRUE(s->Rollback().ok());
  EXPECT_EQ(s->GetSubject("s_new").status().code(), StatusCode::kNotFound);
  auto old = s->ListRecords("s_old");
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->empty());
  r.subject_id = "s_old";
  auto after = s->InsertRecord(r);
  ASSERT_TRUE(after.ok());
  EXPECT_GT(*after, ids.back());
}

// After delete + Compact, the table files hold no trace of the deleted bytes (needs the
// server's data directory on this machine and readable, as in CI).
TEST_F(PostgresStoreTest, CompactRemovesDeletedBytesFromTableFiles) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  auto dir = db_.Query("SELECT current_setting('data_directory')");
  if (!dir.ok() || !std::filesystem::exists(*dir + "/PG_VERSION")) {
    GTEST_SKIP() << "the server's data directory is not readable here";
  }
  const Bytes secret = ToBytes("JVSECRETKEYMATERIAL-0123456789ABCDEF");
  const Bytes live = ToBytes("JVLIVEKEYMATERIAL-0123456789ABCDEFGH");
  ASSERT_TRUE(s->InsertSubject(Subject("s_1")).ok());
  ASSERT_TRUE(s->InsertSubject(Subject("s_2")).ok());
  ASSERT_TRUE(s->PutDataKey({"s_1", "profile", secret}).ok());
  ASSERT_TRUE(s->PutDataKey({"s_2", "profile", live}).ok());
  auto file_has = [&](const Bytes& needle) {
    ASSERT_TRUE(db_.Query("CHECKPOINT").ok());
    auto rel = db_.Query("SELECT pg_relation_filepath('data_keys')");
    EXPECT_TRUE(rel.ok());
    std::ifstream in(*dir + "/" + *rel, std::ios::binary);
    std::string hay((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    found_ = hay.find(AsString(needle)) != std::string::npos;
  };
  file_has(secret);
  ASSERT_TRUE(found_) << "the test cannot see rows in the table file";
  ASSERT_TRUE(s->DeleteDataKeys("s_1", std::nullopt).ok());
  file_has(secret);
  EXPECT_TRUE(found_) << "a plain DELETE leaves the bytes (this is why Compact exists)";
  ASSERT_TRUE(s->Compact().ok());
  file_has(secret);
  EXPECT_FALSE(found_);
  file_has(live);
  EXPECT_TRUE(found_);
}

}  // namespace
}  // namespace jv::store
