#include "src/ingest/csv_reader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

namespace jv::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Re-encodes UTF-8 test text with ICU ("GB18030", "UTF-16LE", ...).
std::string Encode(std::string_view utf8, const char* charset) {
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
  UErrorCode err = U_ZERO_ERROR;
  UConverter* c = ucnv_open(charset, &err);
  EXPECT_TRUE(U_SUCCESS(err));
  int32_t n = ucnv_fromUChars(c, nullptr, 0, u.getBuffer(), u.length(), &err);
  err = U_ZERO_ERROR;
  std::string out(static_cast<size_t>(n), '\0');
  ucnv_fromUChars(c, out.data(), n, u.getBuffer(), u.length(), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  ucnv_close(c);
  return out;
}

struct Parsed {
  Status status;  // the open or the first Next() error
  std::vector<std::string> header;
  std::vector<Row> rows;
  std::string encoding;
  char delimiter = 0;
};

Parsed ParseCsv(std::string data, ReaderOptions opts = {}) {
  Parsed p;
  auto r = CsvReader::FromString(std::move(data), opts);
  if (!r.ok()) {
    p.status = r.status();
    return p;
  }
  p.header = (*r)->Header();
  p.encoding = (*r)->Encoding();
  p.delimiter = (*r)->delimiter();
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

std::vector<std::string> Cells(const Row& r) { return r.cells; }

TEST(CsvReaderTest, Utf8WithoutBom) {
  Parsed p = ParseCsv("name,mobile,city\n测试甲,13800000001,北京\n测试乙,13800000002,上海\n");
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_EQ(p.encoding, "utf-8");
  EXPECT_EQ(p.delimiter, ',');
  EXPECT_THAT(p.header, ElementsAre("name", "mobile", "city"));
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_THAT(Cells(p.rows[0]), ElementsAre("测试甲", "13800000001", "北京"));
  EXPECT_EQ(p.rows[0].row_no, 1);
  EXPECT_EQ(p.rows[0].line_no, 2);
  EXPECT_EQ(p.rows[1].row_no, 2);
  EXPECT_EQ(p.rows[1].line_no, 3);
  EXPECT_FALSE(p.rows[1].error.has_value());
}

TEST(CsvReaderTest, Utf8BomIsNotPartOfTheFirstHeader) {
  Parsed p = ParseCsv("\xEF\xBB\xBF姓名,手机\n测试甲,13800000001\n");
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.encoding, "utf-8-bom");
  EXPECT_THAT(p.header, ElementsAre("姓名", "手机"));
  ASSERT_EQ(p.rows.size(), 1u);
}

TEST(CsvReaderTest, Gb18030Detected) {
  std::string utf8 = "姓名,手机,地址\n测试甲,13800000001,\"北京市,测试路1号\"\n𠮷测试,13800000002,€\n";
  Parsed p = ParseCsv(Encode(utf8, "GB18030"));
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_EQ(p.encoding, "gb18030");
  EXPECT_THAT(p.header, ElementsAre("姓名", "手机", "地址"));
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_THAT(Cells(p.rows[0]), ElementsAre("测试甲", "13800000001", "北京市,测试路1号"));
  EXPECT_THAT(Cells(p.rows[1]), ElementsAre("𠮷测试", "13800000002", "€"));
}

TEST(CsvReaderTest, GbkForcedReadsGb18030) {
  ReaderOptions o;
  o.encoding = "gbk";
  Parsed p = ParseCsv(Encode("姓名\n测试\n", "GB18030"), o);
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.encoding, "gb18030");
  EXPECT_THAT(Cells(p.rows[0]), ElementsAre("测试"));
}

