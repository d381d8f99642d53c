#include "src/server/api.h"

#include "src/common/date.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/server/sign_in.h"
#include "src/server/users.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
using policy::Action;

std::string SessionCookie(const std::string& token) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

std::string ClearedCookie() {
  return std::string(kSessionCookie) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

ApiResponse Logout(Call& c) {
  Status st = DeleteSession(c.vault.store(), c.req.session_token);
  if (!st.ok()) return ErrorResponse(st);
  auto a = c.vault.Audit("session.logout", "", "security", json::object());
  if (!a.ok()) return ErrorResponse(a.status());
  ApiResponse r = Ok({{"ok", true}});
  r.set_cookies.push_back(ClearedCookie());
  return r;
}

ApiResponse Me(Call& c) {
  const Session& s = c.session;
  int64_t idle_end = s.last_seen_micros + c.options.sessions.idle_seconds * 1000000;
  int64_t abs_end = s.created_micros + c.options.sessions.absolute_seconds * 1000000;
  json actions = json::array();
  for (Action a : policy::AllActions()) {
    if (policy::HasRule(c.role, a)) actions.push_back(std::string(policy::ActionName(a)));
  }
  return Ok({{"user", c.user},
             {"role", std::string(policy::RoleName(c.role))},
             {"actions", actions},
             {"session",
              {{"created", FormatRfc3339Seconds(s.created_micros)},
               {"expires", FormatRfc3339Seconds(std::min(idle_end, abs_end))}}}});
}

ApiResponse StatusInfo(Call& c) {
  vault::Vault& v = c.vault;
  auto counts = v.store().CountSubjectsByState();
  if (!counts.ok()) return ErrorResponse(counts.status());
  auto audit_size = v.store().AuditSize();
  if (!audit_size.ok()) return ErrorResponse(audit_size.status());
  auto users = ListUsers(v.store());
  if (!users.ok()) return ErrorResponse(users.status());
  int64_t total = 0;
  json by_state = json::object();
  for (const auto& [state, n] : *counts) {
    by_state[state] = n;
    total += n;
  }
  const vault::VaultConfig& cfg = v.config();
  return Ok({{"vault_id", cfg.vault_id},
             {"case_type", cfg.case_type},
             {"crypto", std::string(crypto::SuiteName(v.suite()))},
             {"store", v.store().Backend()},
             {"subjects", {{"total", total}, {"by_state", by_state}}},
             {"users", static_cast<int64_t>(users->size())},
             {"audit_entries", *audit_size}});
}

}  // namespace

std::vector<Route> SessionRoutes() {
  return {
      {"POST", "/api/v1/session", std::nullopt, false, nullptr},
      {"DELETE", "/api/v1/session", Action::kSessionSelf, true, Logout},
      {"GET", "/api/v1/me", Action::kSessionSelf, false, Me},
      {"GET", "/api/v1/status", Action::kStatusRead, false, StatusInfo},
  };
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = [] {
    std::vector<Route> all;
    for (auto list : {SessionRoutes, SubjectRoutes, AuditRoutes, ImportRoutes, JobRoutes,
                      CampaignRoutes, UserRoutes, DashboardRoutes, CaseTransferRoutes,
                      CaseRequestRoutes, CaseLiquidationRoutes, CaseRetentionRoutes,
                      CaseChecklistRoutes}) {
      for (Route& r : list()) all.push_back(std::move(r));
    }
    return all;
  }();
  return kRoutes;
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
  if (!route->handler) return finish(Error(404, "not_found", "no such API route"));
  Call call{vault_, options_, req, user->name, user->role, *session, jobs_};
  return finish(route->handler(call));
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

  SignInRequest in;
  in.user = *name;
  in.password = &pw;
  in.totp = *totp;
  in.client_ip = req.client_ip;
  in.user_throttle = options_.user_throttle;
  in.ip_throttle = options_.ip_throttle;
  auto signed_in = SignIn(vault_, in);
  if (!signed_in.ok()) return ErrorResponse(signed_in.status());
  if (signed_in->kind == SignInOutcome::Kind::kLocked) {
    return Error(429, "locked", "登录失败次数过多，请稍后再试 (too many failed logins; try later)");
  }
  if (signed_in->kind == SignInOutcome::Kind::kRejected) {
    return Error(401, "unauthenticated",
                 "用户名、密码或动态码错误 (bad user name, password or code)");
  }
  const User* user = &signed_in->user;
  auto s = CreateSession(vault_.store(), vault_.random(), user->name,
                         vault_.clock().NowMicros());
  if (!s.ok()) return ErrorResponse(s.status());
  ApiResponse r = Ok({{"user", user->name},
                      {"role", std::string(policy::RoleName(user->role))},
                      {"csrf", s->csrf}});
  r.set_cookies.push_back(SessionCookie(s->token));
  r.user = user->name;
  return r;
}

}  // namespace jv::server
