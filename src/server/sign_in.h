// Signing a staff user in: the one sequence the web login (POST /api/v1/session) and the
// CLI's `--as USER` share (docs/design/server.md "Users and login", docs/design/cli_access.md).
//
//   1. refused while the user name (or, when given, the client address) is locked after
//      too many failures ("login_throttle" objects, sessions.h): audited
//      "session.login_locked" {user, by: "user"|"address"} -> kLocked;
//   2. CheckCredentials (users.h: scrypt password, TOTP ±1 step, never a used step): on a
//      wrong credential the failure counts for the name and the address, audited
//      "session.login_failed" {user} -> kRejected;
//   3. on success the name's failures are reset, the vault's actor becomes "user:NAME" and
//      "session.login" {totp} is audited -> kSignedIn.
// The audited "user" is the name only when it is a user (a name that is none may be a
// password typed in the wrong field); `audit_details` (no personal data) is merged into
// every entry. The locked / failed entries are written under the caller's actor.
// Errors: store and audit errors as they come (never for a bad credential).
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/server/sessions.h"
#include "src/server/users.h"
#include "src/vault/vault.h"

namespace jv::server {

struct SignInRequest {
  std::string user;
  const SecretBuffer* password = nullptr;
  std::string totp;       // "" when none was given
  std::string client_ip;  // "" : no per-address limit (the command line)
  ThrottleLimits user_throttle;
  ThrottleLimits ip_throttle;
  nlohmann::json audit_details = nlohmann::json::object();
};

struct SignInOutcome {
  enum class Kind { kSignedIn, kLocked, kRejected };
  Kind kind = Kind::kRejected;
  User user;  // set when kSignedIn
};

Result<SignInOutcome> SignIn(vault::Vault& vault, const SignInRequest& request);

}  // namespace jv::server
