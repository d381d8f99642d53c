// datagen end to end: determinism, self-consistency of the expected report, and a second,
// independent view of a generated file (its cells read back from disk and run through
// classify's validators, its rows replayed through a straightforward map-based SPEC §5.4)
// that must agree with what the generator says it built.
#include "src/datagen/datagen.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include "src/classify/address.h"
#include "src/classify/amount.h"
#include "src/classify/bank_card.h"
#include "src/classify/dates.h"
#include "src/classify/email.h"
#include "src/classify/fields.h"
#include "src/classify/free_text.h"
#include "src/classify/id_number.h"
#include "src/classify/mobile.h"
#include "src/classify/name.h"
#include "src/classify/person.h"
#include "src/common/strings.h"

namespace jv::datagen {
namespace {

using classify::Field;
const Date kImport{2025, 6, 30};

class DatagenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jv-datagen-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  Options Opts(const std::string& name, int64_t rows, uint64_t seed = 1) {
    Options o;
    o.rows = rows;
    o.out = Path(name);
    o.seed = seed;
    o.import_date = kImport;
    return o;
  }

  std::filesystem::path dir_;
};

std::string Slurp(const std::string& path) {
  auto r = ReadFileToString(path);
  EXPECT_TRUE(r.ok()) << path;
  return r.ok() ? *r : std::string();
}

// RFC 4180 over a whole UTF-8 file (test data is small).
std::vector<std::vector<std::string>> ParseCsv(std::string_view s, char delim) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  size_t i = 0;
  if (s.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  bool quoted = false, any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == delim) {
      row.push_back(std::move(cell));
      cell.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      if (any || !cell.empty()) {
        row.push_back(std::move(cell));
        rows.push_back(std::move(row));
      }
      row.clear();
      cell.clear();
      any = false;
    } else {
      cell.push_back(c);
      any = true;
    }
  }
  if (any || !cell.empty()) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string Decode(const std::string& bytes, const char* encoding) {
  UErrorCode err = U_ZERO_ERROR;
  std::vector<char> out(bytes.size() * 3 + 16);
  int32_t n = ucnv_convert("UTF-8", encoding, out.data(), static_cast<int32_t>(out.size()),
                           bytes.data(), static_cast<int32_t>(bytes.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  return std::string(out.data(), n);
}

// What the classify validators say about a file: the report computed from the cells.
struct Observed {
  int64_t rows_read = 0, rejected = 0, created = 0, merged = 0, shared = 0, minors = 0;
  std::map<std::string, FieldCount> fields;
  IdCounts ids;
  int64_t free_text_pii = 0;
  std::vector<int64_t> rejected_rows;
  int64_t bad_names = 0, bad_addresses = 0;
  int64_t unmatched = 0;
};

// SPEC §5.4 with maps over the whole file, independent of HouseholdSim.
class SubjectIndex {
 public:
  // Keys are tagged by the caller ("m…", "e…") so a mobile and an e-mail never collide.
  // Returns 0 created, 1 created + shared contact, 2 merged.
  int Apply(const std::string& id, const std::string& mobile, const std::string& email) {
    int s = -1;
    int outcome = 0;
    if (!id.empty()) {
      auto it = by_id_.find(id);
      if (it != by_id_.end()) {
        s = it->second;
        outcome = 2;
      } else {
        s = EarliestIdless(mobile);
        if (s < 0) s = EarliestIdless(email);
        if (s >= 0) {
          has_id_[s] = true;
          by_id_[id] = s;
          outcome = 2;
        } else {
          bool shared = Held(mobile) || Held(email);
          s = New();
          has_id_[s] = true;
          by_id_[id] = s;
          outcome = shared ? 1 : 0;
        }
      }
    } else {
      s = Earliest(mobile);
      if (s < 0) s = Earliest(email);
      if (s >= 0) {
        outcome = 2;
      } else {
        s = New();
      }
    }
    if (!mobile.empty()) holders_[mobile].insert(s);
    if (!email.empty()) holders_[email].insert(s);
    return outcome;
  }

 private:
  int New() {
    has_id_.push_back(false);
    return static_cast<int>(has_id_.size()) - 1;
  }
  const std::set<int>* HoldersOf(const std::string& key) const {
    if (key.empty()) return nullptr;
    auto it = holders_.find(key);
    return it == holders_.end() ? nullptr : &it->second;
  }
  bool Held(const std::string& key) const {
    const auto* h = HoldersOf(key);
    return h != nullptr && !h->empty();
  }
  int Earliest(const std::string& key) const {
    const auto* h = HoldersOf(key);
    return h == nullptr || h->empty() ? -1 : *h->begin();
  }
  int EarliestIdless(const std::string& key) const {
    const auto* h = HoldersOf(key);
    if (h == nullptr) return -1;
    for (int s : *h) {
      if (!has_id_[s]) return s;
    }
    return -1;
  }
  std::map<std::string, int> by_id_;
  std::map<std::string, std::set<int>> holders_;
  std::vector<bool> has_id_;
};

// The columns' fields come from the header through classify::HeaderToField for customer
// files; for other kinds the importer's own names (date, amount, date_received) stand for
// the customer field validated the same way.
Observed Observe(const std::vector<std::vector<std::string>>& table, const ExpectedReport& e) {
  Observed ob;
  const auto& header = table.at(0);
  const bool customers = e.kind == "customers";
  std::vector<Field> fields;
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string& name = e.field_names.at(c);
    std::optional<Field> f;
    if (customers) {
      f = classify::HeaderToField(header[c]);
      EXPECT_TRUE(f.has_value()) << "header column " << c + 1;
      if (f) {
        EXPECT_EQ(classify::FieldName(*f), name);
      }
    } else if (name == "date" || name == "date_received") {
      f = Field::kLastPurchaseDate;
    } else if (name == "amount") {
      f = Field::kTotalSpend;
    } else {
      f = classify::FieldFromName(name);
    }
    fields.push_back(f.value_or(Field::kNotes));
  }
  for (const std::string& name : e.field_names) ob.fields[name];
  SubjectIndex subjects;
  for (size_t r = 1; r < table.size(); ++r) {
    const auto& row = table[r];
    ++ob.rows_read;
    if (row.size() != header.size()) {
      ++ob.rejected;
      ob.rejected_rows.push_back(static_cast<int64_t>(r));
      continue;
    }
    std::map<Field, std::string> norm;
    for (size_t c = 0; c < row.size(); ++c) norm[fields[c]] = NormalizeCell(row[c]).value();
    bool identified = !customers;
    for (Field f : {Field::kName, Field::kMobile, Field::kIdNumber, Field::kEmail,
                    Field::kAddress, Field::kMemberNo}) {
      if (!norm[f].empty()) identified = true;
    }
    if (!identified) {
      ++ob.rejected;
      ob.rejected_rows.push_back(static_cast<int64_t>(r));
      continue;
    }
    std::string id, mobile, email;
    std::optional<Date> birth;
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string& cell = row[c];
      classify::Validity v = norm[fields[c]].empty() ? classify::Validity::kAbsent
                                                     : classify::Validity::kValid;
      switch (fields[c]) {
        case Field::kMobile: {
          auto m = classify::CheckMobile(cell);
          v = m.validity;
          if (m.valid()) mobile = "m" + m.value;
          break;
        }
        case Field::kEmail: {
          auto e = classify::CheckEmail(cell);
          v = e.validity;
          if (e.valid()) email = "e" + e.value;
          break;
        }
        case Field::kIdNumber: {
          auto n = classify::CheckIdNumber(cell, kImport);
          using classify::IdOutcome;
          if (n.valid()) {
            v = classify::Validity::kValid;
            ++ob.ids.valid;
            id = n.canonical;
            birth = n.birth_date;
          } else if (n.present()) {
            v = classify::Validity::kInvalid;
            ++ob.ids.invalid;
          }
          if (n.outcome == IdOutcome::kConverted15) ++ob.ids.converted15;
          if (n.outcome == IdOutcome::kBadChecksum) ++ob.ids.bad_checksum;
          if (n.outcome == IdOutcome::kExcelMangled) ++ob.ids.excel_mangled;
          break;
        }
        case Field::kBankCard: v = classify::CheckBankCard(cell).validity; break;
        case Field::kGender: v = classify::ParseGender(cell).validity; break;
        case Field::kBirthDate:
        case Field::kLastPurchaseDate: {
          auto d = classify::ParseDate(cell);
          v = d.validity;
          if (d.valid() && !classify::IsPlausibleBirthDate(d.value, kImport)) {
            v = classify::Validity::kInvalid;
          }
          break;
        }
        case Field::kPoints:
        case Field::kPrepaidBalance:
        case Field::kTotalSpend: v = classify::ParseAmountFen(cell).validity; break;
        case Field::kName:
          if (v == classify::Validity::kValid && !classify::LooksLikePersonName(cell)) {
            ++ob.bad_names;
          }
          break;
        case Field::kAddress:
          if (v == classify::Validity::kValid && !classify::LooksLikeAddress(cell)) {
            ++ob.bad_addresses;
          }
          break;
        case Field::kNotes:
          if (classify::ContainsPersonalInfo(cell, kImport)) ++ob.free_text_pii;
          break;
        default: break;
      }
      FieldCount& fc = ob.fields[e.field_names[c]];
      if (v != classify::Validity::kAbsent) ++fc.present;
      if (v == classify::Validity::kValid) ++fc.valid;
      if (v == classify::Validity::kInvalid) ++fc.invalid;
    }
    if (!birth) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (fields[c] != Field::kBirthDate) continue;
        auto d = classify::ParseDate(row[c]);
        if (d.valid() && classify::IsPlausibleBirthDate(d.value, kImport)) birth = d.value;
      }
    }
    if (!customers) {
      ++ob.unmatched;  // no subject to attach to in an empty vault
      continue;
    }
    if (birth && classify::IsMinorUnder14(*birth, kImport)) ++ob.minors;
    switch (subjects.Apply(id, mobile, email)) {
      case 0: ++ob.created; break;
      case 1:
        ++ob.created;
        ++ob.shared;
        break;
      default: ++ob.merged;
    }
  }
  return ob;
}

