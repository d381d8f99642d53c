// The Store conformance suite: one set of tests of the contract in store.h, run against
// every backend (keepassxc's TestKeePass2Format pattern, written as a gtest
// type-parameterized suite so it can live in a header and be instantiated per backend).
//
// A backend instantiates it with a factory type F, default-constructed once per test and
// destroyed after every store it made:
//   bool F::Available(std::string* why);             // false: the test is skipped (why)
//   Result<std::unique_ptr<Store>> F::Make();         // a fresh, empty, migrated store
//   Result<std::unique_ptr<Store>> F::Reopen();       // another connection to that database
//
// SQLite (src/store/sqlite/sqlite_store_test.cc):
//   INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, StoreConformanceTest,
//                                  ::testing::Types<SqliteFactory>);
// PostgreSQL (src/store/postgres/postgres_store_test.cc): PgFactory makes a fresh database
// per test on $JV_TEST_PG_URL's server (postgres/pg_test_database.h) and drops it after;
// without the variable the suite skips, or fails when $JV_REQUIRE_PG=1 (scripts/test.sh).
//   INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, StoreConformanceTest,
//                                  ::testing::Types<PgFactory>);
//
// Backend-specific properties (file modes, migrations from old files, "deleted bytes are
// gone from the files after Compact") are tested next to each backend, not here.
// All data here is synthetic.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/common/bytes.h"
#include "src/common/result.h"
#include "src/common/status.h"
#include "src/store/store.h"

namespace jv::store::testing {

inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

#define JV_CT_CONCAT_INNER_(a, b) a##b
#define JV_CT_CONCAT_(a, b) JV_CT_CONCAT_INNER_(a, b)
// ASSERT that a Status or Result is OK.
#define JV_CT_ASSERT_OK(expr)                                             \
  do {                                                                    \
    ::jv::Status jv_ct_st_ = ::jv::store::testing::StatusOf(expr);        \
    ASSERT_TRUE(jv_ct_st_.ok()) << #expr << ": " << jv_ct_st_.ToString(); \
  } while (0)
// ASSERT that a Result is OK and move its value into lhs (may be a declaration).
#define JV_CT_ASSIGN(lhs, expr) JV_CT_ASSIGN_IMPL_(JV_CT_CONCAT_(jv_ct_r_, __LINE__), lhs, expr)
#define JV_CT_ASSIGN_IMPL_(tmp, lhs, expr)                              \
  auto tmp = (expr);                                                    \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status().ToString();    \
  lhs = std::move(tmp).value()
// EXPECT a Status or Result to fail with `code`.
#define JV_CT_EXPECT_CODE(expr, want_code)                                     \
  do {                                                                         \
    ::jv::Status jv_ct_st_ = ::jv::store::testing::StatusOf(expr);             \
    EXPECT_EQ(jv_ct_st_.code(), (want_code)) << #expr << ": " << jv_ct_st_.ToString(); \
  } while (0)

template <typename Factory>
class StoreConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!factory_.Available(&why)) GTEST_SKIP() << why;
    auto made = factory_.Make();
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    store_ = std::move(made).value();
  }
  void TearDown() override { store_.reset(); }

  Store& s() { return *store_; }
  Result<std::unique_ptr<Store>> Reopen() { return factory_.Reopen(); }

  static SubjectRow Subject(const std::string& id, const std::string& state = "active") {
    SubjectRow row;
    row.id = id;
    row.state = state;
    row.attrs_json = R"({"store":"S01","region":"440300"})";
    row.created_micros = 1000;
    row.updated_micros = 2000;
    return row;
  }
  void AddSubject(const std::string& id, const std::string& state = "active") {
    JV_CT_ASSERT_OK(s().InsertSubject(Subject(id, state)));
  }
  static RecordRow Record(const std::string& subject, const std::string& key_class,
                          Bytes ciphertext) {
    RecordRow r;
    r.subject_id = subject;
    r.key_class = key_class;
    r.source_id = "src_a";
    r.row_no = 7;
    r.fields = "name,mobile";
    r.ciphertext = std::move(ciphertext);
    r.created_micros = 5000;
    return r;
  }
  static ObjectRow Object(const std::string& kind, const std::string& id,
                          const std::string& subject, const std::string& status) {
    ObjectRow o;
    o.kind = kind;
    o.id = id;
    o.subject_id = subject;
    o.status = status;
    o.attrs_json = R"({"channel":"sms"})";
    o.sealed = Bytes{0x00, 0x01, 0xFE, 0xFF};
    o.created_micros = 10;
    o.updated_micros = 20;
    return o;
  }
  static AuditRow Audit(int64_t seq) {
    return AuditRow{seq, "{\"seq\":" + std::to_string(seq) + ",\"action\":\"导入\"}",
                    Bytes(32, static_cast<uint8_t>(seq))};
  }
  std::vector<std::string> SubjectIds(const std::optional<std::string>& state) {
    std::vector<std::string> ids;
    Status st = s().ForEachSubject(state, [&](const SubjectRow& r) {
      ids.push_back(r.id);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ids;
  }
  std::vector<int64_t> AuditSeqs(int64_t from, int64_t to) {
    std::vector<int64_t> seqs;
    Status st = s().ForEachAudit(from, to, [&](const AuditRow& r) {
      seqs.push_back(r.seq);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return seqs;
  }

  Factory factory_;  // declared first: destroyed after the stores
  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE_P(StoreConformanceTest);

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// --- basics and meta ---------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, BackendIsNamed) {
  std::string b = this->s().Backend();
  EXPECT_TRUE(b == "sqlite" || b == "postgresql") << b;
}

TYPED_TEST_P(StoreConformanceTest, MetaRoundTripAndOverwrite) {
  Store& s = this->s();
  JV_CT_ASSIGN(auto missing, s.GetMeta("case_type"));
  EXPECT_FALSE(missing.has_value());
  JV_CT_ASSERT_OK(s.PutMeta("case_type", "transfer"));
  JV_CT_ASSERT_OK(s.PutMeta("suite", "gm"));
  JV_CT_ASSERT_OK(s.PutMeta("empty", ""));
  JV_CT_ASSERT_OK(s.PutMeta("case_type", "liquidation"));
  JV_CT_ASSIGN(auto v, s.GetMeta("case_type"));
  EXPECT_EQ(v, std::optional<std::string>("liquidation"));
  JV_CT_ASSIGN(auto e, s.GetMeta("empty"));
  EXPECT_EQ(e, std::optional<std::string>(""));
  JV_CT_ASSIGN(auto g, s.GetMeta("suite"));
  EXPECT_EQ(g, std::optional<std::string>("gm"));
}

TYPED_TEST_P(StoreConformanceTest, WritesOutsideTransactionAreVisibleToAnotherConnection) {
  JV_CT_ASSERT_OK(this->s().PutMeta("vault_id", "v_test"));
  this->AddSubject("s_1");
  JV_CT_ASSIGN(auto other, this->Reopen());
  JV_CT_ASSIGN(auto v, other->GetMeta("vault_id"));
  EXPECT_EQ(v, std::optional<std::string>("v_test"));
  JV_CT_ASSIGN(SubjectRow got, other->GetSubject("s_1"));
  EXPECT_EQ(got.state, "active");
}

// --- key slots ---------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, KeySlotsPutListReplaceDelete) {
  Store& s = this->s();
  JV_CT_ASSIGN(auto none, s.ListKeySlots());
  EXPECT_THAT(none, IsEmpty());
  KeySlotRow a{"ks_b", "passphrase", R"({"kdf":"scrypt","n":32768})", Bytes{0, 1, 2, 0}, 200};
  KeySlotRow b{"ks_a", "keyfile", "{}", Bytes(60, 0xAB), 100};
  JV_CT_ASSERT_OK(s.PutKeySlot(a));
  JV_CT_ASSERT_OK(s.PutKeySlot(b));
  JV_CT_ASSIGN(auto slots, s.ListKeySlots());
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].id, "ks_a");  // by created_micros
  EXPECT_EQ(slots[1].id, "ks_b");
  EXPECT_EQ(slots[1].kind, "passphrase");
  EXPECT_EQ(slots[1].params_json, a.params_json);
  EXPECT_EQ(slots[1].wrapped, a.wrapped);
  EXPECT_EQ(slots[1].created_micros, 200);

  a.wrapped = Bytes{9, 9, 9};
  a.params_json = R"({"kdf":"scrypt","n":65536})";
  JV_CT_ASSERT_OK(s.PutKeySlot(a));  // replace by id
  JV_CT_ASSIGN(slots, s.ListKeySlots());
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[1].wrapped, (Bytes{9, 9, 9}));
  EXPECT_EQ(slots[1].params_json, a.params_json);

  JV_CT_ASSERT_OK(s.DeleteKeySlot("ks_a"));
  JV_CT_EXPECT_CODE(s.DeleteKeySlot("ks_a"), StatusCode::kNotFound);
  JV_CT_EXPECT_CODE(s.DeleteKeySlot("ks_never"), StatusCode::kNotFound);
  JV_CT_ASSIGN(slots, s.ListKeySlots());
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].id, "ks_b");
}

// --- subjects ----------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, SubjectInsertGetRoundTrip) {
  Store& s = this->s();
  SubjectRow in = this->Subject("s_abc", "notified");
  JV_CT_ASSERT_OK(s.InsertSubject(in));
  JV_CT_ASSIGN(SubjectRow out, s.GetSubject("s_abc"));
  EXPECT_EQ(out.id, in.id);
  EXPECT_EQ(out.state, "notified");
  EXPECT_EQ(out.attrs_json, in.attrs_json);
  EXPECT_EQ(out.created_micros, 1000);
  EXPECT_EQ(out.updated_micros, 2000);
}

TYPED_TEST_P(StoreConformanceTest, SubjectDuplicateIdIsAlreadyExistsAndKeepsOriginal) {
  Store& s = this->s();
  this->AddSubject("s_dup", "active");
  SubjectRow again = this->Subject("s_dup", "objected");
  JV_CT_EXPECT_CODE(s.InsertSubject(again), StatusCode::kAlreadyExists);
  JV_CT_ASSIGN(SubjectRow out, s.GetSubject("s_dup"));
  EXPECT_EQ(out.state, "active");
}

