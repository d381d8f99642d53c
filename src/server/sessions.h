// Server-side sessions and login throttling, kept in the Store so that every `serve` node
// over one database can validate a session and sees the same failure counts (SPEC §12).
//
// Session: a random 256-bit token (hex) goes to the browser in an HttpOnly cookie; the
// store keeps only SHA-256(token) as the object id (kind "session"), so a database dump
// holds no live credential. attrs: {"user", "csrf": SHA-256(csrf token) hex, "created",
// "last_seen"} (microseconds). A session ends at logout, after `idle_seconds` without a
// request, or `absolute_seconds` after login, whichever is first; an expired session is
// deleted when next presented. The CSRF token (another 256 random bits) is returned once
// at login and must come back in X-CSRF-Token on every state change.
//
// Throttle: objects of kind "login_throttle", id "user:" / "ip:" + SHA-256(name or
// address) hex (no names or addresses in the clear): {"failures", "first", "locked_until"}.
// `max_failures` failures within `window_seconds` lock the key for `lock_seconds`.
//
// Errors: LookupSession returns kUnauthenticated for an unknown, expired or malformed
// token; store errors pass through. Thread-safety: as the Store (one thread at a time).
#pragma once

#include <string>

#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/result.h"
#include "src/store/store.h"

namespace jv::server {

struct SessionLimits {
  int64_t idle_seconds = 30 * 60;
  int64_t absolute_seconds = 12 * 3600;
};

struct NewSession {
  std::string token;  // to the cookie
  std::string csrf;   // to the client, once
};

struct Session {
  std::string id;  // SHA-256(token) hex
  std::string user;
  std::string csrf_hash;
  int64_t created_micros = 0;
  int64_t last_seen_micros = 0;
};

// The mechanism every kind of session shares: objects of `kind` whose attrs hold the owner
// under `owner_key` (staff: kind "session", "user"; customer portal: kind "portal_session",
// "subject", portal_sessions.h). Lookup validates, deletes an expired one and refreshes
// last_seen (written at most once a minute).
struct SessionRecord {
  std::string id;     // SHA-256(token) hex
  std::string owner;  // the user name or subject id
  std::string csrf_hash;
  int64_t created_micros = 0;
  int64_t last_seen_micros = 0;
};
Result<NewSession> CreateSessionRecord(store::Store& store, Random& random,
                                       const std::string& kind, const std::string& owner_key,
                                       const std::string& owner, int64_t now_micros);
Result<SessionRecord> LookupSessionRecord(store::Store& store, const std::string& kind,
                                          const std::string& owner_key, const std::string& token,
                                          int64_t now_micros, const SessionLimits& limits);
bool CsrfHashMatches(const std::string& csrf_hash, const std::string& csrf_token);
Status DeleteSessionRecord(store::Store& store, const std::string& kind,
                           const std::string& token);

Result<NewSession> CreateSession(store::Store& store, Random& random, const std::string& user,
                                 int64_t now_micros);
// Validates and refreshes last_seen (written at most once a minute).
Result<Session> LookupSession(store::Store& store, const std::string& token, int64_t now_micros,
                              const SessionLimits& limits);
bool CsrfMatches(const Session& session, const std::string& csrf_token);
// Deletes the session; OK if it was already gone.
Status DeleteSession(store::Store& store, const std::string& token);

struct ThrottleLimits {
  int max_failures = 5;
  int64_t window_seconds = 15 * 60;
  int64_t lock_seconds = 15 * 60;
};

// "user:<sha256 hex>" / "ip:<sha256 hex>".
std::string ThrottleKey(const std::string& kind, const std::string& value);
Result<bool> IsLocked(store::Store& store, const std::string& key, int64_t now_micros);
// Counts a failure; returns true if the key is now locked.
Result<bool> RecordFailure(store::Store& store, const std::string& key, int64_t now_micros,
                           const ThrottleLimits& limits);
Status ResetFailures(store::Store& store, const std::string& key);

}  // namespace jv::server
