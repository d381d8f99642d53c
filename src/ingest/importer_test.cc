#include "src/ingest/importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sqlite3.h>

#include "src/classify/test_util.h"
#include "src/common/strings.h"
#include "src/crypto/hash.h"
#include "src/common/testing/temp_dir.h"

namespace jv::ingest {
namespace {

namespace fs = std::filesystem;
using classify::testing::MakeId;
using classify::testing::WrongCheck;
using json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Date kDate{2025, 6, 30};

// Synthetic identifiers (computed check digits; no real person's numbers).
const std::string kIdA = MakeId("11010519900307123");      // born 1990-03-07, Beijing
const std::string kIdB15 = "110105800101123";              // 15 digits, born 1980-01-01
const std::string kIdB18 = MakeId("11010519800101123");    // its 18-digit form
const std::string kIdMinor = MakeId("11010520120501234");  // born 2012-05-01: 13 on kDate
const std::string kIdC = MakeId("44010619851111345");      // Guangzhou
const std::string kIdD = MakeId("31010119770707456");      // Shanghai

// The customers file of the main test: UTF-8 with BOM and CRLF line ends. Row by row
// (1-based data rows) with what §5.3/§5.4 make of it:
//   1 new subject S1 (ID A, mobile 138..., e-mail)
//   2 new subject S2 (15-digit ID converted; notes hold a mobile -> free_text_pii)
//   3 ID with a wrong check digit; mobile of S1 -> joins S1 (rule 2)
//   4 Excel-mangled ID, name only -> new subject S3
//   5 delimiters only -> rejected (nothing identifying)
//   6 two fields -> rejected (field count)
//   7 a minor (ID born 2012) whose birth-date column disagrees -> S4, minor, conflict
//   8 new ID C with S1's mobile -> new subject S5, shared_contact
//   9 no ID, new mobile + e-mail -> S6
//  10 ID D with S6's mobile; S6 has no ID -> joins S6, which takes ID D
//  11 e-mail of S6 in upper case -> joins S6
//  12 name only, a quoted note over two lines -> S7
std::string CustomersCsv() {
  std::string s = "\xEF\xBB\xBF";
  s += "会员卡号,姓名,性别,出生日期,身份证号,手机,邮箱,地址,门店,积分,储值余额,备注\r\n";
  s += "VIP001,张三,男,1990-03-07," + kIdA +
       ",138 0013 8000,zs@example.com,北京市朝阳区建国路88号,朝阳店,1200,\"¥1,234.50\",老客户\r\n";
  s += "VIP002,李四,女,," + kIdB15 +
       ",+86 139-0013-9000,,广东省广州市天河区体育西路1号,天河店,,,电话13900139001\r\n";
  s += ",王五,,," + WrongCheck(kIdA) + ",13800138000,,,,,,\r\n";
  s += ",赵六,,,4.40106E+17,,,,,,,\r\n";
  s += ",,,,,,,,,,,\r\n";
  s += "VIP006,孙七\r\n";
  s += ",小明,,2015-01-01," + kIdMinor + ",13700137000,,,,,,\r\n";
  s += ",周八,,," + kIdC + ",13800138000,,,,,,\r\n";
  s += ",吴九,,,,15000150000,wu@example.com,,,,,\r\n";
  s += ",,,," + kIdD + ",１５０００１５００００,,,,,,\r\n";
  s += ",,,,,,WU@Example.com,,,,,\r\n";
  s += ",郑十,,,,,,,,,,\"第一行\r\n第二行\"\r\n";
  return s;
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vault_dir_ = tmp_.File("vault");
    ASSERT_TRUE(InitVault(vault_dir_));
    v_ = OpenVault(vault_dir_);
  }