TYPED_TEST_P(StoreConformanceTest, SubjectMissingIsNotFound) {
  Store& s = this->s();
  JV_CT_EXPECT_CODE(s.GetSubject("s_none"), StatusCode::kNotFound);
  JV_CT_EXPECT_CODE(s.UpdateSubject(this->Subject("s_none")), StatusCode::kNotFound);
  JV_CT_ASSIGN(auto counts, s.CountSubjectsByState());
  EXPECT_THAT(counts, IsEmpty());  // a failed update inserts nothing
}

TYPED_TEST_P(StoreConformanceTest, SubjectUpdateChangesStateAndAttrs) {
  Store& s = this->s();
  this->AddSubject("s_1");
  this->AddSubject("s_2");
  SubjectRow u = this->Subject("s_1", "restricted");
  u.attrs_json = R"({"minor":true})";
  u.updated_micros = 9999;
  JV_CT_ASSERT_OK(s.UpdateSubject(u));
  JV_CT_ASSIGN(SubjectRow out, s.GetSubject("s_1"));
  EXPECT_EQ(out.state, "restricted");
  EXPECT_EQ(out.attrs_json, R"({"minor":true})");
  EXPECT_EQ(out.updated_micros, 9999);
  JV_CT_ASSIGN(SubjectRow other, s.GetSubject("s_2"));
  EXPECT_EQ(other.state, "active");  // only the named row changed
}

// Read-modify-write: outside a transaction it is refused; a missing subject is kNotFound
// and leaves the transaction open; a second connection's GetSubjectForUpdate of the same
// subject waits until the first commits and then sees the committed state (no lost update).
TYPED_TEST_P(StoreConformanceTest, GetSubjectForUpdateSerializesWritersOfOneSubject) {
  Store& s = this->s();
  this->AddSubject("s_1");
  JV_CT_EXPECT_CODE(s.GetSubjectForUpdate("s_1"), StatusCode::kFailedPrecondition);
  JV_CT_ASSIGN(auto other, this->Reopen());
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_EXPECT_CODE(s.GetSubjectForUpdate("s_none"), StatusCode::kNotFound);
  JV_CT_ASSIGN(SubjectRow mine, s.GetSubjectForUpdate("s_1"));
  EXPECT_EQ(mine.state, "active");
  std::string seen = "(not read)";
  Status other_status;
  std::thread second([&] {
    other_status = other->Begin();
    if (!other_status.ok()) return;
    auto row = other->GetSubjectForUpdate("s_1");
    if (!row.ok()) {
      other_status = row.status();
      other->Rollback().IgnoreError();
      return;
    }
    seen = row->state;
    SubjectRow u = *row;
    u.state = u.state == "objected" ? "consented" : "lost-update";
    other_status = other->UpdateSubject(u);
    if (other_status.ok()) other_status = other->Commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  mine.state = "objected";
  JV_CT_ASSERT_OK(s.UpdateSubject(mine));
  JV_CT_ASSERT_OK(s.Commit());
  second.join();
  ASSERT_TRUE(other_status.ok()) << other_status.ToString();
  EXPECT_EQ(seen, "objected");  // the second writer saw the first one's committed change
  JV_CT_ASSIGN(SubjectRow out, s.GetSubject("s_1"));
  EXPECT_EQ(out.state, "consented");
}

TYPED_TEST_P(StoreConformanceTest, ForEachSubjectVisitsInBytewiseIdOrder) {
  // Upper case sorts before lower case in byte order; "s_a" before "s_aa".
  for (const char* id : {"s_b", "s_aa", "s_Z", "s_a", "s_0", "s_c"}) this->AddSubject(id);
  EXPECT_THAT(this->SubjectIds(std::nullopt),
              ElementsAre("s_0", "s_Z", "s_a", "s_aa", "s_b", "s_c"));
}

TYPED_TEST_P(StoreConformanceTest, ForEachSubjectFiltersByState) {
  this->AddSubject("s_4", "objected");
  this->AddSubject("s_1", "active");
  this->AddSubject("s_3", "objected");
  this->AddSubject("s_2", "shredded");
  EXPECT_THAT(this->SubjectIds(std::string("objected")), ElementsAre("s_3", "s_4"));
  EXPECT_THAT(this->SubjectIds(std::string("shredded")), ElementsAre("s_2"));
  EXPECT_THAT(this->SubjectIds(std::string("consented")), IsEmpty());
}

TYPED_TEST_P(StoreConformanceTest, ForEachSubjectStopsEarlyWithCallbackStatus) {
  for (const char* id : {"s_1", "s_2", "s_3", "s_4"}) this->AddSubject(id);
  std::vector<std::string> seen;
  Status st = this->s().ForEachSubject(std::nullopt, [&](const SubjectRow& r) {
    seen.push_back(r.id);
    if (r.id == "s_2") return InvalidArgumentError("stop here");
    return Status::Ok();
  });
  EXPECT_EQ(st, InvalidArgumentError("stop here"));
  EXPECT_THAT(seen, ElementsAre("s_1", "s_2"));
}

TYPED_TEST_P(StoreConformanceTest, ForEachSubjectPagesThroughManyAndAllowsWritesInCallback) {
  Store& s = this->s();
  constexpr int kCount = 1300;  // more than one page in any reasonable implementation
  JV_CT_ASSERT_OK(s.Begin());
  for (int i = kCount - 1; i >= 0; --i) {
    char id[16];
    std::snprintf(id, sizeof id, "s_%05d", i);
    JV_CT_ASSERT_OK(s.InsertSubject(this->Subject(id)));
  }
  JV_CT_ASSERT_OK(s.Commit());
  int visited = 0;
  std::string last;
  JV_CT_ASSERT_OK(s.ForEachSubject(std::string("active"), [&](const SubjectRow& r) {
    EXPECT_LT(last, r.id);
    last = r.id;
    ++visited;
    SubjectRow u = r;
    u.state = "notified";  // moves the row out of the filter while iterating
    return s.UpdateSubject(u);
  }));
  EXPECT_EQ(visited, kCount);
  JV_CT_ASSIGN(auto counts, s.CountSubjectsByState());
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"notified", kCount}}));
}

TYPED_TEST_P(StoreConformanceTest, CountSubjectsByState) {
  Store& s = this->s();
  JV_CT_ASSIGN(auto empty, s.CountSubjectsByState());
  EXPECT_THAT(empty, IsEmpty());
  this->AddSubject("s_1", "active");
  this->AddSubject("s_2", "active");
  this->AddSubject("s_3", "shredded");
  JV_CT_ASSIGN(auto counts, s.CountSubjectsByState());
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"active", 2}, {"shredded", 1}}));
}

// --- data keys ---------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, DataKeyPutGetReplace) {
  Store& s = this->s();
  this->AddSubject("s_1");
  JV_CT_EXPECT_CODE(s.GetDataKey("s_1", "profile"), StatusCode::kNotFound);
  JV_CT_ASSERT_OK(s.PutDataKey({"s_1", "profile", Bytes{0, 1, 2, 3, 0}}));
  JV_CT_ASSIGN(DataKeyRow k, s.GetDataKey("s_1", "profile"));
  EXPECT_EQ(k.subject_id, "s_1");
  EXPECT_EQ(k.key_class, "profile");
  EXPECT_EQ(k.wrapped, (Bytes{0, 1, 2, 3, 0}));
  JV_CT_ASSERT_OK(s.PutDataKey({"s_1", "profile", Bytes{7}}));  // replace (rotation)
  JV_CT_ASSIGN(k, s.GetDataKey("s_1", "profile"));
  EXPECT_EQ(k.wrapped, Bytes{7});
  JV_CT_EXPECT_CODE(s.GetDataKey("s_1", "aml_10y"), StatusCode::kNotFound);
  JV_CT_EXPECT_CODE(s.GetDataKey("s_2", "profile"), StatusCode::kNotFound);
}

TYPED_TEST_P(StoreConformanceTest, DataKeyListAndForEachOrder) {
  Store& s = this->s();
  this->AddSubject("s_b");
  this->AddSubject("s_a");
  JV_CT_ASSERT_OK(s.PutDataKey({"s_b", "profile", Bytes{1}}));
  JV_CT_ASSERT_OK(s.PutDataKey({"s_b", "aml_10y", Bytes{2}}));
  JV_CT_ASSERT_OK(s.PutDataKey({"s_a", "prepaid_5y", Bytes{3}}));
  JV_CT_ASSIGN(auto list, s.ListDataKeys("s_b"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].key_class, "aml_10y");
  EXPECT_EQ(list[0].wrapped, Bytes{2});
  EXPECT_EQ(list[1].key_class, "profile");
  JV_CT_ASSIGN(auto none, s.ListDataKeys("s_none"));
  EXPECT_THAT(none, IsEmpty());

  std::vector<std::string> seen;
  JV_CT_ASSERT_OK(s.ForEachDataKey([&](const DataKeyRow& k) {
    seen.push_back(k.subject_id + "/" + k.key_class);
    return Status::Ok();
  }));
  EXPECT_THAT(seen, ElementsAre("s_a/prepaid_5y", "s_b/aml_10y", "s_b/profile"));

  seen.clear();
  Status st = s.ForEachDataKey([&](const DataKeyRow& k) {
    seen.push_back(k.key_class);
    return FailedPreconditionError("enough");
  });
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(seen, ElementsAre("prepaid_5y"));
}

TYPED_TEST_P(StoreConformanceTest, ForEachDataKeyPagesThroughMany) {
  Store& s = this->s();
  constexpr int kSubjects = 700;  // x2 classes: several pages
  JV_CT_ASSERT_OK(s.Begin());
  for (int i = 0; i < kSubjects; ++i) {
    std::string id = "s_" + std::to_string(100000 + i);
    JV_CT_ASSERT_OK(s.InsertSubject(this->Subject(id)));
    JV_CT_ASSERT_OK(s.PutDataKey({id, "profile", Bytes{1}}));
    JV_CT_ASSERT_OK(s.PutDataKey({id, "aml_10y", Bytes{2}}));
  }
  JV_CT_ASSERT_OK(s.Commit());
  int n = 0;
  std::pair<std::string, std::string> last;
  JV_CT_ASSERT_OK(s.ForEachDataKey([&](const DataKeyRow& k) {
    auto cur = std::make_pair(k.subject_id, k.key_class);
    EXPECT_LT(last, cur);
    last = cur;
    ++n;
    return Status::Ok();
  }));
  EXPECT_EQ(n, 2 * kSubjects);
}

