#include "src/ingest/record_builder.h"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace jv::ingest {
namespace {

using json = nlohmann::json;

const Date kImportDate{2026, 11, 27};

// RecordBuilder's output against the reference it promises: the same (name, cell) pairs set
// on an nlohmann object one by one (a repeated name overwrites), "_invalid" the list of
// invalid names, dumped. Fixed-seed random rows mix repeated names, names that sort before
// and after "_invalid", JSON escapes, amounts and text.
TEST(RecordBuilderTest, SameBytesAsNlohmannForRandomRows) {
  const std::vector<std::string> names = {"name",  "mobile", "mobile.c3", "A",   "_a",
                                          "c7",    "notes",  "total_spend", "z", "名字"};
  const std::vector<std::string> texts = {"张三", "", "a\"b", "back\\slash", "tab\there",
                                          "\x01\x1f", "138 0013 8000", "ｘ", "line\nbreak"};
  std::mt19937 rng(20261127);  // fixed: the same rows on every run
  RecordBuilder rb;
  std::string out_names, out_plain;
  for (int row = 0; row < 2000; ++row) {
    std::deque<Cell> cells;  // stable addresses: the builder references them
    json want = json::object();
    json invalid = json::array();
    std::vector<std::string> owned_names;
    rb.Clear();
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      Cell& c = cells.emplace_back();
      c.present = true;
      c.valid = rng() % 4 != 0;
      c.norm = texts[rng() % texts.size()];
      if (c.valid && rng() % 3 == 0) {
        c.amount = true;
        c.fen = static_cast<int64_t>(rng() % 2000000) - 1000000;
      } else if (c.valid && rng() % 2 == 0) {
        c.canonical = "canon-" + c.norm;
      }
      std::string_view name = names[rng() % names.size()];
      if (rng() % 5 == 0) name = rb.Own(std::string(name) + ".c" + std::to_string(k + 1));
      if (!c.valid) {
        rb.AddInvalid(name);
        invalid.push_back(std::string(name));
      }
      rb.Add(name, c);
      if (c.valid && c.amount) {
        want[std::string(name)] = c.fen;
      } else {
        want[std::string(name)] = c.valid && !c.canonical.empty() ? c.canonical : c.norm;
      }
    }
    if (!invalid.empty()) want["_invalid"] = invalid;
    rb.Serialize(&out_names, &out_plain);
    ASSERT_EQ(out_plain, want.dump()) << "row " << row;
    std::string keys;
    for (const auto& [key, value] : want.items()) keys += (keys.empty() ? "" : ",") + key;
    ASSERT_EQ(out_names, keys) << "row " << row;
  }
}

TEST(RecordBuilderTest, EmptyRecordIsAnEmptyObject) {
  RecordBuilder rb;
  std::string names = "stale", plain = "stale";
  rb.Serialize(&names, &plain);
  EXPECT_EQ(names, "");
  EXPECT_EQ(plain, "{}");
}

TEST(EvalCellTest, NormalizesChecksAndReusesTheCell) {
  Cell c;
  ASSERT_TRUE(EvalCell(ValueType::kMobile, " \xEF\xBC\x91" "38 0013 8000 ", kImportDate, &c));
  EXPECT_TRUE(c.present);
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.canonical, "13800138000");
  // The same cell, next row: an amount, then an empty cell, then bad UTF-8.
  ASSERT_TRUE(EvalCell(ValueType::kAmount, "¥1,234.50", kImportDate, &c));
  EXPECT_TRUE(c.valid && c.amount);
  EXPECT_EQ(c.fen, 123450);
  EXPECT_TRUE(c.canonical.empty());
  ASSERT_TRUE(EvalCell(ValueType::kText, "\xE3\x80\x80", kImportDate, &c));
  EXPECT_FALSE(c.present);
  EXPECT_FALSE(c.valid);
  EXPECT_EQ(c.norm, "");
  EXPECT_FALSE(EvalCell(ValueType::kText, "\xE5\xBC", kImportDate, &c));
  EXPECT_FALSE(c.present);
  // A date is kept as a date and written canonically; a bad one is present, not valid.
  ASSERT_TRUE(EvalCell(ValueType::kDate, "2019/3/7", kImportDate, &c));
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.canonical, "2019-03-07");
  EXPECT_EQ(c.date, (Date{2019, 3, 7}));
  ASSERT_TRUE(EvalCell(ValueType::kDate, "2019-02-30", kImportDate, &c));
  EXPECT_TRUE(c.present);
  EXPECT_FALSE(c.valid);
}

TEST(EvalCellTest, DecimalFromHundredths) {
  EXPECT_EQ(DecimalFromHundredths(0), "0");
  EXPECT_EQ(DecimalFromHundredths(1250), "12.5");
  EXPECT_EQ(DecimalFromHundredths(120000), "1200");
  EXPECT_EQ(DecimalFromHundredths(1), "0.01");
  EXPECT_EQ(DecimalFromHundredths(-1205), "-12.05");
  EXPECT_EQ(DecimalFromHundredths(INT64_MIN), "-92233720368547758.08");
}

}  // namespace
}  // namespace jv::ingest