void ExpectAgreement(const ExpectedReport& e, const Observed& ob) {
  EXPECT_EQ(ob.rows_read, e.rows_read);
  EXPECT_EQ(ob.rejected, e.rows_rejected);
  EXPECT_EQ(ob.created, e.subjects_created);
  EXPECT_EQ(ob.merged, e.rows_merged);
  EXPECT_EQ(ob.shared, e.shared_contact);
  EXPECT_EQ(ob.unmatched, e.rows_unmatched);
  EXPECT_EQ(ob.minors, e.minors);
  EXPECT_EQ(ob.free_text_pii, e.free_text_pii);
  EXPECT_EQ(ob.ids.valid, e.id_number.valid);
  EXPECT_EQ(ob.ids.converted15, e.id_number.converted15);
  EXPECT_EQ(ob.ids.bad_checksum, e.id_number.bad_checksum);
  EXPECT_EQ(ob.ids.excel_mangled, e.id_number.excel_mangled);
  EXPECT_EQ(ob.ids.invalid, e.id_number.invalid);
  for (size_t i = 0; i < e.field_names.size(); ++i) {
    const FieldCount& want = e.fields[i];
    const FieldCount& got = ob.fields.at(e.field_names[i]);
    EXPECT_EQ(got.present, want.present) << e.field_names[i];
    EXPECT_EQ(got.valid, want.valid) << e.field_names[i];
    EXPECT_EQ(got.invalid, want.invalid) << e.field_names[i];
  }
  std::vector<int64_t> rows;
  for (const RejectedRow& r : e.rejected) rows.push_back(r.row);
  EXPECT_EQ(ob.rejected_rows, rows);
  EXPECT_EQ(ob.bad_names, 0);
  EXPECT_EQ(ob.bad_addresses, 0);
}

