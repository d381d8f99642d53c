#include "src/workflow/incident.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/common/strings.h"
#include "src/workflow/delivery.h"
#include "src/workflow/incident_time.h"

namespace jv::workflow {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string Due(const std::string& detected) {
  auto t = ParseOffsetTime(detected);
  EXPECT_TRUE(t.ok()) << detected;
  return FormatOffsetTime(AddHours(*t, kIncidentReportHours));
}

TEST(IncidentClockTest, FourHoursInTheGivenOffset) {
  EXPECT_EQ(Due("2026-11-26T10:00:00+08:00"), "2026-11-26T14:00:00+08:00");
  // Across midnight, a month end and a year end, in the local calendar of the offset.
  EXPECT_EQ(Due("2026-11-26T22:30:00+08:00"), "2026-11-27T02:30:00+08:00");
  EXPECT_EQ(Due("2026-11-30T21:15:00+08:00"), "2026-12-01T01:15:00+08:00");
  EXPECT_EQ(Due("2026-12-31T23:59:59+08:00"), "2027-01-01T03:59:59+08:00");
  EXPECT_EQ(Due("2028-02-28T21:00:00-05:00"), "2028-02-29T01:00:00-05:00");  // leap day
  EXPECT_EQ(Due("2026-11-26T21:00:00Z"), "2026-11-27T01:00:00Z");
  EXPECT_EQ(Due("2026-11-26T10:00:00+05:45"), "2026-11-26T14:00:00+05:45");
  EXPECT_EQ(Due("2026-11-26T10:00:00.250000+08:00"), "2026-11-26T14:00:00.250000+08:00");
}

TEST(IncidentClockTest, SameInstantWhateverTheOffset) {
  auto a = ParseOffsetTime("2026-11-26T10:00:00+08:00");
  auto b = ParseOffsetTime("2026-11-26T02:00:00Z");
  auto c = ParseOffsetTime("2026-11-25T21:00:00-05:00");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->micros, b->micros);
  EXPECT_EQ(a->micros, c->micros);
  EXPECT_EQ(a->offset_minutes, 480);
  EXPECT_EQ(c->offset_minutes, -300);
}

TEST(IncidentClockTest, RejectsMalformedTimes) {
  for (const char* s : {"2026-11-26T10:00:00", "2026-11-26 10:00:00+08:00",
                        "2026-02-30T10:00:00+08:00", "2026-11-26T24:00:00+08:00",
                        "2026-11-26T10:00:00+0800", "2026-11-26T10:00:00.+08:00", ""}) {
    EXPECT_FALSE(ParseOffsetTime(s).ok()) << s;
  }
}

TEST(IncidentGradingTest, Thresholds) {
  EXPECT_EQ(IncidentSeverity(999999), "general");
  EXPECT_EQ(IncidentSeverity(1000000), "relatively_major");
  EXPECT_EQ(IncidentSeverity(10000000), "major");
  EXPECT_EQ(IncidentSeverity(100000000), "especially_major");
  EXPECT_FALSE(ReportRequired("general"));
  EXPECT_TRUE(ReportRequired("relatively_major"));
  EXPECT_FALSE(ExternalAuditTrigger(999999, 99999));
  EXPECT_TRUE(ExternalAuditTrigger(1000000, 0));
  EXPECT_TRUE(ExternalAuditTrigger(0, 100000));
}

// All names and numbers below are synthetic.
class IncidentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jv-incident-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    vault::InitOptions o;
    o.dir = root_ + "/vault";
    o.company = "测试珠宝有限公司";
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
    fs::remove_all(root_);
  }
  std::string Subject(const json& fields, const json& attrs) {
    auto id = v_->CreateSubject(attrs);
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(v_->AddRecord(*id, vault::kClassProfile, "", 1, fields).ok());
    return *id;
  }

  std::string root_;
  FakeClock clock_{int64_t{1795000000} * 1000000};
  FakeRandom random_{11};
  std::unique_ptr<vault::Vault> v_;
};

TEST_F(IncidentTest, OpenFillSendClose) {
  Subject({{"name", "张三"}, {"mobile", "13812345678"}},
          {{"store", "A"}, {"has_id", true}, {"categories", {"identity", "contact"}}});
  Subject({{"name", "李四"}, {"address", "上海市浦东新区某路2号"}},
          {{"store", "B"}, {"categories", {"identity", "contact"}}});
  EXPECT_EQ(OpenIncident(*v_, {"fire", "2026-11-26T10:00:00+08:00", "all", ""}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenIncident(*v_, {"leak", "yesterday", "all", ""}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      OpenIncident(*v_, {"leak", "2026-11-26T10:00:00+08:00", "colour=red", ""}).status().code(),
      StatusCode::kInvalidArgument);
  auto inc = OpenIncident(*v_, {"leak", "2026-11-26T10:00:00+08:00", "store=A", ""});
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  const std::string id = (*inc)["id"];
  EXPECT_EQ((*inc)["report_due"], "2026-11-26T14:00:00+08:00");
  EXPECT_EQ((*inc)["severity"], "general");
  EXPECT_EQ((*inc)["affected"]["subjects"], 1);
  EXPECT_EQ((*inc)["affected"]["sensitive_subjects"], 1);

  // Every element but the remedies: the individuals' notice is refused, naming it.
  auto upd = UpdateIncident(*v_, id,
                            {"cause=配置错误导致的数据库暴露", "harm=可能遭受诈骗",
                             "individual_actions=警惕冒充客服的电话", "contact=400-000-0000"},
                            "");
  ASSERT_TRUE(upd.ok()) << upd.status().ToString();
  EXPECT_EQ((*upd)["missing_elements"], json::array({"remedies"}));
  std::string out = root_ + "/outbox";
  auto sink = MakeFileOutbox(out, 1000);
  auto refused = SendIncidentNotice(*v_, id, "individuals", sink.get(), "");
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("remedies"), std::string::npos);
  EXPECT_FALSE(fs::exists(out + "/sms-0001.csv"));
  EXPECT_EQ(UpdateIncident(*v_, id, {"colour=red"}, "").status().code(),
            StatusCode::kInvalidArgument);

  ASSERT_TRUE(UpdateIncident(*v_, id, {"remedies=已关闭外网访问并更换密钥"}, "已处置").ok());
  auto sent = SendIncidentNotice(*v_, id, "individuals", sink.get(), "");
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ((*sent)["sent"], 1);
  auto csv = ReadFileToString(out + "/sms-0001.csv");
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->find("13812345678"), std::string::npos);
  EXPECT_NE(csv->find("已关闭外网访问并更换密钥"), std::string::npos);

  auto reg = SendIncidentNotice(*v_, id, "regulator", nullptr, root_ + "/regulator.txt");
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  auto text = ReadFileToString(root_ + "/regulator.txt");
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("2026-11-26T14:00:00+08:00"), std::string::npos);
  EXPECT_EQ(text->find("13812345678"), std::string::npos);

  auto closed = CloseIncident(*v_, id, "处置完毕");
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ((*closed)["status"], "closed");
  std::vector<std::string> events;
  for (const auto& e : (*closed)["timeline"]) events.push_back(e["event"]);
  EXPECT_EQ(events, (std::vector<std::string>{"opened", "elements_set", "elements_set", "note",
                                              "individuals_notice_sent", "regulator_notice_sent",
                                              "closed"}));
  EXPECT_EQ(UpdateIncident(*v_, id, {}, "late").status().code(), StatusCode::kFailedPrecondition);
  auto list = ListIncidents(*v_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0]["status"], "closed");
}

}  // namespace
}  // namespace jv::workflow