TYPED_TEST_P(StoreConformanceTest, DeleteDataKeysOneClassOrAll) {
  Store& s = this->s();
  this->AddSubject("s_1");
  this->AddSubject("s_2");
  for (const char* c : {"profile", "aml_10y", "accounting_30y"}) {
    JV_CT_ASSERT_OK(s.PutDataKey({"s_1", c, Bytes{1}}));
    JV_CT_ASSERT_OK(s.PutDataKey({"s_2", c, Bytes{2}}));
  }
  JV_CT_ASSIGN(int64_t n, s.DeleteDataKeys("s_1", std::string("profile")));
  EXPECT_EQ(n, 1);
  JV_CT_EXPECT_CODE(s.GetDataKey("s_1", "profile"), StatusCode::kNotFound);
  JV_CT_ASSERT_OK(s.GetDataKey("s_1", "aml_10y"));
  JV_CT_ASSIGN(n, s.DeleteDataKeys("s_1", std::string("profile")));
  EXPECT_EQ(n, 0);
  JV_CT_ASSIGN(n, s.DeleteDataKeys("s_1", std::nullopt));
  EXPECT_EQ(n, 2);
  JV_CT_ASSIGN(auto left, s.ListDataKeys("s_1"));
  EXPECT_THAT(left, IsEmpty());
  JV_CT_ASSIGN(auto other, s.ListDataKeys("s_2"));
  EXPECT_EQ(other.size(), 3u);  // another subject's keys are untouched
}

TYPED_TEST_P(StoreConformanceTest, RowsForUnknownSubjectAreRefused) {
  Store& s = this->s();
  JV_CT_EXPECT_CODE(s.PutDataKey({"s_ghost", "profile", Bytes{1}}),
                    StatusCode::kFailedPrecondition);
  JV_CT_EXPECT_CODE(s.InsertRecord(this->Record("s_ghost", "profile", Bytes{1})),
                    StatusCode::kFailedPrecondition);
  JV_CT_EXPECT_CODE(s.PutIndex({"mobile", Bytes{1, 2}, "s_ghost"}),
                    StatusCode::kFailedPrecondition);
  JV_CT_ASSIGN(auto keys, s.ListDataKeys("s_ghost"));
  EXPECT_THAT(keys, IsEmpty());
  JV_CT_ASSIGN(auto found, s.FindIndex("mobile", Bytes{1, 2}));
  EXPECT_THAT(found, IsEmpty());
}

// --- records -----------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, RecordsListOldestFirstWithEveryColumn) {
  Store& s = this->s();
  this->AddSubject("s_1");
  this->AddSubject("s_2");
  RecordRow r1 = this->Record("s_1", "profile", Bytes{0, 0, 1});
  RecordRow r2 = this->Record("s_2", "profile", Bytes{2});
  RecordRow r3 = this->Record("s_1", "aml_10y", Bytes{});
  r3.source_id = "";  // entered by hand
  r3.row_no = 0;
  r3.fields = "bank_card";
  JV_CT_ASSIGN(int64_t id1, s.InsertRecord(r1));
  JV_CT_ASSIGN(int64_t id2, s.InsertRecord(r2));
  JV_CT_ASSIGN(int64_t id3, s.InsertRecord(r3));
  EXPECT_LT(id1, id2);
  EXPECT_LT(id2, id3);
  JV_CT_ASSIGN(auto list, s.ListRecords("s_1"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, id1);
  EXPECT_EQ(list[0].subject_id, "s_1");
  EXPECT_EQ(list[0].key_class, "profile");
  EXPECT_EQ(list[0].source_id, "src_a");
  EXPECT_EQ(list[0].row_no, 7);
  EXPECT_EQ(list[0].fields, "name,mobile");
  EXPECT_EQ(list[0].ciphertext, (Bytes{0, 0, 1}));
  EXPECT_EQ(list[0].created_micros, 5000);
  EXPECT_EQ(list[1].id, id3);
  EXPECT_EQ(list[1].source_id, "");
  EXPECT_EQ(list[1].row_no, 0);
  EXPECT_EQ(list[1].fields, "bank_card");
  EXPECT_TRUE(list[1].ciphertext.empty());
  JV_CT_ASSIGN(auto none, s.ListRecords("s_none"));
  EXPECT_THAT(none, IsEmpty());
}

TYPED_TEST_P(StoreConformanceTest, DeleteRecordsByClassOrAllAndIdsAreNotReused) {
  Store& s = this->s();
  this->AddSubject("s_1");
  this->AddSubject("s_2");
  JV_CT_ASSERT_OK(s.InsertRecord(this->Record("s_1", "profile", Bytes{1})));
  JV_CT_ASSERT_OK(s.InsertRecord(this->Record("s_1", "aml_10y", Bytes{2})));
  JV_CT_ASSERT_OK(s.InsertRecord(this->Record("s_1", "profile", Bytes{3})));
  JV_CT_ASSIGN(int64_t keep, s.InsertRecord(this->Record("s_2", "profile", Bytes{4})));
  JV_CT_ASSIGN(int64_t newest, s.InsertRecord(this->Record("s_1", "profile", Bytes{5})));

  JV_CT_ASSIGN(int64_t n, s.DeleteRecords("s_1", std::string("profile")));
  EXPECT_EQ(n, 3);
  JV_CT_ASSIGN(auto left, s.ListRecords("s_1"));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].key_class, "aml_10y");
  JV_CT_ASSIGN(n, s.DeleteRecords("s_1", std::nullopt));
  EXPECT_EQ(n, 1);
  JV_CT_ASSIGN(n, s.DeleteRecords("s_1", std::nullopt));
  EXPECT_EQ(n, 0);
  JV_CT_ASSIGN(auto other, s.ListRecords("s_2"));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].id, keep);

  JV_CT_ASSIGN(int64_t after, s.InsertRecord(this->Record("s_1", "profile", Bytes{6})));
  EXPECT_GT(after, newest);  // the deleted newest id is not handed out again
}

TYPED_TEST_P(StoreConformanceTest, ForEachSourceRecordVisitsOneSourceInIdOrderAndPages) {
  Store& s = this->s();
  this->AddSubject("s_1");
  this->AddSubject("s_2");
  // More records than one page of any reasonable implementation, two sources interleaved.
  constexpr int kCount = 4500;
  std::vector<std::pair<int64_t, std::string>> want;
  std::vector<RecordRow> rows;
  for (int i = 0; i < kCount; ++i) {
    RecordRow r = this->Record(i % 3 == 0 ? "s_2" : "s_1", "profile", Bytes{1});
    r.source_id = i % 2 == 0 ? "src_a" : "src_b";
    r.row_no = kCount - i;  // row numbers not in id order: the visit follows ids
    if (r.source_id == "src_a") want.emplace_back(r.row_no, r.subject_id);
    rows.push_back(std::move(r));
  }
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.InsertRecords(rows));
  JV_CT_ASSERT_OK(s.Commit());
  std::vector<std::pair<int64_t, std::string>> got;
  JV_CT_ASSERT_OK(s.ForEachSourceRecord("src_a", [&](int64_t row_no, const std::string& id) {
    got.emplace_back(row_no, id);
    return Status::Ok();
  }));
  EXPECT_EQ(got, want);
  int calls = 0;
  Status stop = s.ForEachSourceRecord("src_b", [&](int64_t, const std::string&) {
    return ++calls == 3 ? InvalidArgumentError("stop here") : Status::Ok();
  });
  EXPECT_EQ(stop.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 3);
  calls = 0;
  JV_CT_ASSERT_OK(s.ForEachSourceRecord("src_none", [&](int64_t, const std::string&) {
    ++calls;
    return Status::Ok();
  }));
  EXPECT_EQ(calls, 0);
}

// --- blind indexes -----------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, IndexFindsInInsertionOrderAndIgnoresDuplicates) {
  Store& s = this->s();
  for (const char* id : {"s_1", "s_2", "s_3"}) this->AddSubject(id);
  const Bytes mac{0xDE, 0x00, 0xAD};
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", mac, "s_3"}));
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", mac, "s_1"}));
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", mac, "s_3"}));  // duplicate: ignored, no error
  JV_CT_ASSERT_OK(s.PutIndex({"name", mac, "s_2"}));    // same mac, other kind
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{0xDE, 0x00}, "s_2"}));  // a prefix of mac
  JV_CT_ASSIGN(auto found, s.FindIndex("mobile", mac));
  EXPECT_THAT(found, ElementsAre("s_3", "s_1"));
  JV_CT_ASSIGN(found, s.FindIndex("name", mac));
  EXPECT_THAT(found, ElementsAre("s_2"));
  JV_CT_ASSIGN(found, s.FindIndex("email", mac));
  EXPECT_THAT(found, IsEmpty());
  JV_CT_ASSIGN(found, s.FindIndex("mobile", Bytes{0xDE, 0x00, 0xAD, 0x00}));
  EXPECT_THAT(found, IsEmpty());
}

TYPED_TEST_P(StoreConformanceTest, ForEachIndexVisitsOneKindInInsertionOrder) {
  Store& s = this->s();
  for (const char* id : {"s_1", "s_2", "s_3"}) this->AddSubject(id);
  // More than a few pages' worth, inserted in an order unrelated to mac or subject id.
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    const char* subject = (i % 3 == 0) ? "s_3" : (i % 3 == 1) ? "s_1" : "s_2";
    Bytes mac{static_cast<uint8_t>((n - i) >> 8), static_cast<uint8_t>(n - i)};
    JV_CT_ASSERT_OK(s.PutIndex({"mobile", mac, subject}));
    if (i % 100 == 0) JV_CT_ASSERT_OK(s.PutIndex({"email", mac, "s_2"}));
  }
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{0x13, 0x88}, "s_3"}));  // duplicate: ignored
  std::vector<IndexRow> seen;
  JV_CT_ASSERT_OK(s.ForEachIndex("mobile", [&](const IndexRow& r) -> Status {
    seen.push_back(r);
    return Status::Ok();
  }));
  ASSERT_EQ(seen.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const char* subject = (i % 3 == 0) ? "s_3" : (i % 3 == 1) ? "s_1" : "s_2";
    Bytes mac{static_cast<uint8_t>((n - i) >> 8), static_cast<uint8_t>(n - i)};
    ASSERT_EQ(seen[i].kind, "mobile");
    ASSERT_EQ(seen[i].mac, mac) << i;
    ASSERT_EQ(seen[i].subject_id, subject) << i;
  }
  int emails = 0;
  JV_CT_ASSERT_OK(s.ForEachIndex("email", [&](const IndexRow& r) -> Status {
    EXPECT_EQ(r.subject_id, "s_2");
    ++emails;
    return Status::Ok();
  }));
  EXPECT_EQ(emails, n / 100);
  int names = 0;
  JV_CT_ASSERT_OK(s.ForEachIndex("name", [&](const IndexRow&) -> Status {
    ++names;
    return Status::Ok();
  }));
  EXPECT_EQ(names, 0);
  // The callback's error stops the iteration and is returned.
  int calls = 0;
  Status st = s.ForEachIndex("mobile", [&](const IndexRow&) -> Status {
    return ++calls == 3 ? InvalidArgumentError("stop") : Status::Ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 3);
}

