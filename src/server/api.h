// The JSON API under /api/v1 (SPEC §11), independent of the HTTP library: the server
// adapter (server.cc) turns an HTTP request into an ApiRequest and writes the ApiResponse.
// Tests call Api::Handle directly.
//
// Every request goes through the same gate, in this order:
//   1. the route (Routes(): method, path template, policy action, whether it changes state);
//   2. the session cookie (401 without a valid one; POST /api/v1/session is the only public
//      route);
//   3. X-CSRF-Token on every state change (403 when missing or wrong);
//   4. policy::Authorize for the role and the route's action (403 when the table has no rule
//      for the pair), then input parsing (400, the message names the field, never its
//      value), then Authorize again with the request's field and purpose (403).
// Errors are {"error": {"code", "message"}}; messages carry ids and field names, never PI.
// Statuses: 400 bad input, 401 no session / bad login, 403 refused, 404 unknown subject,
// 429 login locked, 500 internal (message generic, details only in the audit/log).
//
// Thread-safety: Handle may be called from many threads; it serializes on one mutex, since
// the Vault is single-threaded. Long work (imports, notice sends) runs as a background job
// on a second Vault of its own (jobs.h) and does not hold that mutex. State shared between nodes (users, sessions, lockout) lives
// in the Store only.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "src/policy/policy.h"
#include "src/server/jobs.h"
#include "src/server/sessions.h"
#include "src/vault/vault.h"

namespace jv::server {

inline constexpr char kSessionCookie[] = "__Host-jv_session";

struct ApiRequest {
  std::string method;
  std::string route;                               // the matched template
  std::map<std::string, std::string> path_params;  // {"id": "s_..."}
  std::multimap<std::string, std::string> query;
  std::string body;
  std::string session_token;  // from the cookie, "" if none
  std::string csrf_token;     // X-CSRF-Token, "" if none
  std::string client_ip;
  // The request's Content-Type; raw-body routes (Route::raw_body) check it themselves, after
  // the gate, so that 401/403 come first (JSON routes are checked by the adapter: 415).
  std::string content_type;
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::vector<std::string> set_cookies;
  std::string user;  // who made the request, for the access log ("" if nobody)
};

struct ApiOptions {
  SessionLimits sessions;
  ThrottleLimits user_throttle;                         // per user name
  ThrottleLimits ip_throttle = {20, 15 * 60, 15 * 60};  // per client address
  // Where `POST /api/v1/notices/send` with channel "file" writes its outbox ("" = the
  // vault's "outbox" directory); the browser never names a server path.
  std::string notice_outbox;
  // Rows per store transaction of an upload import (ingest::ImportOptions::batch_rows):
  // smaller than the CLI's so the other connection waits less for the write lock.
  int64_t import_batch_rows = 1000;
};

struct Call;

// A route's handler runs after the gate (session, CSRF, the role's rule for the action);
// it parses its input, asks policy::Authorize with the field and purpose it touches, and
// calls the workflow function the matching CLI command calls.
using Handler = std::function<ApiResponse(Call&)>;

struct Route {
  std::string method;                    // "GET" | "POST" | "DELETE"
  std::string path;                      // template, e.g. "/api/v1/subjects/{id}"
  std::optional<policy::Action> action;  // nullopt: public (login only)
  bool state_change = false;             // needs X-CSRF-Token
  Handler handler;                       // unset only for the public login route
  // The body is raw bytes (Content-Type application/octet-stream) instead of JSON, and may
  // be as large as ServeOptions::max_upload_bytes (other routes: max_body_bytes).
  bool raw_body = false;
};

// Every API route; the HTTP adapter registers exactly these. The list is the concatenation
// of the per-area lists of api_routes.h (one file per area: api_<area>.cc).
const std::vector<Route>& Routes();

// What a handler gets: the unlocked vault (its actor already set to "user:<name>"), the
// request, and who is asking. Valid only during the call.
struct Call {
  vault::Vault& vault;
  const ApiOptions& options;
  const ApiRequest& req;
  const std::string& user;
  policy::Role role;
  const Session& session;
  Jobs& jobs;  // background work (jobs.h); never hold `vault` from a job
};

// Removes <vault>/uploads/, where versions before 2026-11-28 wrote uploads during their
// import (a server killed then left them there in the clear), each file overwritten with
// zeros first. Uploads are held in memory now (api_imports.cc).
void RemoveLeftoverUploads(const std::string& vault_dir);

class Api {
 public:
  Api(vault::Vault& vault, ApiOptions options)
      : vault_(vault), options_(options), jobs_([&vault] { return vault.OpenAgain(); }) {
    RemoveLeftoverUploads(vault.dir());
  }
  ApiResponse Handle(const ApiRequest& request);
  // The mutex Handle holds around the Vault; the portal (portal_api.h) shares it.
  std::mutex& vault_mutex() { return mu_; }
  // The background jobs (tests wait on them).
  Jobs& jobs() { return jobs_; }

 private:
  ApiResponse Login(const ApiRequest& r);

  vault::Vault& vault_;
  ApiOptions options_;
  std::mutex mu_;
  Jobs jobs_;  // last: destroyed (jobs finished) before the rest
};

// Status -> HTTP status and error body (500s get a generic message).
ApiResponse ErrorResponse(const Status& status);

}  // namespace jv::server
