// Liquidation over HTTP (SPEC §7, §11): deadlines, customer-creditors, the claims register
// and customer-owned items — the same workflow functions as `liquidation deadlines|
// creditors`, `claims list|record`, `items list|return` (liquidation.h, liquidation_clock.h,
// claims.h, items.h), so the same checks and audit entries ("liquidation.creditors",
// "claims.list", "claims.record", "items.list", "items.return").
//
//   GET  /api/v1/liquidation/deadlines -> as the CLI, plus "set_up"; {"set_up": false} before
//                                         `liquidation setup`
//   GET  /api/v1/liquidation/creditors -> as the CLI (masked)
//   GET  /api/v1/claims                -> as the CLI, except that the free-text notes are
//                                         replaced by "notes_count" (the policy shows
//                                         liquidation work masked)
//   POST /api/v1/claims                {subject, status, amount_fen?, note?, claim_type?,
//                                       paid_fen?, bonus_fen?, lpr_bp?, interest_days?}
//   GET  /api/v1/items[?status=held|returned] -> as the CLI (masked)
//   POST /api/v1/items/{id}/return     {to, receipt, reason?}
// All need liquidation.manage.
#include <tuple>
#include <utility>

#include "src/common/date.h"
#include "src/server/api_cases_util.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/workflow/claims.h"
#include "src/workflow/items.h"
#include "src/workflow/liquidation.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
using policy::Action;
namespace wf = jv::workflow;

constexpr size_t kMaxNoteBytes = 4000;

ApiResponse Deadlines(Call& c) {
  auto s = wf::GetLiquidation(c.vault);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kFailedPrecondition) return NotSetUp(s.status());
    return ErrorResponse(s.status());
  }
  auto cal = wf::LoadWorkdayCalendar();
  if (!cal.ok()) return ErrorResponse(cal.status());
  bool fallback = false;
  std::vector<wf::Deadline> ds = wf::ComputeDeadlines(*s, *cal, &fallback);
  wf::FreezeWindow w = wf::RefundFreeze(*s, *cal);
  json list = json::array();
  for (const auto& d : ds) list.push_back(d.ToJson());
  json doc = {{"set_up", true},
              {"type", s->type},
              {"deadlines", list},
              {"calendar_fallback", fallback},
              {"refund_freeze",
               {{"start", w.start.ToString()}, {"end", w.end.ToString()}, {"rule", w.rule}}}};
  auto closed = wf::LiquidationClosedOn(c.vault);
  if (!closed.ok()) return ErrorResponse(closed.status());
  doc["closed_on"] = *closed ? json((*closed)->ToString()) : json(nullptr);
  doc["today"] = ChinaDateFromMicros(c.vault.clock().NowMicros()).ToString();
  return Ok(std::move(doc));
}

ApiResponse Creditors(Call& c) {
  auto r = wf::ListCreditors(c.vault);
  if (!r.ok()) return ErrorResponse(r.status());
  return Ok(r->ToJson());
}

ApiResponse ListClaims(Call& c) {
  policy::Decision d = policy::Authorize(c.role, Action::kLiquidationManage);
  if (!d.allowed) return Refused(d);
  auto r = wf::ListClaims(c.vault);
  if (!r.ok()) return ErrorResponse(r.status());
  json doc = std::move(*r);
  if (d.masked && doc.contains("claims")) {
    for (json& claim : doc["claims"]) {
      if (!claim.contains("notes")) continue;
      claim["notes_count"] = claim["notes"].is_array() ? claim["notes"].size() : size_t{1};
      claim.erase("notes");
    }
  }
  return Ok(std::move(doc));
}

ApiResponse RecordClaim(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  wf::ClaimInput in;
  auto subject = StringField(*body, "subject", true);
  if (!subject.ok()) return ErrorResponse(subject.status());
  if (!WellFormedSubjectId(*subject)) {
    return Error(400, "invalid_argument", "subject is malformed");
  }
  in.subject_id = *subject;
  auto status = StringField(*body, "status", true);
  if (!status.ok()) return ErrorResponse(status.status());
  in.status = *status;
  auto note = StringField(*body, "note", false);
  if (!note.ok()) return ErrorResponse(note.status());
  if (note->size() > kMaxNoteBytes) {
    return Error(400, "invalid_argument", "note is longer than 4000 bytes");
  }
  in.note = *note;
  auto type = StringField(*body, "claim_type", false);
  if (!type.ok()) return ErrorResponse(type.status());
  in.claim_type = *type;
  for (auto [name, out] :
       {std::pair{"amount_fen", &in.amount_fen}, std::pair{"paid_fen", &in.paid_fen}}) {
    auto n = IntField(*body, name, true);
    if (!n.ok()) return ErrorResponse(n.status());
    *out = *n;
  }
  for (auto [name, out] : {std::pair{"bonus_fen", &in.bonus_fen}, std::pair{"lpr_bp", &in.lpr_bp},
                           std::pair{"interest_days", &in.interest_days}}) {
    auto n = IntField(*body, name, false);
    if (!n.ok()) return ErrorResponse(n.status());
    if (*n) *out = **n;
  }
  auto r = wf::RecordClaim(c.vault, in);
  if (!r.ok()) return ErrorResponse(r.status());
  json doc = std::move(*r);
  if (doc.contains("notes")) {
    doc["notes_count"] = doc["notes"].is_array() ? doc["notes"].size() : size_t{1};
    doc.erase("notes");
  }
  return Ok(std::move(doc));
}

ApiResponse ListItems(Call& c) {
  std::string status = QueryValue(c.req, "status");
  if (!status.empty() && status != "held" && status != "returned") {
    return Error(400, "invalid_argument", "status must be held or returned");
  }
  auto r = wf::ListItems(c.vault, wf::ItemsFilter{status});
  if (!r.ok()) return ErrorResponse(r.status());
  return Ok(std::move(*r));
}

ApiResponse ReturnItem(Call& c) {
  std::string id = PathParam(c.req, "id");
  if (!WellFormedObjectId(id)) return Error(400, "invalid_argument", "id is malformed");
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  wf::ItemReturn ret;
  ret.item_id = id;
  for (auto [name, out, required] :
       {std::tuple{"to", &ret.to, true}, std::tuple{"receipt", &ret.receipt, true},
        std::tuple{"reason", &ret.reason, false}}) {
    auto f = StringField(*body, name, required);
    if (!f.ok()) return ErrorResponse(f.status());
    *out = *f;
  }
  auto r = wf::ReturnItem(c.vault, ret);
  if (!r.ok()) return ErrorResponse(r.status());
  return Ok(std::move(*r));
}

}  // namespace

std::vector<Route> CaseLiquidationRoutes() {
  return {
      {"GET", "/api/v1/liquidation/deadlines", Action::kLiquidationManage, false, Deadlines},
      {"GET", "/api/v1/liquidation/creditors", Action::kLiquidationManage, false, Creditors},
      {"GET", "/api/v1/claims", Action::kLiquidationManage, false, ListClaims},
      {"POST", "/api/v1/claims", Action::kLiquidationManage, true, RecordClaim},
      {"GET", "/api/v1/items", Action::kLiquidationManage, false, ListItems},
      {"POST", "/api/v1/items/{id}/return", Action::kLiquidationManage, true, ReturnItem},
  };
}

}  // namespace jv::server
