#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "src/common/strings.h"
#include "src/crypto/age.h"
#include "src/workflow/assess.h"
#include "src/workflow/delivery.h"
#include "src/workflow/gate.h"
#include "src/workflow/notices.h"
#include "src/workflow/shred.h"
#include "src/workflow/transfer.h"

namespace jv::workflow {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// All names, numbers and addresses below are synthetic.
class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jv-transfer-test-XXXXXX";
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

  std::string Subject(const json& fields, const json& attrs = json::object()) {
    auto id = v_->CreateSubject(attrs);
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(v_->AddRecord(*id, vault::kClassProfile, "", 1, fields).ok());
    if (fields.contains("mobile")) {
      EXPECT_TRUE(v_->AddBlindIndex(*id, "mobile", fields["mobile"].get<std::string>()).ok());
    }
    return *id;
  }

  std::string AgeKey() {
    return crypto::age::X25519Identity::Generate(random_).Recipient().Encode();
  }

  std::string Recipient() {
    RecipientInput in{"接收珠宝有限公司", "91350100M000100Y43", "王经理", "010-12345678",
                      "北京市朝阳区某路1号", "CN", AgeKey(), {"name", "mobile"}};
    auto r = AddRecipient(*v_, in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r->value("id", "");
  }

  const RuleResult& Rule(const GateReport& g, const std::string& id) {
    for (const auto& r : g.rules) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no rule " << id;
    return g.rules.front();
  }

  std::string root_;
  FakeClock clock_{int64_t{1790000000} * 1000000};
  SystemRandom random_;
  std::unique_ptr<vault::Vault> v_;
};

class FakeSink : public NoticeSink {
 public:
  std::vector<std::string> Channels() const override { return {"email"}; }
  Status Send(const RenderedNotice& n) override {
    sent.push_back(n);
    return Status::Ok();
  }
  Status Flush() override { return Status::Ok(); }
  std::string BatchLabel() const override { return "fake"; }
  std::vector<RenderedNotice> sent;
};

TEST(NoticeTemplate, BuiltinsMatchProjectFilesAndPassTheCheck) {
  for (std::string lang : {"zh-CN", "en"}) {
    auto t = DefaultNoticeTemplate(lang);
    ASSERT_TRUE(t.ok());
    auto file = ReadFileToString(std::string(JV_SOURCE_DIR) + "/data/templates/notice_transfer." +
                                 lang + ".txt");
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(*file, *t) << lang;
    EXPECT_TRUE(CheckNoticeTemplate(*t).ok());
  }
}

TEST(NoticeTemplate, MissingElementIsRefusedAndNamed) {
  std::string t = *DefaultNoticeTemplate("zh-CN");
  for (const auto& e : RequiredNoticeElements()) {
    std::string broken = t;
    std::string ph = "{{" + e + "}}";
    broken.erase(broken.find(ph), ph.size());
    Status st = CheckNoticeTemplate(broken);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find(ph), std::string::npos) << st.message();
  }
}

TEST(NoticeTemplate, RenderReplacesKnownPlaceholdersOnly) {
  EXPECT_EQ(RenderTemplate("a{{x}}b{{y}}c", {{"x", "1"}}), "a1b{{y}}c");
}

TEST(SmsSegments, SeventySingleSixtySevenConcatenated) {
  auto chars = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "玉";
    return s;
  };
  EXPECT_EQ(SmsSegments(chars(70)), 1);
  EXPECT_EQ(SmsSegments(chars(71)), 2);
  EXPECT_EQ(SmsSegments(chars(134)), 2);
  EXPECT_EQ(SmsSegments(chars(135)), 3);
  EXPECT_EQ(SmsSegments(chars(70) + "\n"), 1);
}

TEST(PortalCode, EightCharsFromUnambiguousAlphabet) {
  SystemRandom r;
  std::string a = NewPortalCode(r), b = NewPortalCode(r);
  EXPECT_EQ(a.size(), 8u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_of("01OIL"), std::string::npos);
}

