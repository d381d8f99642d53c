#include "src/common/calendar.h"

#include <unistd.h>

#include <climits>
#include <filesystem>

#include "src/common/strings.h"

namespace jv {

Result<WorkdayCalendar> WorkdayCalendar::Parse(std::string_view csv) {
  WorkdayCalendar cal;
  int line_no = 0;
  for (std::string_view line : Split(csv, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line_no == 1 && StartsWith(line, "date,")) continue;
    auto cols = Split(line, ',');
    if (cols.size() < 2) {
      return InvalidArgumentError("calendar line " + std::to_string(line_no) +
                                  ": expected date,kind,name");
    }
    auto date = Date::Parse(cols[0]);
    if (!date.ok()) {
      return InvalidArgumentError("calendar line " + std::to_string(line_no) +
                                  ": invalid date");
    }
    bool workday;
    if (cols[1] == "holiday") {
      workday = false;
    } else if (cols[1] == "workday") {
      workday = true;
    } else {
      return InvalidArgumentError("calendar line " + std::to_string(line_no) +
                                  ": kind must be holiday or workday");
    }
    std::string name = cols.size() >= 3 ? std::string(cols[2]) : std::string();
    cal.exceptions_[*date] = {workday, name};
    cal.years_.insert(date->year);
  }
  return cal;
}

Result<WorkdayCalendar> WorkdayCalendar::Load(const std::string& path) {
  JV_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  auto cal = Parse(text);
  if (!cal.ok()) return cal.status().WithContext(path);
  return cal;
}

bool WorkdayCalendar::IsWorkday(Date d, bool* fallback) const {
  auto it = exceptions_.find(d);
  if (it != exceptions_.end()) return it->second.first;
  if (fallback != nullptr && !Covers(d.year)) *fallback = true;
  return d.Weekday() < 5;
}

Date WorkdayCalendar::AddWorkdays(Date from, int n, bool* fallback) const {
  Date d = from;
  int counted = 0;
  while (counted < n) {
    d = d.AddDays(1);
    if (IsWorkday(d, fallback)) ++counted;
  }
  return d;
}

Date WorkdayCalendar::NextWorkdayOnOrAfter(Date d, bool* fallback) const {
  while (!IsWorkday(d, fallback)) d = d.AddDays(1);
  return d;
}

std::string WorkdayCalendar::NameOf(Date d) const {
  auto it = exceptions_.find(d);
  return it == exceptions_.end() ? std::string() : it->second.second;
}

Result<std::string> FindDataDir() {
  namespace fs = std::filesystem;
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("JADEVAULT_DATA_DIR")) candidates.push_back(env);
  char exe[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    fs::path dir = fs::path(exe).parent_path();
    candidates.push_back((dir / ".." / "share" / "jadevault").string());
  }
#ifdef JV_SOURCE_DATA_DIR
  candidates.push_back(JV_SOURCE_DATA_DIR);
#endif
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::exists(fs::path(c) / "calendar" / "cn-workdays.csv", ec)) return c;
  }
  return NotFoundError(
      "data directory not found (set JADEVAULT_DATA_DIR to the folder holding "
      "calendar/cn-workdays.csv)");
}

}  // namespace jv
