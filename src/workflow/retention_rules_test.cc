#include "src/workflow/retention_rules.h"

#include <gtest/gtest.h>

namespace jv::workflow {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

TEST(RetentionRules, EveryImportedClassHasARule) {
  for (const char* c : {"profile", "aml_10y", "accounting_30y", "prepaid_5y", "customer_items"}) {
    const RetentionRule* r = FindRetentionRule(c);
    ASSERT_NE(r, nullptr) << c;
    EXPECT_FALSE(r->cite.empty()) << c;
    EXPECT_FALSE(r->rulebook.empty()) << c;
  }
  EXPECT_EQ(FindRetentionRule("marketing_1y"), nullptr);
  EXPECT_EQ(FindRetentionRule(kClassAml)->years, 10);
  EXPECT_EQ(FindRetentionRule(kClassAccounting)->years, 30);
}

TEST(RetentionRules, UnknownClassIsKeptForever) {
  LockEnd e = ComputeLockEnd(nullptr, RetentionSettings(), {D("2020-01-01"), D("2020-01-01")});
  EXPECT_EQ(e.reason, "unknown_class");
  EXPECT_FALSE(IsDue(e, D("9999-12-31")));
}

TEST(RetentionDates, FiscalYearEndAndPeriods) {
  EXPECT_EQ(FiscalYearEnd(D("2025-03-15")), D("2025-12-31"));
  EXPECT_EQ(FiscalYearEnd(D("2025-12-31")), D("2025-12-31"));
  EXPECT_EQ(PeriodLastDay(D("2026-06-30"), 10), D("2036-06-30"));
  // Civil Code 202: no corresponding day -> the month's last day.
  EXPECT_EQ(PeriodLastDay(D("2024-02-29"), 5), D("2029-02-28"));
  EXPECT_EQ(PeriodLastDay(D("2024-02-29"), 4), D("2028-02-29"));
}

TEST(RetentionDates, AccountingRunsThirtyYearsAfterTheFiscalYear) {
  const RetentionRule* r = FindRetentionRule(kClassAccounting);
  LockEnd e = ComputeLockEnd(r, RetentionSettings(), {D("2026-06-30"), D("2025-01-02")});
  ASSERT_TRUE(e.last_day.has_value());
  EXPECT_EQ(*e.last_day, D("2055-12-31"));
  EXPECT_FALSE(IsDue(e, D("2055-12-31")));
  EXPECT_TRUE(IsDue(e, D("2056-01-01")));
  // Independent of the closing date.
  LockEnd open = ComputeLockEnd(r, RetentionSettings(), {std::nullopt, D("2025-12-31")});
  EXPECT_EQ(*open.last_day, D("2055-12-31"));
  EXPECT_EQ(ComputeLockEnd(r, RetentionSettings(), {}).reason, "no_date");
}

TEST(RetentionDates, ProfileIsDueTheDayAfterClosing) {
  const RetentionRule* r = FindRetentionRule("profile");
  LockEnd e = ComputeLockEnd(r, RetentionSettings(), {D("2026-06-30"), std::nullopt});
  EXPECT_FALSE(IsDue(e, D("2026-06-30")));
  EXPECT_TRUE(IsDue(e, D("2026-07-01")));
  LockEnd open = ComputeLockEnd(r, RetentionSettings(), {});
  EXPECT_EQ(open.reason, "case_open");
  EXPECT_FALSE(IsDue(open, D("2099-01-01")));
}

TEST(RetentionDates, AmlCountsFromTheLaterOfClosingAndTheFlaggedDay) {
  RetentionSettings s;
  s.aml_hold_for_regulator = false;
  const RetentionRule* r = FindRetentionRule(kClassAml);
  LockEnd e = ComputeLockEnd(r, s, {D("2026-06-30"), D("2025-03-01")});
  EXPECT_EQ(*e.last_day, D("2036-06-30"));
  EXPECT_FALSE(IsDue(e, D("2036-06-30")));
  EXPECT_TRUE(IsDue(e, D("2036-07-01")));
  LockEnd later = ComputeLockEnd(r, s, {D("2026-06-30"), D("2026-08-01")});
  EXPECT_EQ(*later.last_day, D("2036-08-01"));
  EXPECT_EQ(ComputeLockEnd(r, s, {std::nullopt, D("2025-03-01")}).reason, "case_open");
}

TEST(RetentionDates, AmlWaitsForTheRegulatorByDefault) {
  const RetentionRule* r = FindRetentionRule(kClassAml);
  LockEnd e = ComputeLockEnd(r, RetentionSettings(), {D("2026-06-30"), D("2025-03-01")});
  EXPECT_EQ(e.reason, "awaiting_regulator");
  ASSERT_TRUE(e.period_last_day.has_value());
  EXPECT_EQ(*e.period_last_day, D("2036-06-30"));
  EXPECT_FALSE(IsDue(e, D("2099-01-01")));
}

TEST(RetentionSettingsTest, PrepaidAndItemsYearsAreSettings) {
  RetentionSettings s;
  const RetentionRule* p = FindRetentionRule(kClassPrepaid);
  const RetentionRule* i = FindRetentionRule(kClassItems);
  EXPECT_EQ(*ComputeLockEnd(p, s, {D("2026-06-30"), std::nullopt}).last_day, D("2031-06-30"));
  EXPECT_EQ(*ComputeLockEnd(i, s, {D("2026-06-30"), std::nullopt}).last_day, D("2028-06-30"));
  ASSERT_TRUE(s.Set("prepaid_years", "7").ok());
  ASSERT_TRUE(s.Set("customer_items_years", " 0 ").ok());
  EXPECT_EQ(*ComputeLockEnd(p, s, {D("2026-06-30"), std::nullopt}).last_day, D("2033-06-30"));
  EXPECT_EQ(*ComputeLockEnd(i, s, {D("2026-06-30"), std::nullopt}).last_day, D("2026-06-30"));
}

TEST(RetentionSettingsTest, SetValidatesAndRoundTrips) {
  RetentionSettings s;
  EXPECT_EQ(s.Set("prepaid_years", "-1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.Set("prepaid_years", "5y").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.Set("no_such", "1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.Set("aml_hold_for_regulator", "maybe").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.Set("aml_cdd_fields", "name,shoe_size").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(s.Set("aml_cdd_fields", "name, id_number").ok());
  ASSERT_TRUE(s.Set("aml_hold_for_regulator", "FALSE").ok());
  auto back = RetentionSettings::FromJson(s.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->aml_cdd_fields, (std::vector<std::string>{"name", "id_number"}));
  EXPECT_FALSE(back->aml_hold_for_regulator);
  EXPECT_EQ(RetentionSettings::FromJson({{"prepaid_years", "5"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RetentionSettings::FromJson(nlohmann::json::object())->prepaid_years, 5);
}

}  // namespace
}  // namespace jv::workflow
