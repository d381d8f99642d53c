// Retention and litigation holds over HTTP (SPEC §7 "Retention"; RULEBOOK §7, P47): the
// same workflow functions as `retention plan` and `holds list|add|release` (retention.h,
// holds.h), so the same checks and audit entries ("retention.plan", "hold.add",
// "hold.release"). The routes need retention.manage, the action of the CLI's `retention`
// and `holds` commands (dpo, liquidator).
//
//   GET  /api/v1/retention/plan[?as_of=YYYY-MM-DD] -> as `retention plan` (counts, ids)
//   GET  /api/v1/holds[?include_released=1]       -> {"holds": […]}
//   POST /api/v1/holds  {subject | all: true, class?, reason} -> the hold
//   POST /api/v1/holds/{id}/release {reason}      -> the hold
// `retention run` (which destroys keys) stays on the command line.
#include "src/common/date.h"
#include "src/server/api_cases_util.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/workflow/holds.h"
#include "src/workflow/retention.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
using policy::Action;
namespace wf = jv::workflow;

ApiResponse RetentionPlan(Call& c) {
  wf::PlanOptions o;
  std::string as_of = QueryValue(c.req, "as_of");
  if (as_of.empty()) {
    o.as_of = ChinaDateFromMicros(c.vault.clock().NowMicros());
  } else {
    auto d = Date::Parse(as_of);
    if (!d.ok()) return Error(400, "invalid_argument", "as_of must be a date YYYY-MM-DD");
    o.as_of = *d;
  }
  auto p = wf::PlanRetention(c.vault, o);
  if (!p.ok()) return ErrorResponse(p.status());
  return Ok(p->ToJson());
}

ApiResponse ListHolds(Call& c) {
  auto list = wf::ListHolds(c.vault, QueryFlag(c.req, "include_released"));
  if (!list.ok()) return ErrorResponse(list.status());
  json arr = json::array();
  for (const wf::Hold& h : *list) arr.push_back(h.ToJson());
  return Ok({{"holds", arr}});
}

ApiResponse AddHold(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  wf::HoldRequest req;
  auto subject = StringField(*body, "subject", false);
  if (!subject.ok()) return ErrorResponse(subject.status());
  if (!subject->empty() && !WellFormedSubjectId(*subject)) {
    return Error(400, "invalid_argument", "subject is malformed");
  }
  req.subject_id = *subject;
  auto all = BoolField(*body, "all");
  if (!all.ok()) return ErrorResponse(all.status());
  req.all = *all;
  auto key_class = StringField(*body, "class", false);
  if (!key_class.ok()) return ErrorResponse(key_class.status());
  req.key_class = *key_class;
  auto reason = StringField(*body, "reason", true);
  if (!reason.ok()) return ErrorResponse(reason.status());
  req.reason = *reason;
  auto h = wf::AddHold(c.vault, req);
  if (!h.ok()) return ErrorResponse(h.status());
  json doc = h->ToJson();
  doc["ok"] = true;
  return Ok(std::move(doc));
}

ApiResponse ReleaseHold(Call& c) {
  std::string id = PathParam(c.req, "id");
  if (!WellFormedObjectId(id)) return Error(400, "invalid_argument", "id is malformed");
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto reason = StringField(*body, "reason", true);
  if (!reason.ok()) return ErrorResponse(reason.status());
  auto h = wf::ReleaseHold(c.vault, id, *reason);
  if (!h.ok()) return ErrorResponse(h.status());
  json doc = h->ToJson();
  doc["ok"] = true;
  return Ok(std::move(doc));
}

}  // namespace

std::vector<Route> CaseRetentionRoutes() {
  return {
      {"GET", "/api/v1/retention/plan", Action::kRetentionManage, false, RetentionPlan},
      {"GET", "/api/v1/holds", Action::kRetentionManage, false, ListHolds},
      {"POST", "/api/v1/holds", Action::kRetentionManage, true, AddHold},
      {"POST", "/api/v1/holds/{id}/release", Action::kRetentionManage, true, ReleaseHold},
  };
}

}  // namespace jv::server
