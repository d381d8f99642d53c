#include "src/server/sessions.h"

#include <nlohmann/json.hpp>

#include "src/common/strings.h"
#include "src/crypto/hash.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
constexpr char kSessionKind[] = "session";
constexpr char kThrottleKind[] = "login_throttle";
constexpr int64_t kTouchMicros = 60 * 1000000LL;

std::string HashHex(std::string_view s) { return HexEncode(crypto::Sha256(AsBytes(s))); }

bool WellFormedToken(const std::string& t) {
  return t.size() == 64 && t.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

Result<NewSession> CreateSessionRecord(store::Store& store, Random& random,
                                       const std::string& kind, const std::string& owner_key,
                                       const std::string& owner, int64_t now_micros) {
  NewSession s;
  s.token = HexEncode(random.RandomBytes(32));
  s.csrf = HexEncode(random.RandomBytes(32));
  store::ObjectRow row;
  row.kind = kind;
  row.id = HashHex(s.token);
  row.status = "active";
  row.attrs_json = json{{owner_key, owner},
                        {"csrf", HashHex(s.csrf)},
                        {"created", now_micros},
                        {"last_seen", now_micros}}
                       .dump();
  row.created_micros = row.updated_micros = now_micros;
  JV_RETURN_IF_ERROR(store.PutObject(row));
  return s;
}

Result<SessionRecord> LookupSessionRecord(store::Store& store, const std::string& kind,
                                          const std::string& owner_key, const std::string& token,
                                          int64_t now_micros, const SessionLimits& limits) {
  const Status none = UnauthenticatedError("no valid session");
  if (!WellFormedToken(token)) return none;
  std::string id = HashHex(token);
  auto row = store.GetObject(kind, id);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) return none;
    return row.status();
  }
  json a = json::parse(row->attrs_json, nullptr, false);
  if (!a.is_object()) return none;
  SessionRecord s;
  s.id = id;
  s.owner = a.value(owner_key, "");
  s.csrf_hash = a.value("csrf", "");
  s.created_micros = a.value("created", int64_t{0});
  s.last_seen_micros = a.value("last_seen", int64_t{0});
  bool expired = now_micros - s.last_seen_micros > limits.idle_seconds * 1000000 ||
                 now_micros - s.created_micros > limits.absolute_seconds * 1000000 ||
                 s.owner.empty();
  if (expired) {
    Status st = store.DeleteObject(kind, id);
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

bool CsrfHashMatches(const std::string& csrf_hash, const std::string& csrf_token) {
  if (csrf_token.empty() || csrf_hash.empty()) return false;
  return crypto::ConstantTimeEqual(AsBytes(HashHex(csrf_token)), AsBytes(csrf_hash));
}

Status DeleteSessionRecord(store::Store& store, const std::string& kind,
                           const std::string& token) {
  if (!WellFormedToken(token)) return Status::Ok();
  Status st = store.DeleteObject(kind, HashHex(token));
  if (st.code() == StatusCode::kNotFound) return Status::Ok();
  return st;
}

Result<NewSession> CreateSession(store::Store& store, Random& random, const std::string& user,
                                 int64_t now_micros) {
  return CreateSessionRecord(store, random, kSessionKind, "user", user, now_micros);
}

Result<Session> LookupSession(store::Store& store, const std::string& token, int64_t now_micros,
                              const SessionLimits& limits) {
  JV_ASSIGN_OR_RETURN(SessionRecord r,
                      LookupSessionRecord(store, kSessionKind, "user", token, now_micros, limits));
  return Session{r.id, r.owner, r.csrf_hash, r.created_micros, r.last_seen_micros};
}

bool CsrfMatches(const Session& session, const std::string& csrf_token) {
  return CsrfHashMatches(session.csrf_hash, csrf_token);
}

Status DeleteSession(store::Store& store, const std::string& token) {
  return DeleteSessionRecord(store, kSessionKind, token);
}

std::string ThrottleKey(const std::string& kind, const std::string& value) {
  return kind + ":" + HashHex(value);
}

Result<bool> IsLocked(store::Store& store, const std::string& key, int64_t now_micros) {
  auto row = store.GetObject(kThrottleKind, key);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) return false;
    return row.status();
  }
  json a = json::parse(row->attrs_json, nullptr, false);
  if (!a.is_object()) return false;
  return now_micros < a.value("locked_until", int64_t{0});
}

Result<bool> RecordFailure(store::Store& store, const std::string& key, int64_t now_micros,
                           const ThrottleLimits& limits) {
  store::Transaction txn(store);
  JV_RETURN_IF_ERROR(txn.Start());
  store::ObjectRow row;
  json a = json::object();
  auto got = store.GetObject(kThrottleKind, key);
  if (got.ok()) {
    row = *got;
    a = json::parse(row.attrs_json, nullptr, false);
    if (!a.is_object()) a = json::object();
  } else if (got.status().code() == StatusCode::kNotFound) {
    row.kind = kThrottleKind;
    row.id = key;
    row.status = "active";
    row.created_micros = now_micros;
  } else {
    return got.status();
  }
  int64_t first = a.value("first", int64_t{0});
  int failures = a.value("failures", 0);
  if (now_micros - first > limits.window_seconds * 1000000) {
    first = now_micros;
    failures = 0;
  }
  ++failures;
  a["first"] = first;
  a["failures"] = failures;
  bool locked = failures >= limits.max_failures;
  if (locked) a["locked_until"] = now_micros + limits.lock_seconds * 1000000;
  row.attrs_json = a.dump();
  row.updated_micros = now_micros;
  JV_RETURN_IF_ERROR(store.PutObject(row));
  JV_RETURN_IF_ERROR(txn.Commit());
  return locked;
}

Status ResetFailures(store::Store& store, const std::string& key) {
  Status st = store.DeleteObject(kThrottleKind, key);
  if (st.code() == StatusCode::kNotFound) return Status::Ok();
  return st;
}

}  // namespace jv::server
