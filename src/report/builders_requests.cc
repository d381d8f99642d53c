// The requests builder of report.h (SPEC §8, §9; PIPL 44–50): the customer-rights requests
// queue from workflow::ListRequests — counts by type and status, open and overdue, the median
// number of calendar days from receipt to the answer (fulfilled or refused, China date), and
// the list of requests with masked subject ids. No name, contact or refusal reason is shown.
#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "src/common/date.h"
#include "src/report/builders_internal.h"
#include "src/workflow/requests.h"

namespace jv::report {

using json = nlohmann::json;
namespace wf = jv::workflow;

std::string MaskSubjectId(const std::string& id) {
  // "s_" + 20 base32 characters: keep the prefix, 3 characters and the last 2.
  if (id.size() <= 7) return id;
  size_t us = id.find('_');
  size_t keep = us == std::string::npos ? 3 : us + 1 + 3;
  return id.substr(0, keep) + "***" + id.substr(id.size() - 2);
}

std::optional<Date> ChinaDateOfRfc3339(const std::string& t) {
  // "YYYY-MM-DDTHH:MM:SSZ" (FormatRfc3339Seconds, UTC) -> the date in China (UTC+8).
  if (t.size() < 20 || t[10] != 'T' || t.back() != 'Z') return std::nullopt;
  auto d = Date::Parse(t.substr(0, 10));
  if (!d.ok()) return std::nullopt;
  int hour = (t[11] - '0') * 10 + (t[12] - '0');
  if (hour < 0 || hour > 23) return std::nullopt;
  return hour >= 16 ? d->AddDays(1) : *d;
}

std::string MedianDaysText(std::vector<int64_t> days) {
  if (days.empty()) return "";
  std::sort(days.begin(), days.end());
  size_t n = days.size();
  int64_t twice = n % 2 ? 2 * days[n / 2] : days[n / 2 - 1] + days[n / 2];
  return std::to_string(twice / 2) + (twice % 2 ? ".5" : "");
}

Result<Report> BuildRequestsReport(vault::Vault& v) {
  Report r{"requests", "个人信息权利请求", "Customer-rights requests", "", "", {}};
  JV_ASSIGN_OR_RETURN(std::vector<json> list, wf::ListRequests(v, ""));
  const std::vector<std::string> statuses = {"open", "fulfilled", "refused"};
  struct Row {
    int64_t open = 0, fulfilled = 0, refused = 0, overdue = 0;
  };
  std::map<std::string, Row> by_type;
  std::map<std::string, int64_t> by_status;
  for (const auto& s : statuses) by_status[s] = 0;
  std::vector<int64_t> days;
  int64_t overdue = 0, answered_late = 0;
  Table items{"requests",
              "请求清单",
              "Requests",
              {{"id", "编号", "Request"},
               {"subject", "主体（已遮蔽）", "Subject (masked)"},
               {"type", "类型", "Type"},
               {"via", "渠道", "Received via"},
               {"received", "收到日期", "Received"},
               {"due", "答复期限", "Due"},
               {"status", "状态", "Status"},
               {"answered", "答复日期", "Answered"},
               {"overdue", "已逾期", "Overdue"}},
              {},
              -1};
  for (const json& q : list) {
    const std::string type = q.value("type", ""), status = q.value("status", "");
    Row& row = by_type[type];
    if (status == "open") ++row.open;
    if (status == "fulfilled") ++row.fulfilled;
    if (status == "refused") ++row.refused;
    ++by_status[status];
    const bool late_open = q.value("overdue", false);
    if (late_open) {
      ++row.overdue;
      ++overdue;
    }
    std::string answered_at = q.value(status == "refused" ? "refused_at" : "fulfilled_at", "");
    std::string answered;
    auto received = Date::Parse(q.value("received", ""));
    auto due = Date::Parse(q.value("due", ""));
    if (status != "open") {
      auto on = ChinaDateOfRfc3339(answered_at);
      if (on) {
        answered = on->ToString();
        if (received.ok()) days.push_back(on->ToDays() - received->ToDays());
        if (due.ok() && *on > *due) ++answered_late;
      }
    }
    items.rows.push_back({q.value("id", ""), MaskSubjectId(q.value("subject", "")), type,
                          q.value("via", ""), q.value("received", ""), q.value("due", ""), status,
                          answered, late_open ? "yes" : "no"});
  }
  Table types{"by_type",
              "按类型",
              "By type",
              {{"type", "类型", "Type"},
               {"total", "合计", "Total"},
               {"open", "办理中", "Open"},
               {"fulfilled", "已办理", "Fulfilled"},
               {"refused", "已拒绝", "Refused"},
               {"overdue", "已逾期", "Overdue"}},
              {},
              1};
  for (const auto& [type, n] : by_type) {
    types.rows.push_back(
        {type, n.open + n.fulfilled + n.refused, n.open, n.fulfilled, n.refused, n.overdue});
  }
  r.tables.push_back(std::move(types));
  r.tables.push_back(CountTable("by_status", "按状态", "By status", {"status", "状态", "Status"},
                                by_status, true));
  r.tables.push_back(
      {"timeliness",
       "答复时效",
       "Timeliness",
       {{"requests", "请求数", "Requests"},
        {"open", "办理中", "Open"},
        {"overdue", "已逾期未答复", "Open and overdue"},
        {"answered", "已答复", "Answered"},
        {"answered_late", "逾期后答复", "Answered after the due date"},
        {"median_days", "答复天数中位数（自然日）", "Median days to answer (calendar days)"}},
       {{static_cast<int64_t>(list.size()), by_status["open"], overdue,
         static_cast<int64_t>(days.size()), answered_late, MedianDaysText(days)}},
       -1});
  r.tables.push_back(std::move(items));
  return r;
}

}  // namespace jv::report
