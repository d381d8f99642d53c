#include "src/cli/user_login.h"

#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/server/sign_in.h"

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
  JV_ASSIGN_OR_RETURN(SecretBuffer password, ReadUserPassword(ctx));
  // Failures are recorded under the only identity proven: whoever unlocked the vault.
  v.set_actor("custodian");
  server::SignInRequest in;
  in.user = ctx.opts.as_user;
  in.password = &password;
  in.totp = ctx.opts.totp;
  in.audit_details = {{"via", "cli"}, {"command", ctx.run.command}};
  JV_ASSIGN_OR_RETURN(server::SignInOutcome out, server::SignIn(v, in));
  switch (out.kind) {
    case server::SignInOutcome::Kind::kLocked:
      return UnauthenticatedError(
          "登录失败次数过多，请 15 分钟后再试 (too many failed logins for this user; try again "
          "in 15 minutes)");
    case server::SignInOutcome::Kind::kRejected:
      return UnauthenticatedError(
          "用户名、密码或动态码错误 (bad user name, password or one-time code for --as)");
    case server::SignInOutcome::Kind::kSignedIn:
      break;
  }
  return std::move(out.user);
}

}  // namespace jv::cli
