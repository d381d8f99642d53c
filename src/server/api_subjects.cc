// Subjects over HTTP: search (masked), show (masked), reveal one field with a reason, and
// record a customer's response — the same workflow functions as `subjects find|show` and
// `responses record`.
#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/vault/backup_epoch.h"
#include "src/workflow/subject_view.h"
#include "src/workflow/transfer.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
using policy::Action;

constexpr char kDefaultPurpose[] = "customer_service";
constexpr size_t kMaxReasonBytes = 2000;
const char* const kSearchKinds[] = {"mobile", "id_number", "email", "name", "member_no"};

ApiResponse SearchSubjects(Call& c) {
  const ApiRequest& req = c.req;
  policy::Role role = c.role;
  vault::Vault& v = c.vault;
  std::string kind, value;
  int given = 0;
  for (const char* k : kSearchKinds) {
    std::string v = QueryValue(req, k);
    if (!v.empty()) {
      ++given;
      kind = k;
      value = v;
    }
  }
  if (given != 1) {
    return Error(400, "invalid_argument",
                 "give exactly one of mobile, id_number, email, name, member_no");
  }
  std::string purpose_text = QueryValue(req, "purpose");
  if (purpose_text.empty()) purpose_text = kDefaultPurpose;
  auto purpose = PurposeParam(purpose_text);
  if (!purpose.ok()) return ErrorResponse(purpose.status());
  policy::Decision d = policy::Authorize(role, Action::kSubjectSearch, std::nullopt, *purpose);
  if (!d.allowed) return Refused(d);
  Date today = ChinaDateFromMicros(v.clock().NowMicros());
  auto key = workflow::SubjectSearchKey(kind, value, today);
  if (!key.ok()) return ErrorResponse(key.status());
  auto doc = workflow::FindSubjects(v, key->first, key->second, purpose_text,
                                    "api subjects find", today);
  if (!doc.ok()) return ErrorResponse(doc.status());
  return Ok(std::move(*doc));
}

ApiResponse ShowSubject(Call& c) {
  const ApiRequest& req = c.req;
  policy::Role role = c.role;
  vault::Vault& v = c.vault;
  std::string id = PathParam(req, "id");
  if (!WellFormedSubjectId(id)) return Error(400, "invalid_argument", "id is malformed");
  std::string purpose_text = QueryValue(req, "purpose");
  if (purpose_text.empty()) purpose_text = kDefaultPurpose;
  auto purpose = PurposeParam(purpose_text);
  if (!purpose.ok()) return ErrorResponse(purpose.status());
  policy::Decision d = policy::Authorize(role, Action::kSubjectRead, std::nullopt, *purpose);
  if (!d.allowed) return Refused(d);
  Date today = ChinaDateFromMicros(v.clock().NowMicros());
  auto doc =
      workflow::ShowSubject(v, id, purpose_text, "api subjects show", today, std::nullopt);
  if (!doc.ok()) return ErrorResponse(doc.status());
  return Ok(std::move(*doc));
}

ApiResponse Reveal(Call& c) {
  const ApiRequest& req = c.req;
  policy::Role role = c.role;
  vault::Vault& v = c.vault;
  std::string id = PathParam(req, "id");
  if (!WellFormedSubjectId(id)) return Error(400, "invalid_argument", "id is malformed");
  auto body = ParseBody(req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto field_text = StringField(*body, "field", true);
  if (!field_text.ok()) return ErrorResponse(field_text.status());
  auto field = policy::ParseField(*field_text);
  if (!field.ok()) return Error(400, "invalid_argument", "field is not a known field");
  auto purpose_text = StringField(*body, "purpose", true);
  if (!purpose_text.ok()) return ErrorResponse(purpose_text.status());
  auto purpose = PurposeParam(*purpose_text);
  if (!purpose.ok()) return ErrorResponse(purpose.status());
  auto reason = StringField(*body, "reason", false);
  if (!reason.ok()) return ErrorResponse(reason.status());
  if (reason->size() > kMaxReasonBytes) {
    return Error(400, "invalid_argument", "reason is longer than 2000 bytes");
  }
  policy::Decision d = policy::Authorize(role, Action::kSubjectReveal, *field, *purpose);
  if (!d.allowed) return Refused(d);
  if (d.needs_reason && TrimSpace(*reason).empty()) {
    return Error(403, "permission_denied", "reason is required to reveal a field in clear");
  }
  Date today = ChinaDateFromMicros(v.clock().NowMicros());
  auto doc = workflow::ShowSubject(v, id, *purpose_text, "api subjects reveal", today,
                                   workflow::RevealRequest{*field_text, *reason});
  if (!doc.ok()) return ErrorResponse(doc.status());
  return Ok({{"id", id}, {"purpose", *purpose_text}, {"revealed", (*doc)["revealed"]}});
}

// POST /api/v1/responses {"subject","type","via"}: workflow::RecordResponse, as
// `responses record` (audited "response.record"); 404 unknown subject, 409 shredded.
ApiResponse RecordResponse(Call& c) {
  const ApiRequest& req = c.req;
  policy::Role role = c.role;
  vault::Vault& v = c.vault;
  auto body = ParseBody(req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto subject = StringField(*body, "subject", true);
  if (!subject.ok()) return ErrorResponse(subject.status());
  if (!WellFormedSubjectId(*subject)) {
    return Error(400, "invalid_argument", "subject is malformed");
  }
  auto type = StringField(*body, "type", true);
  if (!type.ok()) return ErrorResponse(type.status());
  auto via = StringField(*body, "via", true);
  if (!via.ok()) return ErrorResponse(via.status());
  policy::Decision d = policy::Authorize(role, Action::kResponseRecord);
  if (!d.allowed) return Refused(d);
  // The same workflow function as `responses record`, so the same checks and audit entry
  // ("response.record"); its messages name CLI flags, which the API reports as they are.
  auto r = workflow::RecordResponse(v, *subject, *type, *via);
  if (!r.ok()) return ErrorResponse(r.status());
  json doc = {{"ok", true},
              {"response", r->response_id},
              {"subject", *subject},
              {"type", r->type},
              {"state", r->new_state}};
  if (!r->shred.is_null()) {
    // A deletion shreds the customer: like the CLI, end the backup epoch so that no earlier
    // backup can bring them back, and say that a new backup is needed.
    doc["shred"] = r->shred;
    doc["backup_needed"] = true;
    auto end = vault::EndBackupEpochWithReport(v, "deletion request " + r->response_id, 1);
    if (!end.ok()) {
      doc["backup_epoch_error"] = end.status().message();
    } else if (end->had_epoch) {
      doc["backup_epoch_ended"] = end->ended;
      doc["backup_epoch"] = end->current;
      doc["backup_keyring_updated"] = end->keyring_updated;
    }
  }
  return Ok(std::move(doc));
}

}  // namespace

std::vector<Route> SubjectRoutes() {
  return {
      {"GET", "/api/v1/subjects", Action::kSubjectSearch, false, SearchSubjects},
      {"GET", "/api/v1/subjects/{id}", Action::kSubjectRead, false, ShowSubject},
      {"POST", "/api/v1/subjects/{id}/reveal", Action::kSubjectReveal, true, Reveal},
      {"POST", "/api/v1/responses", Action::kResponseRecord, true, RecordResponse},
  };
}

}  // namespace jv::server