TYPED_TEST_P(StoreConformanceTest, DeleteIndexesRemovesOnlyThatSubject) {
  Store& s = this->s();
  this->AddSubject("s_1");
  this->AddSubject("s_2");
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{1}, "s_1"}));
  JV_CT_ASSERT_OK(s.PutIndex({"id_number", Bytes{2}, "s_1"}));
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{1}, "s_2"}));
  JV_CT_ASSIGN(int64_t n, s.DeleteIndexes("s_1"));
  EXPECT_EQ(n, 2);
  JV_CT_ASSIGN(auto found, s.FindIndex("mobile", Bytes{1}));
  EXPECT_THAT(found, ElementsAre("s_2"));
  JV_CT_ASSIGN(found, s.FindIndex("id_number", Bytes{2}));
  EXPECT_THAT(found, IsEmpty());
  JV_CT_ASSIGN(n, s.DeleteIndexes("s_1"));
  EXPECT_EQ(n, 0);
}

// --- sources -----------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, SourcesFindByHashAndKindAndList) {
  Store& s = this->s();
  SourceRow a{"src_a", "customers", "ab12", "running", "{}", 100, 100};
  SourceRow b{"src_b", "transactions", "ab12", "complete", R"({"rows":3})", 200, 250};
  JV_CT_ASSERT_OK(s.PutSource(a));
  JV_CT_ASSERT_OK(s.PutSource(b));
  JV_CT_ASSIGN(auto found, s.FindSourceByHash("ab12", "customers"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, "src_a");
  EXPECT_EQ(found->status, "running");
  JV_CT_ASSIGN(found, s.FindSourceByHash("ab12", "items"));
  EXPECT_FALSE(found.has_value());
  JV_CT_ASSIGN(found, s.FindSourceByHash("ffff", "customers"));
  EXPECT_FALSE(found.has_value());

  a.status = "complete";  // replace by id
  a.report_json = R"({"rows":10})";
  a.updated_micros = 300;
  JV_CT_ASSERT_OK(s.PutSource(a));
  JV_CT_ASSIGN(found, s.FindSourceByHash("ab12", "customers"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, "complete");
  EXPECT_EQ(found->report_json, R"({"rows":10})");
  EXPECT_EQ(found->created_micros, 100);
  EXPECT_EQ(found->updated_micros, 300);

  SourceRow c{"src_0", "customers", "ab12", "running", "{}", 400, 400};  // newer, same file
  JV_CT_ASSERT_OK(s.PutSource(c));
  JV_CT_ASSIGN(found, s.FindSourceByHash("ab12", "customers"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, "src_0");  // the most recently created

  JV_CT_ASSIGN(auto all, s.ListSources());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "src_a");
  EXPECT_EQ(all[1].id, "src_b");
  EXPECT_EQ(all[1].kind, "transactions");
  EXPECT_EQ(all[1].file_hash, "ab12");
  EXPECT_EQ(all[2].id, "src_0");
}

// --- audit -------------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, AuditAppendEnforcesDenseSeq) {
  Store& s = this->s();
  JV_CT_ASSIGN(int64_t size, s.AuditSize());
  EXPECT_EQ(size, 0);
  JV_CT_EXPECT_CODE(s.AppendAudit(this->Audit(0)), StatusCode::kFailedPrecondition);
  JV_CT_EXPECT_CODE(s.AppendAudit(this->Audit(2)), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.AppendAudit(this->Audit(1)));
  JV_CT_EXPECT_CODE(s.AppendAudit(this->Audit(1)), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.AppendAudit(this->Audit(2)));
  JV_CT_EXPECT_CODE(s.AppendAudit(this->Audit(4)), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.AppendAudit(this->Audit(3)));
  JV_CT_ASSIGN(size, s.AuditSize());
  EXPECT_EQ(size, 3);

  std::vector<AuditRow> rows;
  JV_CT_ASSERT_OK(s.ForEachAudit(1, 3, [&](const AuditRow& r) {
    rows.push_back(r);
    return Status::Ok();
  }));
  ASSERT_EQ(rows.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    AuditRow want = this->Audit(i + 1);
    EXPECT_EQ(rows[i].seq, want.seq);
    EXPECT_EQ(rows[i].line, want.line);  // exact bytes, UTF-8 included
    EXPECT_EQ(rows[i].leaf_hash, want.leaf_hash);
  }
}

TYPED_TEST_P(StoreConformanceTest, ForEachAuditRanges) {
  Store& s = this->s();
  JV_CT_ASSERT_OK(s.Begin());
  for (int64_t i = 1; i <= 1100; ++i) JV_CT_ASSERT_OK(s.AppendAudit(this->Audit(i)));
  JV_CT_ASSERT_OK(s.Commit());
  EXPECT_THAT(this->AuditSeqs(2, 4), ElementsAre(2, 3, 4));
  EXPECT_THAT(this->AuditSeqs(7, 7), ElementsAre(7));
  EXPECT_THAT(this->AuditSeqs(5, 4), IsEmpty());
  EXPECT_THAT(this->AuditSeqs(1099, 5000), ElementsAre(1099, 1100));
  EXPECT_THAT(this->AuditSeqs(2000, 3000), IsEmpty());
  std::vector<int64_t> all = this->AuditSeqs(1, 1100);
  ASSERT_EQ(all.size(), 1100u);
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], static_cast<int64_t>(i) + 1);

  std::vector<int64_t> seen;
  Status st = s.ForEachAudit(1, 1100, [&](const AuditRow& r) {
    seen.push_back(r.seq);
    return r.seq == 600 ? DataLossError("bad link") : Status::Ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
  EXPECT_EQ(seen.size(), 600u);
}

TYPED_TEST_P(StoreConformanceTest, LockAuditOnlyInsideTransaction) {
  Store& s = this->s();
  JV_CT_EXPECT_CODE(s.LockAudit(), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.LockAudit());
  JV_CT_ASSIGN(int64_t size, s.AuditSize());
  JV_CT_ASSERT_OK(s.AppendAudit(this->Audit(size + 1)));
  JV_CT_ASSERT_OK(s.Commit());
  JV_CT_ASSIGN(size, s.AuditSize());
  EXPECT_EQ(size, 1);
}

TYPED_TEST_P(StoreConformanceTest, AuditWriterThatLostTheRaceFails) {
  JV_CT_ASSIGN(auto other, this->Reopen());
  JV_CT_ASSIGN(int64_t mine, this->s().AuditSize());
  JV_CT_ASSIGN(int64_t theirs, other->AuditSize());
  ASSERT_EQ(mine, theirs);
  JV_CT_ASSERT_OK(other->AppendAudit(this->Audit(theirs + 1)));
  JV_CT_EXPECT_CODE(this->s().AppendAudit(this->Audit(mine + 1)),
                    StatusCode::kFailedPrecondition);
  JV_CT_ASSIGN(int64_t size, this->s().AuditSize());
  EXPECT_EQ(size, 1);
}

TYPED_TEST_P(StoreConformanceTest, CheckpointsListInInsertionOrder) {
  Store& s = this->s();
  JV_CT_ASSIGN(auto none, s.ListCheckpoints());
  EXPECT_THAT(none, IsEmpty());
  CheckpointRow c1{10, Bytes(32, 1), ToBytes("jadevault checkpoint v1\n10\n"), Bytes(64, 2), 100};
  CheckpointRow c2{25, Bytes(32, 3), ToBytes("jadevault checkpoint v1\n25\n"), Bytes(64, 4), 200};
  JV_CT_ASSERT_OK(s.PutCheckpoint(c1));
  JV_CT_ASSERT_OK(s.PutCheckpoint(c2));
  JV_CT_ASSIGN(auto list, s.ListCheckpoints());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].tree_size, 10);
  EXPECT_EQ(list[0].root_hash, c1.root_hash);
  EXPECT_EQ(list[0].message, c1.message);
  EXPECT_EQ(list[0].signature, c1.signature);
  EXPECT_EQ(list[0].created_micros, 100);
  EXPECT_EQ(list[1].tree_size, 25);
  EXPECT_EQ(list[1].signature, c2.signature);
}

// --- objects -----------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, ObjectPutGetReplaceDelete) {
  Store& s = this->s();
  ObjectRow o = this->Object("notice", "n_1", "s_1", "queued");
  JV_CT_ASSERT_OK(s.PutObject(o));
  JV_CT_ASSIGN(ObjectRow got, s.GetObject("notice", "n_1"));
  EXPECT_EQ(got.kind, "notice");
  EXPECT_EQ(got.id, "n_1");
  EXPECT_EQ(got.subject_id, "s_1");
  EXPECT_EQ(got.status, "queued");
  EXPECT_EQ(got.attrs_json, o.attrs_json);
  EXPECT_EQ(got.sealed, o.sealed);
  EXPECT_EQ(got.created_micros, 10);
  EXPECT_EQ(got.updated_micros, 20);
  JV_CT_EXPECT_CODE(s.GetObject("claim", "n_1"), StatusCode::kNotFound);  // kind is part of the key

  o.status = "sent";
  o.sealed = Bytes{};
  o.updated_micros = 30;
  JV_CT_ASSERT_OK(s.PutObject(o));
  JV_CT_ASSIGN(got, s.GetObject("notice", "n_1"));
  EXPECT_EQ(got.status, "sent");
  EXPECT_TRUE(got.sealed.empty());
  EXPECT_EQ(got.updated_micros, 30);

  JV_CT_ASSERT_OK(s.DeleteObject("notice", "n_1"));
  JV_CT_EXPECT_CODE(s.GetObject("notice", "n_1"), StatusCode::kNotFound);
  JV_CT_EXPECT_CODE(s.DeleteObject("notice", "n_1"), StatusCode::kNotFound);
}