void ExpectSelfConsistent(const ExpectedReport& e) {
  EXPECT_EQ(e.rows_read, e.rows_imported + e.rows_rejected);
  if (e.kind == "customers") {
    EXPECT_EQ(e.rows_imported, e.subjects_created + e.rows_merged);
    EXPECT_EQ(e.rows_unmatched, 0);
  } else {
    EXPECT_EQ(e.rows_imported, e.rows_unmatched + e.rows_merged);
    EXPECT_EQ(e.subjects_created, 0);
  }
  EXPECT_FALSE(e.rejected_truncated);
  EXPECT_EQ(e.rows_rejected, static_cast<int64_t>(e.rejected.size()));
  EXPECT_LE(e.shared_contact, e.subjects_created);
  EXPECT_LE(e.minors, e.subjects_created);
  EXPECT_EQ(e.field_names.size(), e.header.size());
  for (size_t i = 0; i < e.fields.size(); ++i) {
    EXPECT_EQ(e.fields[i].present, e.fields[i].valid + e.fields[i].invalid) << i;
    EXPECT_LE(e.fields[i].present, e.rows_imported) << i;
  }
  auto id = std::find(e.field_names.begin(), e.field_names.end(), "id_number");
  if (id != e.field_names.end()) {
    const FieldCount& f = e.fields[id - e.field_names.begin()];
    EXPECT_EQ(f.valid, e.id_number.valid);
    EXPECT_EQ(f.invalid, e.id_number.invalid);
  }
  EXPECT_LE(e.id_number.converted15, e.id_number.valid);
  EXPECT_LE(e.id_number.bad_checksum + e.id_number.excel_mangled, e.id_number.invalid);
  int64_t last = 0;
  for (const RejectedRow& r : e.rejected) {
    EXPECT_GT(r.row, last);
    EXPECT_LE(r.row, e.rows_read);
    last = r.row;
    EXPECT_TRUE(r.reason == kNoIdentifierReason || StartsWith(r.reason, "expected ")) << r.row;
  }
}

