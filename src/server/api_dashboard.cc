// The case overview for the dashboard: GET /api/v1/dashboard (status.read, no personal
// data): the case type and company, subject counts by state, the transfer settings, notice
// counts by status, the compliance gate (`jadevault check`: rule id, title, status,
// blocking, no evidence) and the case timeline — the audit entries that mark the case's
// steps (init, imports, transfer setup, recipients, allocation, notices, packages,
// liquidation, retention, backups), newest last, at most kTimeline, with their numeric
// details only (audit details never hold personal data; this keeps even ids out).
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/workflow/gate.h"
#include "src/workflow/transfer.h"

namespace jv::server {

namespace {

namespace wf = jv::workflow;
using json = nlohmann::json;
constexpr size_t kTimeline = 60;

bool CaseStep(const std::string& action) {
  for (const char* noisy : {"session.", "subject.", "notice.render", "audit.", "server.", "user.",
                            "response.", "request.", "portal."}) {
    if (action.rfind(noisy, 0) == 0) return false;
  }
  return !action.empty();
}

Result<json> Timeline(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(int64_t size, v.store().AuditSize());
  std::vector<json> steps;
  JV_RETURN_IF_ERROR(v.store().ForEachAudit(1, size, [&](const store::AuditRow& row) {
    json e = json::parse(row.line, nullptr, false);
    if (!e.is_object()) return Status::Ok();
    std::string action = e.value("action", "");
    if (!CaseStep(action)) return Status::Ok();
    json counts = json::object();
    if (e.contains("details") && e["details"].is_object()) {
      for (const auto& [k, val] : e["details"].items()) {
        bool time = k.size() > 7 && k.compare(k.size() - 7, 7, "_micros") == 0;
        if (val.is_number() && !time) counts[k] = val;
      }
    }
    steps.push_back(
        {{"seq", row.seq}, {"time", e.value("time", "")}, {"action", action}, {"counts", counts}});
    return Status::Ok();
  }));
  json out = json::array();
  size_t from = steps.size() > kTimeline ? steps.size() - kTimeline : 0;
  for (size_t i = from; i < steps.size(); ++i) out.push_back(std::move(steps[i]));
  return out;
}

ApiResponse Dashboard(Call& c) {
  vault::Vault& v = c.vault;
  auto counts = v.store().CountSubjectsByState();
  if (!counts.ok()) return ErrorResponse(counts.status());
  int64_t total = 0;
  json by_state = json::object();
  for (const auto& [state, n] : *counts) {
    by_state[state] = n;
    total += n;
  }
  json transfer = nullptr;
  auto t = wf::GetTransfer(v);
  if (t.ok()) transfer = t->ToJson();
  store::ObjectFilter f;
  f.kind = wf::kKindNotice;
  auto notices = v.store().ListObjects(f);
  if (!notices.ok()) return ErrorResponse(notices.status());
  json notice_counts = json::object();
  for (const auto& n : *notices) notice_counts[n.status] = notice_counts.value(n.status, 0) + 1;
  auto gate = wf::EvaluateGate(v);
  if (!gate.ok()) return ErrorResponse(gate.status());
  json rules = json::array();
  int64_t pass = 0, fail = 0, warn = 0;
  for (const auto& r : gate->rules) {
    if (r.status == wf::RuleStatus::kPass) ++pass;
    if (r.status == wf::RuleStatus::kFail) ++fail;
    if (r.status == wf::RuleStatus::kWarn) ++warn;
    rules.push_back({{"id", r.id},
                     {"title", r.title},
                     {"article", r.article},
                     {"status", std::string(wf::RuleStatusName(r.status))},
                     {"blocking", r.blocking}});
  }
  auto timeline = Timeline(v);
  if (!timeline.ok()) return ErrorResponse(timeline.status());
  const vault::VaultConfig& cfg = v.config();
  return Ok({{"vault_id", cfg.vault_id},
             {"company", cfg.company},
             {"case_type", cfg.case_type},
             {"subjects", {{"total", total}, {"by_state", by_state}}},
             {"transfer", transfer},
             {"notices", notice_counts},
             {"gate",
              {{"blocked", gate->blocked()},
               {"pass", pass},
               {"fail", fail},
               {"warn", warn},
               {"rules", rules}}},
             {"timeline", *timeline}});
}

}  // namespace

std::vector<Route> DashboardRoutes() {
  return {
      {"GET", "/api/v1/dashboard", policy::Action::kStatusRead, false, Dashboard},
  };
}

}  // namespace jv::server
