// jadevault audit verify|checkpoint|prove|export (SPEC §4 "Audit", §10).
#include "src/audit/audit_log.h"
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/crypto/suite.h"

namespace jv::cli {

namespace {

struct AuditArgs {
  std::string file;
  std::string crypto;
  int64_t seq = 0;
  int64_t tree_size = 0;
  int64_t old_size = 0;
  int64_t new_size = 0;
  std::string out;
  std::string root_hash;
};

std::string VerifyHuman(const audit::VerifyReport& r) {
  if (r.ok) {
    return "审计日志完整 (audit log verified): " + std::to_string(r.entries) +
           " entries, root " + r.root_hash + "\n";
  }
  return "审计日志损坏 (audit log FAILED verification) at entry " +
         std::to_string(r.first_bad_seq) + ": " + r.reason + "\n";
}

void RunVerify(CommandContext& ctx, const AuditArgs& a) {
  if (!a.file.empty()) {
    // Offline verification of an export: no key needed. The suite comes from --crypto, else
    // from the vault's settings if there is one, else std.
    std::string suite_name = a.crypto;
    if (suite_name.empty()) {
      auto cfg = vault::Vault::ReadConfig(ctx.opts.vault_dir);
      suite_name = cfg.ok() ? cfg->crypto : "std";
    }
    auto suite = crypto::ParseSuite(suite_name);
    if (!suite.ok()) return ctx.Fail(InvalidArgumentError("--crypto must be std or gm"));
    audit::ExportExpectation expect;
    if (a.tree_size > 0 || !a.root_hash.empty()) {
      auto root = HexDecode(a.root_hash);
      if (a.tree_size <= 0 || !root.ok() || root->size() != 32) {
        return ctx.Fail(InvalidArgumentError(
            "--tree-size and --root-hash (64 hex characters) go together: the checkpoint the "
            "export must contain"));
      }
      expect.tree_size = a.tree_size;
      expect.root_hash = *root;
    }
    auto r = audit::VerifyExportFile(a.file, *suite, expect);
    if (ctx.FailIfError(r.status())) return;
    ctx.Report(audit::VerifyReportToJson(*r, *suite), VerifyHuman(*r),
               r->ok ? kExitOk : kExitCheckFailed);
    return;
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = (*v)->audit().Verify((*v)->signer().PublicKeyPem());
  if (ctx.FailIfError(r.status())) return;
  ctx.Report(audit::VerifyReportToJson(*r, (*v)->suite()), VerifyHuman(*r),
             r->ok ? kExitOk : kExitCheckFailed);
}

void RunCheckpoint(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto c = (*v)->audit().MakeCheckpoint((*v)->signer());
  if (ctx.FailIfError(c.status())) return;
  nlohmann::json doc = audit::CheckpointToJson(*c);
  ctx.Report(doc, "已签署检查点 (checkpoint signed): tree size " +
                      std::to_string(c->tree_size) + ", root " + doc["root_hash"].get<std::string>() +
                      "\n");
}

void RunProve(CommandContext& ctx, const AuditArgs& a) {
  if ((a.seq > 0) == (a.old_size > 0)) {
    return ctx.Fail(InvalidArgumentError(
        "give --seq N (inclusion proof) or --old-size A [--new-size B] (consistency proof)"));
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  if (a.seq > 0) {
    auto p = (*v)->audit().ProveInclusion(a.seq, a.tree_size);
    if (ctx.FailIfError(p.status())) return;
    ctx.Report(audit::InclusionProofToJson(*p));
  } else {
    auto p = (*v)->audit().ProveConsistency(a.old_size, a.new_size);
    if (ctx.FailIfError(p.status())) return;
    ctx.Report(audit::ConsistencyProofToJson(*p));
  }
}

void RunExport(CommandContext& ctx, const AuditArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  // The export is itself audited, and the entry is part of what is exported.
  auto seq = (*v)->Audit("audit.export", "", "audit", nlohmann::json::object());
  if (ctx.FailIfError(seq.status())) return;
  auto n = (*v)->audit().Export(a.out);
  if (ctx.FailIfError(n.status())) return;
  ctx.Report({{"ok", true}, {"entries", *n}, {"out", a.out}},
             "已导出 (exported) " + std::to_string(*n) + " audit entries to " + a.out + "\n");
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* audit = app.add_subcommand("audit", "the verifiable audit log");
  audit->require_subcommand(1);

  CLI::App* verify = audit->add_subcommand("verify", "recompute the hash chain and Merkle tree");
  verify->add_option("--file", args->file, "verify an exported log instead of the vault's");
  verify->add_option("--crypto", args->crypto, "suite of the export: std | gm");
  verify->add_option("--tree-size", args->tree_size,
                     "with --file: a signed checkpoint's tree size the export must contain");
  verify->add_option("--root-hash", args->root_hash,
                     "with --file: that checkpoint's root hash (hex); catches cut-off tails");
  verify->callback([&ctx, args] { RunVerify(ctx, *args); });

  audit->add_subcommand("checkpoint", "sign the current tree head")
      ->callback([&ctx] { RunCheckpoint(ctx); });

  CLI::App* prove = audit->add_subcommand("prove", "inclusion or consistency proof");
  prove->add_option("--seq", args->seq, "entry to prove (inclusion)");
  prove->add_option("--tree-size", args->tree_size,
                    "tree size for the inclusion proof (default: latest checkpoint)");
  prove->add_option("--old-size", args->old_size, "older tree size (consistency)");
  prove->add_option("--new-size", args->new_size, "newer tree size (default: current)");
  prove->callback([&ctx, args] { RunProve(ctx, *args); });

  CLI::App* exp = audit->add_subcommand("export", "write the log as JSON lines");
  exp->add_option("--out", args->out, "output file (written 0600)")->required();
  exp->callback([&ctx, args] { RunExport(ctx, *args); });
}

}  // namespace jv::cli
