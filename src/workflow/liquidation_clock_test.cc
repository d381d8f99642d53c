// Deadlines of RULEBOOK §8 over the real PRC calendar (data/calendar/cn-workdays.csv):
// 2026 Spring Festival holiday 02-15..02-23 (02-14 and 02-28 are adjusted working
// Saturdays), Qingming 04-04..04-06, National Day 10-01..10-07.
#include "src/workflow/liquidation_clock.h"

#include <gtest/gtest.h>

#include <map>

namespace jv::workflow {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

const WorkdayCalendar& Cal() {
  static const WorkdayCalendar* cal = [] {
    auto dir = FindDataDir();
    JV_CHECK(dir.ok());
    auto c = WorkdayCalendar::Load(*dir + "/calendar/cn-workdays.csv");
    JV_CHECK(c.ok());
    return new WorkdayCalendar(std::move(*c));
  }();
  return *cal;
}

std::map<std::string, Deadline> ById(const std::vector<Deadline>& v) {
  std::map<std::string, Deadline> m;
  for (const auto& d : v) m[d.id] = d;
  return m;
}

TEST(LiquidationClockTest, CalendarHasTheHolidaysTheseTestsRelyOn) {
  EXPECT_FALSE(Cal().IsWorkday(D("2026-02-15")));
  EXPECT_FALSE(Cal().IsWorkday(D("2026-02-23")));
  EXPECT_TRUE(Cal().IsWorkday(D("2026-02-28")));  // a Saturday, 春节调休上班
  EXPECT_FALSE(Cal().IsWorkday(D("2026-10-01")));
  EXPECT_FALSE(Cal().IsWorkday(D("2026-10-07")));
  EXPECT_TRUE(Cal().IsWorkday(D("2026-10-08")));
}

TEST(LiquidationClockTest, DissolutionInTheSpringFestival) {
  LiquidationSettings s;
  s.type = "dissolution";
  s.dissolution_date = D("2026-02-05");
  auto m = ById(ComputeDeadlines(s, Cal()));
  ASSERT_EQ(m.size(), 6u);
  // D+10 = 02-15 (春节) -> the first working day after the holiday, 02-24.
  EXPECT_EQ(m["publicity"].due, D("2026-02-24"));
  EXPECT_EQ(m["publicity"].adjusted_from, D("2026-02-15"));
  EXPECT_EQ(m["publicity"].rule, "CL 229");
  EXPECT_NE(m["publicity"].adjusted_reason.find("春节"), std::string::npos);
  // D+15 = 02-20 (春节) -> 02-24.
  EXPECT_EQ(m["group_formed"].due, D("2026-02-24"));
  EXPECT_EQ(m["group_formed"].adjusted_from, D("2026-02-20"));
  EXPECT_EQ(m["group_formed"].rule, "CL 232");
  // The group is not formed yet: count from its latest lawful date, 02-24.
  EXPECT_EQ(m["creditor_notice"].from, D("2026-02-24"));
  EXPECT_TRUE(m["creditor_notice"].from_estimated);
  EXPECT_EQ(m["creditor_notice"].due, D("2026-03-06"));
  EXPECT_FALSE(m["creditor_notice"].adjusted_from.has_value());
  // 02-24 + 60 = 04-25, a Saturday -> Monday 04-27.
  EXPECT_EQ(m["announcement"].due, D("2026-04-27"));
  EXPECT_EQ(m["announcement"].adjusted_from, D("2026-04-25"));
  EXPECT_EQ(m["announcement"].rule, "CL 235");
  // Notice 03-06 + 30 = 04-05 (清明, then 04-06 too) -> 04-07.
  EXPECT_EQ(m["claims_deadline_notified"].due, D("2026-04-07"));
  EXPECT_EQ(m["claims_deadline_notified"].adjusted_from, D("2026-04-05"));
  EXPECT_TRUE(m["claims_deadline_notified"].from_estimated);
  // Announcement 04-27 + 45 = 06-11, a Thursday.
  EXPECT_EQ(m["claims_deadline_announced"].due, D("2026-06-11"));
  EXPECT_FALSE(m["claims_deadline_announced"].adjusted_from.has_value());
}

TEST(LiquidationClockTest, DissolutionCountsFromTheDatesThatAreSet) {
  LiquidationSettings s;
  s.type = "dissolution";
  s.dissolution_date = D("2026-09-10");
  s.group_formed = D("2026-09-21");
  s.creditor_notice = D("2026-09-28");
  auto m = ById(ComputeDeadlines(s, Cal()));
  // 09-21 + 10 = 10-01 (国庆节) -> 10-08.
  EXPECT_EQ(m["creditor_notice"].due, D("2026-10-08"));
  EXPECT_EQ(m["creditor_notice"].adjusted_from, D("2026-10-01"));
  EXPECT_FALSE(m["creditor_notice"].from_estimated);
  // Notice set 09-28: + 30 = 10-28, a Wednesday.
  EXPECT_EQ(m["claims_deadline_notified"].from, D("2026-09-28"));
  EXPECT_FALSE(m["claims_deadline_notified"].from_estimated);
  EXPECT_EQ(m["claims_deadline_notified"].due, D("2026-10-28"));
  // Announcement not set: latest lawful = 09-21 + 60 = 11-20 (Fri); + 45 = 01-04-2027.
  EXPECT_EQ(m["announcement"].due, D("2026-11-20"));
  EXPECT_EQ(m["claims_deadline_announced"].from, D("2026-11-20"));
  EXPECT_TRUE(m["claims_deadline_announced"].from_estimated);
  EXPECT_EQ(m["claims_deadline_announced"].due, D("2027-01-04"));  // a Monday
}

TEST(LiquidationClockTest, BankruptcyInNationalDay) {
  LiquidationSettings s;
  s.type = "bankruptcy";
  s.court_accepted = D("2026-09-06");
  s.announcement = D("2026-09-07");
  s.claims_period_end = D("2026-11-02");
  ASSERT_TRUE(ValidateLiquidationSettings(s, Cal()).ok());
  auto m = ById(ComputeDeadlines(s, Cal()));
  // 09-06 + 25 = 10-01 (国庆节) -> 10-08.
  EXPECT_EQ(m["creditor_notice"].due, D("2026-10-08"));
  EXPECT_EQ(m["creditor_notice"].adjusted_from, D("2026-10-01"));
  EXPECT_EQ(m["creditor_notice"].rule, "EBL 14");
  // 09-07 + 30 days = 10-07 (国庆节) -> 10-08; + 3 months = 12-07 (Mon).
  EXPECT_EQ(m["claims_period_min"].due, D("2026-10-08"));
  EXPECT_EQ(m["claims_period_min"].adjusted_from, D("2026-10-07"));
  EXPECT_EQ(m["claims_period_max"].due, D("2026-12-07"));
  EXPECT_FALSE(m["claims_period_max"].adjusted_from.has_value());
  EXPECT_EQ(m["claims_period_max"].rule, "EBL 45");
  // 09-06 + 2 months = 11-06 (Fri).
  EXPECT_EQ(m["contracts_decision"].due, D("2026-11-06"));
  EXPECT_EQ(m["contracts_decision"].rule, "EBL 18");
  EXPECT_EQ(m["claims_period_end"].due, D("2026-11-02"));
  EXPECT_EQ(m.count("items_return_by"), 0u);
}

TEST(LiquidationClockTest, MonthEndClampsAndAdjustedSaturdayIsAWorkingDay) {
  LiquidationSettings s;
  s.type = "bankruptcy";
  s.court_accepted = D("2025-12-31");
  s.announcement = D("2026-01-31");
  s.claims_period_end = D("2026-04-30");
  s.creditors_meeting = D("2026-05-15");
  ASSERT_TRUE(ValidateLiquidationSettings(s, Cal()).ok());
  auto m = ById(ComputeDeadlines(s, Cal()));
  // 12-31 + 2 months = 02-31 -> 02-28 (Civil Code 202), a Saturday that is an adjusted
  // working day (春节调休上班): no Art. 203 move.
  EXPECT_EQ(m["contracts_decision"].due, D("2026-02-28"));
  EXPECT_FALSE(m["contracts_decision"].adjusted_from.has_value());
  // 01-31 + 3 months = 04-30 (Thu).
  EXPECT_EQ(m["claims_period_max"].due, D("2026-04-30"));
  EXPECT_EQ(m["items_return_by"].due, D("2026-05-15"));
}

TEST(LiquidationClockTest, ClaimsPeriodOutsideEbl45IsRefused) {
  LiquidationSettings s;
  s.type = "bankruptcy";
  s.court_accepted = D("2026-03-02");
  s.announcement = D("2026-03-10");
  s.claims_period_end = D("2026-04-09");  // exactly 30 days
  EXPECT_TRUE(ValidateLiquidationSettings(s, Cal()).ok());
  s.claims_period_end = D("2026-04-08");  // 29 days
  Status st = ValidateLiquidationSettings(s, Cal());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("EBL 45"), std::string::npos);
  s.claims_period_end = D("2026-06-10");  // exactly 3 months (Wed)
  EXPECT_TRUE(ValidateLiquidationSettings(s, Cal()).ok());
  s.claims_period_end = D("2026-06-11");  // one day over
  EXPECT_EQ(ValidateLiquidationSettings(s, Cal()).code(), StatusCode::kInvalidArgument);
  // 07-01 + 3 months = 10-01 (国庆节): the period may run to 10-08 (Art. 203), not 10-09.
  s.court_accepted = D("2026-06-20");
  s.announcement = D("2026-07-01");
  s.claims_period_end = D("2026-10-08");
  EXPECT_TRUE(ValidateLiquidationSettings(s, Cal()).ok());
  s.claims_period_end = D("2026-10-09");
  EXPECT_EQ(ValidateLiquidationSettings(s, Cal()).code(), StatusCode::kInvalidArgument);
}

