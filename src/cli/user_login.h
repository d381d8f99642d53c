// Signing a staff user in on the command line (`--as USER`), with the server's rules
// (docs/design/server.md "Users and login"): a user name locked after 5 failures within 15
// minutes stays locked for 15 minutes (the same "login_throttle" objects as the server, so
// failures on the web and on the CLI count together); server::CheckCredentials checks the
// scrypt password and, for a TOTP user, the one-time code (±1 step, never a step already
// used, so every command needs a fresh code). Audited like the server's login, with
// {"via": "cli"}: "session.login_locked" and "session.login_failed" under the actor
// "custodian" (the only identity proven), "session.login" under "user:NAME" with the command.
// The password comes from --user-password-file (trailing newline removed) or a prompt on the
// terminal. Errors: kUnauthenticated with one message for every credential failure, another
// for a lockout; kNotFound for an unreadable password file; store errors as they come.
#pragma once

#include "src/cli/context.h"
#include "src/common/result.h"
#include "src/server/users.h"
#include "src/vault/vault.h"

namespace jv::cli {

Result<server::User> SignInUser(const CommandContext& ctx, vault::Vault& v);

}  // namespace jv::cli
