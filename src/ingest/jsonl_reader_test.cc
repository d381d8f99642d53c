#include "src/ingest/jsonl_reader.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace jv::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

struct Parsed {
  Status status;
  std::vector<std::string> header;
  std::vector<Row> rows;
  std::string encoding;
};

Parsed Read(std::string data, ReaderOptions opts = {}) {
  Parsed p;
  auto r = OpenJsonlReaderFromString(std::move(data), opts);
  if (!r.ok()) {
    p.status = r.status();
    return p;
  }
  EXPECT_EQ((*r)->Format(), "jsonl");
  p.header = (*r)->Header();
  p.encoding = (*r)->Encoding();
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
  return p;
}

TEST(JsonlReaderTest, HeaderFromFirstObjectAndEveryLineIsARow) {
  Parsed p = Read(
      "{\"name\":\"测试甲\",\"mobile\":\"13800000001\",\"points\":120}\n"
      "{\"mobile\":\"13800000002\",\"name\":\"测试乙\"}\r\n"
      "\n"
      "{\"name\":null,\"points\":1.50,\"mobile\":true}");
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_THAT(p.header, ElementsAre("name", "mobile", "points"));
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_THAT(p.rows[0].cells, ElementsAre("测试甲", "13800000001", "120"));
  EXPECT_EQ(p.rows[0].row_no, 1);
  EXPECT_EQ(p.rows[0].line_no, 1);
  EXPECT_THAT(p.rows[1].cells, ElementsAre("测试乙", "13800000002", ""));  // missing -> ""
  EXPECT_THAT(p.rows[2].cells, ElementsAre("", "true", "1.50"));  // numbers as written
  EXPECT_EQ(p.rows[2].row_no, 3);
  EXPECT_EQ(p.rows[2].line_no, 4);
}

TEST(JsonlReaderTest, LargeIntegersStayExact) {
  Parsed p = Read("{\"id\":110101199003070019,\"n\":-5,\"big\":123456789012345678901234}\n");
  ASSERT_TRUE(p.status.ok());
  EXPECT_THAT(p.rows[0].cells, ElementsAre("110101199003070019", "-5", "123456789012345678901234"));
}

ReaderOptions Utf8Forced() {
  ReaderOptions o;
  o.encoding = "utf-8";
  return o;
}

TEST(JsonlReaderTest, RowErrors) {
  Parsed p = Read(
      "{\"a\":1,\"b\":2}\n"
      "{\"a\":1,\"c\":\"SECRET-1\"}\n"
      "{\"a\":1,\"a\":2}\n"
      "{\"a\":\"SECRET-2\n"
      "[1,2]\n"
      "\"str\"\n"
      "{\"a\":{\"x\":1}}\n"
      "{\"a\":1} trailing\n"
      "{\"a\":\"\xC3\x28\"}\n"
      "{\"b\":3}\n");  // detected: not UTF-8, so GB18030
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  ASSERT_EQ(p.rows.size(), 10u);
  EXPECT_FALSE(p.rows[0].error);
  EXPECT_EQ(*p.rows[1].error, "unknown key (key 2 of the object) not among the first object's 2 keys");
  EXPECT_EQ(*p.rows[2].error, "duplicate key (key 2 of the object)");
  EXPECT_THAT(*p.rows[3].error, HasSubstr("invalid JSON at byte"));
  EXPECT_EQ(*p.rows[4].error, "not a JSON object");
  EXPECT_EQ(*p.rows[5].error, "not a JSON object");
  EXPECT_EQ(*p.rows[6].error, "key 1: nested objects and arrays are not supported");
  EXPECT_THAT(*p.rows[7].error, HasSubstr("invalid JSON at byte"));
  EXPECT_EQ(*p.rows[8].error, "undecodable bytes (not valid gb18030)");
  EXPECT_FALSE(p.rows[9].error);
  EXPECT_THAT(p.rows[9].cells, ElementsAre("", "3"));
  for (const Row& r : p.rows) {
    if (r.error) {
      EXPECT_THAT(*r.error, Not(HasSubstr("SECRET")));
    }
  }
}

TEST(JsonlReaderTest, InvalidBytesInADeclaredEncodingAreAFileError) {
  // --encoding utf-8 declared the file UTF-8 (issue 3: "not what it claims", exit 4).
  Parsed p = Read("{\"a\":1}\n{\"a\":2}\n{\"a\":\"\xC3\x28\"}\n{\"a\":4}\n",
                  Utf8Forced());
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(),
            "line 3: invalid UTF-8 bytes, but --encoding declared the file utf-8: it is not in "
            "that encoding (nothing was imported)");
  EXPECT_EQ(p.rows.size(), 2u);
}

TEST(JsonlReaderTest, FileErrors) {
  EXPECT_EQ(Read("").status.message(), "empty file: no header");
  EXPECT_EQ(Read("\n  \n").status.message(), "empty file: no header");
  Parsed p = Read("\n[1]\n");
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(), "line 2: the first line must be a flat JSON object: not a JSON object");
  p = Read(std::string("{\"a\":1}\n{\"a\":\0}\n", 17));
  EXPECT_EQ(p.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(), "line 2: NUL byte: binary data, not a text file");
  ReaderOptions o;
  o.max_row_bytes = 1000;
  p = Read("{\"a\":1}\n{\"a\":\"" + std::string(5000, 'x') + "\"}\n", o);
  EXPECT_EQ(p.status.message(), "line 2: line longer than 1000 bytes");
}

TEST(JsonlReaderTest, BomAndGb18030) {
  Parsed p = Read("\xEF\xBB\xBF{\"name\":\"x\"}\n");
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.encoding, "utf-8-bom");
  EXPECT_THAT(p.header, ElementsAre("name"));
  // {"姓名":"中文"} in GB18030 (中 = D6 D0, 文 = CE C4; 姓名 = D0 D5 C3 FB).
  p = Read("{\"\xD0\xD5\xC3\xFB\":\"\xD6\xD0\xCE\xC4\"}\n");
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_EQ(p.encoding, "gb18030");
  EXPECT_THAT(p.header, ElementsAre("姓名"));
  EXPECT_THAT(p.rows[0].cells, ElementsAre("中文"));
}

}  // namespace
}  // namespace jv::ingest