TEST(Delivery, CsvQuotingAndMailEncoding) {
  RenderedNotice n{"n_1", "s_1", "sms", "13800000000", "你好,\"客户\"\n", 1};
  EXPECT_EQ(SmsCsvLine(n), "13800000000,\"你好,\"\"客户\"\"\",n_1\n");
  std::string m = BuildMail("a@example.com", "b@example.com", "通知", "正文", "<n_1@jv>");
  EXPECT_NE(m.find("Subject: =?UTF-8?B?" + Base64Encode(AsBytes("通知")) + "?="),
            std::string::npos);
  EXPECT_NE(m.find(Base64Encode(AsBytes("正文"))), std::string::npos);
  EXPECT_EQ(m.find("正文"), std::string::npos);  // body is base64, not raw
}

TEST_F(TransferTest, SetupValidatesAndIsStored) {
  EXPECT_EQ(SetupTransfer(*v_, "gift", 30).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GetTransfer(*v_).status().code(), StatusCode::kFailedPrecondition);
  auto s = SetupTransfer(*v_, "merger", 30);
  ASSERT_TRUE(s.ok());
  auto g = GetTransfer(*v_);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->reason, "merger");
  EXPECT_EQ(g->objection_days, 30);
  EXPECT_FALSE(g->needs_consent());
}

TEST_F(TransferTest, RecipientRejectsBadUsccAndAgeKeyNamingTheFlag) {
  RecipientInput in{"接收公司", "91350100M000100Y44", "王经理", "010-1", "地址", "CN", AgeKey(), {}};
  auto r = AddRecipient(*v_, in);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--uscc"), std::string::npos);
  in.uscc = "91350100M000100Y43";
  in.age_recipient = "age1notakey";
  r = AddRecipient(*v_, in);
  EXPECT_NE(r.status().message().find("--age-recipient"), std::string::npos);
  in.age_recipient = AgeKey();
  in.region = "china";
  EXPECT_EQ(AddRecipient(*v_, in).status().code(), StatusCode::kInvalidArgument);
  in.region = "HK";
  ASSERT_TRUE(AddRecipient(*v_, in).ok());
  EXPECT_EQ(ListRecipients(*v_)->size(), 1u);
}

TEST_F(TransferTest, AllocateByStoreLeavesTheRestUnallocated) {
  std::string a = Subject({{"name", "张三"}}, {{"store", "朝阳店"}, {"province", "11"}});
  std::string b = Subject({{"name", "李四"}}, {{"store", "浦东店"}, {"province", "31"}});
  std::string r = Recipient();
  auto res = Allocate(*v_, r, {false, "store", "朝阳店"});
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->allocated, 1);
  EXPECT_EQ(res->unallocated, 1);
  EXPECT_EQ(SubjectAttrs(*v_->store().GetSubject(a))["recipient"], r);
  EXPECT_FALSE(SubjectAttrs(*v_->store().GetSubject(b)).contains("recipient"));
  EXPECT_EQ(Allocate(*v_, "r_none", {true, "", ""}).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(ParseAllocateWhere("colour=red").ok());
}