  // Creates an empty vault in `dir` (the test passphrase, a cheap scrypt).
  ::testing::AssertionResult InitVault(const std::string& dir) {
    vault::InitOptions o;
    o.dir = dir;
    o.company = "测试珠宝有限公司";
    o.passphrase = SecretBuffer::FromString("a synthetic test passphrase");
    o.scrypt.n = 1 << 10;
    auto init = vault::Vault::Init(o, clock_, random_);
    if (init.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << init.status().ToString();
  }

  std::unique_ptr<vault::Vault> OpenVault(const std::string& dir) {
    vault::UnlockOptions u;
    u.passphrase = SecretBuffer::FromString("a synthetic test passphrase");
    auto v = vault::Vault::Open(dir, std::move(u), clock_, random_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? std::move(v).value() : nullptr;
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = tmp_.File(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  ImportOptions Options(const std::string& path) {
    ImportOptions o;
    o.path = path;
    o.import_date = kDate;
    return o;
  }

  // Every byte of every file under the vault directory.
  std::string VaultBytes(const std::string& dir) {
    std::string all;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }
  std::string VaultDigest(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    std::string all;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += f + "\n" + ss.str();
    }
    return HexEncode(crypto::Sha256(AsBytes(all)));
  }

  std::vector<std::string> Find(const std::string& kind, const std::string& value) {
    auto r = v_->FindByIndex(kind, value);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<std::string>{};
  }

  json Attrs(const std::string& id) {
    auto s = v_->store().GetSubject(id);
    EXPECT_TRUE(s.ok());
    return json::parse(s->attrs_json);
  }

  std::map<std::string, json> Current(const std::string& id) {
    auto recs = v_->ReadRecords(id);
    EXPECT_TRUE(recs.ok());
    return CurrentValues(*recs, vault::kClassProfile, kDate);
  }

  static json Comparable(const ImportReport& r) {
    json j = r.ToJson();
    j.erase("seconds");
    j.erase("source");
    return j;
  }

  // Rows of the vault database that break a foreign key (PRAGMA foreign_key_check).
  int ForeignKeyViolations() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((vault_dir_ + "/vault.db").c_str(), &db, SQLITE_OPEN_READONLY,
                              nullptr),
              SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, nullptr), SQLITE_OK);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) ++n;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  jv::testing::TempDir tmp_;
  std::string vault_dir_;
  FakeClock clock_{int64_t{1751250000} * 1000000};  // 2025-06-30
  SystemRandom random_;
  std::unique_ptr<vault::Vault> v_;
};

TEST_F(ImporterTest, CustomersCsvCountsFollowTheSpec) {
  std::string path = Write("customers.csv", CustomersCsv());
  auto r = ImportFile(*v_, Options(path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "csv");
  EXPECT_EQ(r->encoding, "utf-8-bom");
  EXPECT_EQ(r->kind, "customers");
  EXPECT_EQ(r->rows_read, 12);
  EXPECT_EQ(r->rows_rejected, 2);
  EXPECT_EQ(r->rows_imported, 10);
  EXPECT_EQ(r->subjects_created, 7);
  EXPECT_EQ(r->rows_merged, 3);
  EXPECT_EQ(r->shared_contact, 1);
  EXPECT_EQ(r->minors, 1);
  EXPECT_EQ(r->birth_date_conflicts, 1);
  EXPECT_EQ(r->free_text_pii, 1);
  EXPECT_EQ(r->id_number.valid, 5);
  EXPECT_EQ(r->id_number.converted15, 1);
  EXPECT_EQ(r->id_number.bad_checksum, 1);
  EXPECT_EQ(r->id_number.excel_mangled, 1);
  EXPECT_EQ(r->id_number.invalid, 2);
  auto f = [&](const char* name) { return r->fields.at(name); };
  EXPECT_EQ(f("id_number").present, 7);
  EXPECT_EQ(f("id_number").valid, 5);
  EXPECT_EQ(f("id_number").invalid, 2);
  EXPECT_EQ(f("mobile").present, 7);
  EXPECT_EQ(f("mobile").valid, 7);
  EXPECT_EQ(f("email").present, 3);
  EXPECT_EQ(f("email").valid, 3);
  EXPECT_EQ(f("name").present, 8);
  EXPECT_EQ(f("name").valid, 8);
  EXPECT_EQ(f("birth_date").present, 2);
  EXPECT_EQ(f("points").valid, 1);
  EXPECT_EQ(f("prepaid_balance").valid, 1);
  EXPECT_EQ(f("notes").present, 3);
  EXPECT_EQ(f("landline").present, 0);  // every field of the kind is listed
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_EQ(r->rejected[0].row, 5);
  EXPECT_THAT(r->rejected[0].reason, HasSubstr("none of name"));
  EXPECT_EQ(r->rejected[1].row, 6);
  EXPECT_EQ(r->rejected[1].reason, "expected 12 fields, found 2");

  // Every §5.5 key is in the JSON form.
  json j = r->ToJson();
  for (const char* k :
       {"source", "encoding", "kind", "rows_read", "rows_rejected", "rows_imported",
        "subjects_created", "rows_merged", "shared_contact", "minors", "fields", "id_number",
        "free_text_pii", "rejected", "seconds"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_EQ(j["rejected"][1]["reason"], "expected 12 fields, found 2");

  // Subjects through the blind indexes (canonical forms).
  auto s1 = Find("mobile", "13800138000");
  ASSERT_EQ(s1.size(), 2u);  // S1 (row 1) then S5 (row 8, shared contact)
  EXPECT_THAT(Find("id_number", kIdA), ElementsAre(s1[0]));
  EXPECT_THAT(Find("id_number", kIdC), ElementsAre(s1[1]));
  EXPECT_THAT(Find("id_number", kIdB18).size(), 1u);
  EXPECT_THAT(Find("name", CanonicalName("张三")), ElementsAre(s1[0]));
  EXPECT_THAT(Find("member_no", "VIP001"), ElementsAre(s1[0]));
  auto s6 = Find("email", "wu@example.com");
  ASSERT_EQ(s6.size(), 1u);
  EXPECT_THAT(Find("id_number", kIdD), ElementsAre(s6[0]));
  EXPECT_THAT(Find("mobile", "15000150000"), ElementsAre(s6[0]));

  // Current values: newest non-empty (valid) value per field, every value kept.
  auto recs = v_->ReadRecords(s1[0]);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].row_no, 1);
  EXPECT_EQ((*recs)[1].row_no, 3);
  EXPECT_EQ((*recs)[0].fields["prepaid_balance"], 123450);  // fen
  EXPECT_EQ((*recs)[0].fields["points"], "1200");
  EXPECT_EQ((*recs)[0].fields["mobile"], "13800138000");
  EXPECT_EQ((*recs)[1].fields["id_number"], WrongCheck(kIdA));  // kept, marked invalid
  EXPECT_THAT((*recs)[1].fields["_invalid"], ElementsAre("id_number"));
  auto cur = Current(s1[0]);
  EXPECT_EQ(cur["name"], "王五");        // newest
  EXPECT_EQ(cur["id_number"], kIdA);    // the valid one stays current
  EXPECT_EQ(cur["birth_date"], "1990-03-07");
  EXPECT_EQ(cur["store"], "朝阳店");

  // Clear attributes are non-identifying.
  json a1 = Attrs(s1[0]);
  EXPECT_EQ(a1["store"], "朝阳店");
  EXPECT_EQ(a1["province"], "11");
  EXPECT_EQ(a1["city"], "1101");
  EXPECT_EQ(a1["region_from"], "id");
  EXPECT_EQ(a1["minor"], false);
  EXPECT_EQ(a1["has_id"], true);
  json a6 = Attrs(s6[0]);
  EXPECT_EQ(a6["has_id"], true);
  EXPECT_EQ(a6["province"], "31");
  auto minor = Find("id_number", kIdMinor);
  ASSERT_EQ(minor.size(), 1u);
  EXPECT_EQ(Attrs(minor[0])["minor"], true);
  EXPECT_EQ(Current(minor[0])["birth_date"], "2012-05-01");  // the ID's date wins
  auto s2 = Find("id_number", kIdB18);
  EXPECT_EQ(Attrs(s2[0])["province"], "11");

  // One source, complete; one audit entry for the import.
  auto sources = v_->store().ListSources();
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].status, "complete");
  bool found = false;
  ASSERT_TRUE(v_->store()
                  .ForEachAudit(1, 1000,
                                [&](const store::AuditRow& row) -> Status {
                                  if (row.line.find("\"import\"") != std::string::npos) {
                                    EXPECT_FALSE(found);
                                    found = true;
                                    EXPECT_THAT(row.line, HasSubstr("subjects_created"));
                                  }
                                  return Status::Ok();
                                })
                  .ok());
  EXPECT_TRUE(found);
}