TEST(CsvReaderTest, Utf16WithBomBothByteOrders) {
  std::string utf8 = "姓名\t手机\r\n测试甲\t13800000001\r\n\"多\r\n行\"\t1\r\n";
  for (const char* cs : {"UTF-16LE", "UTF-16BE"}) {
    bool le = std::string(cs) == "UTF-16LE";
    std::string bom = le ? "\xFF\xFE" : "\xFE\xFF";
    Parsed p = ParseCsv(bom + Encode(utf8, cs));
    ASSERT_TRUE(p.status.ok()) << cs << p.status.ToString();
    EXPECT_EQ(p.encoding, le ? "utf-16le" : "utf-16be");
    EXPECT_EQ(p.delimiter, '\t');
    EXPECT_THAT(p.header, ElementsAre("姓名", "手机"));
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_THAT(Cells(p.rows[1]), ElementsAre("多\r\n行", "1"));
  }
}

TEST(CsvReaderTest, CrLfAndCrlfLineEnds) {
  for (std::string eol : {"\n", "\r", "\r\n"}) {
    Parsed p = ParseCsv("a,b" + eol + "1,2" + eol + "3,4" + eol);
    ASSERT_TRUE(p.status.ok());
    ASSERT_EQ(p.rows.size(), 2u) << eol.size();
    EXPECT_THAT(Cells(p.rows[1]), ElementsAre("3", "4"));
    EXPECT_EQ(p.rows[1].line_no, 3);
  }
  // Mixed in one file, and a last line without a line end.
  Parsed p = ParseCsv("a,b\r\n1,2\r3,4\n5,6");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_THAT(Cells(p.rows[2]), ElementsAre("5", "6"));
  EXPECT_EQ(p.rows[2].line_no, 4);
}

TEST(CsvReaderTest, QuotedFieldWithEmbeddedNewlinesIsOneRow) {
  Parsed p = ParseCsv(
      "name,notes,mobile\n"
      "测试甲,\"第一行\n第二行\r\n第三行\r第四行\",13800000001\n"
      "测试乙,plain,13800000002\n");
  ASSERT_TRUE(p.status.ok());
  ASSERT_EQ(p.rows.size(), 2u);  // rows_read counts rows, not lines (SPEC §5.5)
  EXPECT_EQ(Cells(p.rows[0])[1], "第一行\n第二行\r\n第三行\r第四行");
  EXPECT_EQ(p.rows[0].line_no, 2);
  EXPECT_EQ(p.rows[1].row_no, 2);
  EXPECT_EQ(p.rows[1].line_no, 6);
}

TEST(CsvReaderTest, DoubledQuotesAndDelimitersInQuotes) {
  Parsed p = ParseCsv("a,b,c\n\"say \"\"hi\"\"\",\"x,y\",\"\"\n\"\"\"\",z,\"a\"\"\"\n");
  ASSERT_TRUE(p.status.ok());
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_THAT(Cells(p.rows[0]), ElementsAre("say \"hi\"", "x,y", ""));
  EXPECT_THAT(Cells(p.rows[1]), ElementsAre("\"", "z", "a\""));
}

TEST(CsvReaderTest, LenientQuotes) {
  // A quote inside an unquoted field is literal; text after a closing quote is kept.
  Parsed p = ParseCsv("a,b\n5'3\",\"ab\"cd\n");
  ASSERT_TRUE(p.status.ok());
  EXPECT_THAT(Cells(p.rows[0]), ElementsAre("5'3\"", "abcd"));
}

TEST(CsvReaderTest, MissingClosingQuoteAtEofIsAFileError) {
  Parsed p = ParseCsv("name,notes\n测试甲,ok\n测试乙,\"SECRET-VALUE\nmore\n");
  ASSERT_FALSE(p.status.ok());
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(),
            "line 3, column 2: quoted field not closed before the end of the file");
  EXPECT_EQ(p.rows.size(), 1u);
}

TEST(CsvReaderTest, FieldCountMismatchIsARowErrorAndReadingGoesOn) {
  Parsed p = ParseCsv("a,b,c\n1,2,3\n1,2\n1,2,3,4\n7,8,9\n");
  ASSERT_TRUE(p.status.ok());
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_FALSE(p.rows[0].error);
  ASSERT_TRUE(p.rows[1].error);
  EXPECT_EQ(*p.rows[1].error, "expected 3 fields, found 2");
  EXPECT_EQ(p.rows[1].row_no, 2);
  EXPECT_EQ(*p.rows[2].error, "expected 3 fields, found 4");
  EXPECT_FALSE(p.rows[3].error);
  EXPECT_THAT(Cells(p.rows[3]), ElementsAre("7", "8", "9"));
}