TYPED_TEST_P(StoreConformanceTest, ListObjectsFilters) {
  Store& s = this->s();
  JV_CT_ASSERT_OK(s.PutObject(this->Object("notice", "n_3", "s_1", "sent")));
  JV_CT_ASSERT_OK(s.PutObject(this->Object("notice", "n_1", "s_2", "sent")));
  JV_CT_ASSERT_OK(s.PutObject(this->Object("notice", "n_2", "s_1", "queued")));
  JV_CT_ASSERT_OK(s.PutObject(this->Object("notice", "n_4", "", "queued")));
  JV_CT_ASSERT_OK(s.PutObject(this->Object("claim", "c_1", "s_1", "sent")));
  auto ids = [&](ObjectFilter f) {
    std::vector<std::string> out;
    auto r = s.ListObjects(f);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) {
      for (const ObjectRow& o : *r) {
        EXPECT_EQ(o.kind, f.kind);
        out.push_back(o.id);
      }
    }
    return out;
  };
  EXPECT_THAT(ids({"notice", std::nullopt, std::nullopt}), ElementsAre("n_1", "n_2", "n_3", "n_4"));
  EXPECT_THAT(ids({"notice", std::string("s_1"), std::nullopt}), ElementsAre("n_2", "n_3"));
  EXPECT_THAT(ids({"notice", std::string(""), std::nullopt}), ElementsAre("n_4"));
  EXPECT_THAT(ids({"notice", std::nullopt, std::string("queued")}), ElementsAre("n_2", "n_4"));
  EXPECT_THAT(ids({"notice", std::string("s_1"), std::string("sent")}), ElementsAre("n_3"));
  EXPECT_THAT(ids({"claim", std::nullopt, std::nullopt}), ElementsAre("c_1"));
  EXPECT_THAT(ids({"item", std::nullopt, std::nullopt}), IsEmpty());
}

// --- transactions ------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, CommitKeepsAndIsVisibleToAnotherConnection) {
  Store& s = this->s();
  JV_CT_ASSIGN(auto other, this->Reopen());
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.InsertSubject(this->Subject("s_1")));
  JV_CT_ASSERT_OK(s.PutDataKey({"s_1", "profile", Bytes{1}}));
  JV_CT_ASSERT_OK(s.AppendAudit(this->Audit(1)));
  // Not yet visible elsewhere.
  JV_CT_EXPECT_CODE(other->GetSubject("s_1"), StatusCode::kNotFound);
  JV_CT_ASSIGN(int64_t size, other->AuditSize());
  EXPECT_EQ(size, 0);
  JV_CT_ASSERT_OK(s.Commit());
  JV_CT_ASSERT_OK(other->GetSubject("s_1"));
  JV_CT_ASSERT_OK(other->GetDataKey("s_1", "profile"));
  JV_CT_ASSIGN(size, other->AuditSize());
  EXPECT_EQ(size, 1);
}

TYPED_TEST_P(StoreConformanceTest, RollbackDiscardsEveryWrite) {
  Store& s = this->s();
  this->AddSubject("s_0");
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.InsertSubject(this->Subject("s_1")));
  JV_CT_ASSERT_OK(s.PutMeta("k", "v"));
  JV_CT_ASSERT_OK(s.InsertRecord(this->Record("s_0", "profile", Bytes{1})));
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{1}, "s_0"}));
  JV_CT_ASSERT_OK(s.AppendAudit(this->Audit(1)));
  JV_CT_ASSERT_OK(s.Rollback());
  JV_CT_EXPECT_CODE(s.GetSubject("s_1"), StatusCode::kNotFound);
  JV_CT_ASSIGN(auto meta, s.GetMeta("k"));
  EXPECT_FALSE(meta.has_value());
  JV_CT_ASSIGN(auto records, s.ListRecords("s_0"));
  EXPECT_THAT(records, IsEmpty());
  JV_CT_ASSIGN(auto found, s.FindIndex("mobile", Bytes{1}));
  EXPECT_THAT(found, IsEmpty());
  JV_CT_ASSIGN(int64_t size, s.AuditSize());
  EXPECT_EQ(size, 0);
  JV_CT_ASSERT_OK(s.GetSubject("s_0"));  // written before Begin: kept
}

TYPED_TEST_P(StoreConformanceTest, TransactionObjectRollsBackOnScopeExitUnlessCommitted) {
  Store& s = this->s();
  {
    Transaction tx(s);
    JV_CT_ASSERT_OK(tx.Start());
    JV_CT_ASSERT_OK(s.InsertSubject(this->Subject("s_dropped")));
  }  // no Commit: rolled back
  JV_CT_EXPECT_CODE(s.GetSubject("s_dropped"), StatusCode::kNotFound);
  {
    Transaction tx(s);
    JV_CT_ASSERT_OK(tx.Start());
    JV_CT_ASSERT_OK(s.InsertSubject(this->Subject("s_kept")));
    JV_CT_ASSERT_OK(tx.Commit());
  }
  JV_CT_ASSERT_OK(s.GetSubject("s_kept"));
  // The store is usable for a new transaction afterwards.
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.Rollback());
}

TYPED_TEST_P(StoreConformanceTest, TransactionsDoNotNest) {
  Store& s = this->s();
  JV_CT_EXPECT_CODE(s.Commit(), StatusCode::kFailedPrecondition);
  JV_CT_EXPECT_CODE(s.Rollback(), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.InsertSubject(this->Subject("s_1")));
  JV_CT_EXPECT_CODE(s.Begin(), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.Commit());  // the outer transaction was not disturbed
  JV_CT_ASSERT_OK(s.GetSubject("s_1"));
  JV_CT_EXPECT_CODE(s.Commit(), StatusCode::kFailedPrecondition);
}

TYPED_TEST_P(StoreConformanceTest, DocumentedErrorInsideTransactionKeepsIt) {
  Store& s = this->s();
  this->AddSubject("s_dup");
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.InsertSubject(this->Subject("s_1")));
  JV_CT_EXPECT_CODE(s.InsertSubject(this->Subject("s_dup")), StatusCode::kAlreadyExists);
  JV_CT_EXPECT_CODE(s.GetSubject("s_none"), StatusCode::kNotFound);
  JV_CT_EXPECT_CODE(s.AppendAudit(this->Audit(5)), StatusCode::kFailedPrecondition);
  JV_CT_EXPECT_CODE(s.PutDataKey({"s_ghost", "profile", Bytes{1}}),
                    StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.InsertSubject(this->Subject("s_2")));
  JV_CT_ASSERT_OK(s.Commit());
  JV_CT_ASSERT_OK(s.GetSubject("s_1"));
  JV_CT_ASSERT_OK(s.GetSubject("s_2"));
}

TYPED_TEST_P(StoreConformanceTest, CommittedDataSurvivesClose) {
  Store& s = this->s();
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.InsertSubject(this->Subject("s_1", "consented")));
  JV_CT_ASSERT_OK(s.PutDataKey({"s_1", "profile", Bytes{4, 5}}));
  JV_CT_ASSERT_OK(s.Commit());
  this->store_.reset();
  JV_CT_ASSIGN(auto again, this->Reopen());
  JV_CT_ASSIGN(SubjectRow got, again->GetSubject("s_1"));
  EXPECT_EQ(got.state, "consented");
  JV_CT_ASSIGN(DataKeyRow k, again->GetDataKey("s_1", "profile"));
  EXPECT_EQ(k.wrapped, (Bytes{4, 5}));
}

// --- maintenance -------------------------------------------------------------------------

TYPED_TEST_P(StoreConformanceTest, CompactKeepsLiveDataAndRefusesInsideTransaction) {
  Store& s = this->s();
  this->AddSubject("s_1");
  this->AddSubject("s_2");
  JV_CT_ASSERT_OK(s.PutDataKey({"s_1", "profile", Bytes(32, 0x11)}));
  JV_CT_ASSERT_OK(s.PutDataKey({"s_2", "profile", Bytes(32, 0x22)}));
  JV_CT_ASSIGN(int64_t n, s.DeleteDataKeys("s_1", std::nullopt));
  EXPECT_EQ(n, 1);
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_EXPECT_CODE(s.Compact(), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.Rollback());
  JV_CT_ASSERT_OK(s.Compact());
  JV_CT_ASSIGN(DataKeyRow k, s.GetDataKey("s_2", "profile"));
  EXPECT_EQ(k.wrapped, Bytes(32, 0x22));
  JV_CT_EXPECT_CODE(s.GetDataKey("s_1", "profile"), StatusCode::kNotFound);
  JV_CT_ASSERT_OK(s.Compact());  // idempotent
}

TYPED_TEST_P(StoreConformanceTest, BulkLoadKeepsTransactionsAndRestoresChecks) {
  Store& s = this->s();
  this->AddSubject("s_1");
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_EXPECT_CODE(s.SetBulkLoad(true), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.Rollback());
  {
    BulkLoad bulk(s);
    JV_CT_ASSERT_OK(bulk.Start());
    // A committed batch is kept, a rolled-back one leaves nothing.
    JV_CT_ASSERT_OK(s.Begin());
    this->AddSubject("s_2");
    JV_CT_ASSERT_OK(s.PutDataKey({"s_2", "profile", Bytes(32, 0x22)}));
    JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{7, 7}, "s_2"}));
    JV_CT_ASSERT_OK(s.Commit());
    JV_CT_ASSERT_OK(s.Begin());
    this->AddSubject("s_3");
    JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{7, 7}, "s_3"}));
    JV_CT_ASSERT_OK(s.Rollback());
    JV_CT_EXPECT_CODE(s.GetSubject("s_3"), StatusCode::kNotFound);
    JV_CT_ASSIGN(auto holders, s.FindIndex("mobile", Bytes{7, 7}));
    EXPECT_THAT(holders, ElementsAre("s_2"));
    JV_CT_ASSIGN(DataKeyRow k, s.GetDataKey("s_2", "profile"));
    EXPECT_EQ(k.wrapped, Bytes(32, 0x22));
  }
  // Off again (the guard's destructor): the referential rule is checked as before.
  JV_CT_EXPECT_CODE(s.PutIndex({"mobile", Bytes{1, 2}, "s_ghost"}),
                    StatusCode::kFailedPrecondition);
  JV_CT_EXPECT_CODE(s.PutDataKey({"s_ghost", "profile", Bytes{1}}),
                    StatusCode::kFailedPrecondition);
}

