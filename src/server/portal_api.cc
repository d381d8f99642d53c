#include "src/server/portal_api.h"

#include <set>

#include "src/classify/mobile.h"
#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/ingest/importer.h"
#include "src/server/api_util.h"
#include "src/server/portal_sessions.h"
#include "src/server/portal_view.h"
#include "src/workflow/requests.h"
#include "src/workflow/transfer.h"

namespace jv::server {

namespace {

using json = nlohmann::json;

constexpr char kCodeRoute[] = "/portal/api/code";
constexpr char kVerifyRoute[] = "/portal/api/verify";
constexpr char kMeRoute[] = "/portal/api/me";
constexpr char kObjectionRoute[] = "/portal/api/objection";
constexpr char kRequestsRoute[] = "/portal/api/requests";
constexpr char kSessionRoute[] = "/portal/api/session";

// The rights a customer can ask for on the portal ("deceased" is for next of kin: by phone
// or letter).
const std::set<std::string>& PortalRequestTypes() {
  static const std::set<std::string> kTypes = {"access",      "copy",        "portability",
                                               "correction",  "deletion",    "restriction",
                                               "explanation", "withdraw"};
  return kTypes;
}

std::string PortalCookie(const std::string& token) {
  return std::string(kPortalCookie) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

std::string ClearedPortalCookie() {
  return std::string(kPortalCookie) +
         "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

ApiResponse SignInFirst() {
  return Error(401, "unauthenticated", "请先用手机验证码登录 (sign in with a code first)");
}

ApiResponse WrongCode() {
  return Error(401, "unauthenticated",
               "验证码错误或已过期 (the code is wrong or has expired)");
}

ApiResponse Locked() {
  return Error(429, "locked",
               "尝试次数过多，请 15 分钟后再试 (too many attempts; try again in 15 minutes)");
}

// The mobile of a body in canonical form, normalized as the importer normalizes a cell
// (NFKC, trimmed: full-width digits, +86, separators); the message names the field only.
Result<std::string> MobileField(const json& body) {
  JV_ASSIGN_OR_RETURN(std::string raw, StringField(body, "mobile", true));
  auto cell = NormalizeCell(raw);
  std::fill(raw.begin(), raw.end(), '\0');
  if (!cell.ok()) {
    return InvalidArgumentError("手机号格式不正确 (mobile is not a valid mainland mobile number)");
  }
  auto m = classify::CheckMobile(*cell);
  std::fill(cell->begin(), cell->end(), '\0');
  if (!m.valid()) {
    return InvalidArgumentError("手机号格式不正确 (mobile is not a valid mainland mobile number)");
  }
  return m.value;
}

}  // namespace

const std::vector<PortalRoute>& PortalRoutes() {
  static const std::vector<PortalRoute> kRoutes = {
      {"POST", kCodeRoute, false},       {"POST", kVerifyRoute, false},
      {"GET", kMeRoute, false},          {"POST", kObjectionRoute, true},
      {"POST", kRequestsRoute, true},    {"DELETE", kSessionRoute, true},
  };
  return kRoutes;
}

PortalApi::PortalApi(vault::Vault& vault, std::mutex& vault_mutex, PortalOptions options,
                     AsyncCodeSender* sender)
    : vault_(vault),
      mu_(vault_mutex),
      options_(options),
      sender_(sender),
      codes_(vault.store(),
             [&vault](std::string_view kind, std::string_view value) {
               return HexEncode(vault.keys().BlindIndex(kind, value));
             },
             options.codes) {}

ApiResponse PortalApi::Handle(const ApiRequest& req) {
  std::lock_guard<std::mutex> lock(mu_);
  vault_.set_actor("portal");
  const PortalRoute* route = nullptr;
  for (const PortalRoute& r : PortalRoutes()) {
    if (r.method == req.method && r.path == req.route) route = &r;
  }
  if (route == nullptr) return Error(404, "not_found", "no such portal route");
  if (route->path == kCodeRoute) return RequestCode(req);
  if (route->path == kVerifyRoute) return Verify(req);

  int64_t now = vault_.clock().NowMicros();
  auto session = LookupPortalSession(vault_.store(), req.session_token, now, options_.sessions);
  if (!session.ok()) {
    if (session.status().code() == StatusCode::kUnauthenticated) return SignInFirst();
    return ErrorResponse(session.status());
  }
  if (route->state_change && !PortalCsrfMatches(*session, req.csrf_token)) {
    return Error(403, "csrf", "X-CSRF-Token is missing or wrong");
  }
  if (route->path == kMeRoute) return Me(session->subject);
  if (route->path == kObjectionRoute) return Objection(session->subject);
  if (route->path == kRequestsRoute) return OpenRequest(req, session->subject);
  return Logout(req, session->subject);
}

Result<std::vector<std::string>> PortalApi::LiveSubjects(const std::string& mobile) {
  JV_ASSIGN_OR_RETURN(auto ids, vault_.FindByIndex("mobile", mobile));
  std::vector<std::string> live;
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    if (!seen.insert(id).second) continue;
    auto s = vault_.store().GetSubject(id);
    if (!s.ok()) {
      if (s.status().code() == StatusCode::kNotFound) continue;
      return s.status();
    }
    if (s->state == "shredded" || s->state == "transferred") continue;
    live.push_back(id);
  }
  return live;
}

ApiResponse PortalApi::RequestCode(const ApiRequest& r) {
  if (sender_ == nullptr) {
    return Error(503, "unavailable",
                 "门户验证码暂不可用：服务器未配置发送通道，请致电我们 (the portal cannot send "
                 "codes: no channel is configured; please call us)");
  }
  auto body = ParseBody(r.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto mobile = MobileField(*body);
  if (!mobile.ok()) return ErrorResponse(mobile.status());
  int64_t now = vault_.clock().NowMicros();
  store::Store& st = vault_.store();
  std::string ip_key = ThrottleKey("portal-code-ip", r.client_ip);
  auto ip_locked = IsLocked(st, ip_key, now);
  if (!ip_locked.ok()) return ErrorResponse(ip_locked.status());
  if (*ip_locked) {
    return Error(429, "rate_limited", "请求过于频繁，请稍后再试 (too many requests; try later)");
  }
  // Every code request counts against the address (a failure counter used as a rate limit).
  auto counted = RecordFailure(st, ip_key, now, options_.ip_codes);
  if (!counted.ok()) return ErrorResponse(counted.status());

  auto issued = codes_.Issue(*mobile, vault_.random(), now);
  if (!issued.ok()) return ErrorResponse(issued.status());
  auto live = LiveSubjects(*mobile);
  if (!live.ok()) return ErrorResponse(live.status());
  const bool known = !live->empty();
  const bool send = known && issued->send;
  if (send) {
    PortalMessage m;
    m.subject_id = live->front();
    m.mobile = *mobile;
    m.text = "【" + vault_.config().company + "】您的验证码为 " + issued->code +
             "，10 分钟内有效。如非本人操作请忽略。";
    if (options_.needs_email) {
      auto records = vault_.ReadRecords(m.subject_id);
      if (!records.ok()) return ErrorResponse(records.status());
      auto cur = ingest::CurrentValues(*records, vault::kClassProfile,
                                       ChinaDateFromMicros(now));
      auto e = cur.find("email");
      if (e != cur.end() && e->second.is_string()) m.email = e->second.get<std::string>();
    }
    sender_->Enqueue(std::move(m));
  }
  std::fill(issued->code.begin(), issued->code.end(), '\0');
  auto a = vault_.Audit("portal.code_requested", known ? live->front() : "", "security",
                        {{"sent", send}});
  if (!a.ok()) return ErrorResponse(a.status());
  return Ok({{"ok", true},
             {"message",
              "如该号码已在我们处登记，验证码已发送，10 分钟内有效 (if this number is "
              "registered with us, a code has been sent; it is valid for 10 minutes)"}});
}

ApiResponse PortalApi::Verify(const ApiRequest& r) {
  auto body = ParseBody(r.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto mobile = MobileField(*body);
  if (!mobile.ok()) return ErrorResponse(mobile.status());
  auto code = StringField(*body, "code", true);
  if (!code.ok()) return ErrorResponse(code.status());
  std::string given(TrimSpace(*code));
  std::fill(code->begin(), code->end(), '\0');
  int64_t now = vault_.clock().NowMicros();
  store::Store& st = vault_.store();
  std::string ip_key = ThrottleKey("portal-verify-ip", r.client_ip);
  auto ip_locked = IsLocked(st, ip_key, now);
  if (!ip_locked.ok()) return ErrorResponse(ip_locked.status());
  auto live = LiveSubjects(*mobile);
  if (!live.ok()) return ErrorResponse(live.status());
  const std::string known = live->empty() ? "" : live->front();
  if (*ip_locked) {
    auto a = vault_.Audit("portal.locked", known, "security", {{"by", "address"}});
    if (!a.ok()) return ErrorResponse(a.status());
    return Locked();
  }
  auto check = codes_.Verify(*mobile, given, now);
  std::fill(given.begin(), given.end(), '\0');
  if (!check.ok()) return ErrorResponse(check.status());
  if (check->verdict == CodeVerdict::kLocked) {
    auto a = vault_.Audit("portal.locked", known, "security", {{"by", "number"}});
    if (!a.ok()) return ErrorResponse(a.status());
    return Locked();
  }
  if (check->verdict == CodeVerdict::kWrong || live->empty()) {
    auto f = RecordFailure(st, ip_key, now, options_.ip_verify);
    if (!f.ok()) return ErrorResponse(f.status());
    auto a = vault_.Audit("portal.verify_failed", known, "security",
                          {{"locked", check->locked_now}});
    if (!a.ok()) return ErrorResponse(a.status());
    return WrongCode();
  }
  if (live->size() > 1) {
    auto a = vault_.Audit("portal.verify_failed", "", "security",
                          {{"shared_number", static_cast<int64_t>(live->size())}});
    if (!a.ok()) return ErrorResponse(a.status());
    return Error(409, "shared_number",
                 "该号码登记在多位客户名下，为保护各位的信息，请致电我们办理 (this number belongs "
                 "to several customers; to protect each of them, please call us)");
  }
  auto s = CreatePortalSession(st, vault_.random(), known, now);
  if (!s.ok()) return ErrorResponse(s.status());
  auto a = vault_.Audit("portal.verified", known, "security", json::object());
  if (!a.ok()) return ErrorResponse(a.status());
  ApiResponse out = Ok({{"ok", true}, {"csrf", s->csrf}});
  out.set_cookies.push_back(PortalCookie(s->token));
  return out;
}

ApiResponse PortalApi::Me(const std::string& subject) {
  auto doc = PortalView(vault_, subject);
  if (!doc.ok()) {
    if (doc.status().code() == StatusCode::kNotFound) return SignInFirst();
    return ErrorResponse(doc.status());
  }
  return Ok(std::move(*doc));
}

ApiResponse PortalApi::Objection(const std::string& subject) {
  // The same workflow function as `responses record --type object --via portal`.
  auto r = workflow::RecordResponse(vault_, subject, "object", "portal");
  if (!r.ok()) return ErrorResponse(r.status());
  auto a = vault_.Audit("portal.objection", subject, "rights_request",
                        {{"response", r->response_id}});
  if (!a.ok()) return ErrorResponse(a.status());
  return Ok({{"ok", true}, {"state", r->new_state}, {"response", r->response_id}});
}

ApiResponse PortalApi::OpenRequest(const ApiRequest& r, const std::string& subject) {
  auto body = ParseBody(r.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto type = StringField(*body, "type", true);
  if (!type.ok()) return ErrorResponse(type.status());
  if (!PortalRequestTypes().count(*type)) {
    return Error(400, "invalid_argument",
                 "type 须为 access、copy、portability、correction、deletion、restriction、"
                 "explanation 或 withdraw (type must be one of those)");
  }
  workflow::RequestOpen in;
  in.subject = subject;
  in.type = *type;
  in.via = "portal";
  auto opened = workflow::OpenRequest(vault_, in);
  if (!opened.ok()) return ErrorResponse(opened.status());
  std::string id = opened->value("id", "");
  auto a = vault_.Audit("portal.request", subject, "rights_request",
                        {{"request", id}, {"type", *type}});
  if (!a.ok()) return ErrorResponse(a.status());
  return Ok({{"id", id},
             {"due", opened->value("due", "")},
             {"type", *type},
             {"status", opened->value("status", "open")}});
}

ApiResponse PortalApi::Logout(const ApiRequest& r, const std::string& subject) {
  Status st = DeletePortalSession(vault_.store(), r.session_token);
  if (!st.ok()) return ErrorResponse(st);
  auto a = vault_.Audit("portal.logout", subject, "security", json::object());
  if (!a.ok()) return ErrorResponse(a.status());
  ApiResponse out = Ok({{"ok", true}});
  out.set_cookies.push_back(ClearedPortalCookie());
  return out;
}

}  // namespace jv::server
