// The compliance checklist over HTTP (SPEC §9): the same EvaluateGate as `jadevault check`
// (src/workflow/gate.h). The rules' evidence holds counts, ids and dates, never personal
// information, so every staff role that may read the vault's counts may read it.
//
//   GET /api/v1/checklist[?recipient=r_…] -> GateReport JSON (as `check --json`: "ok",
//                                            "blocked", "rules": [{id, title, article,
//                                            status, blocking, evidence}])
// Unlike the CLI (exit 1 while blocked) the answer is 200 either way; "blocked" says it.
#include "src/server/api_cases_util.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/workflow/gate.h"

namespace jv::server {

namespace {

ApiResponse Checklist(Call& c) {
  std::string recipient = QueryValue(c.req, "recipient");
  if (!recipient.empty() && !WellFormedObjectId(recipient)) {
    return Error(400, "invalid_argument", "recipient is malformed");
  }
  auto g = workflow::EvaluateGate(c.vault, recipient);
  if (!g.ok()) return ErrorResponse(g.status());
  return Ok(g->ToJson());
}

}  // namespace

std::vector<Route> CaseChecklistRoutes() {
  return {
      {"GET", "/api/v1/checklist", policy::Action::kStatusRead, false, Checklist},
  };
}

}  // namespace jv::server
