#include "src/workflow/crossborder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/common/date.h"
#include "src/crypto/age.h"
#include "src/workflow/assess.h"
#include "src/workflow/checklist.h"
#include "src/workflow/gate.h"
#include "src/workflow/transfer.h"

namespace jv::workflow {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// RULEBOOK X2–X4 boundaries.
TEST(RequiredMechanismTest, SensitiveBoundaries) {
  EXPECT_EQ(RequiredMechanism(0, 0), XbMechanism::kExempt);
  EXPECT_EQ(RequiredMechanism(1, 0), XbMechanism::kStandardContractOrCertification);
  EXPECT_EQ(RequiredMechanism(9999, 0), XbMechanism::kStandardContractOrCertification);
  EXPECT_EQ(RequiredMechanism(10000, 0), XbMechanism::kSecurityAssessment);
  EXPECT_EQ(RequiredMechanism(10001, 0), XbMechanism::kSecurityAssessment);
}

TEST(RequiredMechanismTest, NonSensitiveBoundaries) {
  EXPECT_EQ(RequiredMechanism(0, 99999), XbMechanism::kExempt);
  EXPECT_EQ(RequiredMechanism(0, 100000), XbMechanism::kStandardContractOrCertification);
  EXPECT_EQ(RequiredMechanism(0, 999999), XbMechanism::kStandardContractOrCertification);
  EXPECT_EQ(RequiredMechanism(0, 1000000), XbMechanism::kSecurityAssessment);
  EXPECT_EQ(RequiredMechanism(9999, 999999), XbMechanism::kStandardContractOrCertification);
  EXPECT_EQ(RequiredMechanism(-5, -5), XbMechanism::kExempt);
}

TEST(RequiredMechanismTest, NamesAndSatisfaction) {
  EXPECT_EQ(XbMechanismName(XbMechanism::kSecurityAssessment), "security_assessment");
  EXPECT_EQ(XbMechanismName(XbMechanism::kStandardContractOrCertification),
            "standard_contract_or_certification");
  EXPECT_EQ(XbMechanismName(XbMechanism::kExempt), "exempt");
  EXPECT_TRUE(MechanismSatisfies("security_assessment", XbMechanism::kSecurityAssessment));
  EXPECT_FALSE(MechanismSatisfies("standard_contract", XbMechanism::kSecurityAssessment));
  EXPECT_FALSE(MechanismSatisfies("certification", XbMechanism::kSecurityAssessment));
  EXPECT_TRUE(MechanismSatisfies("certification", XbMechanism::kStandardContractOrCertification));
  EXPECT_TRUE(
      MechanismSatisfies("standard_contract", XbMechanism::kStandardContractOrCertification));
  EXPECT_FALSE(MechanismSatisfies("", XbMechanism::kStandardContractOrCertification));
  EXPECT_TRUE(MechanismSatisfies("", XbMechanism::kExempt));
  EXPECT_FALSE(IsRecordableMechanism("exempt"));
}

TEST(CrossBorderRegionTest, HongKongMacauTaiwanAreAbroad) {
  EXPECT_FALSE(IsCrossBorderRegion("CN"));
  for (const char* r : {"HK", "MO", "TW", "SG", "US"}) EXPECT_TRUE(IsCrossBorderRegion(r)) << r;
}

TEST(SubjectSensitiveTest, FollowsScope) {
  json id = {{"has_id", true}, {"categories", {"identity", "contact"}}};
  EXPECT_TRUE(SubjectSensitiveFor(id, {}));
  EXPECT_TRUE(SubjectSensitiveFor(id, {"name", "id_number"}));
  EXPECT_FALSE(SubjectSensitiveFor(id, {"name", "mobile"}));
  json minor = {{"minor", true}, {"categories", {"identity"}}};
  EXPECT_TRUE(SubjectSensitiveFor(minor, {"name"}));
  json prop = {{"categories", {"property"}}};
  EXPECT_TRUE(SubjectSensitiveFor(prop, {"points"}));
  EXPECT_FALSE(SubjectSensitiveFor(prop, {"mobile"}));
  EXPECT_FALSE(SubjectSensitiveFor(json{{"categories", {"contact"}}}, {}));
}

TEST(YearStartTest, ChinaNewYear) {
  // 2026-12-31T16:30:00Z is 2027-01-01 00:30 in China: the year is 2027.
  const int64_t t = (Date{2026, 12, 31}.ToDays() * 86400 + 16 * 3600 + 1800) * 1000000LL;
  EXPECT_EQ(YearStartMicros(t), (Date{2026, 12, 31}.ToDays() * 86400 + 16 * 3600) * 1000000LL);
}

// All names and numbers below are synthetic.
class CrossBorderVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jv-xb-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    clock_.SetMicros((Date{2026, 11, 26}.ToDays() * 86400) * 1000000LL);
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
  std::string Subject(const json& attrs) {
    auto id = v_->CreateSubject(attrs);
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(v_->AddRecord(*id, vault::kClassProfile, "", 1, {{"name", "张三"}}).ok());
    return *id;
  }
  std::string Recipient(const std::string& region) {
    RecipientInput in{"接收珠宝有限公司",
                      "91350100M000100Y43",
                      "王经理",
                      "010-12345678",
                      "香港某路1号",
                      region,
                      crypto::age::X25519Identity::Generate(random_).Recipient().Encode(),
                      {}};
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
  FakeClock clock_;
  FakeRandom random_{7};
  std::unique_ptr<vault::Vault> v_;
};

TEST_F(CrossBorderVaultTest, CountsMechanismRecordAndConsent) {
  std::string a = Subject({{"store", "A"}, {"has_id", true}, {"categories", {"identity"}}});
  std::string b = Subject({{"store", "A"}, {"categories", {"contact"}}});
  Subject({{"store", "B"}, {"has_id", true}, {"categories", {"identity"}}});
  ASSERT_TRUE(SetupTransfer(*v_, "merger", 30).ok());
  std::string hk = Recipient("HK");
  ASSERT_TRUE(Allocate(*v_, hk, {false, "store", "A"}).ok());

  auto f = ComputeCrossBorder(*v_);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->individuals, 2);
  EXPECT_EQ(f->sensitive, 1);
  EXPECT_EQ(f->non_sensitive, 1);
  EXPECT_EQ(f->required, XbMechanism::kStandardContractOrCertification);
  EXPECT_EQ(f->without_consent, 2);