TEST_F(ImporterTest, NoPlaintextReachesTheVaultFiles) {
  std::string path = Write("customers.csv", CustomersCsv());
  ASSERT_TRUE(ImportFile(*v_, Options(path)).ok());
  v_.reset();  // close: checkpoint state as a user would leave it
  std::string bytes = VaultBytes(vault_dir_);
  for (const std::string& needle :
       {std::string("张三"), std::string("王五"), std::string("周八"), std::string("13800138000"),
        std::string("15000150000"), kIdA, kIdC, kIdD, kIdB18, kIdB15, kIdMinor,
        std::string("zs@example.com"), std::string("wu@example.com"), std::string("建国路"),
        std::string("VIP001"), std::string("第二行")}) {
    EXPECT_EQ(bytes.find(needle), std::string::npos) << "a test value is in the vault files";
  }
}

TEST_F(ImporterTest, SameFileIsRefusedUnlessForcedAndForceMerges) {
  std::string path = Write("customers.csv", CustomersCsv());
  ASSERT_TRUE(ImportFile(*v_, Options(path)).ok());
  v_.reset();  // digests are compared with the vault closed, as between two commands
  std::string before = VaultDigest(vault_dir_);
  v_ = OpenVault(vault_dir_);
  auto again = ImportFile(*v_, Options(path));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("--force"));
  v_.reset();
  EXPECT_EQ(VaultDigest(vault_dir_), before);
  v_ = OpenVault(vault_dir_);
  // Another name, same bytes: the same file.
  std::string copy = Write("renamed.csv", CustomersCsv());
  EXPECT_EQ(ImportFile(*v_, Options(copy)).status().code(), StatusCode::kAlreadyExists);
  auto prev = FindCompletedImport(*v_, Options(copy));
  ASSERT_TRUE(prev.ok());
  ASSERT_TRUE(prev->has_value());

  ImportOptions o = Options(path);
  o.force = true;
  auto forced = ImportFile(*v_, o);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  // Every row merges: rows with an ID, mobile or e-mail join their subjects by §5.4; the
  // two with none of them (row 4: mangled ID, row 12: name only) join the subjects their
  // first import made.
  EXPECT_EQ(forced->rows_imported, 10);
  EXPECT_EQ(forced->subjects_created, 0);
  EXPECT_EQ(forced->rows_merged, 10);
  EXPECT_EQ(forced->shared_contact, 0);  // ID C is now held: row 8 joins its subject
  EXPECT_EQ(forced->minors, 1);          // updated by this import, still 13
  auto s1 = Find("id_number", kIdA);
  ASSERT_EQ(s1.size(), 1u);
  EXPECT_EQ(v_->ReadRecords(s1[0])->size(), 4u);
  auto name_only = Find("name", "郑十");
  ASSERT_EQ(name_only.size(), 1u);
  EXPECT_EQ(v_->ReadRecords(name_only[0])->size(), 2u);
  auto sources = v_->store().ListSources();
  EXPECT_EQ(sources->size(), 2u);
  auto counts = v_->store().CountSubjectsByState();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["active"], 7);

  // A subject whose records are gone (shredded) is not joined again: its row is new.
  ASSERT_TRUE(v_->store().DeleteRecords(name_only[0], std::nullopt).ok());
  auto third = ImportFile(*v_, o);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->subjects_created, 1);
  EXPECT_EQ(third->rows_merged, 9);
}

