#include "src/cli/user_login.h"

#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/server/sessions.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;

Result<SecretBuffer> ReadUserPassword(const CommandContext& ctx) {
  if (!ctx.opts.user_password_file.empty()) {
    auto text = ReadFileToString(ctx.opts.user_password_file);
    if (!text.ok()) return NotFoundError("cannot read the --user-password-file");
    std::string_view v = *text;
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
    SecretBuffer p = SecretBuffer::FromString(v);
    SecureWipe(text->data(), text->size());
    return p;
  }
  std::string prompt = "password for " + ctx.opts.as_user + ": ";
  return PromptSecret(prompt.c_str(),
                      "--as needs the user's password and there is no terminal to ask for it: "
                      "use --user-password-file");
}

}  // namespace

Result<server::User> SignInUser(const CommandContext& ctx, vault::Vault& v) {
  const std::string& name = ctx.opts.as_user;
  JV_ASSIGN_OR_RETURN(SecretBuffer password, ReadUserPassword(ctx));
  store::Store& st = v.store();
  const int64_t now = v.clock().NowMicros();
  const std::string key = server::ThrottleKey("user", name);
  v.set_actor("custodian");
  JV_ASSIGN_OR_RETURN(bool locked, server::IsLocked(st, key, now));
  // A name that is no user is not recorded (it may be a password typed in the wrong place).
  const bool known = server::GetUser(st, name).ok();
  const std::string recorded = known ? name : std::string();
  if (locked) {
    JV_RETURN_IF_ERROR(v.Audit("session.login_locked", "", "security",
                               {{"user", recorded}, {"by", "user"}, {"via", "cli"}})
                           .status());
    return UnauthenticatedError(
        "登录失败次数过多，请 15 分钟后再试 (too many failed logins for this user; try again "
        "in 15 minutes)");
  }
  auto user = server::CheckCredentials(v, name, password, ctx.opts.totp, now / 1000000);
  if (!user.ok()) {
    if (user.status().code() != StatusCode::kUnauthenticated) return user.status();
    JV_RETURN_IF_ERROR(
        server::RecordFailure(st, key, now, server::ThrottleLimits{}).status());
    JV_RETURN_IF_ERROR(
        v.Audit("session.login_failed", "", "security", {{"user", recorded}, {"via", "cli"}})
            .status());
    return UnauthenticatedError(
        "用户名、密码或动态码错误 (bad user name, password or one-time code for --as)");
  }
  JV_RETURN_IF_ERROR(server::ResetFailures(st, key));
  v.set_actor("user:" + user->name);
  JV_RETURN_IF_ERROR(v.Audit("session.login", "", "security",
                             {{"totp", user->totp}, {"via", "cli"}, {"command", ctx.run.command}})
                         .status());
  return user;
}

}  // namespace jv::cli
