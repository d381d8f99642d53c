// The 15-working-day deadline of customer-rights requests (RULEBOOK P44–P50, SPEC §8) over
// the real PRC calendar (data/calendar/cn-workdays.csv): 2026 Mid-Autumn 09-25..09-27 with
// National Day 10-01..10-07 (adjusted working days listed in the file).
#include "src/workflow/requests.h"

#include <gtest/gtest.h>

namespace jv::workflow {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

WorkdayCalendar Cal() {
  auto dir = FindDataDir();
  EXPECT_TRUE(dir.ok());
  auto c = WorkdayCalendar::Load(*dir + "/calendar/cn-workdays.csv");
  EXPECT_TRUE(c.ok());
  return *c;
}

TEST(RequestDue, AcrossMidAutumnAndNationalDay2026) {
  EXPECT_EQ(RequestDue(D("2026-09-24"), Cal()).ToString(), "2026-10-22");
}

TEST(RequestDue, PlainWeeksWithoutHolidays) {
  // Mon 2026-11-02: 15 working days = three full weeks, the day received not counted.
  EXPECT_EQ(RequestDue(D("2026-11-02"), Cal()).ToString(), "2026-11-23");
  // The weekday rule alone (no calendar file) gives the same for a plain stretch.
  EXPECT_EQ(RequestDue(D("2026-11-02"), WorkdayCalendar()).ToString(), "2026-11-23");
  // ... but not across National Day: the holidays push the deadline out.
  EXPECT_LT(RequestDue(D("2026-09-24"), WorkdayCalendar()), D("2026-10-22"));
}

TEST(RequestKinds, TypesAndChannels) {
  for (const char* t : {"access", "copy", "portability", "correction", "deletion", "restriction",
                        "explanation", "withdraw", "deceased"}) {
    EXPECT_TRUE(IsRequestType(t)) << t;
  }
  EXPECT_FALSE(IsRequestType("erase"));
  EXPECT_FALSE(IsRequestType(""));
  for (const char* c : {"phone", "letter", "email", "portal"}) EXPECT_TRUE(IsRequestVia(c)) << c;
  EXPECT_FALSE(IsRequestVia("sms"));
}

}  // namespace
}  // namespace jv::workflow
