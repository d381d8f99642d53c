#include "src/cli/access_gate.h"

#include "src/cli/command_actions.h"
#include "src/cli/user_login.h"

namespace jv::cli {

Result<bool> CliRequiresUser(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(auto value, v.store().GetMeta(kCliRequiresUserKey));
  return value.has_value() && *value == "true";
}

Status AuthorizeCommand(CommandContext& ctx, vault::Vault& v) {
  v.set_actor("custodian");
  const CommandEntry* entry = FindCommand(ctx.run.command);
  if (entry == nullptr) {
    return InternalError("command `" + ctx.run.command + "` has no entry in the command table");
  }
  if (entry->kind == CommandKind::kNoVault || entry->kind == CommandKind::kCreatesVault) {
    return InternalError("command `" + ctx.run.command +
                         "` is listed as needing no vault but opened one");
  }
  const policy::Action action = ctx.run.command_alt ? entry->alt_action : entry->action;
  JV_ASSIGN_OR_RETURN(bool requires_user, CliRequiresUser(v));
  if (ctx.opts.as_user.empty() || entry->kind == CommandKind::kCustodianOnly) {
    std::optional<policy::Role> as_role;
    if (!ctx.opts.as_user.empty()) as_role = policy::Role::kAdmin;  // any role: refused
    CommandDecision d = DecideCommand(*entry, action, as_role, requires_user);
    if (!d.allowed) return PermissionDeniedError("权限不足 (refused by policy): " + d.reason);
    return Status::Ok();
  }
  if (ctx.run.role) {
    // A command that opens the vault a second time: signed in already, one login per run
    // (a TOTP code is accepted once).
    v.set_actor("user:" + ctx.run.user);
    return Status::Ok();
  }
  JV_ASSIGN_OR_RETURN(server::User user, SignInUser(ctx, v));
  CommandDecision d = DecideCommand(*entry, action, user.role, requires_user);
  if (!d.allowed) {
    JV_RETURN_IF_ERROR(v.Audit("access.refused", "", "security",
                               {{"command", ctx.run.command},
                                {"action", std::string(policy::ActionName(action))},
                                {"role", std::string(policy::RoleName(user.role))},
                                {"via", "cli"}})
                           .status());
    return PermissionDeniedError("权限不足 (refused by policy): user " + user.name + ", " +
                                 d.reason);
  }
  ctx.run.user = user.name;
  ctx.run.role = user.role;
  ctx.run.masked = d.masked;
  return Status::Ok();
}

}  // namespace jv::cli
