// jadevault keys rotate|check|split (SPEC §4).
//   keys rotate [--json] -> {"ok", "rewrapped", "slots_removed", "removed_kinds",
//                            "shares_kept", "backup_needed", ...}
//   keys split --shares N --threshold K --out DIR [--json]
//                        -> {"ok", "share_set", "slot", "shares", "threshold", "files",
//                            "slots_replaced"}
#include "src/cli/backup_notice.h"
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/vault/custody.h"

namespace jv::cli {

namespace {

void RunRotate(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = (*v)->RotateMasterKey();
  if (ctx.FailIfError(r.status())) return;
  nlohmann::json doc = {{"ok", true},
                        {"rewrapped", r->rewrapped},
                        {"slots_removed", r->slots_removed},
                        {"removed_kinds", r->removed_kinds},
                        {"shares_kept", r->shares_kept}};
  std::string human = "已轮换主密钥 (master key rotated): " + std::to_string(r->rewrapped) +
                      " data keys re-wrapped\n";
  for (const auto& kind : r->removed_kinds) {
    if (kind == "shares") {
      human += "保管分片已作废，请重新分片 (the custodian shares no longer unlock the vault: run "
               "`keys split` again)\n";
    } else if (kind == "keyfile") {
      human += "密钥文件已作废 (the key file no longer unlocks the vault)\n";
    } else if (kind == "passphrase") {
      human += "口令已作废 (the passphrase no longer unlocks the vault)\n";
    }
  }
  // Backups and the backup keyring are sealed under the old master key's slots: end the
  // epoch so a backup under the new key is taken.
  EndBackupEpochAndNotify(ctx, **v, "keys rotate", 0, doc);
  ctx.Report(doc, human);
}

struct SplitArgs {
  int shares = 0;
  int threshold = 0;
  std::string out;
};

void RunSplit(CommandContext& ctx, const SplitArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = vault::SplitMasterKey(**v, a.shares, a.threshold, a.out);
  if (ctx.FailIfError(r.status())) return;
  nlohmann::json doc = {{"ok", true},
                        {"share_set", r->set_id},
                        {"slot", r->slot_id},
                        {"shares", r->count},
                        {"threshold", r->threshold},
                        {"files", r->files},
                        {"slots_replaced", r->slots_replaced}};
  std::string human = "已将主密钥分为 " + std::to_string(r->count) + " 份，任意 " +
                      std::to_string(r->threshold) + " 份可解锁 (master key split: any " +
                      std::to_string(r->threshold) + " of " + std::to_string(r->count) +
                      " shares unlock the vault), share set " + r->set_id + "\n";
  for (const auto& f : r->files) human += "  " + f + "\n";
  if (r->slots_replaced > 0) {
    human += "此前的分片已作废 (the previous share set no longer unlocks the vault)\n";
  }
  ctx.Report(doc, human);
}

// Unwraps every data key and decrypts every record: proof that nothing was lost.
void RunCheck(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  vault::Vault& vault = **v;
  int64_t data_keys = 0, failed = 0, records = 0, subjects = 0;
  Status st = vault.store().ForEachDataKey([&](const store::DataKeyRow& row) -> Status {
    ++data_keys;
    if (!vault.keys().UnwrapDataKey(row.subject_id, row.key_class, row.wrapped).ok()) ++failed;
    return Status::Ok();
  });
  if (ctx.FailIfError(st)) return;
  std::vector<std::string> ids;
  st = vault.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) -> Status {
    ids.push_back(s.id);
    return Status::Ok();
  });
  if (ctx.FailIfError(st)) return;
  for (const auto& id : ids) {
    ++subjects;
    auto recs = vault.ReadRecords(id);
    if (recs.ok()) {
      records += static_cast<int64_t>(recs->size());
    } else {
      ++failed;
    }
  }
  nlohmann::json doc = {{"ok", failed == 0},   {"subjects", subjects}, {"data_keys", data_keys},
                        {"records", records}, {"failed", failed}};
  ctx.Report(doc,
             (failed == 0 ? "所有密钥可用 (all keys unwrap and all records decrypt): "
                          : "密钥检查失败 (key check FAILED): ") +
                 std::to_string(data_keys) + " data keys, " + std::to_string(records) +
                 " records, " + std::to_string(failed) + " failures\n",
             failed == 0 ? kExitOk : kExitCheckFailed);
}

}  // namespace

void RegisterKeysCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* keys = app.add_subcommand("keys", "master key management");
  keys->require_subcommand(1);
  keys->add_subcommand("rotate", "replace the master key and re-wrap every data key")
      ->callback([&ctx] { RunRotate(ctx); });
  keys->add_subcommand("check", "unwrap every data key and decrypt every record")
      ->callback([&ctx] { RunCheck(ctx); });
  auto a = std::make_shared<SplitArgs>();
  CLI::App* split = keys->add_subcommand(
      "split", "split the master key among custodians (any K of N shares unlock)");
  split->add_option("--shares", a->shares, "number of shares N (one per custodian)")->required();
  split->add_option("--threshold", a->threshold, "shares K needed to unlock (2 <= K <= N)")
      ->required();
  split->add_option("--out", a->out, "directory for the share files")->required();
  split->callback([&ctx, a] { RunSplit(ctx, *a); });
}

}  // namespace jv::cli