// §5.4 "the earliest one if several do" across imports: the subject that came to hold the
// mobile first (the blind index's order, subject_resolver.h), which a forced re-import of
// the same file finds again. S1 (ID A) and S2 (ID C, mobile M2) come from one file; a
// second file gives S1 the mobile M2 too, after S2. A third file's row without an ID but
// with M2 joins S2.
TEST_F(ImporterTest, EarliestHolderIsTheFirstToHoldAcrossImports) {
  const std::string header = "姓名,手机,身份证号\n";
  std::string first = Write("first.csv", header + "甲," + "13800138001," + kIdA + "\n" +
                                             "乙,13800138002," + kIdC + "\n");
  ASSERT_TRUE(ImportFile(*v_, Options(first)).ok());
  clock_.AdvanceSeconds(60);
  std::string second = Write("second.csv", header + "甲,13800138002," + kIdA + "\n");
  auto r2 = ImportFile(*v_, Options(second));
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->rows_merged, 1);
  std::vector<std::string> holders = Find("mobile", "13800138002");
  ASSERT_EQ(holders.size(), 2u);
  const std::string s2 = holders[0];  // the first to hold M2
  const std::string s1 = holders[1];
  ASSERT_EQ(Find("id_number", kIdA), std::vector<std::string>{s1});
  clock_.AdvanceSeconds(60);
  std::string third = Write("third.csv", header + "丙,13800138002,\n");
  auto r3 = ImportFile(*v_, Options(third));
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  EXPECT_EQ(r3->rows_merged, 1);
  EXPECT_EQ(r3->subjects_created, 0);
  EXPECT_EQ(Current(s2)["name"], "丙");
  EXPECT_EQ(Current(s1)["name"], "甲");
}

TEST_F(ImporterTest, InterruptedImportResumesToTheSameReport) {
  std::string path = Write("customers.csv", CustomersCsv());
  // A clean run in another vault.
  std::string other = tmp_.File("other");
  ASSERT_TRUE(InitVault(other));
  auto ov = OpenVault(other);
  ImportOptions clean = Options(path);
  clean.batch_rows = 2;
  auto want = ImportFile(*ov, clean);
  ASSERT_TRUE(want.ok()) << want.status().ToString();

  for (int stop_after : {1, 2, 3, 5}) {
    SCOPED_TRACE(stop_after);
    jv::testing::TempDir dir;
    std::string vd = dir.File("v");
    ASSERT_TRUE(InitVault(vd));
    auto v = OpenVault(vd);
    ImportOptions crash = Options(path);
    crash.batch_rows = 2;
    int batches = 0;
    crash.after_batch_for_test = [&](int64_t) -> Status {
      return ++batches == stop_after ? InternalError("simulated crash") : Status::Ok();
    };
    auto first = ImportFile(*v, crash);
    ASSERT_FALSE(first.ok());
    v.reset();
    v = OpenVault(vd);  // a new process
    auto sources = v->store().ListSources();
    ASSERT_EQ(sources->size(), 1u);
    EXPECT_EQ((*sources)[0].status, "running");
    ImportOptions resume = Options(path);
    resume.batch_rows = 3;  // the batch size does not change the outcome
    auto got = ImportFile(*v, resume);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(got->resumed);
    EXPECT_EQ(Comparable(*got), Comparable(*want));
    auto count = v->store().CountSubjectsByState();
    EXPECT_EQ((*count)["active"], 7);
    EXPECT_EQ(ImportFile(*v, resume).status().code(), StatusCode::kAlreadyExists);
  }
}

