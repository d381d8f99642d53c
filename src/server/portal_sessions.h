// Customer-portal sessions, kept in the Store (kind "portal_session") apart from the staff
// sessions (kind "session", sessions.h), so a portal token can never open /api/v1 and a
// staff token can never open /portal/api.
//
// A session is bound to one subject: a random 256-bit token (hex) goes to the browser in the
// cookie __Host-jv_portal; the store keeps only SHA-256(token) as the object id, with attrs
// {"subject", "csrf": SHA-256(csrf token) hex, "created", "last_seen"} (microseconds). It
// ends after `idle_seconds` without a request or `absolute_seconds` after the code was
// verified (portal defaults: 10 and 30 minutes), or at logout; an expired one is deleted when
// next presented.
//
// Errors: LookupPortalSession returns kUnauthenticated for an unknown, expired or malformed
// token; store errors pass through. Thread-safety: as the Store (one thread at a time).
#pragma once

#include <string>

#include "src/common/random.h"
#include "src/common/result.h"
#include "src/server/sessions.h"
#include "src/store/store.h"

namespace jv::server {

inline constexpr char kPortalSessionKind[] = "portal_session";

struct PortalSession {
  std::string id;  // SHA-256(token) hex
  std::string subject;
  std::string csrf_hash;
  int64_t created_micros = 0;
  int64_t last_seen_micros = 0;
};

Result<NewSession> CreatePortalSession(store::Store& store, Random& random,
                                       const std::string& subject, int64_t now_micros);
// Validates and refreshes last_seen (written at most once a minute).
Result<PortalSession> LookupPortalSession(store::Store& store, const std::string& token,
                                          int64_t now_micros, const SessionLimits& limits);
bool PortalCsrfMatches(const PortalSession& session, const std::string& csrf_token);
Status DeletePortalSession(store::Store& store, const std::string& token);

}  // namespace jv::server
