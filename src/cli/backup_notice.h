// After a shred (or a key rotation) on the command line: end the backup epoch
// (vault/backup_epoch.h) and tell the operator that a new backup is needed — one zh-CN +
// English line on stderr, and "backup_needed": true (plus "backup_epoch_ended",
// "backup_epoch", "backup_keyring_updated") in the command's JSON document.
// The shred itself has already happened, so a failure here is reported on stderr and in
// the JSON ("backup_epoch_error") rather than failing the command.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "src/cli/context.h"
#include "src/vault/vault.h"

namespace jv::cli {

void EndBackupEpochAndNotify(CommandContext& ctx, vault::Vault& vault, const std::string& reason,
                             int64_t shredded, nlohmann::json& doc);

}  // namespace jv::cli
