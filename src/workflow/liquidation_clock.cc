#include "src/workflow/liquidation_clock.h"

#include <algorithm>

namespace jv::workflow {

using json = nlohmann::json;

namespace {

void PutDate(json& j, const char* key, const std::optional<Date>& d) {
  if (d) j[key] = d->ToString();
}

Result<std::optional<Date>> GetDate(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::optional<Date>();
  if (!j[key].is_string()) return DataLossError("meta liquidation is corrupt");
  auto d = Date::Parse(j[key].get<std::string>());
  if (!d.ok()) return DataLossError("meta liquidation is corrupt");
  return std::optional<Date>(*d);
}

std::string Label(const std::string& id) {
  static const std::pair<const char*, const char*> kTitles[] = {
      {"publicity", "公示解散事由 (publish the dissolution on the credit publicity system)"},
      {"group_formed", "成立清算组 (form the liquidation group)"},
      {"creditor_notice", "通知已知债权人 (notify known creditors)"},
      {"announcement", "公告 (public announcement)"},
      {"claims_deadline_notified", "已通知债权人申报截止 (claims deadline, notified creditors)"},
      {"claims_deadline_announced",
       "未通知债权人申报截止 (claims deadline, creditors not notified)"},
      {"claims_period_min", "申报期限最短 (earliest lawful end of the claims period)"},
      {"claims_period_max", "申报期限最长 (latest lawful end of the claims period)"},
      {"contracts_decision", "待履行合同决定 (decide on open contracts)"},
      {"claims_period_end", "债权申报期限届满 (end of the claims period)"},
      {"items_return_by", "取回客户物品 (owners reclaim their items)"},
  };
  for (const auto& [k, t] : kTitles) {
    if (id == k) return t;
  }
  return id;
}

// A period of `n` days (Civil Code 201) or months (202) from `from`, then Art. 203.
Deadline Make(const std::string& id, Date from, const std::string& from_what, bool estimated, int n,
              bool months, const std::string& rule, const WorkdayCalendar& cal, bool* fallback) {
  Deadline d;
  d.id = id;
  d.rule = rule;
  d.from = from;
  d.from_what = from_what;
  d.from_estimated = estimated;
  d.period = std::to_string(n) + (months ? (n == 1 ? " month" : " months") : " days");
  d.due = months ? from.AddMonths(n) : from.AddDays(n);
  d.title = Label(id);
  AdjustToWorkday(&d, cal, fallback);
  return d;
}

// The date an event happened, or the latest lawful date for it (its deadline).
struct From {
  Date date;
  bool estimated;
};
From SetOr(const std::optional<Date>& set, const Deadline& deadline) {
  if (set) return {*set, false};
  return {deadline.due, true};
}

}  // namespace

json LiquidationSettings::ToJson() const {
  json j = {{"type", type}};
  PutDate(j, "dissolution_date", dissolution_date);
  PutDate(j, "group_formed", group_formed);
  PutDate(j, "creditor_notice", creditor_notice);
  PutDate(j, "announcement", announcement);
  PutDate(j, "court_accepted", court_accepted);
  PutDate(j, "claims_period_end", claims_period_end);
  PutDate(j, "creditors_meeting", creditors_meeting);
  j["setup_micros"] = setup_micros;
  return j;
}

Result<LiquidationSettings> LiquidationSettings::FromJson(const json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    return DataLossError("meta liquidation is corrupt");
  }
  LiquidationSettings s;
  s.type = j["type"].get<std::string>();
  JV_ASSIGN_OR_RETURN(s.dissolution_date, GetDate(j, "dissolution_date"));
  JV_ASSIGN_OR_RETURN(s.group_formed, GetDate(j, "group_formed"));
  JV_ASSIGN_OR_RETURN(s.creditor_notice, GetDate(j, "creditor_notice"));
  JV_ASSIGN_OR_RETURN(s.announcement, GetDate(j, "announcement"));
  JV_ASSIGN_OR_RETURN(s.court_accepted, GetDate(j, "court_accepted"));
  JV_ASSIGN_OR_RETURN(s.claims_period_end, GetDate(j, "claims_period_end"));
  JV_ASSIGN_OR_RETURN(s.creditors_meeting, GetDate(j, "creditors_meeting"));
  s.setup_micros = j.value("setup_micros", int64_t{0});
  return s;
}

