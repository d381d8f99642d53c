// The CLI's command table: which policy action every subcommand performs, and the one
// decision function the access gate (access_gate.h) and `access table` both use
// (docs/design/cli_access.md; SPEC §4 "Access"; issue 6 item 2).
//
// Every runnable subcommand has exactly one entry, by its path ("subjects show",
// "notices template check"); command_actions_test.cc walks the CLI11 tree and fails for a
// subcommand without an entry or an entry without a subcommand. Kinds:
//   kNoVault        needs no vault, so no user (age, datagen, scan, policy table, checks of
//                   files); --as is ignored.
//   kCreatesVault   makes a new vault (init, restore): no user can exist yet; --as ignored.
//   kCustodianOnly  run by the key custodian only (demo): refused with --as, and refused
//                   when the vault requires a user.
//   kAction         performs `action` on the unlocked vault; with --as USER the user's role
//                   must have a rule for it in policy.cc. `alt_option` (e.g. "--reveal")
//                   switches to `alt_action` when given. `prints_clear_pi`: the output holds
//                   personal information in clear, so a role whose rule says "masked" is
//                   refused (it cannot be shown masked).
// Without --as the person who unlocked the vault acts as the key custodian: allowed, with
// the output each command always printed, unless the vault requires a user
// (access.cli_requires_user), which refuses every kAction and kCustodianOnly command.
// Pure data and pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/policy/policy.h"

namespace jv::cli {

enum class CommandKind { kNoVault, kCreatesVault, kCustodianOnly, kAction };

struct CommandEntry {
  std::string_view path;
  CommandKind kind = CommandKind::kAction;
  policy::Action action = policy::Action::kStatusRead;  // kAction only
  std::string_view alt_option;                          // "" = none
  policy::Action alt_action = policy::Action::kStatusRead;
  bool prints_clear_pi = false;
};

const std::vector<CommandEntry>& CommandTable();
// nullptr for a path with no entry.
const CommandEntry* FindCommand(std::string_view path);

struct CommandDecision {
  bool allowed = false;
  bool masked = false;  // the role sees values masked (the custodian: false)
  std::string reason;   // English; names the role, action and command, never a value
};

// May `role` (nullopt: the key custodian, i.e. no --as) run `entry` performing `action`
// (entry.action, or entry.alt_action when the alternative option was given) on a vault that
// does (`requires_user`) or does not require --as?
CommandDecision DecideCommand(const CommandEntry& entry, policy::Action action,
                              std::optional<policy::Role> role, bool requires_user);

std::string_view CommandKindName(CommandKind k);  // "no_vault", "creates_vault", ...

}  // namespace jv::cli