TYPED_TEST_P(StoreConformanceTest, PendingIndexEntriesAreSeenThenMergedInOrder) {
  Store& s = this->s();
  for (const char* id : {"s_1", "s_2", "s_3"}) this->AddSubject(id);
  const Bytes m{9, 9}, other{8};
  JV_CT_ASSERT_OK(s.PutIndex({"mobile", m, "s_2"}));
  JV_CT_EXPECT_CODE(s.MergePendingIndexes(), StatusCode::kFailedPrecondition);
  JV_CT_EXPECT_CODE(s.PutIndexPending({"mobile", m, "s_ghost"}),
                    StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.PutIndexPending({"mobile", m, "s_3"}));
  JV_CT_ASSERT_OK(s.PutIndexPending({"mobile", m, "s_1"}));
  JV_CT_ASSERT_OK(s.PutIndexPending({"mobile", m, "s_2"}));  // already indexed
  JV_CT_ASSERT_OK(s.PutIndexPending({"email", other, "s_1"}));
  JV_CT_ASSERT_OK(s.Commit());
  // Before the merge: after the indexed entry, in pending order, each subject once.
  JV_CT_ASSIGN(auto found, s.FindIndex("mobile", m));
  EXPECT_THAT(found, ElementsAre("s_2", "s_3", "s_1"));
  std::vector<std::string> seen;
  JV_CT_ASSERT_OK(s.ForEachIndex("email", [&](const IndexRow& r) {
    seen.push_back(r.subject_id);
    return Status::Ok();
  }));
  EXPECT_THAT(seen, ElementsAre("s_1"));
  // A rolled-back merge leaves them pending; a committed one keeps the order.
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.MergePendingIndexes());
  JV_CT_ASSERT_OK(s.Rollback());
  JV_CT_ASSIGN(found, s.FindIndex("mobile", m));
  EXPECT_THAT(found, ElementsAre("s_2", "s_3", "s_1"));
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.MergePendingIndexes());
  JV_CT_ASSERT_OK(s.Commit());
  JV_CT_ASSIGN(found, s.FindIndex("mobile", m));
  EXPECT_THAT(found, ElementsAre("s_2", "s_3", "s_1"));
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSIGN(int64_t again, s.MergePendingIndexes());
  JV_CT_ASSERT_OK(s.Commit());
  EXPECT_EQ(again, 0);  // nothing left pending
  // Deleting a subject's entries reaches pending ones too.
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.PutIndexPending({"name", other, "s_3"}));
  JV_CT_ASSERT_OK(s.Commit());
  JV_CT_ASSIGN(int64_t deleted, s.DeleteIndexes("s_3"));
  EXPECT_EQ(deleted, 2);
  JV_CT_ASSIGN(found, s.FindIndex("name", other));
  EXPECT_THAT(found, IsEmpty());
  JV_CT_ASSIGN(found, s.FindIndex("mobile", m));
  EXPECT_THAT(found, ElementsAre("s_2", "s_1"));
}

// PutIndexPendingRows is PutIndexPending row by row: 150 rows (more than one multi-row
// statement of the SQLite store, and a remainder) are all seen, in order, each subject once
// per key; a row for an unknown subject is refused like PutIndexPending's.
TYPED_TEST_P(StoreConformanceTest, PendingIndexRowsAreAppendedInOrder) {
  Store& s = this->s();
  for (const char* id : {"s_1", "s_2", "s_3"}) this->AddSubject(id);
  std::vector<IndexRow> rows;
  for (int i = 0; i < 150; ++i) {
    const char* sid = i % 3 == 0 ? "s_1" : (i % 3 == 1 ? "s_2" : "s_3");
    rows.push_back({i % 2 == 0 ? "mobile" : "email", Bytes{static_cast<uint8_t>(i / 10)}, sid});
  }
  rows.push_back({"name", Bytes{}, "s_2"});  // a zero-length MAC stays a blob
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.PutIndexPendingRows(rows));
  JV_CT_ASSERT_OK(s.Commit());
  auto holders = [&](const std::string& kind, const Bytes& mac) {
    std::vector<std::string> want;
    for (const IndexRow& r : rows) {
      if (r.kind == kind && r.mac == mac &&
          std::find(want.begin(), want.end(), r.subject_id) == want.end()) {
        want.push_back(r.subject_id);
      }
    }
    return want;
  };
  for (const char* kind : {"mobile", "email"}) {
    for (uint8_t m = 0; m < 15; ++m) {
      JV_CT_ASSIGN(auto found, s.FindIndex(kind, Bytes{m}));
      EXPECT_EQ(found, holders(kind, Bytes{m})) << kind << " " << int{m};
    }
  }
  JV_CT_ASSIGN(auto empty_mac, s.FindIndex("name", Bytes{}));
  EXPECT_THAT(empty_mac, ElementsAre("s_2"));
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSIGN(int64_t added, s.MergePendingIndexes());
  JV_CT_ASSERT_OK(s.Commit());
  // The merge adds each distinct (kind, mac, subject) once.
  std::set<std::string> distinct;
  for (const IndexRow& r : rows) {
    distinct.insert(r.kind + "/" + std::string(AsString(r.mac)) + "/" + r.subject_id);
  }
  // PostgreSQL indexes pending entries as they come (store.h): its merge adds none.
  EXPECT_EQ(added, s.Backend() == "sqlite" ? static_cast<int64_t>(distinct.size()) : 0);
  JV_CT_ASSIGN(auto found, s.FindIndex("mobile", Bytes{3}));
  EXPECT_EQ(found, holders("mobile", Bytes{3}));
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_EXPECT_CODE(s.PutIndexPendingRows({{"mobile", Bytes{1}, "s_ghost"}}),
                    StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.Rollback());
}