json Deadline::ToJson() const {
  json j = {{"id", id},
            {"due", due.ToString()},
            {"rule", rule},
            {"from", from.ToString()},
            {"from_what", from_what},
            {"period", period},
            {"from_estimated", from_estimated},
            {"title", title}};
  if (adjusted_from) {
    j["adjusted_from"] = adjusted_from->ToString();
    j["adjusted_reason"] = adjusted_reason;
  }
  return j;
}

void AdjustToWorkday(Deadline* d, const WorkdayCalendar& cal, bool* fallback) {
  // Civil Code Art. 203: "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日".
  Date next = cal.NextWorkdayOnOrAfter(d->due, fallback);
  if (next == d->due) return;
  std::string name = cal.NameOf(d->due);
  d->adjusted_reason = d->due.ToString() + " is a rest day (" +
                       (name.empty() ? std::string("周末 weekend") : name) +
                       "); Civil Code Art. 203 moves the end to the next working day";
  d->adjusted_from = d->due;
  d->due = next;
}

Status ValidateLiquidationSettings(const LiquidationSettings& s, const WorkdayCalendar& cal) {
  if (s.type == "dissolution") {
    if (!s.dissolution_date) return InvalidArgumentError("--dissolution-date is required");
    if (s.court_accepted || s.claims_period_end || s.creditors_meeting) {
      return InvalidArgumentError(
          "--court-accepted, --claims-period-end and --creditors-meeting are for --type "
          "bankruptcy");
    }
    if (s.group_formed && *s.group_formed < *s.dissolution_date) {
      return InvalidArgumentError("--group-formed is before --dissolution-date");
    }
    const Date base = s.group_formed ? *s.group_formed : *s.dissolution_date;
    if (s.creditor_notice && *s.creditor_notice < base) {
      return InvalidArgumentError("--creditor-notice is before the group was formed");
    }
    if (s.announcement && *s.announcement < base) {
      return InvalidArgumentError("--announcement is before the group was formed");
    }
    return Status::Ok();
  }
  if (s.type == "bankruptcy") {
    if (!s.court_accepted) return InvalidArgumentError("--court-accepted is required");
    if (!s.announcement) return InvalidArgumentError("--announcement is required");
    if (!s.claims_period_end) return InvalidArgumentError("--claims-period-end is required");
    if (s.dissolution_date || s.group_formed || s.creditor_notice) {
      return InvalidArgumentError(
          "--dissolution-date, --group-formed and --creditor-notice are for --type "
          "dissolution");
    }
    if (*s.announcement < *s.court_accepted) {
      return InvalidArgumentError("--announcement is before --court-accepted");
    }
    // EBL 45: "债权申报期限自人民法院发布受理破产申请公告之日起计算，最短不得少于三十日，最长不得
    // 超过三个月". The 30 days count from the day after the announcement (Civil Code 201);
    // the 3 months are calendar months (Art. 202), extended by Art. 203 on a rest day.
    Deadline max;
    max.due = s.announcement->AddMonths(3);
    AdjustToWorkday(&max, cal, nullptr);
    const Date min = s.announcement->AddDays(30);
    if (*s.claims_period_end < min || *s.claims_period_end > max.due) {
      return InvalidArgumentError("--claims-period-end must fall between " + min.ToString() +
                                  " and " + max.due.ToString() +
                                  " (30 days to 3 months after the announcement, EBL 45)");
    }
    if (s.creditors_meeting && *s.creditors_meeting < *s.court_accepted) {
      return InvalidArgumentError("--creditors-meeting is before --court-accepted");
    }
    return Status::Ok();
  }
  return InvalidArgumentError("--type must be dissolution or bankruptcy");
}

