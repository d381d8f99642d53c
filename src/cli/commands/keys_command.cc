// jadevault keys rotate: new master key, every data key re-wrapped (SPEC §4).
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"

namespace jv::cli {

namespace {

void RunRotate(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = (*v)->RotateMasterKey();
  if (ctx.FailIfError(r.status())) return;
  nlohmann::json doc = {{"ok", true},
                        {"rewrapped", r->rewrapped},
                        {"slots_removed", r->slots_removed}};
  ctx.Report(doc, "已轮换主密钥 (master key rotated): " + std::to_string(r->rewrapped) +
                      " data keys re-wrapped\n");
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
}

}  // namespace jv::cli
