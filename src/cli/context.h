// CommandContext: what every subcommand gets — global options, injected clock and
// random source, output streams, and the exit code it sets.
//
// Commands register themselves with CLI11 in commands/<verb>_command.cc through a
// Register*Commands(CLI::App&, CommandContext&) function listed in commands/commands.h.
// A command's callback does its work and calls ctx.Finish(status) or ctx.Succeed(json);
// main() returns ctx.exit_code. Only cli/ includes CLI11.
#pragma once

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/status.h"
#include "src/policy/policy.h"

namespace jv::cli {

struct GlobalOptions {
  std::string vault_dir;                 // --vault, $JADEVAULT_VAULT, or ./vault
  bool json = false;                     // --json: exactly one JSON document on stdout
  std::string passphrase_file;           // --passphrase-file
  std::string key_file;                  // --key-file
  std::vector<std::string> share_files;  // --share (repeated)
  // Who runs the command (docs/design/cli_access.md). Empty as_user: the key custodian.
  std::string as_user;             // --as USER, $JADEVAULT_USER
  std::string user_password_file;  // --user-password-file (else a prompt on the terminal)
  std::string totp;                // --totp CODE, for a user with a second factor
};

// The command being run and who runs it: set by the parse step (command, command_alt) and
// by the access gate in OpenVault (user, role). See command_actions.h and access_gate.h.
struct Invocation {
  std::string command;              // "subjects show": the path of the selected subcommand
  bool command_alt = false;         // the entry's alternative option was given (--reveal)
  std::string user;                 // signed-in user ("" = the key custodian)
  std::optional<policy::Role> role; // its role (nullopt = the key custodian)
  bool masked = false;              // the policy says this role sees values masked
};

struct CommandContext {
  GlobalOptions opts;
  Invocation run;
  Clock* clock = &SystemClock::Get();
  Random* random = &SystemRandom::Get();
  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
  int exit_code = 0;

  // Prints `doc` as the command's result (JSON with --json, else `human` if given, else
  // indented JSON) and sets exit code `code` (default 0).
  void Report(const nlohmann::json& doc, const std::string& human = "", int code = 0);
  // Reports a failure: message on stderr ("jadevault: error: ..."), with --json also
  // {"ok": false, "error": {"code", "message"}} on stdout; exit code from the status.
  void Fail(const Status& status);
  // Convenience: Fail(status) if not OK.
  bool FailIfError(const Status& status) {
    if (status.ok()) return false;
    Fail(status);
    return true;
  }
  // True when stderr is a terminal (progress bars only then).
  bool Interactive() const;
};

}  // namespace jv::cli
