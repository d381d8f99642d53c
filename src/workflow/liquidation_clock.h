// The statutory clocks of a liquidation (SPEC §7; RULEBOOK §8 L1, L2, B1, B2, B3, B5):
// pure date arithmetic over the liquidation settings and the PRC working-day calendar.
// No vault, no I/O: liquidation.h stores the settings and loads the calendar.
//
// Counting (PRC Civil Code, which governs every statutory period unless a law says
// otherwise; RULEBOOK: "Days are calendar days unless marked WD"):
//  * Art. 201: the day of the event is not counted; a period of N days that starts on D
//    ends on D + N (D.AddDays(N)).
//  * Art. 202: a period of months ends on the same-numbered day of the last month, or on
//    that month's last day when it has no such day (Date::AddMonths: Jan 31 + 1 month =
//    Feb 28/29). EBL 45's "three months" are calendar months, not 90 days (RULEBOOK B2).
//  * Art. 203: a period whose last day is a rest day (a weekend or a holiday listed in the
//    calendar; an adjusted working weekend 调休上班 is a working day) ends on the next
//    working day. Every deadline here is the end of such a period, so each is adjusted,
//    and the unadjusted date and the reason are kept.
//  * "Latest lawful date": where the date a rule counts from is not set yet (the group not
//    formed, the notice not sent), the clock counts from the latest date on which that
//    event may lawfully happen, i.e. that event's own (adjusted) deadline, and marks the
//    result `from_estimated`.
//
// Errors: ValidateLiquidationSettings returns kInvalidArgument naming the flag (EBL 45
// range, missing or inconsistent dates). Thread-safety: pure functions and value types.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "src/common/calendar.h"
#include "src/common/date.h"
#include "src/common/result.h"

namespace jv::workflow {

struct LiquidationSettings {
  std::string type;  // "dissolution" | "bankruptcy"
  // dissolution (Company Law 229–235)
  std::optional<Date> dissolution_date;
  std::optional<Date> group_formed;     // 清算组成立
  std::optional<Date> creditor_notice;  // notice sent to known creditors
  std::optional<Date> announcement;     // public announcement (dissolution or bankruptcy)
  // bankruptcy (Enterprise Bankruptcy Law 14, 16, 18, 45)
  std::optional<Date> court_accepted;     // 受理破产申请
  std::optional<Date> claims_period_end;  // set by the court
  std::optional<Date> creditors_meeting;  // first creditors' meeting (item returns, B5)
  int64_t setup_micros = 0;

  nlohmann::json ToJson() const;
  // kDataLoss if `j` is not a stored settings document.
  static Result<LiquidationSettings> FromJson(const nlohmann::json& j);
};

// Checks the type, the required dates of the type, their order, and (bankruptcy) that the
// claims period ends within [announcement + 30 days, announcement + 3 calendar months]
// (EBL 45; the upper bound as extended by Civil Code Art. 203 when it is a rest day).
// kInvalidArgument naming the flag.
Status ValidateLiquidationSettings(const LiquidationSettings& s, const WorkdayCalendar& cal);

struct Deadline {
  std::string id;                     // "publicity", "group_formed", …
  Date due;                           // after the Art. 203 adjustment
  std::string rule;                   // "CL 229", "EBL 45", …
  Date from;                          // the date it counts from
  std::string from_what;              // "dissolution_date", "group_formed", …
  std::string period;                 // "10 days", "3 months", "set by the court"
  bool from_estimated = false;        // `from` is the latest lawful date, not a set date
  std::optional<Date> adjusted_from;  // the unadjusted due date, when Art. 203 moved it
  std::string adjusted_reason;        // "2026-02-15 is a rest day (春节)"
  std::string title;                  // zh-CN + English

  nlohmann::json ToJson() const;
};

// The deadlines of the settings' type, in a fixed order (see docs/design/liquidation.md):
//   dissolution: publicity, group_formed, creditor_notice, announcement,
//                claims_deadline_notified, claims_deadline_announced
//   bankruptcy:  creditor_notice, claims_period_min, claims_period_max, contracts_decision,
//                claims_period_end, and items_return_by when creditors_meeting is set.
// `*fallback` is set when a date fell in a year the calendar does not cover.
std::vector<Deadline> ComputeDeadlines(const LiquidationSettings& s, const WorkdayCalendar& cal,
                                       bool* fallback = nullptr);

// The declaration period during which no creditor may be paid (CL 235: "在申报债权期间，
// 清算组不得对债权人进行清偿"; EBL 16: payments to individual creditors after acceptance are
// void). Dissolution: from the dissolution date to the later of the two claims deadlines
// (notified, announced). Bankruptcy: from the court's acceptance to the end of the claims
// period. Both ends inclusive.
struct FreezeWindow {
  Date start, end;
  std::string rule;  // "CL 235" | "EBL 16"
  bool Contains(Date d) const { return start <= d && d <= end; }
};
FreezeWindow RefundFreeze(const LiquidationSettings& s, const WorkdayCalendar& cal);

// Applies Civil Code Art. 203 to a period's last day; fills adjusted_from / reason.
void AdjustToWorkday(Deadline* d, const WorkdayCalendar& cal, bool* fallback);

}  // namespace jv::workflow
