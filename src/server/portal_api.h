// The customer portal's JSON API under /portal/api (SPEC §8, §11; docs/design/portal.md):
// a gate of its own, apart from the staff API (api.h) — no staff session, role or policy
// table: a customer proves a mobile number with a one-time code and gets a session bound
// to the one subject that number belongs to.
//
//   POST   /portal/api/code      {"mobile"}         -> 200 {"ok", "message"} for ANY valid
//          number (known or not: same status, body and headers; the code is drawn and its
//          hash stored in both cases, and the delivery runs on AsyncCodeSender's thread);
//          400 malformed body/number; 429 the client address asked too often; 503 no
//          channel configured (serve without --portal-channel).
//   POST   /portal/api/verify    {"mobile","code"}  -> 200 {"csrf"} + cookie __Host-jv_portal;
//          401 wrong or expired code (known or unknown number alike); 429 the number is
//          locked (5 wrong codes in 15 minutes; the right code too) or the address is;
//          409 the number belongs to several customers (call the company instead).
//   GET    /portal/api/me        -> {"state", "masked", "notice": {"kind","text"}|null,
//          "objection": {"objected", "responses": [...]}, "requests": [...]}
//   POST   /portal/api/objection -> {"ok", "state", "response"}: workflow::RecordResponse
//          (type object, via portal), like `responses record`.
//   POST   /portal/api/requests  {"type"} -> {"id", "due", "type", "status"}:
//          workflow::OpenRequest (via portal), like `requests open`.
//   DELETE /portal/api/session   -> {"ok"} and the cookie cleared.
// Every route after verify needs the portal cookie (401); every state change also needs
// X-CSRF-Token (403). Errors are {"error": {"code", "message"}}, messages zh-CN first with
// the English after, never a value. Audit entries (actor "portal"): portal.code_requested,
// portal.verified, portal.verify_failed, portal.locked, portal.objection, portal.request,
// portal.logout — with the subject id only when the number is known, never the number or
// the code.
//
// Thread-safety: Handle may be called from many threads; it takes `vault_mutex`, the same
// mutex the staff Api holds around the shared Vault. All state is in the Store.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "src/server/api.h"
#include "src/server/portal_codes.h"
#include "src/server/portal_sender.h"
#include "src/server/sessions.h"
#include "src/vault/vault.h"

namespace jv::server {

inline constexpr char kPortalCookie[] = "__Host-jv_portal";

struct PortalOptions {
  PortalCodeLimits codes;
  SessionLimits sessions = {10 * 60, 30 * 60};
  ThrottleLimits ip_codes = {30, 15 * 60, 15 * 60};    // code requests per client address
  ThrottleLimits ip_verify = {30, 15 * 60, 15 * 60};   // wrong codes per client address
  bool needs_email = false;  // the channel delivers by e-mail (SMTP): read the address
};

struct PortalRoute {
  std::string method;
  std::string path;
  bool state_change = false;
};

// The routes the HTTP adapter registers for the portal.
const std::vector<PortalRoute>& PortalRoutes();

class PortalApi {
 public:
  // `sender` may be null (no channel: the code route answers 503).
  PortalApi(vault::Vault& vault, std::mutex& vault_mutex, PortalOptions options,
            AsyncCodeSender* sender);
  // req.route is the matched path of PortalRoutes(); req.session_token the portal cookie.
  ApiResponse Handle(const ApiRequest& req);

 private:
  ApiResponse RequestCode(const ApiRequest& r);
  ApiResponse Verify(const ApiRequest& r);
  ApiResponse Me(const std::string& subject);
  ApiResponse Objection(const std::string& subject);
  ApiResponse OpenRequest(const ApiRequest& r, const std::string& subject);
  ApiResponse Logout(const ApiRequest& r, const std::string& subject);
  // Live (not shredded) subjects whose blind-indexed mobile is `mobile`.
  Result<std::vector<std::string>> LiveSubjects(const std::string& mobile);

  vault::Vault& vault_;
  std::mutex& mu_;
  PortalOptions options_;
  AsyncCodeSender* sender_;
  PortalCodes codes_;
};

}  // namespace jv::server
