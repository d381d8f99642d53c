// The liquidation case in a real vault: settings, the ledger rule, creditors, items,
// claims, the refund freeze and creditor notices. Every name and number is synthetic.
#include "src/workflow/liquidation.h"

#include <gtest/gtest.h>

#include "src/common/strings.h"
#include "src/common/testing/temp_dir.h"
#include "src/ingest/importer.h"
#include "src/workflow/claims.h"
#include "src/workflow/items.h"
#include "src/workflow/liquidation_notices.h"

namespace jv::workflow {
namespace {

using json = nlohmann::json;

int64_t MicrosOf(const char* day) {
  // Noon in China (04:00 UTC) of `day`.
  return (Date::Parse(day).value().ToDays() * 86400 + 4 * 3600) * 1000000;
}

vault::DecryptedRecord Rec(int64_t id, const char* cls, const char* src, json fields) {
  vault::DecryptedRecord r;
  r.id = id;
  r.key_class = cls;
  r.source_id = src;
  r.fields = std::move(fields);
  return r;
}

TEST(LedgerRuleTest, NewestSourceWinsAndCardsAreSummedWithinIt) {
  std::vector<vault::DecryptedRecord> recs = {
      Rec(1, "profile", "src_a", {{"prepaid_balance", 10000}, {"points", "120"}}),
      Rec(2, "prepaid_5y", "src_b", {{"card_no", "C1"}, {"prepaid_balance", 5000}}),
      Rec(3, "prepaid_5y", "src_b", {{"card_no", "C2"}, {"prepaid_balance", 700}}),
      Rec(4, "prepaid_5y", "src_b", {{"card_no", "C1"}, {"prepaid_balance", 4000}}),
      // An invalid later value does not displace a valid one.
      Rec(5, "prepaid_5y", "src_c",
          {{"prepaid_balance", "约500"}, {"_invalid", json::array({"prepaid_balance"})}}),
      // Transactions carry amounts, never balances.
      Rec(6, "accounting_30y", "src_d", {{"prepaid_balance", 999999}}),
  };
  SubjectLedger l;
  ComputeBalances(recs, &l);
  EXPECT_EQ(l.prepaid_fen, 4000 + 700);   // src_b: C1's last row + C2
  EXPECT_EQ(l.points_hundredths, 12000);  // only src_a states points
  // A newer customers export replaces the balances file.
  recs.push_back(Rec(7, "profile", "src_e", {{"prepaid_balance", 0}}));
  ComputeBalances(recs, &l);
  EXPECT_EQ(l.prepaid_fen, 0);
}

class LiquidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.SetMicros(MicrosOf("2026-03-01"));
    vault::InitOptions o;
    o.dir = dir_.File("vault");
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
    auto cal = LoadWorkdayCalendar();
    ASSERT_TRUE(cal.ok());
    cal_ = std::move(*cal);
  }