TEST_F(TransferTest, PlanSendAndGateEndToEnd) {
  std::string sms = Subject({{"name", "张三"}, {"mobile", "13812345678"}});
  std::string mail = Subject({{"name", "李四"}, {"email", "lisi@example.com"}});
  std::string letter = Subject({{"name", "王五"}, {"address", "上海市浦东新区某路2号"}});
  std::string none = Subject({{"name", "赵六"}});
  std::string r = Recipient();

  auto g0 = EvaluateGate(*v_);
  ASSERT_TRUE(g0.ok());
  EXPECT_TRUE(g0->blocked());
  EXPECT_EQ(Rule(*g0, "TRANSFER-SETUP").status, RuleStatus::kFail);

  ASSERT_TRUE(SetupTransfer(*v_, "merger", 30).ok());
  ASSERT_TRUE(Allocate(*v_, r, {true, "", ""}).ok());
  EXPECT_EQ(PlanNotices(*v_, "").status().code(), StatusCode::kOk);
  auto plan = PlanNotices(*v_, "");  // idempotent: nothing new
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->sms, 1);
  EXPECT_EQ(plan->email, 1);
  EXPECT_EQ(plan->letter, 1);
  EXPECT_EQ(plan->announcement, 1);
  EXPECT_EQ(plan->planned_now, 0);
  EXPECT_GE(plan->sms_segments, 2);  // the default text is longer than 70 characters

  auto text = RenderSubjectNotice(*v_, sms);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_NE(text->text.find("接收珠宝有限公司"), std::string::npos);
  EXPECT_NE(text->text.find("王经理 010-12345678"), std::string::npos);
  EXPECT_NE(text->text.find("张三"), std::string::npos);
  EXPECT_EQ(text->text.find("{{"), std::string::npos);
  // The portal code is found through its blind index, and is not stored in the clear.
  std::string code = text->text.substr(text->text.rfind("：") + 3, 8);
  auto found = v_->FindByIndex("portal_code", code);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0], sms);

  auto g1 = EvaluateGate(*v_);
  EXPECT_EQ(Rule(*g1, "PIPL-22-NOTICE").status, RuleStatus::kFail);
  EXPECT_EQ(Rule(*g1, "PIPL-22-NOTICE").evidence["not_notified"], 4);
  EXPECT_EQ(Rule(*g1, "RECIPIENT-KEY").status, RuleStatus::kPass);
  EXPECT_EQ(Rule(*g1, "PIPL-23-CONSENT").status, RuleStatus::kNotApplicable);

  // File outbox: one CSV line per SMS subject, letters in their own file, all 0600.
  std::string out = root_ + "/outbox";
  auto outbox = MakeFileOutbox(out, 1000);
  auto sent = SendNotices(*v_, *outbox, "file", nullptr);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->sent, 2);
  auto csv = ReadFileToString(out + "/sms-0001.csv");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(std::count(csv->begin(), csv->end(), '\n'), 2);  // header + one row
  EXPECT_EQ(csv->rfind("13812345678,", csv->find('\n') + 1), csv->find('\n') + 1);
  struct stat st;
  ASSERT_EQ(::stat((out + "/sms-0001.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(fs::exists(out + "/letters-0001.txt"));
  EXPECT_EQ(v_->store().GetSubject(sms)->state, "notified");

  FakeSink mail_sink;
  ASSERT_TRUE(SendNotices(*v_, mail_sink, "smtp", nullptr).ok());
  ASSERT_EQ(mail_sink.sent.size(), 1u);
  EXPECT_EQ(mail_sink.sent[0].to, "lisi@example.com");
  auto ann = WriteAnnouncement(*v_, root_ + "/announce.txt");
  ASSERT_TRUE(ann.ok());
  EXPECT_EQ(ann->listed, 1);
  auto ann_text = ReadFileToString(root_ + "/announce.txt");
  EXPECT_EQ(ann_text->find("赵六"), std::string::npos);  // masked

  auto g2 = EvaluateGate(*v_);
  EXPECT_EQ(Rule(*g2, "PIPL-22-NOTICE").status, RuleStatus::kPass);
  EXPECT_EQ(Rule(*g2, "OBJECTION-WINDOW").status, RuleStatus::kFail);
  EXPECT_TRUE(g2->blocked());
  clock_.AdvanceSeconds(31 * 86400);
  // The impact assessment (PIPL 55) is the last blocking rule left.
  EXPECT_EQ(Rule(*EvaluateGate(*v_), "PIPL-55-PIPIA").status, RuleStatus::kFail);
  ASSERT_TRUE(RunAssessment(*v_, PipiaTemplate()).ok());
  auto g3 = EvaluateGate(*v_);
  EXPECT_EQ(Rule(*g3, "OBJECTION-WINDOW").status, RuleStatus::kPass);
  EXPECT_FALSE(g3->blocked()) << g3->ToJson().dump();
  EXPECT_EQ(g3->ToJson()["ok"], true);

  // Receipts: a failed SMS makes the subject un-notified again.
  std::string receipts = "notice_id,status,time\n" + text->notice_id + ",failed,2026-01-01\n";
  auto rc = ImportReceipts(*v_, receipts);
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->failed, 1);
  EXPECT_TRUE(EvaluateGate(*v_)->blocked());
  EXPECT_EQ(ImportReceipts(*v_, "n_x,lost\n").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TransferTest, SaleNeedsConsentOfEveryAllocatedSubject) {
  std::string a = Subject({{"name", "张三"}, {"mobile", "13812345678"}});
  std::string b = Subject({{"name", "李四"}, {"mobile", "13912345678"}});
  std::string r = Recipient();
  ASSERT_TRUE(SetupTransfer(*v_, "sale", 0).ok());
  ASSERT_TRUE(Allocate(*v_, r, {true, "", ""}).ok());
  EXPECT_EQ(Rule(*EvaluateGate(*v_), "PIPL-23-CONSENT").status, RuleStatus::kFail);
  ASSERT_TRUE(RecordResponse(*v_, a, "consent", "portal").ok());
  EXPECT_EQ(Rule(*EvaluateGate(*v_), "PIPL-23-CONSENT").status, RuleStatus::kFail);
  auto obj = RecordResponse(*v_, b, "object", "phone");
  ASSERT_TRUE(obj.ok());
  EXPECT_EQ(obj->new_state, "objected");
  EXPECT_EQ(Rule(*EvaluateGate(*v_), "PIPL-23-CONSENT").status, RuleStatus::kPass);
  EXPECT_EQ(RecordResponse(*v_, a, "maybe", "phone").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(TransferTest, DeleteRequestShredsProfileOrRestrictsUnderLock) {
  std::string a = Subject({{"name", "张三"}, {"mobile", "13812345678"}});
  std::string b = Subject({{"name", "李四"}, {"mobile", "13912345678"}});
  ASSERT_TRUE(v_->AddRecord(b, "aml_10y", "", 1, {{"amount", "60000"}}).ok());

  auto ra = RecordResponse(*v_, a, "delete", "letter");
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  EXPECT_EQ(ra->new_state, "shredded");
  EXPECT_EQ(v_->store().GetSubject(a)->state, "shredded");
  EXPECT_TRUE(v_->store().ListDataKeys(a)->empty());
  EXPECT_TRUE(v_->store().ListRecords(a)->empty());
  EXPECT_TRUE(v_->FindByIndex("mobile", "13812345678")->empty());
  EXPECT_EQ(v_->DataKey(a, vault::kClassProfile, false).status().code(), StatusCode::kNotFound);

  auto ob = ShredSubject(*v_, b, "test");
  ASSERT_TRUE(ob.ok());
  EXPECT_EQ(ob->new_state, "restricted");
  EXPECT_EQ(ob->shredded_classes, std::vector<std::string>{"profile"});
  EXPECT_EQ(ob->kept_classes, std::vector<std::string>{"aml_10y"});
  auto left = v_->ReadRecords(b);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].key_class, "aml_10y");
  EXPECT_EQ(v_->FindByIndex("mobile", "13912345678")->size(), 1u);  // still identifying
  EXPECT_EQ(ShredSubject(*v_, "s_missing", "x").status().code(), StatusCode::kNotFound);

  // One audit entry per shred, without personal data.
  int shreds = 0;
  auto size = v_->store().AuditSize();
  ASSERT_TRUE(v_->store().ForEachAudit(1, *size, [&](const store::AuditRow& row) {
    if (row.line.find("subject.shred") != std::string::npos) ++shreds;
    EXPECT_EQ(row.line.find("13812345678"), std::string::npos);
    EXPECT_EQ(row.line.find("张三"), std::string::npos);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(shreds, 2);
}

}  // namespace
}  // namespace jv::workflow
