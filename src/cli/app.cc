#include "src/cli/app.h"

#include <cstdlib>

#include "src/cli/command_actions.h"
#include "src/cli/commands/commands.h"

namespace jv::cli {

namespace {

// The deepest selected subcommand below `app` (app itself when none is selected).
const CLI::App* SelectedLeaf(const CLI::App& app) {
  const CLI::App* at = &app;
  for (;;) {
    auto sub = at->get_subcommands();
    if (sub.empty()) return at;
    at = sub.front();
  }
}

}  // namespace

std::string SelectedCommandPath(const CLI::App& app) {
  std::string path;
  const CLI::App* at = &app;
  for (;;) {
    auto sub = at->get_subcommands();
    if (sub.empty()) return path;
    at = sub.front();
    if (!path.empty()) path += " ";
    path += at->get_name();
  }
}

void BuildApp(CLI::App& app, CommandContext& ctx) {
  app.require_subcommand(1);
  app.set_version_flag("--version", "jadevault 0.1.0");
  const char* env_vault = std::getenv("JADEVAULT_VAULT");
  ctx.opts.vault_dir = env_vault != nullptr ? env_vault : "vault";
  const char* env_user = std::getenv("JADEVAULT_USER");
  if (env_user != nullptr) ctx.opts.as_user = env_user;
  app.add_option("--vault", ctx.opts.vault_dir,
                 "vault directory (default $JADEVAULT_VAULT or ./vault)");
  app.add_flag("--json", ctx.opts.json, "print exactly one JSON document on stdout");
  app.add_option("--passphrase-file", ctx.opts.passphrase_file,
                 "read the passphrase from this file");
  app.add_option("--key-file", ctx.opts.key_file, "unlock with a key file instead of a passphrase");
  app.add_option("--share", ctx.opts.share_files, "unlock with custodian share files (repeat)");
  app.add_option("--as", ctx.opts.as_user,
                 "run as this staff user (default $JADEVAULT_USER; none: the key custodian)");
  app.add_option("--user-password-file", ctx.opts.user_password_file,
                 "the --as user's password (default: asked on the terminal)");
  app.add_option("--totp", ctx.opts.totp, "the --as user's one-time code (users with TOTP)");
  // Let `--json` (and the other global options) also be given after the subcommand.
  app.fallthrough();

  RegisterAllCommands(app, ctx);

  // Runs after parsing, before the subcommand's callback: which command, and whether its
  // alternative option (subjects show --reveal) was given.
  app.parse_complete_callback([&app, &ctx] {
    ctx.run.command = SelectedCommandPath(app);
    const CommandEntry* entry = FindCommand(ctx.run.command);
    if (entry != nullptr && !entry->alt_option.empty()) {
      const CLI::App* leaf = SelectedLeaf(app);
      ctx.run.command_alt = leaf->count(std::string(entry->alt_option)) > 0;
    }
  });
}

}  // namespace jv::cli