// InsertSubjects, PutDataKeys and InsertRecords are their one-row calls in order: 150 rows
// each (two groups of the SQLite store's multi-row statements and a remainder) read back
// with every column, records' ids increasing in row order, a data key given twice keeps
// the later; a repeated subject id and a record of an unknown subject are refused with the
// one-row codes.
TYPED_TEST_P(StoreConformanceTest, ManyRowWritesEqualOneRowWrites) {
  Store& s = this->s();
  std::vector<SubjectRow> subjects;
  std::vector<DataKeyRow> keys;
  std::vector<RecordRow> records;
  for (int i = 0; i < 150; ++i) {
    SubjectRow sub = this->Subject("s_m" + std::to_string(1000 + i), i % 7 == 0 ? "frozen"
                                                                             : "active");
    sub.attrs_json = "{\"n\":" + std::to_string(i) + "}";
    sub.created_micros = 10 + i;
    subjects.push_back(sub);
    keys.push_back({sub.id, "profile", Bytes{static_cast<uint8_t>(i), 1}});
    RecordRow r = this->Record(sub.id, i % 2 ? "profile" : "aml_10y",
                               Bytes(static_cast<size_t>(i % 5), static_cast<uint8_t>(i)));
    r.row_no = 1000 - i;
    r.fields = "f" + std::to_string(i);
    records.push_back(r);
  }
  keys.push_back({"s_m1003", "profile", Bytes{9, 9}});  // replaces the earlier one
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_ASSERT_OK(s.InsertSubjects(subjects));
  JV_CT_ASSERT_OK(s.PutDataKeys(keys));
  JV_CT_ASSERT_OK(s.InsertRecords(records));
  JV_CT_ASSERT_OK(s.Commit());
  int64_t last_id = 0;
  for (int i = 0; i < 150; ++i) {
    const SubjectRow& want = subjects[i];
    JV_CT_ASSIGN(SubjectRow got, s.GetSubject(want.id));
    EXPECT_EQ(got.state, want.state);
    EXPECT_EQ(got.attrs_json, want.attrs_json);
    EXPECT_EQ(got.created_micros, want.created_micros);
    EXPECT_EQ(got.updated_micros, want.updated_micros);
    JV_CT_ASSIGN(DataKeyRow key, s.GetDataKey(want.id, "profile"));
    EXPECT_EQ(key.wrapped, i == 3 ? (Bytes{9, 9}) : (Bytes{static_cast<uint8_t>(i), 1}));
    JV_CT_ASSIGN(std::vector<RecordRow> recs, s.ListRecords(want.id));
    ASSERT_EQ(recs.size(), 1u) << i;
    EXPECT_EQ(recs[0].key_class, records[i].key_class);
    EXPECT_EQ(recs[0].source_id, records[i].source_id);
    EXPECT_EQ(recs[0].row_no, records[i].row_no);
    EXPECT_EQ(recs[0].fields, records[i].fields);
    EXPECT_EQ(recs[0].ciphertext, records[i].ciphertext);  // zero-length stays a blob
    EXPECT_EQ(recs[0].created_micros, records[i].created_micros);
    EXPECT_GT(recs[0].id, last_id) << i;
    last_id = recs[0].id;
  }
  JV_CT_ASSIGN(auto by_state, s.CountSubjectsByState());
  EXPECT_EQ(by_state["frozen"], 22);
  // A repeated id in a full group, and a record of an unknown subject, as the one-row calls.
  std::vector<SubjectRow> again(subjects.begin(), subjects.begin() + 64);
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_EXPECT_CODE(s.InsertSubjects(again), StatusCode::kAlreadyExists);
  JV_CT_ASSERT_OK(s.Rollback());
  std::vector<RecordRow> ghost(64, this->Record("s_m1000", "profile", Bytes{1}));
  ghost[40].subject_id = "s_ghost";
  JV_CT_ASSERT_OK(s.Begin());
  JV_CT_EXPECT_CODE(s.InsertRecords(ghost), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(s.Rollback());
  JV_CT_ASSIGN(std::vector<RecordRow> after, s.ListRecords("s_m1000"));
  EXPECT_EQ(after.size(), 1u);
}

REGISTER_TYPED_TEST_SUITE_P(
    StoreConformanceTest, BackendIsNamed, MetaRoundTripAndOverwrite,
    WritesOutsideTransactionAreVisibleToAnotherConnection, KeySlotsPutListReplaceDelete,
    SubjectInsertGetRoundTrip, SubjectDuplicateIdIsAlreadyExistsAndKeepsOriginal,
    SubjectMissingIsNotFound, SubjectUpdateChangesStateAndAttrs,
    GetSubjectForUpdateSerializesWritersOfOneSubject,
    ForEachSubjectVisitsInBytewiseIdOrder, ForEachSubjectFiltersByState,
    ForEachSubjectStopsEarlyWithCallbackStatus,
    ForEachSubjectPagesThroughManyAndAllowsWritesInCallback, CountSubjectsByState,
    DataKeyPutGetReplace, DataKeyListAndForEachOrder, ForEachDataKeyPagesThroughMany,
    DeleteDataKeysOneClassOrAll, RowsForUnknownSubjectAreRefused,
    RecordsListOldestFirstWithEveryColumn, DeleteRecordsByClassOrAllAndIdsAreNotReused,
    ForEachSourceRecordVisitsOneSourceInIdOrderAndPages,
    IndexFindsInInsertionOrderAndIgnoresDuplicates, ForEachIndexVisitsOneKindInInsertionOrder,
    DeleteIndexesRemovesOnlyThatSubject,
    SourcesFindByHashAndKindAndList, AuditAppendEnforcesDenseSeq, ForEachAuditRanges,
    LockAuditOnlyInsideTransaction, AuditWriterThatLostTheRaceFails,
    CheckpointsListInInsertionOrder, ObjectPutGetReplaceDelete, ListObjectsFilters,
    CommitKeepsAndIsVisibleToAnotherConnection, RollbackDiscardsEveryWrite,
    TransactionObjectRollsBackOnScopeExitUnlessCommitted, TransactionsDoNotNest,
    DocumentedErrorInsideTransactionKeepsIt, CommittedDataSurvivesClose,
    CompactKeepsLiveDataAndRefusesInsideTransaction, BulkLoadKeepsTransactionsAndRestoresChecks,
    PendingIndexEntriesAreSeenThenMergedInOrder, PendingIndexRowsAreAppendedInOrder,
    ManyRowWritesEqualOneRowWrites);

// --- snapshot and restore (a separate group: StoreSnapshotTest) --------------------------
//
// Instantiated next to StoreConformanceTest with the same factory:
//   INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, StoreSnapshotTest, ::testing::Types<SqliteFactory>);
// A test that needs a second, empty store default-constructs a second factory and calls its
// Make(), so a factory must give each instance its own database (SQLite: its own temp
// directory; PostgreSQL: its own schema).

// Every row a snapshot visits, rendered as one line per row in visit order, so two
// snapshots compare with one EXPECT_EQ and a difference names the row.
class SnapshotLog : public SnapshotVisitor {
 public:
  std::vector<std::string> lines;
  std::map<std::string, int64_t> counts;

  Status OnMeta(const std::string& k, const std::string& v) override {
    return Add("meta", k + "=" + v);
  }
  Status OnKeySlot(const KeySlotRow& r) override {
    return Add("key_slot", r.id + "|" + r.kind + "|" + r.params_json + "|" + Hex(r.wrapped) +
                               "|" + std::to_string(r.created_micros));
  }
  Status OnSubject(const SubjectRow& r) override {
    return Add("subject", r.id + "|" + r.state + "|" + r.attrs_json + "|" +
                              std::to_string(r.created_micros) + "|" +
                              std::to_string(r.updated_micros));
  }
  Status OnDataKey(const DataKeyRow& r) override {
    return Add("data_key", r.subject_id + "|" + r.key_class + "|" + Hex(r.wrapped));
  }
  Status OnRecord(const RecordRow& r) override {
    return Add("record", std::to_string(r.id) + "|" + r.subject_id + "|" + r.key_class + "|" +
                             r.source_id + "|" + std::to_string(r.row_no) + "|" + r.fields +
                             "|" + Hex(r.ciphertext) + "|" + std::to_string(r.created_micros));
  }
  Status OnIndex(const IndexRow& r) override {
    return Add("index", r.kind + "|" + Hex(r.mac) + "|" + r.subject_id);
  }
  Status OnSource(const SourceRow& r) override {
    return Add("source", r.id + "|" + r.kind + "|" + r.file_hash + "|" + r.status + "|" +
                             r.report_json + "|" + std::to_string(r.created_micros) + "|" +
                             std::to_string(r.updated_micros));
  }
  Status OnAudit(const AuditRow& r) override {
    return Add("audit", std::to_string(r.seq) + "|" + r.line + "|" + Hex(r.leaf_hash));
  }
  Status OnCheckpoint(const CheckpointRow& r) override {
    return Add("checkpoint", std::to_string(r.tree_size) + "|" + Hex(r.root_hash) + "|" +
                                 Hex(r.message) + "|" + Hex(r.signature) + "|" +
                                 std::to_string(r.created_micros));
  }
  Status OnObject(const ObjectRow& r) override {
    return Add("object", r.kind + "|" + r.id + "|" + r.subject_id + "|" + r.status + "|" +
                             r.attrs_json + "|" + Hex(r.sealed) + "|" +
                             std::to_string(r.created_micros) + "|" +
                             std::to_string(r.updated_micros));
  }

 private:
  static std::string Hex(const Bytes& b) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (uint8_t c : b) {
      out += d[c >> 4];
      out += d[c & 15];
    }
    return out;
  }
  Status Add(const char* table, std::string row) {
    ++counts[table];
    lines.push_back(std::string(table) + ": " + row);
    return Status::Ok();
  }
};

// Writes every visited row into `dst` (an empty store), as restore does.
class SnapshotCopier : public SnapshotVisitor {
 public:
  explicit SnapshotCopier(Store& dst) : d_(dst) {}
  Status OnMeta(const std::string& k, const std::string& v) override { return d_.PutMeta(k, v); }
  Status OnKeySlot(const KeySlotRow& r) override { return d_.PutKeySlot(r); }
  Status OnSubject(const SubjectRow& r) override { return d_.InsertSubject(r); }
  Status OnDataKey(const DataKeyRow& r) override { return d_.PutDataKey(r); }
  Status OnRecord(const RecordRow& r) override { return d_.RestoreRecord(r); }
  Status OnIndex(const IndexRow& r) override { return d_.PutIndex(r); }
  Status OnSource(const SourceRow& r) override { return d_.PutSource(r); }
  Status OnAudit(const AuditRow& r) override { return d_.AppendAudit(r); }
  Status OnCheckpoint(const CheckpointRow& r) override { return d_.PutCheckpoint(r); }
  Status OnObject(const ObjectRow& r) override { return d_.PutObject(r); }

 private:
  Store& d_;
};

template <typename Factory>
class StoreSnapshotTest : public StoreConformanceTest<Factory> {
 protected:
  // Fills the store with at least two rows of every table, in an order that differs from
  // the snapshot's order (so the ordering rules are exercised).
  void Populate() {
    Store& s = this->s();
    JV_CT_ASSERT_OK(s.PutMeta("vault_id", "v_snap"));
    JV_CT_ASSERT_OK(s.PutMeta("crypto", "std"));
    JV_CT_ASSERT_OK(s.PutKeySlot({"ks_b", "passphrase", R"({"n":16384})", Bytes(48, 0xB1), 20}));
    JV_CT_ASSERT_OK(s.PutKeySlot({"ks_a", "shares", R"({"set":"kss_1"})", Bytes(48, 0xA1), 20}));
    JV_CT_ASSERT_OK(s.PutKeySlot({"ks_c", "keyfile", "{}", Bytes(48, 0xC1), 10}));
    this->AddSubject("s_b", "shredded");
    this->AddSubject("s_a");
    this->AddSubject("s_\xE4\xB8\xAD");  // a non-ASCII id sorts after ASCII ones bytewise
    JV_CT_ASSERT_OK(s.PutDataKey({"s_b", "profile", Bytes(60, 0x01)}));
    JV_CT_ASSERT_OK(s.PutDataKey({"s_a", "profile", Bytes(60, 0x02)}));
    JV_CT_ASSERT_OK(s.PutDataKey({"s_a", "aml_10y", Bytes(60, 0x03)}));
    JV_CT_ASSERT_OK(s.InsertRecord(this->Record("s_a", "profile", Bytes{1, 2, 3})).status());
    JV_CT_ASSERT_OK(s.InsertRecord(this->Record("s_b", "profile", Bytes{4, 5})).status());
    JV_CT_ASSERT_OK(s.InsertRecord(this->Record("s_a", "aml_10y", Bytes{6})).status());
    JV_CT_ASSERT_OK(s.DeleteRecords("s_b", std::nullopt));  // leaves a gap in the ids
    JV_CT_ASSERT_OK(s.InsertRecord(this->Record("s_a", "profile", Bytes{7, 8})).status());
    JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{9, 9}, "s_a"}));
    JV_CT_ASSERT_OK(s.PutIndex({"email", Bytes{8}, "s_a"}));
    JV_CT_ASSERT_OK(s.PutIndex({"mobile", Bytes{1}, "s_\xE4\xB8\xAD"}));
    JV_CT_ASSERT_OK(s.PutSource({"src_b", "customers", "ff", "complete", "{}", 50, 60}));
    JV_CT_ASSERT_OK(s.PutSource({"src_a", "items", "ee", "running", "{}", 70, 70}));
    for (int64_t i = 1; i <= 3; ++i) JV_CT_ASSERT_OK(s.AppendAudit(this->Audit(i)));
    JV_CT_ASSERT_OK(s.PutCheckpoint({3, Bytes(32, 7), Bytes{1, 2}, Bytes(64, 9), 80}));
    JV_CT_ASSERT_OK(s.PutCheckpoint({1, Bytes(32, 6), Bytes{3}, Bytes(64, 8), 90}));
    JV_CT_ASSERT_OK(s.PutObject(this->Object("notice", "n_2", "s_a", "sent")));
    JV_CT_ASSERT_OK(s.PutObject(this->Object("claim", "c_1", "", "open")));
    JV_CT_ASSERT_OK(s.PutObject(this->Object("notice", "n_1", "s_b", "planned")));
  }
  Result<std::unique_ptr<Store>> MakeEmpty(Factory& other) { return other.Make(); }
};

