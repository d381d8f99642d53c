#include "src/server/portal_sessions.h"

#include <nlohmann/json.hpp>

#include "src/common/strings.h"
#include "src/crypto/hash.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
constexpr int64_t kTouchMicros = 60 * 1000000LL;

std::string HashHex(std::string_view s) { return HexEncode(crypto::Sha256(AsBytes(s))); }

bool WellFormedToken(const std::string& t) {
  return t.size() == 64 && t.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

Result<NewSession> CreatePortalSession(store::Store& store, Random& random,
                                       const std::string& subject, int64_t now_micros) {
  NewSession s;
  s.token = HexEncode(random.RandomBytes(32));
  s.csrf = HexEncode(random.RandomBytes(32));
  store::ObjectRow row;
  row.kind = kPortalSessionKind;
  row.id = HashHex(s.token);
  row.status = "active";
  row.attrs_json = json{{"subject", subject},
                        {"csrf", HashHex(s.csrf)},
                        {"created", now_micros},
                        {"last_seen", now_micros}}
                       .dump();
  row.created_micros = row.updated_micros = now_micros;
  JV_RETURN_IF_ERROR(store.PutObject(row));
  return s;
}

Result<PortalSession> LookupPortalSession(store::Store& store, const std::string& token,
                                          int64_t now_micros, const SessionLimits& limits) {
  const Status none = UnauthenticatedError("no valid portal session");
  if (!WellFormedToken(token)) return none;
  std::string id = HashHex(token);
  auto row = store.GetObject(kPortalSessionKind, id);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) return none;
    return row.status();
  }
  json a = json::parse(row->attrs_json, nullptr, false);
  if (!a.is_object()) return none;
  PortalSession s;
  s.id = id;
  s.subject = a.value("subject", "");
  s.csrf_hash = a.value("csrf", "");
  s.created_micros = a.value("created", int64_t{0});
  s.last_seen_micros = a.value("last_seen", int64_t{0});
  bool expired = now_micros - s.last_seen_micros > limits.idle_seconds * 1000000 ||
                 now_micros - s.created_micros > limits.absolute_seconds * 1000000 ||
                 s.subject.empty();
  if (expired) {
    Status st = store.DeleteObject(kPortalSessionKind, id);
    if (!st.ok() && st.code() != StatusCode::kNotFound) return st;
    return none;
  }
  if (now_micros - s.last_seen_micros >= kTouchMicros) {
    s.last_seen_micros = now_micros;
    a["last_seen"] = now_micros;
    row->attrs_json = a.dump();
    row->updated_micros = now_micros;
    JV_RETURN_IF_ERROR(store.PutObject(*row));
  }
  return s;
}

bool PortalCsrfMatches(const PortalSession& session, const std::string& csrf_token) {
  if (csrf_token.empty() || session.csrf_hash.empty()) return false;
  return crypto::ConstantTimeEqual(AsBytes(HashHex(csrf_token)), AsBytes(session.csrf_hash));
}

Status DeletePortalSession(store::Store& store, const std::string& token) {
  if (!WellFormedToken(token)) return Status::Ok();
  Status st = store.DeleteObject(kPortalSessionKind, HashHex(token));
  if (st.code() == StatusCode::kNotFound) return Status::Ok();
  return st;
}

}  // namespace jv::server