TEST(CsvReaderTest, InvalidUtf8InDeclaredEncodingIsAFileError) {
  // --encoding utf-8 declared the file UTF-8: a row that is not makes the file "not what it
  // claims" (issue 3), named by line and column, without the bytes.
  ReaderOptions o;
  o.encoding = "utf-8";
  Parsed p = ParseCsv("a,b,c\n1,2,3\n1,\xD6\xD0,3\n4,5,6\n", o);
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status.message()),
              HasSubstr("line 3, column 2: invalid UTF-8 bytes, but --encoding declared the "
                        "file utf-8"));
  EXPECT_EQ(p.rows.size(), 1u);  // the row before it was read
}

TEST(CsvReaderTest, InvalidGb18030BytesAreARowErrorWhenDetectedAFileErrorWhenDeclared) {
  std::string data = Encode("姓名,手机,备注\n测试甲,1,好\n", "GB18030") + "x,2,\x81\x20\"\n" +
                     Encode("测试乙,3,好\n", "GB18030");
  Parsed p = ParseCsv(data);  // detected: not UTF-8, so GB18030
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_EQ(p.encoding, "gb18030");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_FALSE(p.rows[0].error);
  ASSERT_TRUE(p.rows[1].error);
  EXPECT_EQ(*p.rows[1].error, "invalid GB18030 bytes in column 3");
  EXPECT_FALSE(p.rows[2].error);
  EXPECT_THAT(Cells(p.rows[2]), ElementsAre("测试乙", "3", "好"));

  for (const char* declared : {"gb18030", "GBK"}) {
    ReaderOptions o;
    o.encoding = declared;
    Parsed d = ParseCsv(data, o);
    EXPECT_EQ(d.status.code(), StatusCode::kInvalidArgument) << declared;
    EXPECT_THAT(std::string(d.status.message()),
                HasSubstr("line 3, column 3: invalid GB18030 bytes, but --encoding declared "
                          "the file gb18030"));
  }
}

TEST(CsvReaderTest, InvalidUtf8AfterTheDetectionWindowIsARowError) {
  // Detection sees only the first kDetectBytes: a later bad row is rejected, not the file.
  std::string data = "a,b\n";
  int rows = 0;
  while (data.size() < kDetectBytes + 1000) {
    data += "测试,13800000001\n";
    ++rows;
  }
  data += "x,\xC3\x28\n";
  data += "y,z\n";
  Parsed p = ParseCsv(data);
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.encoding, "utf-8");
  ASSERT_EQ(p.rows.size(), static_cast<size_t>(rows + 2));
  ASSERT_TRUE(p.rows[rows].error);
  EXPECT_EQ(*p.rows[rows].error, "invalid UTF-8 bytes in column 2");
  EXPECT_FALSE(p.rows[rows + 1].error);
}

TEST(CsvReaderTest, HeaderThatCannotBeDecodedIsAFileError) {
  ReaderOptions o;
  o.encoding = "utf-8";
  Parsed p = ParseCsv("na\xFFme,b\n1,2\n", o);
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(), "line 1: header is not valid utf-8");
}

TEST(CsvReaderTest, NulByteIsBinaryGarbage) {
  std::string data = "a,b\n1,2\n3,";
  data += std::string("\x00\x01\x02\x03", 4);
  data += "\n";
  Parsed p = ParseCsv(data);
  ASSERT_FALSE(p.status.ok());
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("line 3: NUL byte: binary data"));
  // Random bytes: a file-level error too, whatever the detected encoding.
  std::mt19937 rng(42);
  std::string garbage = "a,b\n";
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>(rng());
  p = ParseCsv(garbage);
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("NUL byte"));
}