TYPED_TEST_SUITE_P(StoreSnapshotTest);

TYPED_TEST_P(StoreSnapshotTest, VisitsEveryTableInTheDocumentedOrder) {
  this->Populate();
  SnapshotLog log;
  JV_CT_ASSERT_OK(this->s().VisitSnapshot(log));
  std::vector<std::string> tables;
  for (const auto& l : log.lines) {
    std::string t = l.substr(0, l.find(':'));
    if (tables.empty() || tables.back() != t) tables.push_back(t);
  }
  EXPECT_THAT(tables, ElementsAre("meta", "key_slot", "subject", "data_key", "record", "index",
                                  "source", "audit", "checkpoint", "object"));
  auto rows_of = [&](const std::string& table) {
    std::vector<std::string> out;
    for (const auto& l : log.lines)
      if (l.rfind(table + ": ", 0) == 0) out.push_back(l.substr(table.size() + 2));
    return out;
  };
  auto first_field = [](const std::vector<std::string>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.substr(0, r.find('|')));
    return out;
  };
  // Key slots by (created_micros, id).
  EXPECT_THAT(first_field(rows_of("key_slot")), ElementsAre("ks_c", "ks_a", "ks_b"));
  EXPECT_THAT(first_field(rows_of("subject")), ElementsAre("s_a", "s_b", "s_\xE4\xB8\xAD"));
  std::string aml_hex;
  for (int i = 0; i < 60; ++i) aml_hex += "03";
  EXPECT_THAT(rows_of("data_key"), ElementsAre("s_a|aml_10y|" + aml_hex,
                                               ::testing::StartsWith("s_a|profile|"),
                                               ::testing::StartsWith("s_b|profile|")));
  // Records by id; s_b's record is gone, so ids 1, 3, 4.
  EXPECT_THAT(first_field(rows_of("record")), ElementsAre("1", "3", "4"));
  // Index kinds bytewise, insertion order within a kind.
  EXPECT_THAT(rows_of("index"), ElementsAre("email|08|s_a", "mobile|0909|s_a",
                                            "mobile|01|s_\xE4\xB8\xAD"));
  EXPECT_THAT(first_field(rows_of("source")), ElementsAre("src_b", "src_a"));
  EXPECT_THAT(first_field(rows_of("audit")), ElementsAre("1", "2", "3"));
  EXPECT_THAT(first_field(rows_of("checkpoint")), ElementsAre("3", "1"));  // insertion order
  EXPECT_THAT(rows_of("object"), ElementsAre(::testing::StartsWith("claim|c_1|"),
                                             ::testing::StartsWith("notice|n_1|"),
                                             ::testing::StartsWith("notice|n_2|")));
  EXPECT_GE(log.counts["meta"], 2);
}

TYPED_TEST_P(StoreSnapshotTest, EveryRowRoundTripsIntoAnEmptyStore) {
  this->Populate();
  SnapshotLog before;
  JV_CT_ASSERT_OK(this->s().VisitSnapshot(before));

  TypeParam other;
  std::string why;
  ASSERT_TRUE(other.Available(&why)) << why;
  JV_CT_ASSIGN(std::unique_ptr<Store> dst, this->MakeEmpty(other));
  {
    Transaction txn(*dst);
    JV_CT_ASSERT_OK(txn.Start());
    SnapshotCopier copier(*dst);
    JV_CT_ASSERT_OK(this->s().VisitSnapshot(copier));
    JV_CT_ASSERT_OK(txn.Commit());
  }
  SnapshotLog after;
  JV_CT_ASSERT_OK(dst->VisitSnapshot(after));
  EXPECT_EQ(after.lines, before.lines);
  // The restored store works like the original: a new record's id is above every restored
  // one, and the index and audit chain go on.
  JV_CT_ASSIGN(int64_t id, dst->InsertRecord(this->Record("s_a", "profile", Bytes{1})));
  EXPECT_GT(id, 4);
  JV_CT_ASSIGN(auto found, dst->FindIndex("mobile", Bytes{9, 9}));
  EXPECT_THAT(found, ElementsAre("s_a"));
  JV_CT_ASSERT_OK(dst->AppendAudit(this->Audit(4)));
  JV_CT_ASSIGN(auto recs, dst->ListRecords("s_a"));
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].id, 1);
  EXPECT_EQ(recs[0].ciphertext, (Bytes{1, 2, 3}));
}

TYPED_TEST_P(StoreSnapshotTest, SnapshotIsConsistentWhileAnotherConnectionWrites) {
  this->Populate();
  SnapshotLog quiet;
  JV_CT_ASSERT_OK(this->s().VisitSnapshot(quiet));

  JV_CT_ASSIGN(std::unique_ptr<Store> writer, this->Reopen());
  // A visitor that, at the first row, makes another connection commit a whole change set
  // touching every table the snapshot has yet to visit, and deletes rows it has yet to
  // visit: the snapshot must show the state at its start, none of these changes.
  class Interfering : public SnapshotLog {
   public:
    explicit Interfering(Store& w) : w_(w) {}
    Status OnMeta(const std::string& k, const std::string& v) override {
      if (!done_) {
        done_ = true;
        Transaction txn(w_);
        JV_RETURN_IF_ERROR(txn.Start());
        JV_RETURN_IF_ERROR(w_.PutMeta("zz_late", "1"));
        JV_RETURN_IF_ERROR(w_.PutKeySlot({"ks_z", "keyfile", "{}", Bytes(48, 0), 5}));
        JV_RETURN_IF_ERROR(w_.InsertSubject({"s_0", "active", "{}", 1, 1}));
        JV_RETURN_IF_ERROR(w_.PutDataKey({"s_0", "profile", Bytes(60, 0x0F)}));
        JV_RETURN_IF_ERROR(w_.DeleteDataKeys("s_a", std::nullopt).status());
        JV_RETURN_IF_ERROR(w_.DeleteRecords("s_a", std::nullopt).status());
        JV_RETURN_IF_ERROR(w_.DeleteIndexes("s_a").status());
        JV_RETURN_IF_ERROR(w_.PutIndex({"email", Bytes{1}, "s_0"}));
        JV_RETURN_IF_ERROR(w_.PutSource({"src_0", "customers", "aa", "running", "{}", 1, 1}));
        JV_RETURN_IF_ERROR(w_.AppendAudit(AuditRow{4, "{\"seq\":4}", Bytes(32, 4)}));
        JV_RETURN_IF_ERROR(w_.PutCheckpoint({4, Bytes(32, 1), Bytes{1}, Bytes(64, 1), 99}));
        JV_RETURN_IF_ERROR(w_.DeleteObject("notice", "n_2"));
        JV_RETURN_IF_ERROR(txn.Commit());
      }
      return SnapshotLog::OnMeta(k, v);
    }

   private:
    Store& w_;
    bool done_ = false;
  };
  Interfering busy(*writer);
  JV_CT_ASSERT_OK(this->s().VisitSnapshot(busy));
  EXPECT_EQ(busy.lines, quiet.lines);

  // The writes did happen, and a later snapshot sees all of them.
  SnapshotLog later;
  JV_CT_ASSERT_OK(this->s().VisitSnapshot(later));
  EXPECT_EQ(later.counts["audit"], 4);
  EXPECT_EQ(later.counts["subject"], 4);
  EXPECT_EQ(later.counts["record"], 0);
  EXPECT_EQ(later.counts["object"], 2);
}

TYPED_TEST_P(StoreSnapshotTest, SnapshotStopsWithTheVisitorsErrorAndRefusesInsideTransaction) {
  this->Populate();
  class FailOnSubject : public SnapshotLog {
   public:
    Status OnSubject(const SubjectRow&) override { return DataLossError("visitor stops"); }
  };
  FailOnSubject v;
  JV_CT_EXPECT_CODE(this->s().VisitSnapshot(v), StatusCode::kDataLoss);
  EXPECT_EQ(v.counts.count("record"), 0u);
  // The store is usable afterwards (the read transaction was ended).
  JV_CT_ASSERT_OK(this->s().PutMeta("after", "1"));
  JV_CT_ASSERT_OK(this->s().Begin());
  SnapshotLog log;
  JV_CT_EXPECT_CODE(this->s().VisitSnapshot(log), StatusCode::kFailedPrecondition);
  JV_CT_ASSERT_OK(this->s().Rollback());
}

TYPED_TEST_P(StoreSnapshotTest, RestoreRecordKeepsIdsAndLaterIdsStayAbove) {
  Store& s = this->s();
  this->AddSubject("s_1");
  RecordRow r = this->Record("s_1", "profile", Bytes{1});
  r.id = 100;
  JV_CT_ASSERT_OK(s.RestoreRecord(r));
  r.id = 7;
  r.ciphertext = Bytes{2};
  JV_CT_ASSERT_OK(s.RestoreRecord(r));
  r.id = 100;
  JV_CT_EXPECT_CODE(s.RestoreRecord(r), StatusCode::kAlreadyExists);
  r.subject_id = "s_missing";
  r.id = 200;
  JV_CT_EXPECT_CODE(s.RestoreRecord(r), StatusCode::kFailedPrecondition);
  JV_CT_ASSIGN(int64_t next, s.InsertRecord(this->Record("s_1", "profile", Bytes{3})));
  EXPECT_GT(next, 100);
  JV_CT_ASSIGN(auto recs, s.ListRecords("s_1"));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].id, 7);
  EXPECT_EQ(recs[0].ciphertext, Bytes{2});
  EXPECT_EQ(recs[1].id, 100);
  EXPECT_EQ(recs[2].id, next);
  // Deleting the highest restored record does not make its id reusable.
  JV_CT_ASSERT_OK(s.DeleteRecords("s_1", std::nullopt));
  JV_CT_ASSIGN(int64_t again, s.InsertRecord(this->Record("s_1", "profile", Bytes{4})));
  EXPECT_GT(again, next);
}

REGISTER_TYPED_TEST_SUITE_P(StoreSnapshotTest, VisitsEveryTableInTheDocumentedOrder,
                            EveryRowRoundTripsIntoAnEmptyStore,
                            SnapshotIsConsistentWhileAnotherConnectionWrites,
                            SnapshotStopsWithTheVisitorsErrorAndRefusesInsideTransaction,
                            RestoreRecordKeepsIdsAndLaterIdsStayAbove);

}  // namespace jv::store::testing