TEST_F(ImporterTest, InterruptedForcedReimportResumesAndStillMergesEveryRow) {
  std::string path = Write("customers.csv", CustomersCsv());
  ASSERT_TRUE(ImportFile(*v_, Options(path)).ok());
  for (int stop_after : {1, 3}) {
    SCOPED_TRACE(stop_after);
    ImportOptions crash = Options(path);
    crash.force = true;
    crash.batch_rows = 2;
    int batches = 0;
    crash.after_batch_for_test = [&](int64_t) -> Status {
      return ++batches == stop_after ? InternalError("simulated crash") : Status::Ok();
    };
    ASSERT_FALSE(ImportFile(*v_, crash).ok());
    v_.reset();
    v_ = OpenVault(vault_dir_);  // a new process; the same command, as the operator types it
    ImportOptions again = Options(path);
    again.force = true;
    auto got = ImportFile(*v_, again);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(got->resumed);
    EXPECT_EQ(got->rows_imported, 10);
    EXPECT_EQ(got->rows_merged, 10);
    EXPECT_EQ(got->subjects_created, 0);
    auto count = v_->store().CountSubjectsByState();
    EXPECT_EQ((*count)["active"], 7);
  }
}

TEST_F(ImporterTest, FinishingIsAnnouncedOnceAfterTheLastRowAndBeforeTheLastBatch) {
  std::string path = Write("customers.csv", CustomersCsv());
  ImportOptions o = Options(path);
  o.batch_rows = 2;
  std::vector<std::string> events;
  o.progress = [&](int64_t done, int64_t total) {
    events.push_back("progress " + std::to_string(done) + "/" + std::to_string(total));
  };
  o.finishing = [&] { events.push_back("finishing"); };
  o.after_batch_for_test = [&](int64_t) -> Status {
    events.push_back("batch");
    return Status::Ok();
  };
  ASSERT_TRUE(ImportFile(*v_, o).ok());
  auto finishing = std::find(events.begin(), events.end(), "finishing");
  ASSERT_NE(finishing, events.end());
  EXPECT_EQ(std::count(events.begin(), events.end(), "finishing"), 1);
  ASSERT_NE(finishing, events.begin());
  EXPECT_EQ(*(finishing - 1), "progress 12/12");  // the bar is full first
  EXPECT_EQ(std::count(finishing, events.end(), "batch"), 1);  // the last batch follows
  EXPECT_EQ(std::count(finishing, events.end(), "progress 12/12"), 0);
}

TEST_F(ImporterTest, ScanGivesTheSameCountsAndStoresNothing) {
  std::string path = Write("customers.csv", CustomersCsv());
  std::string before = VaultDigest(vault_dir_);
  auto scan = ScanFile(Options(path), clock_);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(VaultDigest(vault_dir_), before);
  ASSERT_EQ(scan->columns.size(), 12u);
  EXPECT_EQ(scan->columns[5].detectors["mobile"], scan->columns[5].non_empty);
  auto imp = ImportFile(*v_, Options(path));
  ASSERT_TRUE(imp.ok());
  EXPECT_EQ(Comparable(scan->report), Comparable(*imp));
}

