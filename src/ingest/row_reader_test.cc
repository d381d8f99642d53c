#include "src/ingest/row_reader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace jv::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kData = std::string(JV_SOURCE_DIR) + "/tests/data/ingest/";

std::string TempFile(const std::string& name, const std::string& content) {
  std::string path =
      ::testing::TempDir() + "/jv_rr_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::vector<Row> ReadAll(RowReader* r) {
  std::vector<Row> rows;
  Row row;
  for (;;) {
    auto got = r->Next(&row);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || !*got) return rows;
    rows.push_back(row);
  }
}

// Fixture written by openpyxl 3.0.9 (tests/data/ingest/make_fixtures.py): inline strings,
// absolute relationship targets, custom date formats, a float-mangled ID number.
TEST(RowReaderTest, OpenpyxlWorkbook) {
  auto r = OpenRowReader(kData + "customers_openpyxl.xlsx", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Format(), "xlsx");
  EXPECT_EQ((*r)->Encoding(), "utf-8");
  EXPECT_THAT((*r)->Header(),
              ElementsAre("会员编号", "姓名", "手机号", "身份证号", "出生日期", "积分"));
  auto rows = ReadAll(r->get());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0].cells, ElementsAre("M0001", "测试甲", "13800000001", "110101199003070019",
                                         "1990-03-07", "120"));
  // The ID was stored as a float by the writer: its text is kept, never "repaired".
  EXPECT_THAT(rows[1].cells, ElementsAre("M0002", "测试乙", "13800000002",
                                         "1.1010119851212e+17", "1985-12-12", "0.5"));
  EXPECT_THAT(rows[2].cells, ElementsAre("M0003", "测试丙", "", "", "2001-01-31", ""));
  EXPECT_FALSE(rows[2].error);

  ReaderOptions o;
  o.sheet = "门店";
  r = OpenRowReader(kData + "customers_openpyxl.xlsx", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT((*r)->Header(), ElementsAre("门店", "城市"));
}

// Fixture written by libxlsxwriter (tests/data/ingest/make_xlsxwriter_fixture.c): shared
// strings, a rich-text string, an empty row, a sparse row, a boolean.
TEST(RowReaderTest, XlsxwriterWorkbook) {
  auto r = OpenRowReader(kData + "customers_xlsxwriter.xlsx", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT((*r)->Header(), ElementsAre("姓名", "手机", "生日", "备注"));
  auto rows = ReadAll(r->get());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0].cells, ElementsAre("测试丁", "13900000004", "1988-08-08", "重要客户"));
  // Sheet row 3 is empty (xlsxwriter writes no element for it): a data row of empty cells,
  // as the same row is in CSV (",,,").
  EXPECT_EQ(rows[1].row_no, 2);
  EXPECT_EQ(rows[1].line_no, 3);
  EXPECT_THAT(rows[1].cells, ElementsAre("", "", "", ""));
  EXPECT_EQ(rows[2].row_no, 3);
  EXPECT_EQ(rows[2].line_no, 4);
  EXPECT_THAT(rows[2].cells, ElementsAre("测试戊", "13900000005", "", "TRUE"));
}

TEST(RowReaderTest, FormatFromExtensionAndContent) {
  std::string tsv = TempFile("a.tsv", "a,b\tc\n1,2\t3\n");
  auto r = OpenRowReader(tsv, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Format(), "tsv");
  EXPECT_THAT((*r)->Header(), ElementsAre("a,b", "c"));

  std::string jsonl = TempFile("b.jsonl", "{\"k\":1}\n");
  r = OpenRowReader(jsonl, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Format(), "jsonl");

  std::string noext = TempFile("c", "{\"k\":1}\n");
  r = OpenRowReader(noext, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Format(), "jsonl");

  std::string csv = TempFile("d.txt", "x,y\n1,2\n");
  r = OpenRowReader(csv, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Format(), "csv");
  EXPECT_EQ(ReadAll(r->get()).size(), 1u);

  std::string xls = TempFile("e.xls", "whatever");
  r = OpenRowReader(xls, {});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("legacy .xls"));

  ReaderOptions o;
  o.format = "parquet";
  EXPECT_EQ(OpenRowReader(csv, o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.encoding = "ebcdic";
  EXPECT_EQ(OpenRowReader(csv, o).status().code(), StatusCode::kInvalidArgument);
  for (const auto& p : {tsv, jsonl, noext, csv, xls}) std::remove(p.c_str());
}

TEST(RowReaderTest, XlsxRenamedToCsvIsBinary) {
  std::ifstream in(kData + "customers_xlsxwriter.xlsx", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string path = TempFile("f.csv", bytes);
  auto r = OpenRowReader(path, {});
  std::vector<Row> rows;
  Status st = r.ok() ? Status::Ok() : r.status();
  if (r.ok()) {
    Row row;
    for (;;) {
      auto got = (*r)->Next(&row);
      if (!got.ok()) {
        st = got.status();
        break;
      }
      if (!*got) break;
    }
  }
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("binary data"));
  std::remove(path.c_str());
}

TEST(RowReaderTest, MissingFile) {
  EXPECT_EQ(OpenRowReader("/nonexistent/a.csv", {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(OpenRowReader("/nonexistent/a.xlsx", {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(OpenRowReader("/nonexistent/a.jsonl", {}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace jv::ingest
