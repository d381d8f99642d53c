#include "src/server/sign_in.h"

namespace jv::server {

namespace {

nlohmann::json With(const nlohmann::json& base, nlohmann::json extra) {
  if (base.is_object()) {
    for (auto it = base.begin(); it != base.end(); ++it) extra[it.key()] = it.value();
  }
  return extra;
}

}  // namespace

Result<SignInOutcome> SignIn(vault::Vault& v, const SignInRequest& r) {
  store::Store& st = v.store();
  const int64_t now = v.clock().NowMicros();
  const std::string user_key = ThrottleKey("user", r.user);
  const std::string ip_key = r.client_ip.empty() ? "" : ThrottleKey("ip", r.client_ip);
  JV_ASSIGN_OR_RETURN(bool user_locked, IsLocked(st, user_key, now));
  bool ip_locked = false;
  if (!ip_key.empty()) {
    JV_ASSIGN_OR_RETURN(ip_locked, IsLocked(st, ip_key, now));
  }
  const std::string recorded = GetUser(st, r.user).ok() ? r.user : std::string();
  SignInOutcome out;
  if (user_locked || ip_locked) {
    JV_RETURN_IF_ERROR(v.Audit("session.login_locked", "", "security",
                               With(r.audit_details,
                                    {{"user", recorded}, {"by", user_locked ? "user" : "address"}}))
                           .status());
    out.kind = SignInOutcome::Kind::kLocked;
    return out;
  }
  static const SecretBuffer kEmpty;
  auto user = CheckCredentials(v, r.user, r.password != nullptr ? *r.password : kEmpty, r.totp,
                               now / 1000000);
  if (!user.ok()) {
    if (user.status().code() != StatusCode::kUnauthenticated) return user.status();
    JV_RETURN_IF_ERROR(RecordFailure(st, user_key, now, r.user_throttle).status());
    if (!ip_key.empty()) {
      JV_RETURN_IF_ERROR(RecordFailure(st, ip_key, now, r.ip_throttle).status());
    }
    JV_RETURN_IF_ERROR(v.Audit("session.login_failed", "", "security",
                               With(r.audit_details, {{"user", recorded}}))
                           .status());
    out.kind = SignInOutcome::Kind::kRejected;
    return out;
  }
  JV_RETURN_IF_ERROR(ResetFailures(st, user_key));
  v.set_actor("user:" + user->name);
  JV_RETURN_IF_ERROR(
      v.Audit("session.login", "", "security", With(r.audit_details, {{"totp", user->totp}}))
          .status());
  out.kind = SignInOutcome::Kind::kSignedIn;
  out.user = std::move(user).value();
  return out;
}

}  // namespace jv::server