TEST(LiquidationClockTest, SettingsValidation) {
  LiquidationSettings s;
  s.type = "winding-up";
  EXPECT_EQ(ValidateLiquidationSettings(s, Cal()).code(), StatusCode::kInvalidArgument);
  s.type = "dissolution";
  EXPECT_EQ(ValidateLiquidationSettings(s, Cal()).code(), StatusCode::kInvalidArgument);
  s.dissolution_date = D("2026-03-01");
  s.group_formed = D("2026-02-01");
  EXPECT_EQ(ValidateLiquidationSettings(s, Cal()).code(), StatusCode::kInvalidArgument);
  s.group_formed = D("2026-03-05");
  EXPECT_TRUE(ValidateLiquidationSettings(s, Cal()).ok());
  s.court_accepted = D("2026-03-05");
  EXPECT_EQ(ValidateLiquidationSettings(s, Cal()).code(), StatusCode::kInvalidArgument);
}

TEST(LiquidationClockTest, RefundFreezeWindow) {
  LiquidationSettings s;
  s.type = "dissolution";
  s.dissolution_date = D("2026-02-05");
  FreezeWindow w = RefundFreeze(s, Cal());
  EXPECT_EQ(w.start, D("2026-02-05"));
  EXPECT_EQ(w.end, D("2026-06-11"));  // the later claims deadline (announced)
  EXPECT_EQ(w.rule, "CL 235");
  EXPECT_TRUE(w.Contains(D("2026-06-11")));
  EXPECT_FALSE(w.Contains(D("2026-06-12")));
  s = {};
  s.type = "bankruptcy";
  s.court_accepted = D("2026-09-06");
  s.announcement = D("2026-09-07");
  s.claims_period_end = D("2026-11-02");
  w = RefundFreeze(s, Cal());
  EXPECT_EQ(w.start, D("2026-09-06"));
  EXPECT_EQ(w.end, D("2026-11-02"));
  EXPECT_EQ(w.rule, "EBL 16");
}

TEST(LiquidationClockTest, SettingsRoundTripThroughJson) {
  LiquidationSettings s;
  s.type = "bankruptcy";
  s.court_accepted = D("2026-09-06");
  s.announcement = D("2026-09-07");
  s.claims_period_end = D("2026-11-02");
  s.setup_micros = 42;
  auto back = LiquidationSettings::FromJson(s.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->court_accepted, s.court_accepted);
  EXPECT_EQ(back->claims_period_end, s.claims_period_end);
  EXPECT_FALSE(back->dissolution_date.has_value());
  EXPECT_EQ(back->setup_micros, 42);
  EXPECT_EQ(LiquidationSettings::FromJson(nlohmann::json::array()).status().code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace jv::workflow
