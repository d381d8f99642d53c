// The whole command line as one CLI11 tree: global options (--vault, --json, unlock sources,
// --as USER with --user-password-file and --totp), every subcommand, and the parse step
// that records which subcommand runs (ctx.run.command, ctx.run.command_alt) before its
// callback, for the access gate (access_gate.h). main() and the command-table test build
// the same tree with this function.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "src/cli/context.h"

namespace jv::cli {

void BuildApp(CLI::App& app, CommandContext& ctx);

// "subjects show": the names of the selected subcommands below `app`, space-separated.
std::string SelectedCommandPath(const CLI::App& app);

}  // namespace jv::cli
