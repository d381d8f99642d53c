#include "src/common/calendar.h"

#include <gtest/gtest.h>

namespace jv {
namespace {

WorkdayCalendar ProjectCalendar() {
  auto cal = WorkdayCalendar::Load(std::string(JV_SOURCE_DIR) + "/data/calendar/cn-workdays.csv");
  EXPECT_TRUE(cal.ok()) << cal.status().ToString();
  return *cal;
}

Date D(const char* s) { return *Date::Parse(s); }

TEST(WorkdayCalendarTest, AdjustedDaysOf2025) {
  WorkdayCalendar cal = ProjectCalendar();
  EXPECT_TRUE(cal.Covers(2025));
  EXPECT_FALSE(cal.IsWorkday(D("2025-01-28")));  // Spring Festival, a Tuesday
  EXPECT_TRUE(cal.IsWorkday(D("2025-01-26")));   // Sunday, 调休上班
  EXPECT_TRUE(cal.IsWorkday(D("2025-02-08")));   // Saturday, 调休上班
  EXPECT_FALSE(cal.IsWorkday(D("2025-05-05")));  // Labour Day holiday, a Monday
  EXPECT_TRUE(cal.IsWorkday(D("2025-04-27")));   // Sunday, 调休上班
  EXPECT_TRUE(cal.IsWorkday(D("2025-03-03")));   // an ordinary Monday
  EXPECT_FALSE(cal.IsWorkday(D("2025-03-08")));  // an ordinary Saturday
}

TEST(WorkdayCalendarTest, AdjustedDaysOf2026) {
  WorkdayCalendar cal = ProjectCalendar();
  EXPECT_TRUE(cal.IsWorkday(D("2026-02-14")));   // Saturday, 调休上班
  EXPECT_FALSE(cal.IsWorkday(D("2026-02-16")));  // Spring Festival, a Monday
  EXPECT_FALSE(cal.IsWorkday(D("2026-02-23")));  // last day of Spring Festival, a Monday
  EXPECT_TRUE(cal.IsWorkday(D("2026-02-28")));   // Saturday, 调休上班
  EXPECT_TRUE(cal.IsWorkday(D("2026-09-20")));   // Sunday, 调休上班
  EXPECT_FALSE(cal.IsWorkday(D("2026-09-25")));  // Mid-Autumn, a Friday
  EXPECT_FALSE(cal.IsWorkday(D("2026-10-07")));  // National Day, a Wednesday
  EXPECT_TRUE(cal.IsWorkday(D("2026-10-10")));   // Saturday, 调休上班
  EXPECT_EQ(cal.NameOf(D("2026-10-01")), "国庆节");
}

TEST(WorkdayCalendarTest, FifteenWorkingDaysAcrossMidAutumnAndNationalDay) {
  WorkdayCalendar cal = ProjectCalendar();
  bool fallback = false;
  EXPECT_EQ(cal.AddWorkdays(D("2026-09-24"), 15, &fallback), D("2026-10-22"));
  EXPECT_FALSE(fallback);
}

TEST(WorkdayCalendarTest, NextWorkdayOnOrAfter) {
  WorkdayCalendar cal = ProjectCalendar();
  EXPECT_EQ(cal.NextWorkdayOnOrAfter(D("2026-02-15")), D("2026-02-24"));
  EXPECT_EQ(cal.NextWorkdayOnOrAfter(D("2026-10-01")), D("2026-10-08"));
  EXPECT_EQ(cal.NextWorkdayOnOrAfter(D("2026-10-10")), D("2026-10-10"));
}

TEST(WorkdayCalendarTest, UncoveredYearFallsBackAndSaysSo) {
  WorkdayCalendar cal = ProjectCalendar();
  bool fallback = false;
  EXPECT_EQ(cal.AddWorkdays(D("2027-03-05"), 1, &fallback), D("2027-03-08"));
  EXPECT_TRUE(fallback);
}

TEST(WorkdayCalendarTest, MalformedRowNamesItsLine) {
  auto cal = WorkdayCalendar::Parse("date,kind,name\n2026-01-01,holiday,x\n2026-13-01,holiday,y\n");
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cal.status().message().find("line 3"), std::string::npos);
  auto bad_kind = WorkdayCalendar::Parse("2026-01-01,vacation,x\n");
  EXPECT_FALSE(bad_kind.ok());
}

}  // namespace
}  // namespace jv