  ingest::ImportReport Import(const std::string& name, const std::string& csv,
                              ingest::ImportKind kind) {
    ingest::ImportOptions o;
    o.path = dir_.Write(name, csv);
    o.kind = kind;
    auto r = ingest::ImportFile(*v_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ingest::ImportReport{};
  }

  std::string ByMobile(const char* mobile) {
    auto ids = v_->FindByIndex("mobile", mobile);
    EXPECT_TRUE(ids.ok());
    EXPECT_EQ(ids->size(), 1u);
    return ids->empty() ? "" : ids->front();
  }

  void SetupDissolution() {
    LiquidationSettings s;
    s.type = "dissolution";
    s.dissolution_date = Date::Parse("2026-02-05").value();
    ASSERT_TRUE(SetupLiquidation(*v_, s, cal_).ok());
  }

  void ImportAll() {
    Import("customers.csv",
           "姓名,手机,储值余额,积分\n"
           "甲一,13900000001,\"¥1,000.50\",100\n"
           "乙二,13900000002,0,\n"
           "丙三,13900000003,,50\n"
           "丁四,13900000004,200,\n",
           ingest::ImportKind::kCustomers);
    Import("balances.csv",
           "手机,储值余额\n"
           "13900000004,300\n"   // replaces 丁四's 200 (a newer statement)
           "13900000999,100\n",  // nobody
           ingest::ImportKind::kBalances);
    Import("items.csv",
           "手机,物品名称,类型,重量,取件单号,收件日期\n"
           "13900000002,金戒指,维修,3.5,R-1,2026-01-10\n"
           "13900000002,玉镯,寄存,20,R-2,2026-01-11\n"
           "13900000888,银链,维修,5,R-3,2026-01-12\n",  // nobody
           ingest::ImportKind::kItems);
  }

  void ExpectAuditOk() {
    auto r = v_->audit().Verify(v_->signer().PublicKeyPem());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->ok) << r->reason;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  SystemRandom random_;
  std::unique_ptr<vault::Vault> v_;
  WorkdayCalendar cal_;
};

TEST_F(LiquidationTest, SetupStoresSettingsAndCloseStoresTheDate) {
  EXPECT_EQ(GetLiquidation(*v_).status().code(), StatusCode::kFailedPrecondition);
  SetupDissolution();
  auto s = GetLiquidation(*v_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->type, "dissolution");
  EXPECT_EQ(CloseLiquidation(*v_, Date::Parse("2026-01-01").value()).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(CloseLiquidation(*v_, Date::Parse("2026-12-31").value()).ok());
  auto raw = v_->store().GetMeta("liquidation.closed_on");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_EQ(**raw, "2026-12-31");
  ExpectAuditOk();
}

TEST_F(LiquidationTest, CreditorsCountAndSumExactly) {
  ImportAll();
  SetupDissolution();
  auto r = ListCreditors(*v_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->prepaid_holders, 2);  // 甲一 100050, 丁四 30000
  EXPECT_EQ(r->total_prepaid_fen, 100050 + 30000);
  EXPECT_EQ(r->points_holders, 2);  // 甲一, 丙三
  EXPECT_EQ(r->item_owners, 1);     // 乙二
  EXPECT_EQ(r->unmatched_balance_rows, 1);
  EXPECT_EQ(r->unmatched_item_rows, 1);
  json j = r->ToJson();
  EXPECT_EQ(j["subjects"].size(), 4u);  // 甲一, 乙二 (items), 丙三 (points), 丁四
  // Masked only: no full mobile number anywhere in the report.
  EXPECT_EQ(j.dump().find("13900000001"), std::string::npos);
}

TEST_F(LiquidationTest, ItemsListAndReturn) {
  ImportAll();
  SetupDissolution();
  auto list = ListItems(*v_, {"held"});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ((*list)["held"], 3);
  EXPECT_EQ((*list)["unmatched"], 1);
  std::string owner = ByMobile("13900000002");
  std::string item, stray;
  for (const auto& it : (*list)["items"]) {
    if (it["matched"].get<bool>() && item.empty()) item = it["id"];
    if (!it["matched"].get<bool>()) stray = it["id"];
    if (it["matched"].get<bool>()) {
      EXPECT_EQ(it["subject"], owner);
    }
  }
  ASSERT_FALSE(item.empty());
  // To someone else: a reason is required.
  EXPECT_EQ(ReturnItem(*v_, {item, "代领人", "RC-9", ""}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReturnItem(*v_, {item, "owner", "", ""}).status().code(), StatusCode::kInvalidArgument);
  auto ret = ReturnItem(*v_, {item, "owner", "RC-1", ""});
  ASSERT_TRUE(ret.ok()) << ret.status().ToString();
  EXPECT_EQ(ReturnItem(*v_, {item, "owner", "RC-1", ""}).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(ReturnItem(*v_, {stray, "owner", "RC-2", ""}).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ReturnItem(*v_, {stray, "某代领人", "RC-2", "授权委托书"}).ok());
  EXPECT_EQ(ReturnItem(*v_, {"it_999999", "owner", "RC-3", ""}).status().code(),
            StatusCode::kNotFound);
  list = ListItems(*v_, {"held"});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)["count"], 1);
  for (const auto& it : (*list)["items"]) EXPECT_NE(it["id"], item);
  auto returned = ListItems(*v_, {"returned"});
  EXPECT_EQ((*returned)["count"], 2);
  ExpectAuditOk();
  // The collector's name and the receipt are sealed, not in attrs.
  auto row = v_->store().GetObject(kKindItemReturn, stray);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->attrs_json.find("代领人"), std::string::npos);
  EXPECT_EQ(row->attrs_json.find("RC-2"), std::string::npos);
}

TEST_F(LiquidationTest, ClaimsVerifyAgainstTheLedgerAndRefundsFreeze) {
  ImportAll();
  SetupDissolution();  // freeze 2026-02-05 .. 2026-06-11 (see liquidation_clock_test)
  std::string a = ByMobile("13900000001");
  ClaimInput in{.subject_id = a, .status = "declared", .amount_fen = 100050};
  auto c = RecordClaim(*v_, in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)["status"], "verified");
  EXPECT_EQ((*c)["ledger_fen"], 100050);
  // A different amount is disputed, with the reason.
  in.amount_fen = 120000;
  c = RecordClaim(*v_, in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)["status"], "disputed");
  EXPECT_NE((*c)["reason"].get<std::string>().find("100050"), std::string::npos);
  // Paying before confirmation is refused; a disputed claim needs an explicit amount.
  EXPECT_EQ(RecordClaim(*v_, {.subject_id = a, .status = "paid"}).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(RecordClaim(*v_, {.subject_id = a, .status = "confirmed"}).status().code(),
            StatusCode::kInvalidArgument);
  // PP3: paid ¥900.45 + ¥100.05 bonus, ¥1,000.50 left -> the discounted principal.
  c = RecordClaim(*v_,
                  {.subject_id = a, .status = "confirmed", .paid_fen = 90045, .bonus_fen = 10005});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)["status"], "confirmed");
  EXPECT_EQ((*c)["confirmed_fen"], 90045);  // nothing consumed: all that was paid
  // Inside the claims period: frozen (CL 235).
  auto paid = RecordClaim(*v_, {.subject_id = a, .status = "paid"});
  EXPECT_EQ(paid.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(paid.status().message().find("CL 235"), std::string::npos);
  EXPECT_NE(paid.status().message().find("EBL 16"), std::string::npos);
  // After it: allowed.
  clock_.SetMicros(MicrosOf("2026-06-12"));
  paid = RecordClaim(*v_, {.subject_id = a, .status = "paid"});
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ((*paid)["paid_fen"], 90045);
  auto list = ListClaims(*v_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)["count"], 1);
  EXPECT_EQ((*list)["by_status"]["paid"], 1);
  // Amounts are sealed: attrs hold statuses only.
  store::ObjectFilter claims_filter;
  claims_filter.kind = kKindClaim;
  auto row = v_->store().ListObjects(claims_filter);
  ASSERT_EQ(row->size(), 1u);
  EXPECT_EQ(row->front().attrs_json.find("100050"), std::string::npos);
  ExpectAuditOk();
}

