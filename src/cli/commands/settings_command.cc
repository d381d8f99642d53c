// jadevault settings show|set: vault settings that are not a workflow's own (the admin's;
// docs/design/cli_access.md, docs/manual.md "Who runs a command").
//
//   settings show [--json]            -> {"settings": {"access.cli_requires_user": bool}}
//   settings set KEY VALUE [--json]   -> {"ok", "key", "value", "changed"}
//
// Keys: access.cli_requires_user (true | false): every command that opens the vault must
// then run with --as USER (exit 5 otherwise). Turning it on needs an active admin user,
// so that someone can still turn it off; the change is audited ("settings.change").
#include "src/cli/access_gate.h"
#include "src/cli/commands/commands.h"
#include "src/cli/unlock.h"
#include "src/server/users.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;

struct SettingsArgs {
  std::string key;
  std::string value;
};

void RunShow(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto requires_user = CliRequiresUser(**v);
  if (ctx.FailIfError(requires_user.status())) return;
  json doc = {{"settings", {{kCliRequiresUserKey, *requires_user}}}};
  ctx.Report(doc, std::string(kCliRequiresUserKey) + " = " +
                      (*requires_user ? "true" : "false") + "\n");
}

void RunSet(CommandContext& ctx, const SettingsArgs& a) {
  if (a.key != kCliRequiresUserKey) {
    return ctx.Fail(InvalidArgumentError("unknown setting: the settings are " +
                                         std::string(kCliRequiresUserKey)));
  }
  if (a.value != "true" && a.value != "false") {
    return ctx.Fail(InvalidArgumentError(a.key + " must be true or false"));
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto before = CliRequiresUser(**v);
  if (ctx.FailIfError(before.status())) return;
  const bool on = a.value == "true";
  if (on) {
    auto users = server::ListUsers((*v)->store());
    if (ctx.FailIfError(users.status())) return;
    bool admin = false;
    for (const server::User& u : *users) {
      admin = admin || (u.role == policy::Role::kAdmin && u.status == "active");
    }
    if (!admin) {
      return ctx.Fail(FailedPreconditionError(
          "add an admin user first (users add NAME --role admin ...): only an admin can turn "
          "this setting off again"));
    }
  }
  const bool changed = *before != on;
  if (changed) {
    if (ctx.FailIfError((*v)->store().PutMeta(a.key, a.value))) return;
    auto seq = (*v)->Audit("settings.change", "", "administration",
                           {{"key", a.key}, {"value", a.value}});
    if (ctx.FailIfError(seq.status())) return;
  }
  ctx.Report({{"ok", true}, {"key", a.key}, {"value", on}, {"changed", changed}},
             "已设置 (set) " + a.key + " = " + a.value + (changed ? "\n" : " (unchanged)\n"));
}

}  // namespace

void RegisterSettingsCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<SettingsArgs>();
  CLI::App* settings = app.add_subcommand("settings", "vault settings (admin)");
  settings->require_subcommand(1);
  settings->add_subcommand("show", "every setting")->callback([&ctx] { RunShow(ctx); });
  CLI::App* set = settings->add_subcommand("set", "change a setting (audited)");
  set->add_option("KEY", args->key, "access.cli_requires_user")->required();
  set->add_option("VALUE", args->value, "true | false")->required();
  set->callback([&ctx, args] { RunSet(ctx, *args); });
}

}  // namespace jv::cli
