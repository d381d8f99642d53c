// The access gate of the command line (docs/design/cli_access.md): after OpenVault has
// unlocked the vault, decides whether the command being run (ctx.run.command, looked up in
// command_actions.h) may run, and as whom.
//
//  * Without --as: the person who unlocked the vault is the key custodian; audit actor
//    "custodian"; allowed unless the vault requires a user (access.cli_requires_user).
//  * With --as USER: signs the user in (user_login.h: lockout, password, TOTP without
//    replay; audited session.login / session.login_failed / session.login_locked), sets the
//    audit actor to "user:USER", fills ctx.run.user/role/masked, and refuses
//    (kPermissionDenied, exit 5; audited "access.refused") a role without a rule for the
//    command's action. A second OpenVault in the same run reuses the sign-in.
//    Bad credentials or a locked-out user: kUnauthenticated (exit 3).
// A command whose entry says it needs no vault, or makes a new one, never reaches the gate;
// if it does, that is a bug in the table (kInternal).
// Commands that decide on a field or purpose (subjects find|show) call policy::Authorize
// themselves with ctx.run.role after the gate.
#pragma once

#include "src/cli/context.h"
#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::cli {

// The vault setting that makes --as mandatory (vault meta "access.cli_requires_user").
inline constexpr char kCliRequiresUserKey[] = "access.cli_requires_user";
Result<bool> CliRequiresUser(vault::Vault& v);

Status AuthorizeCommand(CommandContext& ctx, vault::Vault& v);

}  // namespace jv::cli
