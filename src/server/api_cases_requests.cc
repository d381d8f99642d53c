// Customer-rights requests over HTTP (SPEC §8; PIPL 44–50; RULEBOOK P44–P50): the same
// workflow functions as `requests open|list|fulfil|refuse` (src/workflow/requests.h), so the
// same checks, deadlines (15 PRC working days) and audit entries ("request.open",
// "request.fulfil", "request.refuse").
//
//   GET  /api/v1/requests[?status=open|fulfilled|refused]
//                                    -> {"requests": [{id, subject, type, via, received, due,
//                                        status, overdue, …}], "today", "counts": {open,
//                                        overdue, fulfilled, refused}}
//   POST /api/v1/requests            {subject, type, via, received?} -> the request (id, due)
//   POST /api/v1/requests/{id}/fulfil                               -> as `requests fulfil`
//   POST /api/v1/requests/{id}/refuse {reason}                      -> 400 without a reason
// All need requests.manage. `overdue` is computed from the vault clock. Fulfilment of copy,
// portability, access and explanation writes the files (0600) to <vault>/requests_out/, the
// server's fixed --out; a deletion shreds the customer and ends the backup epoch like the CLI.
#include <tuple>

#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/server/api_cases_util.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/workflow/requests.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
using policy::Action;
namespace wf = jv::workflow;

constexpr size_t kMaxReasonBytes = 2000;

ApiResponse ListRequests(Call& c) {
  std::string status = QueryValue(c.req, "status");
  if (!status.empty() && status != "open" && status != "fulfilled" && status != "refused") {
    return Error(400, "invalid_argument", "status must be open, fulfilled or refused");
  }
  auto list = wf::ListRequests(c.vault, status);
  if (!list.ok()) return ErrorResponse(list.status());
  json counts = {{"open", 0}, {"overdue", 0}, {"fulfilled", 0}, {"refused", 0}};
  for (const json& r : *list) {
    std::string s = r.value("status", "");
    if (counts.contains(s)) counts[s] = counts[s].get<int64_t>() + 1;
    if (r.value("overdue", false)) counts["overdue"] = counts["overdue"].get<int64_t>() + 1;
  }
  return Ok({{"requests", *list},
             {"counts", counts},
             {"today", ChinaDateFromMicros(c.vault.clock().NowMicros()).ToString()}});
}

ApiResponse OpenRequest(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  wf::RequestOpen in;
  for (auto [name, out, required] :
       {std::tuple{"subject", &in.subject, true}, std::tuple{"type", &in.type, true},
        std::tuple{"via", &in.via, true}, std::tuple{"received", &in.received, false}}) {
    auto f = StringField(*body, name, required);
    if (!f.ok()) return ErrorResponse(f.status());
    *out = *f;
  }
  if (!WellFormedSubjectId(in.subject)) {
    return Error(400, "invalid_argument", "subject is malformed");
  }
  auto r = wf::OpenRequest(c.vault, in);
  if (!r.ok()) return ErrorResponse(r.status());
  json doc = *r;
  doc["ok"] = true;
  return Ok(std::move(doc));
}

ApiResponse FulfilRequest(Call& c) {
  std::string id = PathParam(c.req, "id");
  if (!WellFormedObjectId(id)) return Error(400, "invalid_argument", "id is malformed");
  auto r = wf::FulfilRequest(c.vault, id, c.vault.dir() + "/requests_out");
  if (!r.ok()) return ErrorResponse(r.status());
  json doc = *r;
  doc["ok"] = true;
  if (doc.value("shredded", int64_t{0}) > 0) {
    // Backups taken before the deletion must not bring the customer back.
    EndBackupEpochInto(c.vault, "request " + id, doc["shredded"].get<int64_t>(), &doc);
  }
  if (doc.contains("files")) doc["files_dir"] = "requests_out";
  return Ok(std::move(doc));
}

ApiResponse RefuseRequest(Call& c) {
  std::string id = PathParam(c.req, "id");
  if (!WellFormedObjectId(id)) return Error(400, "invalid_argument", "id is malformed");
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto reason = StringField(*body, "reason", true);
  if (!reason.ok()) return ErrorResponse(reason.status());
  if (TrimSpace(*reason).empty()) return Error(400, "invalid_argument", "reason is required");
  if (reason->size() > kMaxReasonBytes) {
    return Error(400, "invalid_argument", "reason is longer than 2000 bytes");
  }
  auto r = wf::RefuseRequest(c.vault, id, *reason);
  if (!r.ok()) return ErrorResponse(r.status());
  json doc = *r;
  doc["ok"] = true;
  return Ok(std::move(doc));
}

}  // namespace

std::vector<Route> CaseRequestRoutes() {
  return {
      {"GET", "/api/v1/requests", Action::kRequestsManage, false, ListRequests},
      {"POST", "/api/v1/requests", Action::kRequestsManage, true, OpenRequest},
      {"POST", "/api/v1/requests/{id}/fulfil", Action::kRequestsManage, true, FulfilRequest},
      {"POST", "/api/v1/requests/{id}/refuse", Action::kRequestsManage, true, RefuseRequest},
  };
}

}  // namespace jv::server
