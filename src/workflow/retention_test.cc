#include "src/workflow/retention.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/workflow/holds.h"
#include "src/workflow/shred.h"

namespace jv::workflow {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

Date D(const char* s) { return *Date::Parse(s); }
PlanOptions At(const char* as_of) {
  PlanOptions o;
  o.as_of = D(as_of);
  return o;
}

// All people below are synthetic.
class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jv-retention-test-XXXXXX";
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
    fs::remove_all(root_);
  }

  std::string Customer(const std::string& name, const std::string& mobile) {
    auto id = v_->CreateSubject(json::object());
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(v_->AddRecord(*id, vault::kClassProfile, "src_test", 1,
                              {{"name", name}, {"mobile", mobile}, {"ring_size", "12"}})
                    .ok());
    EXPECT_TRUE(v_->AddBlindIndex(*id, "mobile", mobile).ok());
    return *id;
  }
  void Purchase(const std::string& id, const char* date, int64_t fen, const char* method) {
    EXPECT_TRUE(v_->AddRecord(id, kClassAccounting, "src_txn", 1,
                              {{"date", date}, {"amount", fen}, {"payment_method", method}})
                    .ok());
  }
  void Close(const char* date) {
    ASSERT_TRUE(v_->store().PutMeta(kMetaClosedOn, date).ok());
  }
  std::vector<std::string> Classes(const std::string& id) {
    std::vector<std::string> out;
    auto keys = v_->store().ListDataKeys(id);
    EXPECT_TRUE(keys.ok());
    if (!keys.ok()) return out;
    for (const auto& k : *keys) out.push_back(k.key_class);
    return out;
  }

  std::string root_;
  // 2027-07-19T12:00:00Z.
  FakeClock clock_{int64_t{1815998400} * 1000000};
  SystemRandom random_;
  std::unique_ptr<vault::Vault> v_;
};

TEST_F(RetentionTest, ClosingDateFromMetaOrOption) {
  EXPECT_FALSE(CaseClosingDate(*v_)->has_value());
  PlanOptions o = At("2027-07-01");
  o.closed_on = D("2026-06-30");
  auto p = PlanRetention(*v_, o);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->closed_on_source, "option");
  Close("2026-06-30");
  EXPECT_EQ(**CaseClosingDate(*v_), D("2026-06-30"));
  EXPECT_EQ(PlanRetention(*v_, o)->closed_on_source, "vault");
  o.closed_on = D("2026-07-01");
  EXPECT_EQ(PlanRetention(*v_, o).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(v_->store().PutMeta(kMetaClosedOn, "soon").ok());
  EXPECT_EQ(CaseClosingDate(*v_).status().code(), StatusCode::kDataLoss);
}

TEST_F(RetentionTest, PlanAndRunKeepTheAmlDataOfFlaggedCustomers) {
  std::string single = Customer("测试甲", "13900000001");
  Purchase(single, "2025-03-01", 12000000, "现金");
  std::string summed = Customer("测试乙", "13900000002");
  Purchase(summed, "2025-05-02", 6000000, "现金");
  Purchase(summed, "2025-05-02", 4000000, "现金");
  std::string below = Customer("测试丙", "13900000003");
  Purchase(below, "2025-05-02", 9999999, "现金");
  std::string plain = Customer("测试丁", "13900000004");
  Close("2026-06-30");

  // Before the closing date nothing is due (accounting locks transactions for 30 years).
  auto early = PlanRetention(*v_, At("2026-06-30"));
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(early->fully_deletable, 0);
  EXPECT_EQ(early->restricted, 0);
  EXPECT_EQ(early->locks.at("profile"), 4);

  auto plan = PlanRetention(*v_, At("2027-06-30"));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->aml_flagged, 2);
  EXPECT_EQ(plan->aml_to_record, 2);
  EXPECT_EQ(plan->fully_deletable, 1);  // plain: profile only
  EXPECT_EQ(plan->restricted, 3);       // profile due; accounting (and AML) locked
  EXPECT_EQ(plan->locks.at("aml_10y"), 2);
  EXPECT_EQ(plan->locks.at("accounting_30y"), 3);
  EXPECT_EQ(plan->due.at("profile").subjects, 4);
  EXPECT_EQ(plan->due.count("aml_10y"), 0u);

  auto run = RunRetention(*v_, At("2027-06-30"));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->aml.records_written, 2);
  EXPECT_EQ(run->shredded, 1);
  EXPECT_EQ(run->restricted, 3);
  EXPECT_EQ(run->plan.due.at("profile").subjects, plan->due.at("profile").subjects);

  EXPECT_EQ(v_->store().GetSubject(plain)->state, "shredded");
  EXPECT_TRUE(Classes(plain).empty());
  EXPECT_TRUE(v_->FindByIndex("mobile", "13900000004")->empty());
  EXPECT_EQ(v_->store().GetSubject(single)->state, "restricted");
  EXPECT_EQ(Classes(single), (std::vector<std::string>{"accounting_30y", "aml_10y"}));
  EXPECT_EQ(Classes(below), (std::vector<std::string>{"accounting_30y"}));

  // The flagged customer's CDD identity survives in aml_10y; the rest of the profile is gone.
  auto recs = v_->ReadRecords(summed);
  ASSERT_TRUE(recs.ok());
  bool found = false;
  for (const auto& r : *recs) {
    EXPECT_NE(r.key_class, "profile");
    if (r.key_class == kClassAml) {
      found = true;
      EXPECT_EQ(r.fields["name"], "测试乙");
      EXPECT_EQ(r.fields["mobile"], "13900000002");
      EXPECT_FALSE(r.fields.contains("ring_size"));
      EXPECT_EQ(r.fields["_aml_transactions"].size(), 2u);
    }
  }
  EXPECT_TRUE(found);

  // A second run has nothing left to do.
  auto again = RunRetention(*v_, At("2027-06-30"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->aml.records_written, 0);
  EXPECT_EQ(again->aml.already_recorded, 2);
  EXPECT_EQ(again->data_keys_deleted, 0);
  EXPECT_EQ(again->plan.unchanged, 3);
}

