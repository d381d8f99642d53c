// jadevault backup|restore (SPEC §4, §12; docs/operations.md).
//   backup --out FILE [--backup-keys FILE] [--json]
//     -> {"ok", "backup_id", "out", "epoch", "bytes", "sha256", "rows": {table: n},
//         "verified", "keyring"}
//   restore FILE --vault DIR [--backup-keys FILE] [--store URL] [--json]
//     -> {"ok", "backup_id", "vault_id", "vault", "epoch", "backup_created", "rows",
//         "subjects": {state: n}, "audit_ok", "audit_entries", "keyring"}
// Restore unlocks with the same global options as any command (passphrase, --key-file,
// --share ...); a backup of an ended epoch is refused with exit 5.
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/vault/backup.h"

namespace jv::cli {

namespace {

struct BackupArgs {
  std::string out;
  std::string file;
  std::string keyring;
  std::string store;
};

void RunBackup(CommandContext& ctx, const BackupArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = vault::WriteBackup(**v, a.out, a.keyring);
  if (ctx.FailIfError(r.status())) return;
  nlohmann::json doc = {{"ok", true},          {"backup_id", r->backup_id},
                        {"out", r->out},       {"epoch", r->epoch},
                        {"bytes", r->bytes},   {"sha256", r->sha256},
                        {"rows", r->rows},     {"verified", r->verified},
                        {"keyring", r->keyring_path}};
  ctx.Report(doc, "已备份并校验 (backup written and verified): " + r->out + ", epoch " +
                      std::to_string(r->epoch) + ", " +
                      std::to_string(r->rows.count("subjects") ? r->rows.at("subjects") : 0) +
                      " subjects\n备份密钥文件 (backup keyring): " + r->keyring_path + "\n");
}

void RunRestore(CommandContext& ctx, const BackupArgs& a) {
  vault::RestoreOptions o;
  o.backup_file = a.file;
  o.vault_dir = ctx.opts.vault_dir;
  o.keyring_path = a.keyring;
  o.store_location = a.store;
  auto unlock = ReadUnlockOptions(ctx);
  if (ctx.FailIfError(unlock.status())) return;
  o.unlock = std::move(unlock).value();
  auto r = vault::RestoreBackup(o, *ctx.clock, *ctx.random);
  if (ctx.FailIfError(r.status())) return;
  int64_t subjects = 0;
  for (const auto& [state, n] : r->subjects_by_state) subjects += n;
  nlohmann::json doc = {{"ok", true},
                        {"backup_id", r->backup_id},
                        {"vault_id", r->vault_id},
                        {"vault", r->vault_dir},
                        {"epoch", r->epoch},
                        {"backup_created", r->backup_created},
                        {"rows", r->rows},
                        {"subjects", r->subjects_by_state},
                        {"audit_ok", r->audit_ok},
                        {"audit_entries", r->audit_entries},
                        {"keyring", r->keyring_path}};
  ctx.Report(doc, "已恢复 (restored) " + r->backup_id + " → " + r->vault_dir + ": " +
                      std::to_string(subjects) + " subjects, audit chain verified (" +
                      std::to_string(r->audit_entries) + " entries)\n");
}

}  // namespace

void RegisterBackupCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<BackupArgs>();
  CLI::App* backup = app.add_subcommand("backup", "encrypted, verified backup of the vault");
  backup->add_option("--out", a->out, "backup file to write")->required();
  backup->add_option("--backup-keys", a->keyring,
                     "backup keyring file (default: the vault's, else jadevault-backup-keys "
                     "beside --out)");
  backup->callback([&ctx, a] { RunBackup(ctx, *a); });

  CLI::App* restore = app.add_subcommand(
      "restore", "restore a backup into a new vault directory (--vault DIR)");
  restore->add_option("FILE", a->file, "backup file")->required();
  restore->add_option("--backup-keys", a->keyring,
                      "backup keyring file (default: jadevault-backup-keys beside FILE)");
  restore->add_option("--store", a->store,
                      "restore into this store (postgresql://...) instead of DIR/vault.db");
  restore->callback([&ctx, a] { RunRestore(ctx, *a); });
}

}  // namespace jv::cli