TEST(CsvReaderTest, TwentyMegabyteLineIsAnErrorNotAnAllocation) {
  std::string data = "a,b\n1,";
  data.append(20 << 20, 'x');
  data += "\n2,3\n";
  auto r = CsvReader::FromString(std::move(data), {});
  ASSERT_TRUE(r.ok());
  Row row;
  auto got = (*r)->Next(&row);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(),
            "line 2: row longer than 16777216 bytes (a missing line end or an unclosed "
            "quote?)");
  EXPECT_LE((*r)->BufferCapacityForTest(), (16u << 20) + (1u << 20));
}

TEST(CsvReaderTest, UnclosedQuoteInAHugeFileHitsTheRowLimit) {
  ReaderOptions o;
  o.max_row_bytes = 1 << 16;
  o.chunk_bytes = 4096;
  std::string data = "a,b\n1,\"open\n";
  for (int i = 0; i < 30000; ++i) data += "2,3\n";
  Parsed p = ParseCsv(data, o);
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status.message(), HasSubstr("line 2: row longer than 65536 bytes"));
}

TEST(CsvReaderTest, EmptyFileHasNoHeader) {
  for (std::string data : {"", "\n\n\r\n", "\xEF\xBB\xBF"}) {
    Parsed p = ParseCsv(data);
    EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(p.status.message(), "empty file: no header");
  }
}

TEST(CsvReaderTest, HeaderOnlyGivesZeroRows) {
  for (std::string data : {"a,b,c\n", "a,b,c", "a,b,c\r\n\r\n"}) {
    Parsed p = ParseCsv(data);
    ASSERT_TRUE(p.status.ok());
    EXPECT_THAT(p.header, ElementsAre("a", "b", "c"));
    EXPECT_TRUE(p.rows.empty());
  }
}

TEST(CsvReaderTest, BlankLinesAreSkippedAndNotCounted) {
  Parsed p = ParseCsv("\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n");
  ASSERT_TRUE(p.status.ok());
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].row_no, 1);
  EXPECT_EQ(p.rows[0].line_no, 5);
  EXPECT_EQ(p.rows[1].row_no, 2);
  EXPECT_EQ(p.rows[1].line_no, 8);
  // A line of delimiters is a row (of empty fields), not a blank line.
  p = ParseCsv("a,b\n,\n");
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_THAT(Cells(p.rows[0]), ElementsAre("", ""));
}

TEST(CsvReaderTest, TrailingDelimiterMakesAnEmptyLastField) {
  Parsed p = ParseCsv("a,b,c\n1,2,");
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_THAT(Cells(p.rows[0]), ElementsAre("1", "2", ""));
}

TEST(CsvReaderTest, DelimiterDetectionAndForcing) {
  Parsed p = ParseCsv("姓名\t手机\t备注\n测试,1,\"a\tb\"\n");
  EXPECT_EQ(p.delimiter, '\t');
  // The quote is not at the start of the field, so it is literal and the tab splits.
  EXPECT_EQ(*p.rows[0].error, "expected 3 fields, found 2");
  // Commas inside quotes do not count.
  p = ParseCsv("\"a,b,c\"\td\n1\t2\n");
  EXPECT_EQ(p.delimiter, '\t');
  EXPECT_THAT(p.header, ElementsAre("a,b,c", "d"));
  ReaderOptions o;
  o.format = "tsv";
  p = ParseCsv("a,b\n1,2\n", o);
  EXPECT_EQ(p.delimiter, '\t');
  EXPECT_THAT(p.header, ElementsAre("a,b"));
  o = {};
  o.delimiter = ';';
  p = ParseCsv("a;b\n1;2\n", o);
  EXPECT_THAT(Cells(p.rows[0]), ElementsAre("1", "2"));
  o.delimiter = '"';
  EXPECT_EQ(ParseCsv("a\n", o).status.code(), StatusCode::kInvalidArgument);
}