  auto g = EvaluateGate(*v_);
  ASSERT_TRUE(g.ok());
  const RuleResult& xb = Rule(*g, "XB-MECHANISM");
  EXPECT_EQ(xb.status, RuleStatus::kFail);
  EXPECT_TRUE(xb.blocking);
  EXPECT_EQ(xb.evidence["required"], "standard_contract_or_certification");
  EXPECT_EQ(Rule(*g, "PIPL-39-CONSENT").status, RuleStatus::kWarn);
  EXPECT_EQ(Rule(*g, "PIPL-39-CONSENT").evidence["not_transferable"], 2);

  // A domestic recipient needs no mechanism; a bad mechanism name is refused.
  std::string cn = Recipient("CN");
  XbRecordInput in{hk, "exempt", "ref", "contract.pdf", "synthetic contract bytes"};
  EXPECT_EQ(RecordMechanism(*v_, in).status().code(), StatusCode::kInvalidArgument);
  in.mechanism = "standard_contract";
  in.recipient_id = cn;
  EXPECT_EQ(RecordMechanism(*v_, in).status().code(), StatusCode::kFailedPrecondition);
  in.recipient_id = hk;
  auto rec = RecordMechanism(*v_, in);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_EQ((*rec)["evidence_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(Rule(*EvaluateGate(*v_), "XB-MECHANISM").status, RuleStatus::kPass);
  // The proof is sealed, not stored in the clear.
  auto row = v_->store().GetObject(kKindXbMechanism, (*rec)["id"]);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(std::string(AsString(row->sealed)).find("synthetic contract"), std::string::npos);

  ASSERT_TRUE(RecordCrossBorderConsent(*v_, a, "portal").ok());
  EXPECT_EQ(Rule(*EvaluateGate(*v_), "PIPL-39-CONSENT").evidence["not_transferable"], 1);
  ASSERT_TRUE(RecordCrossBorderConsent(*v_, b, "phone").ok());
  EXPECT_EQ(Rule(*EvaluateGate(*v_), "PIPL-39-CONSENT").status, RuleStatus::kPass);
  EXPECT_EQ(RecordCrossBorderConsent(*v_, b, "fax").code(), StatusCode::kInvalidArgument);
}

TEST_F(CrossBorderVaultTest, PipiaBlocksUntilAssessedAndCoversRecipients) {
  Subject({{"store", "A"}});
  ASSERT_TRUE(SetupTransfer(*v_, "merger", 30).ok());
  std::string r1 = Recipient("CN");
  ASSERT_TRUE(Allocate(*v_, r1, {true, "", ""}).ok());
  auto g = EvaluateGate(*v_);
  EXPECT_EQ(Rule(*g, "PIPL-55-PIPIA").status, RuleStatus::kFail);
  EXPECT_TRUE(Rule(*g, "PIPL-55-PIPIA").blocking);

  json bad = PipiaTemplate();
  bad["questions"][0]["answer"] = "maybe";
  EXPECT_EQ(RunAssessment(*v_, bad).status().code(), StatusCode::kInvalidArgument);
  bad = PipiaTemplate();
  bad["risks"][0]["impact"] = 6;
  EXPECT_EQ(RunAssessment(*v_, bad).status().code(), StatusCode::kInvalidArgument);

  auto res = RunAssessment(*v_, PipiaTemplate());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->report["retain_until"], "2029-11-26");
  EXPECT_EQ(res->report["facts"]["subjects"], 1);
  EXPECT_EQ(res->report["overall"], "high");  // defaults: likelihood 3 × impact 4
  EXPECT_NE(res->html_zh.find("个人信息保护影响评估"), std::string::npos);
  EXPECT_EQ(Rule(*EvaluateGate(*v_), "PIPL-55-PIPIA").status, RuleStatus::kPass);

  // A recipient allocated after the assessment is not covered by it.
  Subject({{"store", "B"}});
  std::string r2 = Recipient("CN");
  ASSERT_TRUE(Allocate(*v_, r2, {false, "store", "B"}).ok());
  auto g2 = EvaluateGate(*v_);
  EXPECT_EQ(Rule(*g2, "PIPL-55-PIPIA").status, RuleStatus::kFail);
  EXPECT_EQ(Rule(*g2, "PIPL-55-PIPIA").evidence["recipients_not_assessed"][0], r2);
}

TEST_F(CrossBorderVaultTest, ChecklistRulesHaveStatusAndEvidence) {
  Subject({{"store", "A"}});
  auto g = EvaluateGate(*v_);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(Rule(*g, "AUDIT-CHAIN").status, RuleStatus::kPass);
  EXPECT_EQ(Rule(*g, "PIPL-51-ENCRYPTION").status, RuleStatus::kPass);
  EXPECT_EQ(Rule(*g, "PIPL-51-ENCRYPTION").evidence["subjects_with_data_key"], 1);
  EXPECT_EQ(Rule(*g, "PIPL-52-OFFICER").status, RuleStatus::kNotApplicable);
  EXPECT_EQ(Rule(*g, "PIPL-52-OFFICER").evidence["individuals"], 1);
  EXPECT_EQ(Rule(*g, "NDSMR-30-REPORT").status, RuleStatus::kNotApplicable);
  EXPECT_EQ(Rule(*g, "XB-MECHANISM").status, RuleStatus::kNotApplicable);
  EXPECT_EQ(Rule(*g, "PIPL-47-RETENTION").status, RuleStatus::kNotApplicable);
  EXPECT_TRUE(SetOfficer(*v_, "负责人", "dpo@example.com").ok());
  EXPECT_EQ(SetOfficer(*v_, "", "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RecordFiling(*v_, "other", "x").status().code(), StatusCode::kInvalidArgument);
  auto gov = GetGovernance(*v_);
  ASSERT_TRUE(gov.ok());
  EXPECT_EQ((*gov)["officer"]["contact"], "dpo@example.com");
}

}  // namespace
}  // namespace jv::workflow
