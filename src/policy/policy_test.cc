// Walks the whole role × action × field × purpose space and checks the rules of SPEC §4
// "Access" as properties, so a change to the table that breaks one of them fails here.
#include "src/policy/policy.h"

#include <gtest/gtest.h>

#include <set>

#include "src/classify/fields.h"

namespace jv::policy {
namespace {

std::vector<std::optional<Field>> FieldsOrNone() {
  std::vector<std::optional<Field>> v = {std::nullopt};
  for (Field f : AllFields()) v.push_back(f);
  return v;
}
std::vector<std::optional<Purpose>> PurposesOrNone() {
  std::vector<std::optional<Purpose>> v = {std::nullopt};
  for (Purpose p : AllPurposes()) v.push_back(p);
  return v;
}

TEST(PolicyTest, NamesRoundTrip) {
  for (Role r : AllRoles()) EXPECT_EQ(*ParseRole(RoleName(r)), r);
  for (Action a : AllActions()) EXPECT_EQ(*ParseAction(ActionName(a)), a);
  for (Field f : AllFields()) EXPECT_EQ(*ParseField(FieldName(f)), f);
  for (Purpose p : AllPurposes()) EXPECT_EQ(*ParsePurpose(PurposeName(p)), p);
  EXPECT_EQ(ParseRole("root").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseField("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AllRoles().size(), 6u);
}

TEST(PolicyTest, FieldsAreTheCanonicalCustomerFields) {
  std::set<std::string> classify_names, policy_names;
  for (const auto& info : classify::AllFields()) {
    classify_names.insert(std::string(classify::FieldName(info.field)));
  }
  for (Field f : AllFields()) policy_names.insert(std::string(FieldName(f)));
  EXPECT_EQ(classify_names, policy_names);
}

// Every combination: the invariants hold everywhere.
TEST(PolicyTest, WholeTableInvariants) {
  int allowed = 0, combos = 0;
  for (Role r : AllRoles()) {
    for (Action a : AllActions()) {
      for (auto f : FieldsOrNone()) {
        for (auto p : PurposesOrNone()) {
          ++combos;
          Decision d = Authorize(r, a, f, p);
          EXPECT_FALSE(d.reason.empty());
          if (!d.allowed) continue;
          ++allowed;
          // Values in clear: only a DPO reveal, and only with a reason.
          if (!d.masked && a != Action::kPackageReceive) {
            EXPECT_EQ(r, Role::kDpo);
            EXPECT_EQ(a, Action::kSubjectReveal);
            EXPECT_TRUE(d.needs_reason);
          }
          if (a == Action::kSubjectReveal) {
            EXPECT_EQ(r, Role::kDpo);
            EXPECT_TRUE(f.has_value());
            EXPECT_TRUE(d.needs_reason);
          }
          if (TouchesPersonalInformation(a)) {
            EXPECT_TRUE(p.has_value()) << RoleName(r) << " " << ActionName(a);
            EXPECT_NE(r, Role::kAdmin);
            EXPECT_NE(r, Role::kAuditor);
            EXPECT_NE(r, Role::kRecipient);
          }
          if (r == Role::kRecipient) {
            EXPECT_TRUE(a == Action::kPackageReceive || a == Action::kSessionSelf);
          }
          if (a == Action::kUsersManage || a == Action::kSettingsManage) {
            EXPECT_EQ(r, Role::kAdmin);
          }
          if (a == Action::kPackageReceive) {
            EXPECT_EQ(r, Role::kRecipient);
          }
          if (a == Action::kResponseRecord) {
            EXPECT_TRUE(r == Role::kOperator || r == Role::kDpo || r == Role::kLiquidator)
                << RoleName(r);
            EXPECT_TRUE(d.masked);
          }
          if (r == Role::kAuditor) {
            EXPECT_TRUE(a == Action::kAuditRead || a == Action::kAuditVerify ||
                        a == Action::kStatusRead || a == Action::kSessionSelf)
                << ActionName(a);
          }
        }
      }
    }
  }
  EXPECT_EQ(combos, 6 * 17 * 19 * 7);
  EXPECT_GT(allowed, 0);
}

TEST(PolicyTest, SpecExamples) {
  // Operators see masked values and cannot reveal or import.
  Decision d =
      Authorize(Role::kOperator, Action::kSubjectSearch, std::nullopt, Purpose::kCustomerService);
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.masked);
  EXPECT_FALSE(
      Authorize(Role::kOperator, Action::kSubjectReveal, Field::kMobile, Purpose::kCustomerService)
          .allowed);
  EXPECT_FALSE(Authorize(Role::kOperator, Action::kImport).allowed);
  // Operators may not use subject data for a transfer.
  EXPECT_FALSE(
      Authorize(Role::kOperator, Action::kSubjectRead, std::nullopt, Purpose::kTransfer).allowed);
  // The DPO reveals with a reason, for a stated purpose and a named field.
  d = Authorize(Role::kDpo, Action::kSubjectReveal, Field::kIdNumber, Purpose::kRightsRequest);
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.masked);
  EXPECT_TRUE(d.needs_reason);
  EXPECT_FALSE(
      Authorize(Role::kDpo, Action::kSubjectReveal, std::nullopt, Purpose::kRightsRequest).allowed);
  EXPECT_FALSE(
      Authorize(Role::kDpo, Action::kSubjectReveal, Field::kIdNumber, std::nullopt).allowed);
  // The admin manages users but reads no PI.
  EXPECT_TRUE(Authorize(Role::kAdmin, Action::kUsersManage).allowed);
  EXPECT_FALSE(
      Authorize(Role::kAdmin, Action::kSubjectSearch, std::nullopt, Purpose::kCustomerService)
          .allowed);
  EXPECT_FALSE(Authorize(Role::kAdmin, Action::kAuditRead).allowed);
  // The auditor reads the audit log and nothing personal.
  EXPECT_TRUE(Authorize(Role::kAuditor, Action::kAuditRead).allowed);
  EXPECT_FALSE(
      Authorize(Role::kAuditor, Action::kSubjectRead, std::nullopt, Purpose::kLegalObligation)
          .allowed);
  // A recipient sees its package and nothing else.
  EXPECT_TRUE(Authorize(Role::kRecipient, Action::kPackageReceive).allowed);
  EXPECT_FALSE(Authorize(Role::kRecipient, Action::kStatusRead).allowed);
  // Refusals explain themselves without data.
  d = Authorize(Role::kOperator, Action::kSubjectReveal, Field::kMobile, Purpose::kCustomerService);
  EXPECT_EQ(d.reason, "role operator may not subject.reveal");
}

// Recording a customer's response (POST /api/v1/responses, `responses record`): exactly the
// staff who take customers' calls and letters.
TEST(PolicyTest, ResponseRecordIsForOperatorDpoAndLiquidator) {
  std::set<Role> allowed;
  for (Role r : AllRoles()) {
    if (Authorize(r, Action::kResponseRecord).allowed) allowed.insert(r);
    EXPECT_EQ(HasRule(r, Action::kResponseRecord), allowed.count(r) == 1) << RoleName(r);
  }
  EXPECT_EQ(allowed, (std::set<Role>{Role::kOperator, Role::kDpo, Role::kLiquidator}));
  EXPECT_FALSE(TouchesPersonalInformation(Action::kResponseRecord));
  EXPECT_EQ(ActionName(Action::kResponseRecord), "response.record");
}

// The two actions the CLI's command table needed (docs/design/cli_access.md): retention and
// holds for the DPO and the liquidator, governance for the DPO; neither touches PI.
TEST(PolicyTest, RetentionAndGovernanceRoles) {
  std::set<Role> retention, governance;
  for (Role r : AllRoles()) {
    Decision d = Authorize(r, Action::kRetentionManage);
    if (d.allowed) {
      retention.insert(r);
      EXPECT_TRUE(d.masked);
    }
    if (Authorize(r, Action::kGovernanceManage).allowed) governance.insert(r);
  }
  EXPECT_EQ(retention, (std::set<Role>{Role::kDpo, Role::kLiquidator}));
  EXPECT_EQ(governance, (std::set<Role>{Role::kDpo}));
  EXPECT_FALSE(TouchesPersonalInformation(Action::kRetentionManage));
  EXPECT_FALSE(TouchesPersonalInformation(Action::kGovernanceManage));
  EXPECT_EQ(*ParseAction("retention.manage"), Action::kRetentionManage);
  EXPECT_EQ(*ParseAction("governance.manage"), Action::kGovernanceManage);
}

TEST(PolicyTest, RulesExportMatchesAuthorize) {
  std::set<std::pair<Role, Action>> listed;
  for (const RuleView& r : Rules()) {
    EXPECT_TRUE(listed.insert({r.role, r.action}).second) << "duplicate rule";
    std::optional<Purpose> p;
    if (TouchesPersonalInformation(r.action)) {
      ASSERT_FALSE(r.purposes.empty());
      p = r.purposes.front();
    }
    std::optional<Field> f;
    if (NeedsField(r.action)) f = Field::kName;
    Decision d = Authorize(r.role, r.action, f, p);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.masked, r.masked);
    EXPECT_EQ(d.needs_reason, r.needs_reason);
  }
  for (Role r : AllRoles()) {
    for (Action a : AllActions()) {
      if (listed.count({r, a})) continue;
      for (auto p : PurposesOrNone()) {
        EXPECT_FALSE(Authorize(r, a, Field::kName, p).allowed);
      }
    }
  }
}

}  // namespace
}  // namespace jv::policy