TEST(CsvReaderTest, ErrorsNeverQuoteCellValues) {
  const std::string secret = "110101199003070019";
  std::vector<std::string> inputs = {
      "a,b\n1,\"" + secret + "\n",
      "a,b\n" + secret + "\n",
      "a,b\n1," + secret + std::string(1, '\0') + "\n",
  };
  for (const auto& in : inputs) {
    Parsed p = ParseCsv(in);
    EXPECT_THAT(p.status.message(), Not(HasSubstr(secret)));
    for (const Row& r : p.rows) {
      if (r.error) {
        EXPECT_THAT(*r.error, Not(HasSubstr(secret)));
      }
    }
  }
}

// Every block boundary must give the same rows as one big block.
TEST(CsvReaderTest, SmallBlocksGiveTheSameRows) {
  std::mt19937 rng(7);
  const char* pieces[] = {"a", "测试", "\"q\"\"x\"", "\"l1\nl2\"", "\"c\r\nr\"", "", "𠮷", "\"\""};
  const char* eols[] = {"\n", "\r", "\r\n"};
  std::string data = "h1,h2,h3\n";
  for (int i = 0; i < 400; ++i) {
    for (int c = 0; c < 3; ++c) {
      if (c) data += ',';
      data += pieces[rng() % 8];
    }
    data += eols[rng() % 3];
    if (rng() % 10 == 0) data += "\n";
  }
  for (const char* enc : {"UTF-8", "GB18030", "UTF-16LE"}) {
    std::string bytes = std::string(enc) == "UTF-8"     ? data
                        : std::string(enc) == "GB18030" ? Encode(data, enc)
                                                        : "\xFF\xFE" + Encode(data, enc);
    Parsed big = ParseCsv(bytes);
    ASSERT_TRUE(big.status.ok()) << enc;
    for (size_t chunk : {64, 65, 77, 128, 1000}) {
      ReaderOptions o;
      o.chunk_bytes = chunk;
      Parsed small = ParseCsv(bytes, o);
      ASSERT_TRUE(small.status.ok()) << enc << " " << chunk;
      ASSERT_EQ(small.rows.size(), big.rows.size()) << enc << " " << chunk;
      for (size_t i = 0; i < big.rows.size(); ++i) {
        ASSERT_EQ(small.rows[i].cells, big.rows[i].cells) << enc << " " << chunk << " " << i;
        ASSERT_EQ(small.rows[i].line_no, big.rows[i].line_no);
        ASSERT_EQ(small.rows[i].error, big.rows[i].error);
      }
    }
  }
}

// Memory must not grow with the file: a 50 MB file is read through a fixed window.
TEST(CsvReaderTest, FiftyMegabyteFileReadWithBoundedBuffer) {
  std::string path = ::testing::TempDir() + "/jv_csv_big_" + std::to_string(::getpid()) + ".csv";
  int64_t rows = 0;
  {
    std::ofstream out(path, std::ios::binary);
    out << "member_no,name,mobile,id_number,address,notes\n";
    std::string line;
    size_t written = 0;
    while (written < (50u << 20)) {
      line = "M" + std::to_string(rows) + ",测试" + std::to_string(rows % 97) +
             ",138" + std::to_string(10000000 + rows % 89999999) +
             ",110101199003070019,\"测试省测试市测试路" + std::to_string(rows) +
             "号\",\"备注,\"\"引号\"\"\"\r\n";
      out << line;
      written += line.size();
      ++rows;
    }
  }
  auto r = CsvReader::Open(path, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Row row;
  int64_t n = 0;
  size_t max_cap = 0;
  for (;;) {
    auto got = (*r)->Next(&row);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    if (!*got) break;
    ++n;
    ASSERT_FALSE(row.error) << *row.error;
    max_cap = std::max(max_cap, (*r)->BufferCapacityForTest());
  }
  std::remove(path.c_str());
  EXPECT_EQ(n, rows);
  EXPECT_EQ(row.row_no, rows);
  EXPECT_LE(max_cap, 2u << 20);
}

TEST(CsvReaderTest, OpenMissingFile) {
  auto r = CsvReader::Open("/nonexistent/x.csv", {});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace jv::ingest
