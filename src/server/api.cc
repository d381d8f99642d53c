#include "src/server/api.h"

#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/server/users.h"
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

ApiResponse Error(int status, const std::string& code, const std::string& message) {
  ApiResponse r;
  r.status = status;
  r.body = {{"error", {{"code", code}, {"message", message}}}};
  return r;
}

ApiResponse Ok(json body) {
  ApiResponse r;
  r.body = std::move(body);
  return r;
}

std::string SessionCookie(const std::string& token) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

std::string ClearedCookie() {
  return std::string(kSessionCookie) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

// A JSON object body; the message names the problem, never the content.
Result<json> ParseBody(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgumentError("the request body must be a JSON object");
  }
  return j;
}

Result<std::string> StringField(const json& j, const std::string& name, bool required) {
  if (!j.contains(name) || j[name].is_null()) {
    if (required) return InvalidArgumentError(name + " is required");
    return std::string();
  }
  if (!j[name].is_string()) return InvalidArgumentError(name + " must be a string");
  return j[name].get<std::string>();
}

Result<policy::Purpose> PurposeParam(const std::string& text) {
  auto p = policy::ParsePurpose(text);
  if (!p.ok()) return InvalidArgumentError("purpose is not a known purpose");
  return p;
}

std::string QueryValue(const ApiRequest& r, const std::string& key) {
  auto it = r.query.find(key);
  return it == r.query.end() ? std::string() : it->second;
}

bool WellFormedSubjectId(const std::string& id) {
  if (id.size() < 3 || id.size() > 64 || id.rfind("s_", 0) != 0) return false;
  return id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

ApiResponse Refused(const policy::Decision& d) { return Error(403, "permission_denied", d.reason); }

}  // namespace

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = {
      {"POST", "/api/v1/session", std::nullopt, false},
      {"DELETE", "/api/v1/session", Action::kSessionSelf, true},
      {"GET", "/api/v1/me", Action::kSessionSelf, false},
      {"GET", "/api/v1/status", Action::kStatusRead, false},
      {"GET", "/api/v1/subjects", Action::kSubjectSearch, false},
      {"GET", "/api/v1/subjects/{id}", Action::kSubjectRead, false},
      {"POST", "/api/v1/subjects/{id}/reveal", Action::kSubjectReveal, true},
      {"GET", "/api/v1/audit/verify", Action::kAuditVerify, false},
      {"POST", "/api/v1/responses", Action::kResponseRecord, true},
  };
  return kRoutes;
}

ApiResponse ErrorResponse(const Status& st) {
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
      return Error(400, "invalid_argument", st.message());
    case StatusCode::kUnauthenticated:
      return Error(401, "unauthenticated", st.message());
    case StatusCode::kPermissionDenied:
      return Error(403, "permission_denied", st.message());
    case StatusCode::kNotFound:
      return Error(404, "not_found", st.message());
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return Error(409, "failed_precondition", st.message());
    case StatusCode::kUnavailable:
      return Error(503, "unavailable", "the vault is busy; try again");
    default:
      return Error(500, "internal", "internal error");
  }
}

ApiResponse Api::Handle(const ApiRequest& req) {
  std::lock_guard<std::mutex> lock(mu_);
  vault_.set_actor("http");
  const Route* route = nullptr;
  for (const Route& r : Routes()) {
    if (r.method == req.method && r.path == req.route) route = &r;
  }
  if (route == nullptr) return Error(404, "not_found", "no such API route");
  if (!route->action) return Login(req);

  int64_t now = vault_.clock().NowMicros();
  auto session = LookupSession(vault_.store(), req.session_token, now, options_.sessions);
  if (!session.ok()) {
    if (session.status().code() == StatusCode::kUnauthenticated) {
      return Error(401, "unauthenticated", "请先登录 (sign in first)");
    }
    return ErrorResponse(session.status());
  }
  auto user = GetUser(vault_.store(), session->user);
  if (!user.ok() || user->status != "active") {
    DeleteSession(vault_.store(), req.session_token).IgnoreError();
    return Error(401, "unauthenticated", "请先登录 (sign in first)");
  }
  vault_.set_actor("user:" + user->name);
  auto finish = [&](ApiResponse r) {
    r.user = user->name;
    return r;
  };
  if (route->state_change && !CsrfMatches(*session, req.csrf_token)) {
    return finish(Error(403, "csrf", "X-CSRF-Token is missing or wrong"));
  }
  if (!policy::HasRule(user->role, *route->action)) {
    return finish(Refused(policy::Authorize(user->role, *route->action)));
  }
  const std::string& p = route->path;
  if (route->method == "DELETE" && p == "/api/v1/session") return finish(Logout(req));
  if (p == "/api/v1/me") return finish(Me(user->name, user->role, *session));
  if (p == "/api/v1/status") return finish(StatusInfo());
  if (p == "/api/v1/subjects") return finish(SearchSubjects(req, user->role));
  if (p == "/api/v1/subjects/{id}") return finish(ShowSubject(req, user->role));
  if (p == "/api/v1/subjects/{id}/reveal") return finish(Reveal(req, user->role));
  if (p == "/api/v1/audit/verify") return finish(VerifyAudit());
  if (p == "/api/v1/responses") return finish(RecordResponse(req, user->role));
  return finish(Error(404, "not_found", "no such API route"));
}