TEST_F(RetentionTest, RunRefusesAFutureDate) {
  EXPECT_EQ(RunRetention(*v_, At("2027-07-20")).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(RetentionTest, NothingIsDueWhileTheCaseIsOpen) {
  std::string a = Customer("测试甲", "13900000001");
  auto p = PlanRetention(*v_, At("2027-07-01"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->unchanged, 1);
  EXPECT_EQ(p->locks.at("profile"), 1);
  auto r = RunRetention(*v_, At("2027-07-01"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data_keys_deleted, 0);
  EXPECT_EQ(Classes(a), (std::vector<std::string>{"profile"}));
}

TEST_F(RetentionTest, HoldsBlockRetentionAndEveryShred) {
  std::string a = Customer("测试甲", "13900000001");
  std::string b = Customer("测试乙", "13900000002");
  Close("2026-06-30");
  EXPECT_EQ(AddHold(*v_, {"", false, "", "案号（测试）"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddHold(*v_, {"s_nobody", false, "", "案号"}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(AddHold(*v_, {a, false, "", " "}).status().code(), StatusCode::kInvalidArgument);
  auto h = AddHold(*v_, {a, false, "", "(2027)测试01民初1号"});
  ASSERT_TRUE(h.ok()) << h.status().ToString();

  auto p = PlanRetention(*v_, At("2027-07-01"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->locks.at("hold"), 1);
  EXPECT_EQ(p->fully_deletable, 1);
  EXPECT_EQ(p->due.at("profile").subject_ids, (std::vector<std::string>{b}));

  // Another deletion path (a customer's deletion request) is blocked too.
  auto s = ShredSubject(*v_, a, "deletion_request");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->held_classes, (std::vector<std::string>{"profile"}));
  EXPECT_EQ(Classes(a), (std::vector<std::string>{"profile"}));

  ASSERT_TRUE(RunRetention(*v_, At("2027-07-01")).ok());
  EXPECT_EQ(Classes(a), (std::vector<std::string>{"profile"}));
  EXPECT_TRUE(Classes(b).empty());

  auto list = ListHolds(*v_, false);
  ASSERT_EQ(list->size(), 1u);
  ASSERT_TRUE(ReleaseHold(*v_, h->id, "判决生效").ok());
  EXPECT_EQ(ReleaseHold(*v_, h->id, "again").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ListHolds(*v_, false)->empty());
  EXPECT_EQ(ListHolds(*v_, true)->size(), 1u);
  auto r = RunRetention(*v_, At("2027-07-01"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->shredded, 1);
  EXPECT_TRUE(Classes(a).empty());
}

TEST_F(RetentionTest, AClassHoldAndAGlobalHold) {
  std::string a = Customer("测试甲", "13900000001");
  Purchase(a, "2025-03-01", 100, "刷卡");
  Close("2026-06-30");
  ASSERT_TRUE(AddHold(*v_, {"", true, "", "监管指令（测试）"}).ok());
  auto p = PlanRetention(*v_, At("2027-07-01"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->unchanged, 1);
  EXPECT_EQ(p->locks.at("hold"), 1);
  auto active = ListHolds(*v_, false);
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].scope, "all");
  for (const auto& h : *active) ASSERT_TRUE(ReleaseHold(*v_, h.id, "x").ok());
  ASSERT_TRUE(AddHold(*v_, {a, false, "profile", "案号"}).ok());
  auto q = PlanRetention(*v_, At("2027-07-01"));
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->unchanged, 1);
  EXPECT_EQ(q->locks.at("accounting_30y"), 1);
  EXPECT_EQ(q->locks.at("hold"), 1);
  EXPECT_EQ(p->locks.at("accounting_30y"), 1);
}

TEST_F(RetentionTest, AccountingBecomesDueAfterThirtyFiscalYears) {
  std::string a = Customer("测试甲", "13900000001");
  Purchase(a, "1996-05-01", 100, "刷卡");
  Close("2026-06-30");
  // 1996 vouchers are locked through 2026-12-31 (1997-01-01 + 30 years - 1 day).
  auto p = PlanRetention(*v_, At("2026-12-31"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->restricted, 1);
  EXPECT_EQ(p->locks.at("accounting_30y"), 1);
  auto q = PlanRetention(*v_, At("2027-01-01"));
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->fully_deletable, 1);
  ASSERT_EQ(q->due.count("accounting_30y"), 1u);
  EXPECT_EQ(q->due.at("accounting_30y").records, 1);
}

}  // namespace
}  // namespace jv::workflow
