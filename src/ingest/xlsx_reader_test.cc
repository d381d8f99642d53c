#include "src/ingest/xlsx_reader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zip.h>

namespace jv::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Builds an XLSX archive from hand-written parts with libzip, so each test controls
// shared vs inline strings, styles and sparse cells exactly.
std::string MakeZip(const std::map<std::string, std::string>& parts) {
  std::string path =
      ::testing::TempDir() + "/jv_xlsx_" + std::to_string(::getpid()) + "_tmp.zip";
  std::remove(path.c_str());
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, data] : parts) {
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    EXPECT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0);
  }
  EXPECT_EQ(zip_close(z), 0);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::remove(path.c_str());
  return ss.str();
}

const char kNs[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char kRelNs[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

struct Book {
  std::vector<std::pair<std::string, std::string>> sheets;  // name, sheetData XML
  std::vector<std::string> shared;                          // <si> inner XML
  std::string styles;                                       // whole styles.xml or ""
  bool date1904 = false;
  bool with_package_rels = true;
};

std::string Build(const Book& b) {
  std::map<std::string, std::string> parts;
  parts["[Content_Types].xml"] =
      "<?xml version=\"1.0\"?><Types "
      "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
  if (b.with_package_rels) {
    parts["_rels/.rels"] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "relationships\"><Relationship Id=\"rId1\" Type=\"" +
        std::string(kRelNs) + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
  }
  std::string wb = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"" +
                   std::string(kNs) + "\" xmlns:r=\"" + kRelNs + "\">";
  if (b.date1904) wb += "<workbookPr date1904=\"1\"/>";
  wb += "<sheets>";
  std::string rels =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (size_t i = 0; i < b.sheets.size(); ++i) {
    std::string n = std::to_string(i + 1);
    wb += "<sheet name=\"" + b.sheets[i].first + "\" sheetId=\"" + n + "\" r:id=\"rId" + n +
          "\"/>";
    rels += "<Relationship Id=\"rId" + n + "\" Type=\"" + kRelNs +
            "/worksheet\" Target=\"worksheets/sheet" + n + ".xml\"/>";
    parts["xl/worksheets/sheet" + n + ".xml"] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"" + std::string(kNs) +
        "\"><sheetData>" + b.sheets[i].second + "</sheetData></worksheet>";
  }
  wb += "</sheets></workbook>";
  if (!b.shared.empty()) {
    rels += "<Relationship Id=\"rIdS\" Type=\"" + std::string(kRelNs) +
            "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
    std::string sst = "<sst xmlns=\"" + std::string(kNs) + "\">";
    for (const auto& si : b.shared) sst += "<si>" + si + "</si>";
    parts["xl/sharedStrings.xml"] = sst + "</sst>";
  }
  if (!b.styles.empty()) {
    rels += "<Relationship Id=\"rIdT\" Type=\"" + std::string(kRelNs) +
            "/styles\" Target=\"styles.xml\"/>";
    parts["xl/styles.xml"] = b.styles;
  }
  parts["xl/workbook.xml"] = wb;
  parts["xl/_rels/workbook.xml.rels"] = rels + "</Relationships>";
  return MakeZip(parts);
}

struct Parsed {
  Status status;
  std::vector<std::string> header;
  std::vector<Row> rows;
};

Parsed Read(std::string data, ReaderOptions opts = {}) {
  Parsed p;
  auto r = OpenXlsxReaderFromBuffer(std::move(data), opts);
  if (!r.ok()) {
    p.status = r.status();
    return p;
  }
  EXPECT_EQ((*r)->Format(), "xlsx");
  p.header = (*r)->Header();
  Row row;
  for (;;) {
    auto got = (*r)->Next(&row);
    if (!got.ok()) {
      p.status = got.status();
      return p;
    }
    if (!*got) break;
    p.rows.push_back(row);
  }
  EXPECT_DOUBLE_EQ((*r)->Progress(), 1.0);
  return p;
}

std::string InlineCell(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}

TEST(XlsxReaderTest, InlineStrings) {
  Book b;
  b.sheets.push_back(
      {"Sheet1",
       "<row r=\"1\">" + InlineCell("A1", "姓名") + InlineCell("B1", "手机") +
           "</row><row r=\"2\">" + InlineCell("A2", "测试甲") +
           "<c r=\"B2\"><v>13800000001</v></c></row>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_THAT(p.header, ElementsAre("姓名", "手机"));
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_THAT(p.rows[0].cells, ElementsAre("测试甲", "13800000001"));
  EXPECT_EQ(p.rows[0].row_no, 1);
  EXPECT_EQ(p.rows[0].line_no, 2);
}

TEST(XlsxReaderTest, SharedStringsAndRichTextAndPhonetics) {
  Book b;
  b.shared = {"<t>name</t>", "<t>notes</t>", "<t>测试乙</t>",
              "<r><rPr><b/></rPr><t>重要</t></r><r><t xml:space=\"preserve\"> 客户</t></r>",
              "<t>漢字</t><rPh sb=\"0\" eb=\"2\"><t>かんじ</t></rPh>"};
  b.sheets.push_back({"S",
                      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                      "</row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\">"
                      "<v>3</v></c></row><row r=\"3\"><c r=\"A3\" t=\"s\"><v>4</v></c>"
                      "<c r=\"B3\" t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r></is></c>"
                      "</row>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_THAT(p.header, ElementsAre("name", "notes"));
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_THAT(p.rows[0].cells, ElementsAre("测试乙", "重要 客户"));
  EXPECT_THAT(p.rows[1].cells, ElementsAre("漢字", "ab"));
}

// ECMA-376 Part 1 §22.9.2.19 (ST_Xstring): "_xHHHH_" is the UTF-16 code unit HHHH. Excel
// and XlsxWriter write a carriage return as "_x000D_" and a literal "_x" as "_x005F_x".
TEST(XlsxReaderTest, EscapedCharactersInStringCellsAreDecoded) {
  Book b;
  b.shared = {"<t>mobile</t>", "<t>13800000001_x000D_</t>",
              "<r><t>a_x005F_</t></r><r><t>x0041_b</t></r>"};
  b.sheets.push_back(
      {"S", "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>" + InlineCell("B1", "note") +
                InlineCell("C1", "f") + "<c r=\"D1\" t=\"inlineStr\"><is><t>e</t></is></c>"
                "</row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c>" +
                InlineCell("B2", "_xD83D__xDE00__x4e2d_|_xD800_|_x12_|_x0041") +
                "<c r=\"C2\" t=\"str\"><f>A2</f><v>_x0009_v</v></c>"
                "<c r=\"D2\" t=\"e\"><v>_x0041_</v></c></row>"
                "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>2</v></c><c r=\"B3\"><v>12</v></c></row>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_THAT(p.rows[0].cells,
              ElementsAre("13800000001\r", "\xF0\x9F\x98\x80\xE4\xB8\xAD|_xD800_|_x12_|_x0041",
                          "\tv", "_x0041_"));
  EXPECT_THAT(p.rows[1].cells, ElementsAre("a_x0041_b", "12", "", ""));
}

// openpyxl writes an empty header cell as an element (<c r="C1" t="inlineStr"></c>); a
// CSV writer writes the same header "a,b," with three columns. Both are three columns.
TEST(XlsxReaderTest, AnEmptyHeaderCellElementIsAColumn) {
  Book b;
  b.sheets.push_back(
      {"S", "<row r=\"1\">" + InlineCell("A1", "a") + InlineCell("B1", "b") +
                "<c r=\"C1\" t=\"inlineStr\"></c></row><row r=\"2\">" + InlineCell("A2", "x") +
                InlineCell("C2", "v") + "</row>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_THAT(p.header, ElementsAre("a", "b", ""));
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_FALSE(p.rows[0].error.has_value());
  EXPECT_THAT(p.rows[0].cells, ElementsAre("x", "", "v"));

  // Without the element, the header has two columns and the value in C is a third field.
  Book no_element;
  no_element.sheets.push_back(
      {"S", "<row r=\"1\">" + InlineCell("A1", "a") + InlineCell("B1", "b") +
                "</row><row r=\"2\">" + InlineCell("A2", "x") + InlineCell("C2", "v") + "</row>"});
  p = Read(Build(no_element));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_THAT(p.header, ElementsAre("a", "b"));
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].error.value_or(""), "expected 2 fields, found 3");
}

TEST(XlsxReaderTest, SparseCellsLandInTheirColumnsAndEmptyRowsAreRows) {
  Book b;
  b.sheets.push_back(
      {"S", "<row r=\"2\">" + InlineCell("B2", "b") + InlineCell("C2", "c") +
                InlineCell("D2", "d") + "</row>" + "<row r=\"3\"><c r=\"B3\" s=\"0\"/></row>" +
                "<row r=\"5\">" + InlineCell("D5", "x") + "</row>" + "<row r=\"6\">" +
                InlineCell("B6", "1") + "<c t=\"inlineStr\"><is><t>2</t></is></c>" + "</row>" +
                "<row r=\"7\">" + InlineCell("F7", "beyond") + "</row>" +
                "<row r=\"8\"><c r=\"B8\" s=\"0\"/></row><row r=\"9\"/>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  // Header: the first non-empty row (row 1 has no element); column A is empty but keeps
  // its place.
  EXPECT_THAT(p.header, ElementsAre("", "b", "c", "d"));
  // Row 3 (an element with no value) and row 4 (no element, before a later one): data rows
  // of empty cells, as a CSV writer spells them (",,,"); so are the empty elements of rows
  // 8 and 9. Nothing after the last element.
  ASSERT_EQ(p.rows.size(), 7u);
  EXPECT_THAT(p.rows[0].cells, ElementsAre("", "", "", ""));
  EXPECT_EQ(p.rows[0].line_no, 3);
  EXPECT_EQ(p.rows[0].row_no, 1);
  EXPECT_FALSE(p.rows[0].error);
  EXPECT_THAT(p.rows[1].cells, ElementsAre("", "", "", ""));
  EXPECT_EQ(p.rows[1].line_no, 4);
  EXPECT_EQ(p.rows[1].row_no, 2);
  EXPECT_THAT(p.rows[2].cells, ElementsAre("", "", "", "x"));
  EXPECT_EQ(p.rows[2].line_no, 5);
  EXPECT_EQ(p.rows[2].row_no, 3);
  EXPECT_THAT(p.rows[3].cells, ElementsAre("", "1", "2", ""));  // no r: next column
  ASSERT_TRUE(p.rows[4].error);
  EXPECT_EQ(*p.rows[4].error, "expected 4 fields, found 6");
  EXPECT_EQ(p.rows[4].row_no, 5);
  for (size_t i : {5u, 6u}) {
    EXPECT_THAT(p.rows[i].cells, ElementsAre("", "", "", ""));
    EXPECT_EQ(p.rows[i].line_no, static_cast<int64_t>(i) + 3);
    EXPECT_FALSE(p.rows[i].error);
  }
}

// A row number beyond Excel's last row is a file error, not a million empty rows.
TEST(XlsxReaderTest, RowNumberBeyondExcelsLastRowIsAnError) {
  Book b;
  b.sheets.push_back({"S", "<row r=\"1\">" + InlineCell("A1", "h") + "</row><row r=\"1048577\">" +
                               InlineCell("A1048577", "y") + "</row>"});
  Parsed p = Read(Build(b));
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status.message()), HasSubstr("row 1048577: bad row number"));
}

std::string StylesXml(const std::string& num_fmts, const std::vector<int>& xf_ids) {
  std::string s = "<styleSheet xmlns=\"" + std::string(kNs) + "\">";
  if (!num_fmts.empty()) s += "<numFmts>" + num_fmts + "</numFmts>";
  s += "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>";
  for (int id : xf_ids) s += "<xf numFmtId=\"" + std::to_string(id) + "\"/>";
  return s + "</cellXfs></styleSheet>";
}

TEST(XlsxReaderTest, DateCellsBecomeIsoDates) {
  Book b;
  // xf 0 General, 1 built-in 14, 2 custom yyyy"年"m"月"d"日", 3 custom [Red]0.00,
  // 4 built-in 31 (zh-CN date), 5 h:mm:ss (time).
  b.styles = StylesXml(
      "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
      "<numFmt numFmtId=\"165\" formatCode=\"[Red]0.00\"/>"
      "<numFmt numFmtId=\"166\" formatCode=\"h:mm:ss\"/>",
      {0, 14, 164, 165, 31, 166});
  b.sheets.push_back(
      {"S", "<row r=\"1\">" + InlineCell("A1", "a") + InlineCell("B1", "b") +
                InlineCell("C1", "c") + InlineCell("D1", "d") + InlineCell("E1", "e") +
                InlineCell("F1", "f") + "</row><row r=\"2\">"
                "<c r=\"A2\"><v>44927</v></c><c r=\"B2\" s=\"1\"><v>44927</v></c>"
                "<c r=\"C2\" s=\"2\"><v>32939.5</v></c><c r=\"D2\" s=\"3\"><v>44927</v></c>"
                "<c r=\"E2\" s=\"4\"><v>1</v></c><c r=\"F2\" s=\"5\"><v>0.75</v></c></row>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_THAT(p.rows[0].cells,
              ElementsAre("44927", "2023-01-01", "1990-03-07", "44927", "1900-01-01",
                          "18:00:00"));
}

TEST(XlsxReaderTest, Date1904Workbook) {
  Book b;
  b.date1904 = true;
  b.styles = StylesXml("", {0, 14});
  b.sheets.push_back({"S", "<row>" + InlineCell("A1", "d") +
                               "</row><row><c r=\"A2\" s=\"1\"><v>43465</v></c></row>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  // 1904 system: serial 0 = 1904-01-01, so 43465 = 2023-01-01 (44927 - 1462).
  EXPECT_THAT(p.rows[0].cells, ElementsAre("2023-01-01"));
}

TEST(XlsxReaderTest, NumbersKeepTheirStoredText) {
  Book b;
  b.sheets.push_back(
      {"S", "<row>" + InlineCell("A1", "id") + InlineCell("B1", "x") + InlineCell("C1", "b") +
                InlineCell("D1", "e") + InlineCell("E1", "f") +
                "</row><row><c r=\"A2\"><v>110101199003070019</v></c>"
                "<c r=\"B2\"><v>4.40106E+17</v></c><c r=\"C2\" t=\"b\"><v>1</v></c>"
                "<c r=\"D2\" t=\"e\"><v>#N/A</v></c>"
                "<c r=\"E2\" t=\"str\"><f>A2&amp;\"\"</f><v>公式</v></c></row>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_THAT(p.rows[0].cells,
              ElementsAre("110101199003070019", "4.40106E+17", "TRUE", "#N/A", "公式"));
}

TEST(XlsxReaderTest, SheetOption) {
  Book b;
  b.sheets.push_back({"一", "<row>" + InlineCell("A1", "first") + "</row>"});
  b.sheets.push_back({"二", "<row>" + InlineCell("A1", "second") + "</row><row>" +
                                InlineCell("A2", "v") + "</row>"});
  Parsed p = Read(Build(b));
  EXPECT_THAT(p.header, ElementsAre("first"));
  ReaderOptions o;
  o.sheet = "二";
  p = Read(Build(b), o);
  ASSERT_TRUE(p.status.ok());
  EXPECT_THAT(p.header, ElementsAre("second"));
  ASSERT_EQ(p.rows.size(), 1u);
  o.sheet = "三";
  p = Read(Build(b), o);
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(), "sheet \"三\" not found; the workbook has \"一\", \"二\"");
}

TEST(XlsxReaderTest, WorkbookWithoutPackageRelsUsesDefaultPath) {
  Book b;
  b.with_package_rels = false;
  b.sheets.push_back({"S", "<row>" + InlineCell("A1", "h") + "</row>"});
  Parsed p = Read(Build(b));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_THAT(p.header, ElementsAre("h"));
}

TEST(XlsxReaderTest, EmptySheetHasNoHeader) {
  Book b;
  b.sheets.push_back({"S", "<row r=\"1\"><c r=\"A1\"/></row>"});
  Parsed p = Read(Build(b));
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(), "xl/worksheets/sheet1.xml: empty sheet: no header");
}

std::string BigBook(int rows) {
  Book b;
  std::string data = "<row>" + InlineCell("A1", "name") + InlineCell("B1", "mobile") + "</row>";
  for (int i = 2; i <= rows + 1; ++i) {
    std::string n = std::to_string(i);
    data += "<row r=\"" + n + "\">" + InlineCell("A" + n, "测试" + n) + "<c r=\"B" + n +
            "\"><v>138" + std::to_string(10000000 + i) + "</v></c></row>";
  }
  b.sheets.push_back({"S", data});
  return Build(b);
}

TEST(XlsxReaderTest, ManyRowsStream) {
  Parsed p = Read(BigBook(20000));
  ASSERT_TRUE(p.status.ok());
  ASSERT_EQ(p.rows.size(), 20000u);
  EXPECT_EQ(p.rows.back().row_no, 20000);
  EXPECT_EQ(p.rows.back().line_no, 20001);
}

TEST(XlsxReaderTest, TruncatedWorkbookIsAnError) {
  std::string full = BigBook(2000);
  for (size_t cut : {full.size() / 2, full.size() - 30, size_t{100}, size_t{0}}) {
    Parsed p = Read(full.substr(0, cut));
    ASSERT_FALSE(p.status.ok()) << cut;
    EXPECT_THAT(p.status.message(), HasSubstr("not a valid XLSX file")) << cut;
  }
}

TEST(XlsxReaderTest, DamagedEntryIsDataLoss) {
  std::string full = BigBook(2000);
  // Flip bytes in the middle of the (compressed) sheet data, keeping the directory.
  std::string bad = full;
  size_t pos = bad.find("xl/worksheets/sheet1.xml");
  ASSERT_NE(pos, std::string::npos);
  for (size_t i = pos + 200; i < pos + 260; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5A);
  Parsed p = Read(bad);
  ASSERT_FALSE(p.status.ok());
  EXPECT_TRUE(p.status.code() == StatusCode::kDataLoss ||
              p.status.code() == StatusCode::kInvalidArgument)
      << p.status.ToString();
  EXPECT_THAT(p.status.message(), HasSubstr("xl/worksheets/sheet1.xml"));
}

TEST(XlsxReaderTest, NotAZip) {
  Parsed p = Read("name,mobile\n1,2\n");
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  p = Read(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'));
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("OLE2"));
}

TEST(XlsxReaderTest, MalformedXmlNamesPartAndLine) {
  Book b;
  b.sheets.push_back({"S", "<row>" + InlineCell("A1", "h") + "</row>\n<row><c r=\"A2\"><v>1</x>"});
  Parsed p = Read(Build(b));
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("xl/worksheets/sheet1.xml line 2: malformed XML"));
}

TEST(XlsxReaderTest, DoctypeIsRefused) {
  std::map<std::string, std::string> parts = {
      {"xl/workbook.xml",
       "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
       "\"&a;&a;&a;&a;&a;&a;&a;&a;\">]><workbook xmlns=\"" +
           std::string(kNs) + "\"><sheets><sheet name=\"&b;\" r:id=\"rId1\"/></sheets></workbook>"}};
  Parsed p = Read(MakeZip(parts));
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("DOCTYPE"));
}

TEST(XlsxReaderTest, SharedStringIndexOutOfRange) {
  Book b;
  b.shared = {"<t>h</t>"};
  b.sheets.push_back(
      {"S", "<row><c r=\"A1\" t=\"s\"><v>0</v></c></row><row><c r=\"A2\" t=\"s\"><v>7</v></c></row>"});
  Parsed p = Read(Build(b));
  EXPECT_EQ(p.status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(p.status.message(),
            "xl/worksheets/sheet1.xml line 1: cell A2: shared string index out of range");
}

TEST(XlsxReaderTest, OversizedRowIsAnError) {
  ReaderOptions o;
  o.max_row_bytes = 1000;
  Book b;
  b.sheets.push_back({"S", "<row>" + InlineCell("A1", "h") + "</row><row>" +
                               InlineCell("A2", std::string(5000, 'x')) + "</row>"});
  Parsed p = Read(Build(b), o);
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("row 2 longer than 1000 bytes"));
}

TEST(XlsxReaderTest, OpenMissingFile) {
  auto r = OpenXlsxReader("/nonexistent/book.xlsx", {});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

// ECMA-376 Part 1 §18.8.30 (built-in number formats) and §18.17.4 (date systems).
TEST(XlsxHelpersTest, ClassifyNumberFormat) {
  EXPECT_EQ(ClassifyNumberFormat(0, ""), NumberFormatKind::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(14, ""), NumberFormatKind::kDate);
  EXPECT_EQ(ClassifyNumberFormat(22, ""), NumberFormatKind::kDate);
  EXPECT_EQ(ClassifyNumberFormat(31, ""), NumberFormatKind::kDate);
  EXPECT_EQ(ClassifyNumberFormat(20, ""), NumberFormatKind::kTime);
  EXPECT_EQ(ClassifyNumberFormat(49, ""), NumberFormatKind::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(164, "yyyy/m/d"), NumberFormatKind::kDate);
  EXPECT_EQ(ClassifyNumberFormat(164, "mmm"), NumberFormatKind::kDate);
  EXPECT_EQ(ClassifyNumberFormat(164, "[$-F800]dddd, mmmm dd, yyyy"), NumberFormatKind::kDate);
  EXPECT_EQ(ClassifyNumberFormat(164, "h:mm"), NumberFormatKind::kTime);
  EXPECT_EQ(ClassifyNumberFormat(164, "[h]:mm:ss"), NumberFormatKind::kTime);
  EXPECT_EQ(ClassifyNumberFormat(164, "#,##0.00_);[Red](#,##0.00)"), NumberFormatKind::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(164, "0.00\"days\""), NumberFormatKind::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(164, "[$¥-804]#,##0.00"), NumberFormatKind::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(164, "General"), NumberFormatKind::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(164, "0.00E+00"), NumberFormatKind::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(164, "@"), NumberFormatKind::kNumber);
}

TEST(XlsxHelpersTest, SerialDates) {
  // Excel: DATE(2023,1,1) = 44927; 1 = 1900-01-01; 59 = 1900-02-28; 61 = 1900-03-01
  // (60 is the fictitious 1900-02-29 of the Lotus leap-year bug).
  EXPECT_EQ(*ExcelSerialToDate(44927, false), "2023-01-01");
  EXPECT_EQ(*ExcelSerialToDate(1, false), "1900-01-01");
  EXPECT_EQ(*ExcelSerialToDate(59, false), "1900-02-28");
  EXPECT_EQ(*ExcelSerialToDate(61, false), "1900-03-01");
  EXPECT_FALSE(ExcelSerialToDate(60, false).ok());
  EXPECT_FALSE(ExcelSerialToDate(0, false).ok());
  EXPECT_FALSE(ExcelSerialToDate(-3, false).ok());
  EXPECT_EQ(*ExcelSerialToDate(2958465, false), "9999-12-31");
  EXPECT_FALSE(ExcelSerialToDate(2958466, false).ok());
  EXPECT_EQ(*ExcelSerialToDate(44927.9999999999, false), "2023-01-02");
  EXPECT_EQ(*ExcelSerialToDate(0, true), "1904-01-01");
  EXPECT_EQ(*ExcelSerialToDate(43465, true), "2023-01-01");
  EXPECT_EQ(ExcelSerialToTime(0.5), "12:00:00");
  EXPECT_EQ(ExcelSerialToTime(44927.25), "06:00:00");
}

TEST(XlsxHelpersTest, ColumnFromCellRef) {
  EXPECT_EQ(ColumnFromCellRef("A1"), 0);
  EXPECT_EQ(ColumnFromCellRef("Z9"), 25);
  EXPECT_EQ(ColumnFromCellRef("AA10"), 26);
  EXPECT_EQ(ColumnFromCellRef("AB12"), 27);
  EXPECT_EQ(ColumnFromCellRef("XFD1"), 16383);
  EXPECT_EQ(ColumnFromCellRef("XFE1"), -1);
  EXPECT_EQ(ColumnFromCellRef("1A"), -1);
  EXPECT_EQ(ColumnFromCellRef("A1x"), -1);
  EXPECT_EQ(ColumnFromCellRef(""), -1);
}

}  // namespace
}  // namespace jv::ingest