ApiResponse Api::Login(const ApiRequest& req) {
  auto body = ParseBody(req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto name = StringField(*body, "user", true);
  if (!name.ok()) return ErrorResponse(name.status());
  auto password = StringField(*body, "password", true);
  if (!password.ok()) return ErrorResponse(password.status());
  auto totp = StringField(*body, "totp", false);
  if (!totp.ok()) return ErrorResponse(totp.status());
  SecretBuffer pw = SecretBuffer::FromString(*password);
  std::fill(password->begin(), password->end(), '\0');

  int64_t now = vault_.clock().NowMicros();
  store::Store& st = vault_.store();
  std::string user_key = ThrottleKey("user", *name);
  std::string ip_key = ThrottleKey("ip", req.client_ip);
  auto user_locked = IsLocked(st, user_key, now);
  if (!user_locked.ok()) return ErrorResponse(user_locked.status());
  auto ip_locked = IsLocked(st, ip_key, now);
  if (!ip_locked.ok()) return ErrorResponse(ip_locked.status());
  bool known = GetUser(st, *name).ok();
  if (*user_locked || *ip_locked) {
    auto a = vault_.Audit(
        "session.login_locked", "", "security",
        {{"user", known ? *name : std::string()}, {"by", *user_locked ? "user" : "address"}});
    if (!a.ok()) return ErrorResponse(a.status());
    return Error(429, "locked", "登录失败次数过多，请稍后再试 (too many failed logins; try later)");
  }
  auto user = CheckCredentials(vault_, *name, pw, *totp, now / 1000000);
  if (!user.ok()) {
    if (user.status().code() != StatusCode::kUnauthenticated) return ErrorResponse(user.status());
    auto f1 = RecordFailure(st, user_key, now, options_.user_throttle);
    if (!f1.ok()) return ErrorResponse(f1.status());
    auto f2 = RecordFailure(st, ip_key, now, options_.ip_throttle);
    if (!f2.ok()) return ErrorResponse(f2.status());
    auto a = vault_.Audit("session.login_failed", "", "security",
                          {{"user", known ? *name : std::string()}});
    if (!a.ok()) return ErrorResponse(a.status());
    return Error(401, "unauthenticated",
                 "用户名、密码或动态码错误 (bad user name, password or code)");
  }
  Status reset = ResetFailures(st, user_key);
  if (!reset.ok()) return ErrorResponse(reset);
  auto s = CreateSession(st, vault_.random(), user->name, now);
  if (!s.ok()) return ErrorResponse(s.status());
  vault_.set_actor("user:" + user->name);
  auto a = vault_.Audit("session.login", "", "security", {{"totp", user->totp}});
  if (!a.ok()) return ErrorResponse(a.status());
  ApiResponse r = Ok({{"user", user->name},
                      {"role", std::string(policy::RoleName(user->role))},
                      {"csrf", s->csrf}});
  r.set_cookies.push_back(SessionCookie(s->token));
  r.user = user->name;
  return r;
}

ApiResponse Api::Logout(const ApiRequest& req) {
  Status st = DeleteSession(vault_.store(), req.session_token);
  if (!st.ok()) return ErrorResponse(st);
  auto a = vault_.Audit("session.logout", "", "security", json::object());
  if (!a.ok()) return ErrorResponse(a.status());
  ApiResponse r = Ok({{"ok", true}});
  r.set_cookies.push_back(ClearedCookie());
  return r;
}

ApiResponse Api::Me(const std::string& user, policy::Role role, const Session& s) {
  int64_t idle_end = s.last_seen_micros + options_.sessions.idle_seconds * 1000000;
  int64_t abs_end = s.created_micros + options_.sessions.absolute_seconds * 1000000;
  json actions = json::array();
  for (Action a : policy::AllActions()) {
    if (policy::HasRule(role, a)) actions.push_back(std::string(policy::ActionName(a)));
  }
  return Ok({{"user", user},
             {"role", std::string(policy::RoleName(role))},
             {"actions", actions},
             {"session",
              {{"created", FormatRfc3339Seconds(s.created_micros)},
               {"expires", FormatRfc3339Seconds(std::min(idle_end, abs_end))}}}});
}

ApiResponse Api::StatusInfo() {
  auto counts = vault_.store().CountSubjectsByState();
  if (!counts.ok()) return ErrorResponse(counts.status());
  auto audit_size = vault_.store().AuditSize();
  if (!audit_size.ok()) return ErrorResponse(audit_size.status());
  auto users = ListUsers(vault_.store());
  if (!users.ok()) return ErrorResponse(users.status());
  int64_t total = 0;
  json by_state = json::object();
  for (const auto& [state, n] : *counts) {
    by_state[state] = n;
    total += n;
  }
  const vault::VaultConfig& c = vault_.config();
  return Ok({{"vault_id", c.vault_id},
             {"case_type", c.case_type},
             {"crypto", std::string(crypto::SuiteName(vault_.suite()))},
             {"store", vault_.store().Backend()},
             {"subjects", {{"total", total}, {"by_state", by_state}}},
             {"users", static_cast<int64_t>(users->size())},
             {"audit_entries", *audit_size}});
}

ApiResponse Api::SearchSubjects(const ApiRequest& req, policy::Role role) {
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
  Date today = ChinaDateFromMicros(vault_.clock().NowMicros());
  auto key = workflow::SubjectSearchKey(kind, value, today);
  if (!key.ok()) return ErrorResponse(key.status());
  auto doc = workflow::FindSubjects(vault_, key->first, key->second, purpose_text,
                                    "api subjects find", today);
  if (!doc.ok()) return ErrorResponse(doc.status());
  return Ok(std::move(*doc));
}

ApiResponse Api::ShowSubject(const ApiRequest& req, policy::Role role) {
  auto it = req.path_params.find("id");
  std::string id = it == req.path_params.end() ? "" : it->second;
  if (!WellFormedSubjectId(id)) return Error(400, "invalid_argument", "id is malformed");
  std::string purpose_text = QueryValue(req, "purpose");
  if (purpose_text.empty()) purpose_text = kDefaultPurpose;
  auto purpose = PurposeParam(purpose_text);
  if (!purpose.ok()) return ErrorResponse(purpose.status());
  policy::Decision d = policy::Authorize(role, Action::kSubjectRead, std::nullopt, *purpose);
  if (!d.allowed) return Refused(d);
  Date today = ChinaDateFromMicros(vault_.clock().NowMicros());
  auto doc =
      workflow::ShowSubject(vault_, id, purpose_text, "api subjects show", today, std::nullopt);
  if (!doc.ok()) return ErrorResponse(doc.status());
  return Ok(std::move(*doc));
}

ApiResponse Api::Reveal(const ApiRequest& req, policy::Role role) {
  auto it = req.path_params.find("id");
  std::string id = it == req.path_params.end() ? "" : it->second;
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
  Date today = ChinaDateFromMicros(vault_.clock().NowMicros());
  auto doc = workflow::ShowSubject(vault_, id, *purpose_text, "api subjects reveal", today,
                                   workflow::RevealRequest{*field_text, *reason});
  if (!doc.ok()) return ErrorResponse(doc.status());
  return Ok({{"id", id}, {"purpose", *purpose_text}, {"revealed", (*doc)["revealed"]}});
}

ApiResponse Api::RecordResponse(const ApiRequest& req, policy::Role role) {
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
  auto r = workflow::RecordResponse(vault_, *subject, *type, *via);
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
    auto end = vault::EndBackupEpochWithReport(vault_, "deletion request " + r->response_id, 1);
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

ApiResponse Api::VerifyAudit() {
  auto r = vault_.audit().Verify(vault_.signer().PublicKeyPem());
  if (!r.ok()) return ErrorResponse(r.status());
  return Ok(audit::VerifyReportToJson(*r, vault_.suite()));
}

}  // namespace jv::server
