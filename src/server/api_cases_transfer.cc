// The transfer over HTTP (SPEC §6.1, §6.2, §11): settings, recipients, allocation and the
// customers' responses — the same workflow functions as `transfer setup`, `recipients
// list|add`, `allocate` (src/workflow/transfer.h), so the same checks and audit entries.
//
//   GET  /api/v1/transfer        transfer.manage   settings; {"set_up": false} before setup
//   GET  /api/v1/recipients      transfer.manage   {"recipients": […] (as the CLI),
//                                                    "allocation": {recipient: n},
//                                                    "unallocated": n}
//   POST /api/v1/recipients      transfer.manage   {name, uscc, contact_name, contact_phone,
//                                                    address, region, age_recipient,
//                                                    scope?: [field…]} -> the recipient
//   POST /api/v1/allocate        transfer.manage   {recipient, all?: true | where: "store=…"}
//                                                    -> counts (as the CLI)
//   GET  /api/v1/responses       response.record   {"responses": [{id, subject, type, via,
//                                                    at}], "by_type": {…}} (ids, no PI)
#include <map>
#include <utility>

#include "src/server/api_cases_util.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/workflow/transfer.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
using policy::Action;
namespace wf = jv::workflow;

json AttrsOf(const std::string& s) {
  json a = json::parse(s, nullptr, false);
  return a.is_object() ? a : json::object();
}

ApiResponse TransferStatus(Call& c) {
  auto s = wf::GetTransfer(c.vault);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kFailedPrecondition) return NotSetUp(s.status());
    return ErrorResponse(s.status());
  }
  json doc = s->ToJson();
  doc["set_up"] = true;
  doc["article"] = s->article();
  doc["reason_label"] = wf::ReasonLabel(s->reason);
  doc["needs_consent"] = s->needs_consent();
  return Ok(std::move(doc));
}

ApiResponse ListRecipients(Call& c) {
  auto list = wf::ListRecipients(c.vault);
  if (!list.ok()) return ErrorResponse(list.status());
  // Allocation per recipient, counted like the ROPA report: subjects whose attrs name the
  // recipient (objected and shredded subjects are not counted).
  std::map<std::string, int64_t> allocated;
  int64_t unallocated = 0;
  Status st = c.vault.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (s.state == "shredded" || s.state == "objected" || s.state == "unmatched") {
      return Status::Ok();
    }
    json a = wf::SubjectAttrs(s);
    if (a.contains("recipient") && a["recipient"].is_string()) {
      ++allocated[a["recipient"].get<std::string>()];
    } else {
      ++unallocated;
    }
    return Status::Ok();
  });
  if (!st.ok()) return ErrorResponse(st);
  json alloc = json::object();
  for (const auto& [id, n] : allocated) alloc[id] = n;
  return Ok({{"recipients", *list}, {"allocation", alloc}, {"unallocated", unallocated}});
}

ApiResponse AddRecipient(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  wf::RecipientInput in;
  for (auto [name, out] :
       {std::pair{"name", &in.name}, std::pair{"uscc", &in.uscc},
        std::pair{"contact_name", &in.contact_name}, std::pair{"contact_phone", &in.contact_phone},
        std::pair{"address", &in.address}, std::pair{"region", &in.region},
        std::pair{"age_recipient", &in.age_recipient}}) {
    auto f = StringField(*body, name, true);
    if (!f.ok()) return ErrorResponse(f.status());
    *out = *f;
  }
  if (body->contains("scope") && !(*body)["scope"].is_null()) {
    const json& scope = (*body)["scope"];
    if (!scope.is_array()) return Error(400, "invalid_argument", "scope must be a list");
    for (const json& f : scope) {
      if (!f.is_string()) return Error(400, "invalid_argument", "scope must list field names");
      if (!f.get<std::string>().empty()) in.scope.push_back(f.get<std::string>());
    }
  }
  auto r = wf::AddRecipient(c.vault, in);
  if (!r.ok()) return ErrorResponse(r.status());
  return Ok(std::move(*r));
}

ApiResponse Allocate(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto recipient = StringField(*body, "recipient", true);
  if (!recipient.ok()) return ErrorResponse(recipient.status());
  auto all = BoolField(*body, "all");
  if (!all.ok()) return ErrorResponse(all.status());
  auto where = StringField(*body, "where", false);
  if (!where.ok()) return ErrorResponse(where.status());
  if (*all == !where->empty()) {
    return Error(400, "invalid_argument", "give all or where (store=…|province=…|city=…)");
  }
  wf::AllocateRule rule;
  if (*all) {
    rule.all = true;
  } else {
    auto r = wf::ParseAllocateWhere(*where);
    if (!r.ok()) return ErrorResponse(r.status());
    rule = *r;
  }
  auto r = wf::Allocate(c.vault, *recipient, rule);
  if (!r.ok()) return ErrorResponse(r.status());
  return Ok({{"recipient", *recipient},
             {"allocated", r->allocated},
             {"already_allocated", r->already_allocated},
             {"recipient_total", r->recipient_total},
             {"unallocated", r->unallocated}});
}

ApiResponse ListResponses(Call& c) {
  store::ObjectFilter f;
  f.kind = wf::kKindResponse;
  std::string subject = QueryValue(c.req, "subject");
  if (!subject.empty()) {
    if (!WellFormedSubjectId(subject)) {
      return Error(400, "invalid_argument", "subject is malformed");
    }
    f.subject_id = subject;
  }
  auto rows = c.vault.store().ListObjects(f);
  if (!rows.ok()) return ErrorResponse(rows.status());
  json list = json::array();
  std::map<std::string, int64_t> by_type;
  for (const auto& row : *rows) {
    json a = AttrsOf(row.attrs_json);
    std::string type = a.value("type", "");
    ++by_type[type];
    list.push_back({{"id", row.id},
                    {"subject", row.subject_id},
                    {"type", type},
                    {"via", a.value("via", "")},
                    {"at", a.value("at", "")}});
  }
  json counts = json::object();
  for (const auto& [t, n] : by_type) counts[t] = n;
  return Ok({{"responses", list}, {"by_type", counts}, {"count", list.size()}});
}

}  // namespace

std::vector<Route> CaseTransferRoutes() {
  return {
      {"GET", "/api/v1/transfer", Action::kTransferManage, false, TransferStatus},
      {"GET", "/api/v1/recipients", Action::kTransferManage, false, ListRecipients},
      {"POST", "/api/v1/recipients", Action::kTransferManage, true, AddRecipient},
      {"POST", "/api/v1/allocate", Action::kTransferManage, true, Allocate},
      {"GET", "/api/v1/responses", Action::kResponseRecord, false, ListResponses},
  };
}

}  // namespace jv::server
