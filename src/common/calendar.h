// WorkdayCalendar: PRC working days (工作日) for deadlines counted in working days.
//
// Rule: Monday–Friday are working days, except the listed `holiday` dates; Saturdays and
// Sundays are rest days, except the listed `workday` dates (调休上班). The list comes from
// data/calendar/cn-workdays.csv (State Council notices; see its SOURCE.md), read at run
// time so that operators can append next year's rows without a rebuild.
// For a year the file does not cover, the weekday rule alone applies and every function
// that used it sets `*fallback = true` so the caller can warn.
// Thread-safety: immutable after construction; safe to share.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "src/common/date.h"
#include "src/common/result.h"

namespace jv {

class WorkdayCalendar {
 public:
  WorkdayCalendar() = default;  // weekday rule only, covers no year

  // Parses the CSV (header "date,kind,name"; kind is holiday|workday).
  // Returns kInvalidArgument naming the line of the first malformed row.
  static Result<WorkdayCalendar> Parse(std::string_view csv);
  // Reads and parses a file; kNotFound if it cannot be opened.
  static Result<WorkdayCalendar> Load(const std::string& path);

  // True if the file lists at least one date in `year`.
  bool Covers(int year) const { return years_.count(year) > 0; }
  bool IsWorkday(Date d, bool* fallback = nullptr) const;

  // The `n`-th working day after `from` (n >= 1; `from` itself is not counted).
  Date AddWorkdays(Date from, int n, bool* fallback = nullptr) const;
  // `d` if it is a working day, else the next working day (Civil Code Art. 203: a period
  // whose last day is a rest day ends on the next working day).
  Date NextWorkdayOnOrAfter(Date d, bool* fallback = nullptr) const;
  // The holiday's name ("国庆节") if `d` is listed, else empty.
  std::string NameOf(Date d) const;

 private:
  std::map<Date, std::pair<bool, std::string>> exceptions_;  // date -> (is_workday, name)
  std::set<int> years_;
};

// Finds the project's data directory: $JADEVAULT_DATA_DIR, else <exe>/../share/jadevault,
// else the source tree's data/ (compiled in as JV_SOURCE_DATA_DIR). Returns the first that
// holds calendar/cn-workdays.csv, or kNotFound.
Result<std::string> FindDataDir();

}  // namespace jv
