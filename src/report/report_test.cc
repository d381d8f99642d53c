#include "src/report/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/report/builders_internal.h"
#include "src/workflow/holds.h"
#include "src/workflow/retention.h"

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

// --- builders on a vault (all people synthetic) --------------------------------------------

class ReportBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jv-report-builder-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    vault::InitOptions o;
    o.dir = root_ + "/vault";
    o.company = "测试珠宝有限公司";
    o.case_type = "liquidation";
    o.passphrase = SecretBuffer::FromString("synthetic passphrase");
    o.scrypt.n = 1 << 14;
    ASSERT_TRUE(vault::Vault::Init(o, clock_, random_).ok());
    vault::UnlockOptions u;
    u.passphrase = SecretBuffer::FromString("synthetic passphrase");
    auto v = vault::Vault::Open(o.dir, std::move(u), clock_, random_);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    v_ = std::move(*v);
  }
  void TearDown() override {
    v_.reset();
    std::filesystem::remove_all(root_);
  }
  std::string Customer(const std::string& mobile) {
    auto id = v_->CreateSubject(json::object());
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(v_->AddRecord(*id, vault::kClassProfile, "src_test", 1,
                              {{"name", "测试某"}, {"mobile", mobile}})
                    .ok());
    return *id;
  }
  // The rows of table `id` as JSON objects.
  static json Rows(const Report& r, const std::string& id) { return RenderJson(r)["tables"][id]; }

  std::string root_;
  FakeClock clock_{int64_t{1815998400} * 1000000};  // 2027-07-19T12:00:00Z
  SystemRandom random_;
  std::unique_ptr<vault::Vault> v_;
};

TEST_F(ReportBuilderTest, AuditCountsEntriesByActionAndDayAndShowsTheCheckpoint) {
  ASSERT_TRUE(v_->Audit("test.a", "", "", json::object()).ok());
  clock_.AdvanceSeconds(86400);
  ASSERT_TRUE(v_->Audit("test.a", "", "", json::object()).ok());
  ASSERT_TRUE(v_->Audit("test.b", "", "", json::object()).ok());
  auto r = BuildReport(*v_, "audit");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const int64_t size = *v_->audit().Size();
  json log = Rows(*r, "log")[0];
  EXPECT_EQ(log["tree_size"], size);
  EXPECT_EQ(log["verify_ok"], "yes");
  json actions = json::object();
  for (const json& x : Rows(*r, "by_action")) actions[x["action"].get<std::string>()] = x["count"];
  EXPECT_EQ(actions["test.a"], 2);
  EXPECT_EQ(actions["test.b"], 1);
  int64_t per_day = 0;
  for (const json& x : Rows(*r, "by_day")) per_day += x["count"].get<int64_t>();
  EXPECT_EQ(per_day, size);
  EXPECT_EQ(Rows(*r, "by_day").size(), 2u);
  EXPECT_TRUE(Rows(*r, "checkpoint").empty());

  auto cp = v_->audit().MakeCheckpoint(v_->signer());
  ASSERT_TRUE(cp.ok());
  r = BuildReport(*v_, "audit");
  ASSERT_TRUE(r.ok());
  json c = Rows(*r, "checkpoint")[0];
  EXPECT_EQ(c["tree_size"], cp->tree_size);
  EXPECT_EQ(c["root_hash"], HexEncode(cp->root_hash));
  EXPECT_EQ(Rows(*r, "log")[0]["checkpoints_checked"], 1);
  // The report only reads: building it appended nothing.
  EXPECT_EQ(*v_->audit().Size(), size);
}