TEST_F(DatagenTest, SameSeedSameBytesOtherSeedOtherBytes) {
  auto a = Generate(Opts("a.csv", 3000, 42));
  auto b = Generate(Opts("b.csv", 3000, 42));
  auto c = Generate(Opts("c.csv", 3000, 43));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status().ToString();
  EXPECT_EQ(Slurp(Path("a.csv")), Slurp(Path("b.csv")));
  EXPECT_NE(Slurp(Path("a.csv")), Slurp(Path("c.csv")));
  auto ja = ExpectedToJson(*a), jb = ExpectedToJson(*b);
  ja.erase("source");
  jb.erase("source");
  EXPECT_EQ(ja, jb);
  // The .expected.json on disk is the returned report.
  auto on_disk = nlohmann::json::parse(Slurp(Path("a.csv.expected.json")));
  EXPECT_EQ(on_disk, ExpectedToJson(*a));
  EXPECT_EQ(on_disk["rows_read"], 3000);
  EXPECT_EQ(on_disk["import_date"], "2025-06-30");
}

TEST_F(DatagenTest, TwentyThousandRowsAgreeWithTheValidators) {
  Options o = Opts("big.csv", 20000, 7);
  o.line_ending = "lf";
  auto e = Generate(o);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ExpectSelfConsistent(*e);
  auto table = ParseCsv(Slurp(o.out), ',');
  ASSERT_EQ(table.size(), 20001u);
  ExpectAgreement(*e, Observe(table, *e));
  // Every quirk shows up at this size.
  EXPECT_GT(e->rows_merged, 1000);
  EXPECT_GT(e->shared_contact, 50);
  EXPECT_GT(e->minors, 50);
  EXPECT_GT(e->free_text_pii, 300);
  EXPECT_GT(e->id_number.converted15, 50);
  EXPECT_GT(e->id_number.bad_checksum, 30);
  EXPECT_GT(e->id_number.excel_mangled, 30);
  EXPECT_GT(e->id_number.invalid, e->id_number.bad_checksum + e->id_number.excel_mangled);
  int field_count = 0, no_id = 0;
  for (const RejectedRow& r : e->rejected) (r.reason == kNoIdentifierReason ? no_id : field_count)++;
  EXPECT_GT(field_count, 10);
  EXPECT_GT(no_id, 10);
  std::string text = Slurp(o.out);
  EXPECT_NE(text.find("\xE3\x80\x80"), std::string::npos);   // U+3000
  EXPECT_NE(text.find("\xEF\xBC\x91"), std::string::npos);   // full-width 1
  EXPECT_NE(text.find("E+17"), std::string::npos);
  EXPECT_NE(text.find("+86 "), std::string::npos);
  EXPECT_NE(text.find("\"\""), std::string::npos);            // doubled quote
  EXPECT_NE(text.find("年"), std::string::npos);
}