std::vector<Deadline> ComputeDeadlines(const LiquidationSettings& s, const WorkdayCalendar& cal,
                                       bool* fallback) {
  std::vector<Deadline> out;
  if (s.type == "dissolution" && s.dissolution_date) {
    const Date d = *s.dissolution_date;
    // L1, CL 229: publish the cause within 10 days; CL 232: form the group within 15 days.
    out.push_back(
        Make("publicity", d, "dissolution_date", false, 10, false, "CL 229", cal, fallback));
    out.push_back(
        Make("group_formed", d, "dissolution_date", false, 15, false, "CL 232", cal, fallback));
    // L2, CL 235: notify known creditors within 10 days of forming, announce within 60.
    From g = SetOr(s.group_formed, out.back());
    out.push_back(Make("creditor_notice", g.date, "group_formed", g.estimated, 10, false, "CL 235",
                       cal, fallback));
    const Deadline notice = out.back();
    out.push_back(Make("announcement", g.date, "group_formed", g.estimated, 60, false, "CL 235",
                       cal, fallback));
    const Deadline announce = out.back();
    // Creditors declare within 30 days of receiving the notice (counted here from the day
    // it was sent), or 45 days from the announcement if they were not notified.
    From n = SetOr(s.creditor_notice, notice);
    out.push_back(Make("claims_deadline_notified", n.date, "creditor_notice", n.estimated, 30,
                       false, "CL 235", cal, fallback));
    From a = SetOr(s.announcement, announce);
    out.push_back(Make("claims_deadline_announced", a.date, "announcement", a.estimated, 45, false,
                       "CL 235", cal, fallback));
    return out;
  }
  if (s.type == "bankruptcy" && s.court_accepted && s.announcement) {
    const Date acc = *s.court_accepted;
    const Date ann = *s.announcement;
    // B1, EBL 14: the court notifies and announces within 25 days of acceptance.
    out.push_back(
        Make("creditor_notice", acc, "court_accepted", false, 25, false, "EBL 14", cal, fallback));
    // B2, EBL 45: the claims period lasts at least 30 days and at most 3 months.
    out.push_back(
        Make("claims_period_min", ann, "announcement", false, 30, false, "EBL 45", cal, fallback));
    out.push_back(
        Make("claims_period_max", ann, "announcement", false, 3, true, "EBL 45", cal, fallback));
    // B3, EBL 18: open contracts are deemed terminated without notice within 2 months.
    out.push_back(
        Make("contracts_decision", acc, "court_accepted", false, 2, true, "EBL 18", cal, fallback));
    if (s.claims_period_end) {
      Deadline e;
      e.id = "claims_period_end";
      e.rule = "EBL 45";
      e.from = ann;
      e.from_what = "announcement";
      e.period = "set by the court";
      e.due = *s.claims_period_end;
      e.title = Label(e.id);
      AdjustToWorkday(&e, cal, fallback);
      out.push_back(e);
    }
    if (s.creditors_meeting) {
      // B5: owners reclaim goods before the realisation plan goes to the creditors' vote
      // (EBL 38; SPC Provisions II 26); the first meeting is the earliest vote.
      Deadline e;
      e.id = "items_return_by";
      e.rule = "EBL 38";
      e.from = *s.creditors_meeting;
      e.from_what = "creditors_meeting";
      e.period = "before the creditors' meeting";
      e.due = *s.creditors_meeting;
      e.title = Label(e.id);
      out.push_back(e);
    }
  }
  return out;
}

FreezeWindow RefundFreeze(const LiquidationSettings& s, const WorkdayCalendar& cal) {
  FreezeWindow w;
  std::vector<Deadline> ds = ComputeDeadlines(s, cal);
  auto due = [&](const char* id) {
    for (const auto& d : ds) {
      if (d.id == id) return d.due;
    }
    return Date{};
  };
  if (s.type == "dissolution" && s.dissolution_date) {
    w.start = *s.dissolution_date;
    w.end = std::max(due("claims_deadline_notified"), due("claims_deadline_announced"));
    w.rule = "CL 235";
  } else if (s.type == "bankruptcy" && s.court_accepted) {
    w.start = *s.court_accepted;
    w.end = s.claims_period_end ? due("claims_period_end") : due("claims_period_max");
    w.rule = "EBL 16";
  }
  return w;
}

}  // namespace jv::workflow
