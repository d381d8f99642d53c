// Every subcommand group registers itself here; main() calls RegisterAllCommands.
// One file per command group in this folder: <verb>_command.cc. Every runnable subcommand
// also needs its line in src/cli/command_actions.cc (the policy action it performs);
// command_actions_test.cc fails otherwise.
#pragma once

#include <CLI/CLI.hpp>

#include "src/cli/context.h"

namespace jv::cli {

void RegisterInitCommand(CLI::App& app, CommandContext& ctx);
void RegisterAuditCommands(CLI::App& app, CommandContext& ctx);
void RegisterKeysCommands(CLI::App& app, CommandContext& ctx);
void RegisterDemoCommand(CLI::App& app, CommandContext& ctx);
void RegisterAgeCommands(CLI::App& app, CommandContext& ctx);
void RegisterImportCommands(CLI::App& app, CommandContext& ctx);
void RegisterSubjectsCommands(CLI::App& app, CommandContext& ctx);
void RegisterDatagenCommand(CLI::App& app, CommandContext& ctx);
void RegisterTransferCommands(CLI::App& app, CommandContext& ctx);
void RegisterPackageCommands(CLI::App& app, CommandContext& ctx);
void RegisterRetentionCommands(CLI::App& app, CommandContext& ctx);
void RegisterLiquidationCommands(CLI::App& app, CommandContext& ctx);
void RegisterBackupCommands(CLI::App& app, CommandContext& ctx);
void RegisterUsersCommands(CLI::App& app, CommandContext& ctx);
void RegisterServeCommand(CLI::App& app, CommandContext& ctx);
void RegisterAssessCommands(CLI::App& app, CommandContext& ctx);
void RegisterCrossBorderCommands(CLI::App& app, CommandContext& ctx);
void RegisterIncidentCommands(CLI::App& app, CommandContext& ctx);
void RegisterReportCommands(CLI::App& app, CommandContext& ctx);
void RegisterRequestsCommands(CLI::App& app, CommandContext& ctx);
void RegisterSettingsCommands(CLI::App& app, CommandContext& ctx);
void RegisterAccessCommands(CLI::App& app, CommandContext& ctx);

inline void RegisterAllCommands(CLI::App& app, CommandContext& ctx) {
  RegisterInitCommand(app, ctx);
  RegisterAuditCommands(app, ctx);
  RegisterKeysCommands(app, ctx);
  RegisterDemoCommand(app, ctx);
  RegisterAgeCommands(app, ctx);
  RegisterImportCommands(app, ctx);
  RegisterSubjectsCommands(app, ctx);
  RegisterDatagenCommand(app, ctx);
  RegisterTransferCommands(app, ctx);
  RegisterPackageCommands(app, ctx);
  RegisterRetentionCommands(app, ctx);
  RegisterLiquidationCommands(app, ctx);
  RegisterBackupCommands(app, ctx);
  RegisterUsersCommands(app, ctx);
  RegisterServeCommand(app, ctx);
  RegisterAssessCommands(app, ctx);
  RegisterCrossBorderCommands(app, ctx);
  RegisterIncidentCommands(app, ctx);
  RegisterReportCommands(app, ctx);
  RegisterRequestsCommands(app, ctx);
  RegisterSettingsCommands(app, ctx);
  RegisterAccessCommands(app, ctx);
}

}  // namespace jv::cli