TEST_F(DatagenTest, EveryKindProfileAndTsvAgree) {
  int n = 0;
  for (const char* kind : {"customers", "transactions", "items", "balances"}) {
    for (int profile = 0; profile < 3; ++profile) {
      Options o = Opts(std::string(kind) + std::to_string(profile) + ".tsv", 4000, 100 + n++);
      o.kind = kind;
      o.profile = profile;
      auto e = Generate(o);
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      SCOPED_TRACE(std::string(kind) + " profile " + std::to_string(profile));
      ExpectSelfConsistent(*e);
      EXPECT_EQ(e->format, "tsv");
      ExpectAgreement(*e, Observe(ParseCsv(Slurp(o.out), '\t'), *e));
    }
  }
}

TEST_F(DatagenTest, EncodingsCarryTheSameText) {
  Options o = Opts("u.csv", 3000, 5);
  ASSERT_TRUE(Generate(o).ok());
  std::string utf8 = Slurp(o.out);
  for (const char* enc : {"utf-8-bom", "gb18030", "utf-16le"}) {
    Options p = Opts(std::string("x-") + enc + ".csv", 3000, 5);
    p.encoding = enc;
    auto e = Generate(p);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->encoding, enc);
    std::string bytes = Slurp(p.out);
    std::string decoded;
    if (std::string(enc) == "utf-8-bom") {
      ASSERT_EQ(bytes.substr(0, 3), "\xEF\xBB\xBF");
      decoded = bytes.substr(3);
    } else if (std::string(enc) == "gb18030") {
      EXPECT_FALSE(IsValidUtf8(bytes));  // really converted
      decoded = Decode(bytes, "GB18030");
    } else {
      ASSERT_EQ(bytes.substr(0, 2), "\xFF\xFE");
      decoded = Decode(bytes.substr(2), "UTF-16LE");
    }
    EXPECT_EQ(decoded, utf8) << enc;
  }
}

TEST_F(DatagenTest, JsonlIsOneObjectPerRow) {
  Options o = Opts("j.jsonl", 2000, 9);
  auto e = Generate(o);
  ASSERT_TRUE(e.ok());
  ExpectSelfConsistent(*e);
  for (const RejectedRow& r : e->rejected) EXPECT_EQ(r.reason, kNoIdentifierReason);
  std::vector<std::vector<std::string>> table;
  table.push_back(e->header);
  std::string text = Slurp(o.out);
  for (std::string_view line : Split(text, '\n')) {
    if (line.empty() || line == "\r") continue;
    auto obj = nlohmann::json::parse(line);
    std::vector<std::string> row;
    for (const std::string& h : e->header) row.push_back(obj.at(h).get<std::string>());
    table.push_back(row);
  }
  ASSERT_EQ(table.size(), 2001u);
  ExpectAgreement(*e, Observe(table, *e));
}

