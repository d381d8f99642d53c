// jadevault users add|list: the staff accounts of `serve` (SPEC §4 "Server", §10).
//
//   users add NAME --role admin|dpo|operator|liquidator|auditor|recipient
//             --password-file F [--totp] [--json]
//       -> {"user", "role", "totp", "totp_secret"?, "otpauth_uri"?}
//   users list [--json] -> {"users": [{"name", "role", "totp", "status", "created"}]}
//
// The password is read from the file (trailing newline removed, at least 12 bytes) and
// stored only as a scrypt hash with a per-user salt; with --totp a random 160-bit secret is
// made, stored sealed by the vault key, and shown once (base32 and an otpauth:// URI for an
// authenticator app). `users add` is audited ("user.add"); `list` shows no hash or secret.
#include <fstream>

#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/server/users.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;

struct UsersArgs {
  std::string name;
  std::string role;
  std::string password_file;
  bool totp = false;
  int scrypt_log_n = 15;
};

Result<SecretBuffer> ReadPasswordFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return InvalidArgumentError("--password-file cannot be read");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  SecretBuffer out = SecretBuffer::FromString(text);
  std::fill(text.begin(), text.end(), '\0');
  return out;
}

void RunAdd(CommandContext& ctx, const UsersArgs& a) {
  auto role = policy::ParseRole(a.role);
  if (!role.ok()) {
    return ctx.Fail(InvalidArgumentError(
        "--role must be admin, dpo, operator, liquidator, auditor or recipient"));
  }
  if (ctx.FailIfError(server::ValidateUserName(a.name))) return;
  if (a.scrypt_log_n < 10 || a.scrypt_log_n > 20) {
    return ctx.Fail(InvalidArgumentError("--scrypt-log-n must be 10..20"));
  }
  auto password = ReadPasswordFile(a.password_file);
  if (ctx.FailIfError(password.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  server::NewUser nu;
  nu.name = a.name;
  nu.role = *role;
  nu.password = std::move(*password);
  nu.totp = a.totp;
  nu.scrypt.n = uint64_t{1} << a.scrypt_log_n;
  auto added = server::AddUser(**v, nu);
  if (ctx.FailIfError(added.status())) return;
  json doc = {{"user", added->user.name},
              {"role", std::string(policy::RoleName(added->user.role))},
              {"totp", added->user.totp}};
  std::string human = "已添加用户 (user added): " + added->user.name + " (" +
                      std::string(policy::RoleName(added->user.role)) + ")\n";
  if (a.totp) {
    doc["totp_secret"] = added->totp_secret;
    doc["otpauth_uri"] = added->otpauth_uri;
    human += "动态码密钥 (TOTP secret, shown once): " + added->totp_secret + "\n" +
             added->otpauth_uri + "\n";
  }
  ctx.Report(doc, human);
}

void RunList(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto users = server::ListUsers((*v)->store());
  if (ctx.FailIfError(users.status())) return;
  json list = json::array();
  std::string human;
  for (const server::User& u : *users) {
    list.push_back({{"name", u.name},
                    {"role", std::string(policy::RoleName(u.role))},
                    {"totp", u.totp},
                    {"status", u.status},
                    {"created", FormatRfc3339Seconds(u.created_micros)}});
    human += u.name + "  " + std::string(policy::RoleName(u.role)) + (u.totp ? "  totp" : "") +
             "  " + u.status + "\n";
  }
  if (users->empty()) human = "没有用户 (no users)\n";
  ctx.Report({{"users", list}}, human);
}

}  // namespace

void RegisterUsersCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<UsersArgs>();
  CLI::App* users = app.add_subcommand("users", "staff accounts for the web UI");
  users->require_subcommand(1);

  CLI::App* add = users->add_subcommand("add", "add a user (audited)");
  add->add_option("NAME", args->name, "login name: a-z 0-9 . _ -")->required();
  add->add_option("--role", args->role, "admin | dpo | operator | liquidator | auditor | recipient")
      ->required();
  add->add_option("--password-file", args->password_file, "file holding the password")->required();
  add->add_flag("--totp", args->totp, "require a TOTP one-time code (RFC 6238) at login");
  add->add_option("--scrypt-log-n", args->scrypt_log_n, "scrypt cost (tests)")->group("");
  add->callback([&ctx, args] { RunAdd(ctx, *args); });

  users->add_subcommand("list", "list users (no hashes, no secrets)")->callback([&ctx] {
    RunList(ctx);
  });
}

}  // namespace jv::cli
