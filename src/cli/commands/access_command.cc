// jadevault access table [--role R] [--json]: who may run which command (no vault needed).
// The same decision function as the access gate (command_actions.h), for every command and
// every role, so that tests and operators can compare it with `policy table --json`.
//
//   -> {"commands": [{"command", "kind", "action"?, "alt_option"?, "alt_action"?,
//                     "prints_clear_pi", "custodian": {"allowed"},
//                     "roles": {ROLE: {"allowed", "masked", "alt_allowed"?}}}]}
// Human output: one line per command with the roles that may run it.
#include "src/cli/command_actions.h"
#include "src/cli/commands/commands.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;

void RunTable(CommandContext& ctx, const std::string& only_role) {
  std::optional<policy::Role> only;
  if (!only_role.empty()) {
    auto r = policy::ParseRole(only_role);
    if (!r.ok()) {
      return ctx.Fail(InvalidArgumentError(
          "--role must be admin, dpo, operator, liquidator, auditor or recipient"));
    }
    only = *r;
  }
  json commands = json::array();
  std::string human;
  for (const CommandEntry& e : CommandTable()) {
    json c = {{"command", std::string(e.path)},
              {"kind", std::string(CommandKindName(e.kind))},
              {"prints_clear_pi", e.prints_clear_pi}};
    const bool has_action = e.kind == CommandKind::kAction;
    if (has_action) c["action"] = std::string(policy::ActionName(e.action));
    if (!e.alt_option.empty()) {
      c["alt_option"] = std::string(e.alt_option);
      c["alt_action"] = std::string(policy::ActionName(e.alt_action));
    }
    c["custodian"] = {{"allowed", DecideCommand(e, e.action, std::nullopt, false).allowed}};
    json roles = json::object();
    std::string who;
    for (policy::Role r : policy::AllRoles()) {
      if (only && r != *only) continue;
      CommandDecision d = DecideCommand(e, e.action, r, false);
      json rd = {{"allowed", d.allowed}, {"masked", d.masked}};
      if (!e.alt_option.empty()) {
        rd["alt_allowed"] = DecideCommand(e, e.alt_action, r, false).allowed;
      }
      roles[std::string(policy::RoleName(r))] = rd;
      if (d.allowed) who += (who.empty() ? "" : ", ") + std::string(policy::RoleName(r));
    }
    c["roles"] = roles;
    commands.push_back(c);
    std::string line = std::string(e.path) + "  ";
    if (e.kind == CommandKind::kAction) {
      line += "[" + std::string(policy::ActionName(e.action)) + "]  " +
              (!who.empty() ? who : only ? "(refused 拒绝)" : "(custodian only)");
    } else {
      line += "(" + std::string(CommandKindName(e.kind)) + ")";
    }
    human += line + "\n";
  }
  ctx.Report({{"commands", commands}}, human);
}

}  // namespace

void RegisterAccessCommands(CLI::App& app, CommandContext& ctx) {
  auto role = std::make_shared<std::string>();
  CLI::App* access = app.add_subcommand("access", "who may run which command");
  access->require_subcommand(1);
  CLI::App* table = access->add_subcommand("table", "every command, its action, the roles");
  table->add_option("--role", *role, "only this role");
  table->callback([&ctx, role] { RunTable(ctx, *role); });
}

}  // namespace jv::cli