TEST_F(DatagenTest, RejectsBadOptions) {
  Options o = Opts("x.csv", 0);
  EXPECT_EQ(Generate(o).status().code(), StatusCode::kInvalidArgument);
  o = Opts("x.xlsx", 10);
  o.encoding = "gb18030";
  EXPECT_EQ(Generate(o).status().code(), StatusCode::kInvalidArgument);
  o = Opts("x.csv", 10);
  o.kind = "orders";
  EXPECT_EQ(Generate(o).status().code(), StatusCode::kInvalidArgument);
  o = Opts("x.csv", 10);
  o.encoding = "latin1";
  EXPECT_EQ(Generate(o).status().code(), StatusCode::kInvalidArgument);
  o = Opts("x.csv", 10);
  o.line_ending = "cr";
  EXPECT_EQ(Generate(o).status().code(), StatusCode::kInvalidArgument);
  o.out = Path("no/such/dir/x.csv");
  o.line_ending = "lf";
  EXPECT_EQ(Generate(o).status().code(), StatusCode::kNotFound);
  QuirkRates r;
  EXPECT_TRUE(SetQuirkRate(&r, "family", 0.5).ok());
  EXPECT_EQ(r.family, 0.5);
  EXPECT_EQ(SetQuirkRate(&r, "family", 1.5).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SetQuirkRate(&r, "nope", 0.1).code(), StatusCode::kInvalidArgument);
}

TEST_F(DatagenTest, RatesChangeTheMix) {
  Options o = Opts("r.csv", 5000, 3);
  ASSERT_TRUE(SetQuirkRate(&o.rates, "family", 0).ok());
  ASSERT_TRUE(SetQuirkRate(&o.rates, "reject_field_count", 0).ok());
  ASSERT_TRUE(SetQuirkRate(&o.rates, "reject_no_identifier", 0).ok());
  ASSERT_TRUE(SetQuirkRate(&o.rates, "notes", 0).ok());
  auto e = Generate(o);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->shared_contact, 0);
  EXPECT_EQ(e->rows_rejected, 0);
  EXPECT_EQ(e->free_text_pii, 0);
  ExpectAgreement(*e, Observe(ParseCsv(Slurp(o.out), ','), *e));
}

// XLSX: opened by a third-party reader (python3-openpyxl), shared and inline strings.
TEST_F(DatagenTest, XlsxOpensWithOpenpyxl) {
  if (std::system("/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3-openpyxl not installed";
  }
  for (const char* strings : {"shared", "inline"}) {
    Options o = Opts(std::string("w-") + strings + ".xlsx", 2000, 21);
    o.xlsx_strings = strings;
    auto e = Generate(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    ExpectSelfConsistent(*e);
    std::string script = Path("check.py");
    ASSERT_TRUE(WriteFileAtomic(script, R"PY(
import sys, zipfile, datetime, json, openpyxl
path, strings = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(path)
sheet = z.read("xl/worksheets/sheet1.xml").decode()
has_sst = "xl/sharedStrings.xml" in z.namelist()
if strings == "shared":
    assert has_sst and 't="s"' in sheet and 'inlineStr' not in sheet, "expected shared strings"
else:
    assert 'inlineStr' in sheet and 't="s"' not in sheet, "expected inline strings"
wb = openpyxl.load_workbook(path, read_only=True)
rows = list(wb.worksheets[0].iter_rows(values_only=True))
header = json.load(open(path + ".expected.json"))["datagen"]["header"]
assert list(rows[0]) == header, "header"
assert len(rows) == 2001, len(rows)
dates = sum(1 for r in rows[1:] for v in r if isinstance(v, datetime.datetime))
numbers = sum(1 for r in rows[1:] for v in r if isinstance(v, (int, float)))
assert dates > 100 and numbers > 100, (dates, numbers)
print("ok")
)PY",
                                0644)
                    .ok());
    std::string cmd = "/usr/bin/python3 " + script + " " + o.out + " " + strings + " >/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << strings;
  }
}

}  // namespace
}  // namespace jv::datagen