TEST_F(ImporterTest, UnknownHeadersAreDetectedFromValuesAndMappingOverrides) {
  std::string csv = "col_a,col_b,col_c,col_d\n";
  for (int i = 0; i < 10; ++i) {
    csv += "13" + std::to_string(800000000 + i) + ",u" + std::to_string(i) + "@example.com," +
           "x" + std::to_string(i) + ",备注" + std::to_string(i) + "\n";
  }
  std::string path = Write("unknown.csv", csv);
  auto scan = ScanFile(Options(path), clock_);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  const auto& m = scan->report.mapping;
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].field, "mobile");
  EXPECT_EQ(m[0].how, MappedBy::kValues);
  EXPECT_EQ(m[1].field, "email");
  EXPECT_EQ(m[2].field, "");
  EXPECT_EQ(m[2].how, MappedBy::kNone);
  EXPECT_EQ(scan->report.subjects_created, 10);

  ImportOptions o = Options(path);
  auto mo = ParseMappingToml("[columns]\n\"col_c\" = \"member_no\"\n\"#4\" = \"notes\"\n"
                             "col_b = \"ignore\"\n");
  ASSERT_TRUE(mo.ok()) << mo.status().ToString();
  o.mapping = *mo;
  auto r = ImportFile(*v_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mapping[1].field, "");
  EXPECT_EQ(r->mapping[1].how, MappedBy::kMappingFile);
  EXPECT_EQ(r->mapping[2].field, "member_no");
  EXPECT_EQ(r->fields.at("member_no").present, 10);
  EXPECT_EQ(r->fields.at("notes").present, 10);
  EXPECT_EQ(r->fields.at("email").present, 0);
  auto s = Find("mobile", "13800000003");
  ASSERT_EQ(s.size(), 1u);
  auto recs = v_->ReadRecords(s[0]);
  EXPECT_EQ((*recs)[0].fields["c2"], "u3@example.com");  // ignored column: kept, unmapped

  o.mapping = ParseMappingToml("[columns]\n\"nope\" = \"mobile\"\n").value();
  o.force = true;
  EXPECT_EQ(ImportFile(*v_, o).status().code(), StatusCode::kInvalidArgument);
  o.mapping = ParseMappingToml("[columns]\n\"col_a\" = \"shoe_size\"\n").value();
  EXPECT_EQ(ImportFile(*v_, o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ImporterTest, BadFilesFailNamingWhereAndLeaveTheVaultUnchanged) {
  v_.reset();  // digests are compared with the vault closed, as between two commands
  std::string before = VaultDigest(vault_dir_);
  v_ = OpenVault(vault_dir_);
  // Binary data after a few good rows: found by the pre-pass, nothing is stored.
  std::string bin = "姓名,手机\n张三,13800138000\n李四,13900139000\n";
  bin += std::string("\x01\x02\x00\x03garbage\x00", 12) + "\n";
  auto r = ImportFile(*v_, Options(Write("bin.csv", bin)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("bin.csv: line 4"));
  // A truncated workbook.
  std::string xlsx = std::string("PK\x03\x04", 4) + std::string(200, '\x11');
  r = ImportFile(*v_, Options(Write("cut.xlsx", xlsx)));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("cut.xlsx"));
  // An unclosed quote at the end.
  r = ImportFile(*v_, Options(Write("quote.csv", "姓名,手机\n张三,\"138\n")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  // No such file.
  r = ImportFile(*v_, Options(tmp_.File("absent.csv")));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  // Messages never quote a value.
  EXPECT_EQ(std::string(r.status().message()).find("13800138000"), std::string::npos);
  v_.reset();
  EXPECT_EQ(VaultDigest(vault_dir_), before);
}

TEST_F(ImporterTest, OtherKindsAttachToSubjectsAndKeepUnmatchedRows) {
  ASSERT_TRUE(ImportFile(*v_, Options(Write("customers.csv", CustomersCsv()))).ok());
  std::string txn = "交易日期,会员卡号,手机,身份证号,金额,支付方式\n";
  txn += "2024-01-02,VIP001,,,\"¥2,000.00\",微信\n";           // member number -> S1
  txn += "2024/1/3,,15000150000,,500,现金\n";                    // mobile -> S6
  txn += "20240104,,,"+ kIdC + ",12.5元,银行卡\n";               // ID -> S5
  txn += "2024-01-05,VIP999,13999999999,,99,现金\n";             // nobody
  txn += "not a date,,,,abc,现金\n";                             // nobody; invalid cells
  ImportOptions o = Options(Write("txn.csv", txn));
  o.kind = ImportKind::kTransactions;
  auto r = ImportFile(*v_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, "transactions");
  EXPECT_EQ(r->rows_read, 5);
  EXPECT_EQ(r->rows_imported, 5);
  EXPECT_EQ(r->rows_merged, 3);
  EXPECT_EQ(r->rows_unmatched, 2);
  EXPECT_THAT(r->unmatched, ElementsAre(4, 5));
  EXPECT_EQ(r->subjects_created, 0);
  EXPECT_EQ(r->fields.at("amount").valid, 4);
  EXPECT_EQ(r->fields.at("amount").invalid, 1);
  EXPECT_EQ(r->fields.at("date").valid, 4);
  EXPECT_EQ(r->mapping[0].field, "date");
  auto s1 = Find("member_no", "VIP001");
  auto recs = v_->ReadRecords(s1[0]);
  ASSERT_TRUE(recs.ok());
  bool seen = false;
  for (const auto& rec : *recs) {
    if (rec.key_class == "accounting_30y") {
      seen = true;
      EXPECT_EQ(rec.fields["amount"], 200000);
      EXPECT_EQ(rec.fields["date"], "2024-01-02");
    }
  }
  EXPECT_TRUE(seen);
  // Unmatched rows are kept under a placeholder subject, not dropped.
  auto count = v_->store().CountSubjectsByState();
  EXPECT_EQ((*count)["unmatched"], 1);
  // Imports run with the store's foreign-key check off (bulk load); the importer keeps
  // the rule itself: every data key, record and index entry has its subject row.
  EXPECT_EQ(ForeignKeyViolations(), 0);
}

// A record's JSON is written by the importer itself (RecordBuilder), not by a JSON library:
// text that needs escaping (quotes, backslash, tab, line break, other control characters)
// and text that does not (DEL, Chinese) reads back unchanged, in a new subject's record
// (sealed on the main thread) and in a merged row's (sealed by the writer).
TEST_F(ImporterTest, RecordTextNeedingJsonEscapesReadsBackUnchanged) {
  const std::string notes = "a\"b\\c\td\x01" "e\x1f\x7f中文\nf\rg";
  std::string csv = "姓名,手机,备注\n";
  csv += "测试甲,13800138000,\"a\"\"b\\c\td\x01" "e\x1f\x7f中文\nf\rg\"\n";
  csv += "测试甲,13800138000,\\\"\n";
  ImportOptions o = Options(Write("escapes.csv", csv));
  o.batch_rows = 1;
  auto r = ImportFile(*v_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_imported, 2);
  EXPECT_EQ(r->subjects_created, 1);
  auto s = Find("mobile", "13800138000");
  ASSERT_EQ(s.size(), 1u);
  auto recs = v_->ReadRecords(s[0]);
  ASSERT_TRUE(recs.ok()) << recs.status().ToString();
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].fields["notes"], notes);
  EXPECT_EQ((*recs)[1].fields["notes"], "\\\"");
}

// Two imports with one-row batches (every batch handed to the writer thread while the
// next row is resolved, each later row updating a subject of the batch in flight) give
// the report and the subjects of one batch.
// The index entries an import appends repeat none, even when a customer's later rows in
// later batches repeat, alternate or add names, bank cards, mobiles and member numbers:
// the final batch can then make the pending table the index and build its UNIQUE index
// by sorting (SqliteStore::AdoptPendingAsIndex). Checked after every batch, from another
// connection, and at the end: one entry per distinct (kind, value).
TEST_F(ImporterTest, PendingIndexEntriesRepeatNone) {
  const std::string card_x = classify::testing::MakeLuhn("622202100000000001");
  const std::string card_y = classify::testing::MakeLuhn("622202100000000002");
  std::string csv = "会员卡号,姓名,身份证号,手机,银行卡号\n";
  const char* names[] = {"张三", "张叁", "张三", "张叁", "张三丰", "张叁"};
  const std::string* cards[] = {&card_x, &card_y, &card_x, &card_y, &card_y, &card_x};
  for (int i = 0; i < 6; ++i) {
    csv += std::string(i % 2 ? "VIP001" : "VIP002") + "," + names[i] + "," + kIdA +
           ",13800138000," + *cards[i] + "\n";
  }
  std::string path = Write("repeats.csv", csv);
  ImportOptions o = Options(path);
  o.batch_rows = 1;
  int batches = 0;
  auto vault_count = [&](const char* sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((vault_dir_ + "/vault.db").c_str(), &db, SQLITE_OPEN_READONLY,
                              nullptr),
              SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);  // the writer may be committing the next batch
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  };
  o.after_batch_for_test = [&](int64_t) -> Status {
    ++batches;
    EXPECT_EQ(vault_count("SELECT count(*) FROM (SELECT 1 FROM blind_index_pending "
                               "GROUP BY kind, mac, subject_id HAVING count(*) > 1)"),
              0)
        << "after batch " << batches;
    return Status::Ok();
  };
  auto r = ImportFile(*v_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(batches, 6);  // one per row; the final batch (no rows left) has no hook
  EXPECT_EQ(r->subjects_created, 1);
  EXPECT_EQ(r->rows_merged, 5);
  // name x3, member_no x2, bank_card x2, id_number, mobile.
  EXPECT_EQ(vault_count("SELECT count(*) FROM blind_index"), 9);
  EXPECT_EQ(vault_count("SELECT count(*) FROM blind_index_pending"), 0);
  for (const char* n : {"张三", "张叁", "张三丰"}) EXPECT_EQ(Find("name", n).size(), 1u) << n;
  EXPECT_EQ(Find("bank_card", card_y).size(), 1u);
  EXPECT_EQ(Find("member_no", "VIP002").size(), 1u);
}

TEST_F(ImporterTest, BatchSizeChangesNothingWithTheWriterThread) {
  std::string path = Write("customers.csv", CustomersCsv());
  ImportOptions big = Options(path);
  big.batch_rows = 1000;
  auto want = ImportFile(*v_, big);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  jv::testing::TempDir dir;
  std::string vd = dir.File("v");
  ASSERT_TRUE(InitVault(vd));
  auto v = OpenVault(vd);
  ImportOptions small = Options(path);
  small.batch_rows = 1;
  auto got = ImportFile(*v, small);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Comparable(*got), Comparable(*want));
  EXPECT_EQ(*v->store().CountSubjectsByState(), *v_->store().CountSubjectsByState());
  auto a = v->FindByIndex("mobile", "13800138000");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);  // S1, then S5 (shared contact)
  auto recs = v->ReadRecords((*a)[0]);
  ASSERT_TRUE(recs.ok());
  EXPECT_EQ(recs->size(), 2u);  // rows 1 and 3
  auto attrs = json::parse(v->store().GetSubject((*a)[0])->attrs_json);
  EXPECT_EQ(attrs["has_id"], true);
  EXPECT_EQ(attrs["store"], "朝阳店");
}

