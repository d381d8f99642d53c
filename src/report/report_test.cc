#include "src/report/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "src/common/strings.h"

namespace jv::report {
namespace {

using json = nlohmann::json;

Report Sample() {
  Report r{"summary", "概况", "Summary", "2026-11-26T00:00:00Z", "测试珠宝有限公司", {}};
  r.tables.push_back({"by_state",
                      "按状态",
                      "By state",
                      {{"state", "状态", "State"}, {"count", "数量", "Count"}},
                      {{"active", 7}, {"notified", 3}},
                      1});
  r.tables.push_back(
      {"notes", "说明", "Notes", {{"text", "说明", "Text"}}, {{"a,\"b\""}, {"<script>"}}, -1});
  return r;
}

TEST(ReportRenderTest, JsonKeysRowsByColumnKey) {
  json j = RenderJson(Sample());
  EXPECT_EQ(j["report"], "summary");
  EXPECT_EQ(j["tables"]["by_state"][1]["count"], 3);
  EXPECT_EQ(j["tables"]["by_state"][0]["state"], "active");
}

TEST(ReportRenderTest, CsvSectionsAndQuoting) {
  std::string csv = RenderCsv(Sample());
  EXPECT_EQ(csv.rfind("# by_state\r\nstate,count\r\nactive,7\r\nnotified,3\r\n", 0), 0u);
  EXPECT_NE(csv.find("\"a,\"\"b\"\"\""), std::string::npos);
}

TEST(ReportRenderTest, HtmlEscapesAndDrawsTheChart) {
  std::string zh = RenderHtml(Sample(), "zh-CN");
  EXPECT_NE(zh.find("lang=\"zh-CN\""), std::string::npos);
  EXPECT_NE(zh.find("<svg"), std::string::npos);
  EXPECT_NE(zh.find("按状态"), std::string::npos);
  EXPECT_EQ(zh.find("<script>"), std::string::npos);
  EXPECT_NE(zh.find("&lt;script&gt;"), std::string::npos);
  std::string en = RenderHtml(Sample(), "en");
  EXPECT_NE(en.find("By state"), std::string::npos);
}

TEST(ReportRenderTest, XlsxIsAZipAndBadFormatsAreRefused) {
  char tmpl[] = "/tmp/jv-report-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string path = std::string(tmpl) + "/r.xlsx";
  ASSERT_TRUE(WriteReport(Sample(), "xlsx", "zh-CN", path).ok());
  auto bytes = ReadFileToString(path);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->substr(0, 2), "PK");
  EXPECT_EQ(WriteReport(Sample(), "pdf", "zh-CN", path).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteReport(Sample(), "json", "fr", path).code(), StatusCode::kInvalidArgument);
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace jv::report
