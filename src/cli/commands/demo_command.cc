// jadevault demo: a synthetic jewelry company through everything that exists so far.
//
// Today: a vault is created (if the directory has none) and unlocked, synthetic customers
// are encrypted under their own keys with blind indexes, the audit log is checkpointed and
// verified. Later issues extend it with import, transfer and liquidation.
#include <cstdlib>

#include "src/cli/commands/commands.h"
#include "src/cli/progress.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/date.h"
#include "src/vault/vault.h"
#include "src/workflow/synthetic_people.h"

namespace jv::cli {

namespace {

constexpr char kDemoPassphrase[] = "jadevault-demo";

struct DemoArgs {
  int subjects = 200;
  std::string crypto = "std";
};

Status AddDemoSubjects(vault::Vault& v, int n, Progress& progress) {
  Date today = ChinaDateFromMicros(v.clock().NowMicros());
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  for (int i = 0; i < n; ++i) {
    workflow::SyntheticPerson p = workflow::MakeSyntheticPerson(v.random(), today);
    JV_ASSIGN_OR_RETURN(std::string id, v.CreateSubject({{"store", p.store}}));
    nlohmann::json fields = {{"name", p.name},
                             {"gender", p.gender},
                             {"birth_date", p.birth_date.ToString()},
                             {"id_number", p.id_number},
                             {"mobile", p.mobile}};
    if (!p.email.empty()) fields["email"] = p.email;
    JV_RETURN_IF_ERROR(v.AddRecord(id, vault::kClassProfile, "", 0, fields));
    JV_RETURN_IF_ERROR(v.AddBlindIndex(id, "mobile", p.mobile));
    JV_RETURN_IF_ERROR(v.AddBlindIndex(id, "id_number", p.id_number));
    JV_RETURN_IF_ERROR(v.AddBlindIndex(id, "name", p.name));
    if (!p.email.empty()) JV_RETURN_IF_ERROR(v.AddBlindIndex(id, "email", p.email));
    progress.Update(i + 1);
  }
  JV_RETURN_IF_ERROR(
      v.AuditInTxn("demo.subjects", "", "demonstration", {{"subjects_created", n}}).status());
  JV_RETURN_IF_ERROR(txn.Commit());
  progress.Done();
  return Status::Ok();
}

void RunDemo(CommandContext& ctx, const DemoArgs& a) {
  nlohmann::json doc = {{"ok", true}, {"vault", ctx.opts.vault_dir}};
  std::string human = "玉匣 jadevault 演示 (demo)\n";
  bool created = false;
  if (!vault::Vault::ReadConfig(ctx.opts.vault_dir).ok()) {
    auto suite = crypto::ParseSuite(a.crypto);
    if (!suite.ok()) return ctx.Fail(InvalidArgumentError("--crypto must be std or gm"));
    vault::InitOptions o;
    o.dir = ctx.opts.vault_dir;
    o.company = "玉匣演示珠宝有限公司";
    o.case_type = "transfer+liquidation";
    o.suite = *suite;
    o.scrypt.n = uint64_t{1} << 15;
    const char* env = std::getenv("JADEVAULT_PASSPHRASE");
    bool default_pass = ctx.opts.passphrase_file.empty() && (env == nullptr || *env == 0);
    if (default_pass) {
      o.passphrase = SecretBuffer::FromString(kDemoPassphrase);
    } else {
      auto p = ReadPassphrase(ctx, false);
      if (ctx.FailIfError(p.status())) return;
      o.passphrase = std::move(p).value();
    }
    auto r = vault::Vault::Init(o, *ctx.clock, *ctx.random);
    if (ctx.FailIfError(r.status())) return;
    created = true;
    if (default_pass) setenv("JADEVAULT_PASSPHRASE", kDemoPassphrase, 1);
    doc["vault_id"] = r->config.vault_id;
    doc["crypto"] = r->config.crypto;
    human += "1. 创建保管库 (vault created) " + ctx.opts.vault_dir + " — " + r->config.crypto +
             " suite, " + r->signing_algorithm + " signing key" +
             (default_pass ? std::string(", demo passphrase \"") + kDemoPassphrase + "\"" : "") +
             "\n";
  }
  doc["vault_created"] = created;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  human += "2. 解锁 (unlocked) vault " + (*v)->config().vault_id + "\n";

  Progress progress(ctx, "encrypting synthetic customers", a.subjects);
  if (ctx.FailIfError(AddDemoSubjects(**v, a.subjects, progress))) return;
  doc["subjects_created"] = a.subjects;
  human += "3. 加密 " + std::to_string(a.subjects) +
           " 位合成客户 (synthetic customers), each under its own data key, with blind "
           "indexes for mobile / ID number / name / email\n";

  auto cp = (*v)->audit().MakeCheckpoint((*v)->signer());
  if (ctx.FailIfError(cp.status())) return;
  doc["checkpoint"] = audit::CheckpointToJson(*cp);
  auto report = (*v)->audit().Verify((*v)->signer().PublicKeyPem());
  if (ctx.FailIfError(report.status())) return;
  doc["audit"] = audit::VerifyReportToJson(*report, (*v)->suite());
  human += "4. 审计检查点 (audit checkpoint) signed at tree size " +
           std::to_string(cp->tree_size) + "\n";
  human += std::string("5. 审计验证 (audit verify): ") +
           (report->ok ? "通过 ok" : "失败 FAILED") + ", " + std::to_string(report->entries) +
           " entries, root " + report->root_hash + "\n";
  ctx.Report(doc, human, report->ok ? kExitOk : kExitCheckFailed);
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand("demo", "run the product on a synthetic jewelry company");
  cmd->add_option("--subjects", args->subjects, "synthetic customers to create (default 200)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--crypto", args->crypto, "suite for a new demo vault: std | gm");
  cmd->callback([&ctx, args] { RunDemo(ctx, *args); });
}

}  // namespace jv::cli