TEST(MappingTomlTest, ParsesAndRejectsNamingTheLine) {
  auto m = ParseMappingToml("# comment\nversion = \"1\"\n[columns]\n\"联系方式\" = \"mobile\"  # x\n"
                            "bare = \"ignore\"\n\n\"#3\" = \"notes\"\n");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->columns.size(), 3u);
  EXPECT_EQ(m->columns[0].first, "联系方式");
  EXPECT_EQ(m->columns[0].second, "mobile");
  EXPECT_EQ(m->columns[1].first, "bare");
  EXPECT_EQ(m->columns[2].first, "#3");
  auto bad = ParseMappingToml("[columns]\n\"a\" = mobile\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("line 2"));
  EXPECT_FALSE(ParseMappingToml("[other]\n").ok());
  EXPECT_FALSE(ParseMappingToml("a = \"b\"\n").ok());  // no [columns]
  EXPECT_FALSE(ParseMappingToml("[columns]\n\"a = \"b\"\n").ok());
}

TEST(MappingTest, HeadersOfEveryKind) {
  EXPECT_EQ(HeaderToKindField(ImportKind::kCustomers, "手机号码"), "mobile");
  EXPECT_EQ(HeaderToKindField(ImportKind::kCustomers, "ＭＯＢＩＬＥ"), "mobile");
  EXPECT_EQ(HeaderToKindField(ImportKind::kCustomers, "余额"), "prepaid_balance");
  EXPECT_EQ(HeaderToKindField(ImportKind::kCustomers, "金额"), std::nullopt);
  EXPECT_EQ(HeaderToKindField(ImportKind::kTransactions, "金额"), "amount");
  EXPECT_EQ(HeaderToKindField(ImportKind::kTransactions, "手机"), "mobile");
  EXPECT_EQ(HeaderToKindField(ImportKind::kTransactions, "积分"), std::nullopt);
  EXPECT_EQ(HeaderToKindField(ImportKind::kItems, "克重"), "weight");
  EXPECT_EQ(HeaderToKindField(ImportKind::kItems, "送修日期"), "date_received");
  EXPECT_EQ(HeaderToKindField(ImportKind::kBalances, "余额"), "prepaid_balance");
  EXPECT_EQ(HeaderToKindField(ImportKind::kBalances, "押金"), "deposit");
  EXPECT_EQ(ParseImportKind("items").value(), ImportKind::kItems);
  EXPECT_FALSE(ParseImportKind("orders").ok());
}

