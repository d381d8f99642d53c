#include "src/server/portal_sessions.h"

namespace jv::server {

namespace {
constexpr char kOwnerKey[] = "subject";
}  // namespace

Result<NewSession> CreatePortalSession(store::Store& store, Random& random,
                                       const std::string& subject, int64_t now_micros) {
  return CreateSessionRecord(store, random, kPortalSessionKind, kOwnerKey, subject, now_micros);
}

Result<PortalSession> LookupPortalSession(store::Store& store, const std::string& token,
                                          int64_t now_micros, const SessionLimits& limits) {
  JV_ASSIGN_OR_RETURN(SessionRecord r, LookupSessionRecord(store, kPortalSessionKind, kOwnerKey,
                                                           token, now_micros, limits));
  return PortalSession{r.id, r.owner, r.csrf_hash, r.created_micros, r.last_seen_micros};
}

bool PortalCsrfMatches(const PortalSession& session, const std::string& csrf_token) {
  return CsrfHashMatches(session.csrf_hash, csrf_token);
}

Status DeletePortalSession(store::Store& store, const std::string& token) {
  return DeleteSessionRecord(store, kPortalSessionKind, token);
}

}  // namespace jv::server