TEST_F(LiquidationTest, BankruptcyFreezeStartsAtAcceptance) {
  ImportAll();
  LiquidationSettings s;
  s.type = "bankruptcy";
  s.court_accepted = Date::Parse("2026-02-20").value();
  s.announcement = Date::Parse("2026-02-27").value();
  s.claims_period_end = Date::Parse("2026-04-30").value();
  ASSERT_TRUE(SetupLiquidation(*v_, s, cal_).ok());
  Status st = CheckRefundAllowed(*v_, Date::Parse("2026-02-20").value());
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckRefundAllowed(*v_, Date::Parse("2026-02-19").value()).ok());
  EXPECT_TRUE(CheckRefundAllowed(*v_, Date::Parse("2026-05-01").value()).ok());
  // The claims period is validated on setup (EBL 45).
  s.claims_period_end = Date::Parse("2026-03-01").value();
  EXPECT_EQ(SetupLiquidation(*v_, s, cal_).status().code(), StatusCode::kInvalidArgument);
}

class CaptureSink : public NoticeSink {
 public:
  std::vector<std::string> Channels() const override { return {"sms"}; }
  Status Send(const RenderedNotice& n) override {
    sent.push_back(n);
    return Status::Ok();
  }
  Status Flush() override { return Status::Ok(); }
  std::string BatchLabel() const override { return "capture"; }
  std::vector<RenderedNotice> sent;
};

TEST(CreditorTemplateTest, BuiltinsMatchProjectFilesAndMissingElementsAreNamed) {
  for (std::string lang : {"zh-CN", "en"}) {
    auto t = DefaultCreditorNoticeTemplate(lang);
    ASSERT_TRUE(t.ok());
    auto file = ReadFileToString(std::string(JV_SOURCE_DIR) + "/data/templates/notice_creditor." +
                                 lang + ".txt");
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(*file, *t) << lang;
    EXPECT_TRUE(CheckCreditorNoticeTemplate(*t).ok());
    for (const auto& e : RequiredCreditorNoticeElements()) {
      std::string broken = *t;
      std::string ph = "{{" + e + "}}";
      broken.erase(broken.find(ph), ph.size());
      Status st = CheckCreditorNoticeTemplate(broken);
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(st.message().find(ph), std::string::npos);
    }
  }
  EXPECT_EQ(YuanText(100050), "¥1,000.50");
  EXPECT_EQ(YuanText(5), "¥0.05");
  EXPECT_EQ(YuanText(123456789), "¥1,234,567.89");
}

TEST_F(LiquidationTest, CreditorNoticesCarryEveryElement) {
  ImportAll();
  SetupDissolution();
  CreditorNoticeOptions o;
  EXPECT_EQ(PlanCreditorNotices(*v_, o).status().code(), StatusCode::kInvalidArgument);
  o.liquidator_contact = "清算组 王律师 010-00000000";
  o.items_where = "北京市某区某路1号门店";
  auto p = PlanCreditorNotices(*v_, o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->sms, 4);
  EXPECT_EQ(p->planned_now, 4);
  // Planning again adds nothing.
  EXPECT_EQ(PlanCreditorNotices(*v_, {}).value().planned_now, 0);
  CaptureSink sink;
  auto r = SendCreditorNotices(*v_, sink, "test", nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sent, 4);
  bool found = false;
  for (const auto& n : sink.sent) {
    EXPECT_EQ(n.text.find("{{"), std::string::npos) << "an unfilled placeholder";
    EXPECT_NE(n.text.find("清算组 王律师"), std::string::npos);
    if (n.to == "13900000001") {
      found = true;
      EXPECT_NE(n.text.find("¥1,000.50"), std::string::npos);
      // Dissolution: the later of today + 30 (03-31) and the estimated
      // claims_deadline_notified (04-07, liquidation_clock_test).
      EXPECT_NE(n.text.find("2026-04-07"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
  ExpectAuditOk();
}

}  // namespace
}  // namespace jv::workflow
