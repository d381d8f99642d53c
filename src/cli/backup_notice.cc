#include "src/cli/backup_notice.h"

#include "src/vault/backup_epoch.h"

namespace jv::cli {

void EndBackupEpochAndNotify(CommandContext& ctx, vault::Vault& v, const std::string& reason,
                             int64_t shredded, nlohmann::json& doc) {
  doc["backup_needed"] = true;
  auto end = vault::EndBackupEpochWithReport(v, reason, shredded);
  if (!end.ok()) {
    doc["backup_epoch_error"] = end.status().message();
    *ctx.err << "jadevault: warning: 备份纪元未能结束 (the backup epoch could not be ended): "
             << end.status().message() << "\n";
  } else if (end->had_epoch) {
    doc["backup_epoch_ended"] = end->ended;
    doc["backup_epoch"] = end->current;
    doc["backup_keyring_updated"] = end->keyring_updated;
    if (!end->keyring_error.empty()) {
      *ctx.err << "jadevault: warning: 备份密钥文件未能更新 (the backup keyring file "
               << end->keyring_path << " could not be rewritten: " << end->keyring_error
               << "); destroy its old copy, it still holds the key of epoch " << end->ended
               << "\n";
    }
  }
  *ctx.err << "需要新的备份：此前的备份已不能恢复。 A new backup is needed: backups taken before "
              "this "
           << (reason == "keys rotate" ? "key rotation" : "shred")
           << " can no longer be restored (run `jadevault backup --out FILE`).\n";
}

}  // namespace jv::cli