TEST_F(ReportBuilderTest, RetentionFollowsThePlanAsOfTheGivenDate) {
  const std::string a = Customer("13900000001");
  Customer("13900000002");
  ASSERT_TRUE(v_->store().PutMeta(workflow::kMetaClosedOn, "2020-06-30").ok());
  ASSERT_TRUE(workflow::AddHold(*v_, {a, false, "", "测试案号"}).ok());
  ReportOptions o;
  o.as_of = *Date::Parse("2027-07-01");
  auto r = BuildReport(*v_, "retention", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  workflow::PlanOptions po;
  po.as_of = *o.as_of;
  auto plan = workflow::PlanRetention(*v_, po);
  ASSERT_TRUE(plan.ok());
  json p = Rows(*r, "plan")[0];
  EXPECT_EQ(p["as_of"], "2027-07-01");
  EXPECT_EQ(p["closed_on"], "2020-06-30");
  EXPECT_EQ(p["fully_deletable"], plan->fully_deletable);
  EXPECT_EQ(p["restricted"], plan->restricted);
  EXPECT_EQ(p["subjects_with_data"], 2);
  EXPECT_EQ(p["holds"], 1);
  json profile;
  for (const json& x : Rows(*r, "by_class"))
    if (x["class"] == "profile") profile = x;
  ASSERT_FALSE(profile.is_null());
  EXPECT_EQ(profile["subjects"], 2);
  EXPECT_EQ(profile["held"], 1);
  EXPECT_EQ(profile["due"].get<int64_t>() + profile["locked"].get<int64_t>(), 1);
  // Nothing identifying: no subject id, no hold reason.
  const std::string csv = RenderCsv(*r);
  EXPECT_EQ(csv.find(a), std::string::npos);
  EXPECT_EQ(csv.find("测试案号"), std::string::npos);
  // Default date: today (China time) from the clock.
  auto today = BuildReport(*v_, "retention");
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(Rows(*today, "plan")[0]["as_of"], "2027-07-19");
}

TEST_F(ReportBuilderTest, ClaimsAndCertificateOnAnEmptyCaseAreZerosNotErrors) {
  auto c = BuildReport(*v_, "claims");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  json by = Rows(*c, "claims_by_status");
  ASSERT_EQ(by.size(), 5u);
  EXPECT_EQ(by[0]["status"], "declared");
  EXPECT_EQ(by[4]["status"], "paid");
  for (const json& x : by) EXPECT_EQ(x["count"], 0);
  EXPECT_EQ(Rows(*c, "claims_totals")[0]["declared_fen"], 0);
  EXPECT_EQ(Rows(*c, "creditors")[0]["creditors"], 0);
  auto cert = BuildReport(*v_, "certificate");
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(Rows(*cert, "totals")[0]["certificates"], 0);
  EXPECT_TRUE(Rows(*cert, "issued").empty());
}

TEST_F(ReportBuilderTest, EveryKindRenders) {
  for (const auto& kind : ReportKinds()) {
    auto r = BuildReport(*v_, kind);
    ASSERT_TRUE(r.ok()) << kind << ": " << r.status().ToString();
    EXPECT_EQ(r->kind, kind);
    const std::string csv = RenderCsv(*r), html = RenderHtml(*r, "en");
    for (const auto& t : r->tables) {
      EXPECT_NE(csv.find("# " + t.id + "\r\n"), std::string::npos) << kind << " " << t.id;
      EXPECT_NE(html.find(t.en), std::string::npos) << kind << " " << t.id;
    }
  }
  EXPECT_NE(std::find(ReportKinds().begin(), ReportKinds().end(), "requests"), ReportKinds().end());
  EXPECT_EQ(BuildReport(*v_, "nonsense").status().code(), StatusCode::kInvalidArgument);
}

TEST(RequestsReportHelpers, MasksSubjectIdsAndTakesTheMedian) {
  EXPECT_EQ(MaskSubjectId("s_abcdefghijklmnopqrst"), "s_abc***st");
  EXPECT_EQ(MaskSubjectId("s_ab"), "s_ab");
  EXPECT_EQ(MedianDaysText({}), "");
  EXPECT_EQ(MedianDaysText({9, 1, 4}), "4");
  EXPECT_EQ(MedianDaysText({1, 4, 5, 9}), "4.5");
  EXPECT_EQ(MedianDaysText({2, 4}), "3");
}

}  // namespace
}  // namespace jv::report