TEST(ImportReportTest, JsonRoundTripAndListCap) {
  ImportReport r = EmptyReport(ImportKind::kCustomers);
  r.source = "a.csv";
  r.file_hash = "ab";
  r.format = "csv";
  r.encoding = "gb18030";
  r.import_date = "2025-06-30";
  r.rows_read = 5;
  r.fields["mobile"] = {3, 2, 1};
  r.id_number.bad_checksum = 1;
  r.id_number.invalid = 1;
  for (int i = 0; i < 3; ++i) r.Reject(i + 1, "expected 2 fields, found 1");
  auto back = ImportReport::FromJson(r.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), r.ToJson());
  EXPECT_EQ(back->rows_rejected, 3);
  EXPECT_EQ(r.ToJson()["fields"].size(), 18u);
  EXPECT_FALSE(ImportReport::FromJson(json::array()).ok());
  ImportReport big;
  for (size_t i = 0; i < ImportReport::kMaxListed + 5; ++i) big.Reject(1, "x");
  EXPECT_EQ(big.rejected.size(), ImportReport::kMaxListed);
  EXPECT_TRUE(big.rejected_truncated);
  EXPECT_EQ(big.rows_rejected, static_cast<int64_t>(ImportReport::kMaxListed + 5));
}

TEST(CanonicalTest, NamesAndMemberNumbers) {
  EXPECT_EQ(CanonicalName(" 张 三 "), "张三");
  EXPECT_EQ(CanonicalName("Zhang  San"), "zhangsan");
  EXPECT_EQ(CanonicalName("ｚｈａｎｇ"), "zhang");
  EXPECT_EQ(CanonicalName(""), "");
  EXPECT_EQ(CanonicalMemberNo(" vip 001 "), "VIP001");
}

TEST(CurrentValuesTest, NewestValidValueWinsThenNewestNonEmpty) {
  std::vector<vault::DecryptedRecord> recs(3);
  recs[0].key_class = "profile";
  recs[0].fields = {{"mobile", "13800138000"}, {"name", "甲"}, {"id_number", kIdA}};
  recs[1].key_class = "profile";
  recs[1].fields = {{"mobile", "12345"}, {"name", ""}, {"_invalid", {"mobile"}},
                    {"email", "bad-email"}};
  recs[2].key_class = "accounting_30y";
  recs[2].fields = {{"name", "乙"}};
  recs[1].fields["_invalid"] = {"mobile", "email"};
  auto cur = CurrentValues(recs, "profile", kDate);
  EXPECT_EQ(cur["mobile"], "13800138000");  // a newer invalid value does not replace it
  EXPECT_EQ(cur["email"], "bad-email");     // no valid value ever: the newest one
  EXPECT_EQ(cur["name"], "甲");             // empty is not a value; other classes ignored
  EXPECT_EQ(cur["birth_date"], "1990-03-07");
  EXPECT_EQ(cur["gender"], "male");
}

}  // namespace
}  // namespace jv::ingest
