// jadevault demo: a synthetic jewelry company through everything that exists so far.
//
// Today: a vault is created (if the directory has none) and unlocked; the synthetic company's
// POS exports are generated (a GB18030 CSV from one vendor, an XLSX workbook from another,
// with every quirk real exports have) and imported — validated, de-duplicated and encrypted
// under per-customer keys; one customer is looked up by mobile through the blind index and
// shown masked; the transfer runs to its end (notices, impact assessment, the objection
// window passed on the demo's clock, the package imported by a recipient demo vault, the
// transferred customers shredded, a deletion certificate); a second synthetic company is
// liquidated in `<vault>.liquidation` (demo_liquidation.cc); the audit log is checkpointed
// and verified. `--subjects N` instead adds N synthetic customers directly (quick; used by
// tests). `--json`: one document with "transfer" and "liquidation" sections of counts.
// `--serve [--listen ADDR]`: then serves the staff UI and the customer portal on the demo
// vault until SIGINT / SIGTERM (demo_serve.h).
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "src/cli/commands/commands.h"
#include "src/cli/commands/demo_serve.h"
#include "src/cli/commands/demo_steps.h"
#include "src/cli/progress.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/classify/mask.h"
#include "src/classify/mobile.h"
#include "src/classify/uscc.h"
#include "src/crypto/age.h"
#include "src/workflow/delivery.h"
#include "src/workflow/gate.h"
#include "src/workflow/notices.h"
#include "src/workflow/transfer.h"
#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/datagen/datagen.h"
#include "src/ingest/importer.h"
#include "src/vault/vault.h"
#include "src/workflow/synthetic_people.h"

namespace jv::cli {

namespace {

using demo::kDemoPassphrase;

struct DemoArgs {
  int subjects = 0;  // > 0: add synthetic subjects directly instead of importing exports
  int rows = 3000;
  std::string crypto = "std";
  bool serve = false;  // --serve: then the UI and portal on the demo vault (demo_serve.h)
  std::string listen = "127.0.0.1:8443";
};

// Generates the demo company's exports beside the vault (synthetic data only) and imports
// them. Appends what it did to `human` and `doc`.
Status ImportDemoExports(CommandContext& ctx, vault::Vault& v, int rows, std::string* human,
                         nlohmann::json* doc) {
  std::string dir = ctx.opts.vault_dir + ".exports";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir);
  Date today = ChinaDateFromMicros(v.clock().NowMicros());
  struct Export {
    std::string file, format, encoding, strings;
    int64_t rows;
    uint64_t seed;
  };
  const Export exports[] = {
      {dir + "/会员资料_收银系统A.csv", "csv", "gb18030", "", rows * 2 / 3, 2026},
      {dir + "/member_export_CRM_B.xlsx", "xlsx", "utf-8", "inline", rows - rows * 2 / 3, 2027},
  };
  int step = 3;
  nlohmann::json reports = nlohmann::json::array();
  for (const Export& e : exports) {
    datagen::Options o;
    o.rows = e.rows;
    o.out = e.file;
    o.format = e.format;
    o.encoding = e.encoding;
    o.seed = e.seed;
    if (!e.strings.empty()) o.xlsx_strings = e.strings;
    o.import_date = today;
    if (!std::filesystem::exists(e.file, ec)) {  // a re-run reuses the same exports
      JV_RETURN_IF_ERROR(datagen::Generate(o).status());
    }
    ingest::ImportOptions io;
    io.path = e.file;
    io.import_date = today;
    Progress progress(ctx, "importing " + std::filesystem::path(e.file).filename().string(),
                      e.rows);
    io.progress = [&progress](int64_t done, int64_t) { progress.Update(done); };
    auto existing = ingest::FindCompletedImport(v, io);
    if (existing.ok() && existing->has_value()) continue;  // demo re-run on the same vault
    JV_ASSIGN_OR_RETURN(ingest::ImportReport r, ingest::ImportFile(v, io));
    progress.Done();
    reports.push_back(r.ToJson());
    *human += std::to_string(step++) + ". 导入 (imported) " +
              std::filesystem::path(e.file).filename().string() + " [" + r.encoding + "]: " +
              std::to_string(r.rows_read) + " rows read, " + std::to_string(r.rows_rejected) +
              " rejected, " + std::to_string(r.subjects_created) + " new customers, " +
              std::to_string(r.rows_merged) + " merged, " + std::to_string(r.shared_contact) +
              " shared contacts, " + std::to_string(r.minors) + " minors, ID numbers: " +
              std::to_string(r.id_number.converted15) + " converted from 15 digits, " +
              std::to_string(r.id_number.excel_mangled) + " mangled by Excel, " +
              std::to_string(r.id_number.bad_checksum) + " bad checksums\n";
  }
  (*doc)["imports"] = reports;
  (*doc)["exports_dir"] = dir;
  return Status::Ok();
}

// Finds one imported customer by mobile through the blind index and shows it masked.
Status ShowOneCustomer(vault::Vault& v, std::string* human, nlohmann::json* doc) {
  std::vector<std::string> candidates;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (candidates.size() < 50 && s.state != "unmatched") candidates.push_back(s.id);
    return Status::Ok();
  }));
  Date today = ChinaDateFromMicros(v.clock().NowMicros());
  for (const std::string& id : candidates) {
    JV_ASSIGN_OR_RETURN(auto records, v.ReadRecords(id));
    auto current = ingest::CurrentValues(records, vault::kClassProfile, today);
    JV_RETURN_IF_ERROR(v.Audit("subject.read", id, "demonstration",
                               {{"fields", static_cast<int64_t>(current.size())}})
                           .status());
    auto mobile = current.find("mobile");
    if (mobile == current.end() || !mobile->second.is_string()) continue;
    auto checked = classify::CheckMobile(mobile->second.get<std::string>());
    if (!checked.valid()) continue;
    JV_ASSIGN_OR_RETURN(auto hits, v.FindByIndex("mobile", checked.value));
    nlohmann::json masked = nlohmann::json::object();
    for (const char* f : {"name", "mobile", "id_number"}) {
      auto it = current.find(f);
      auto field = classify::FieldFromName(f);
      if (it == current.end() || !it->second.is_string() || !field) continue;
      masked[f] = classify::MaskValue(*field, it->second.get<std::string>());
    }
    (*doc)["lookup"] = {{"by", "mobile"}, {"subjects_found", hits.size()}, {"masked", masked}};
    *human += "   按手机号查找 (lookup by mobile through the blind index): " +
              std::to_string(hits.size()) + " customer(s); operators see " +
              masked.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    return Status::Ok();
  }
  return Status::Ok();
}

// The transfer's first half on the demo vault (PIPL 22): a merger, one recipient with its
// own age key, every customer allocated, notices planned and the SMS and letters written to
// a file outbox; then the gate, which keeps package build waiting for the objection window.
// With `stop_for_portal` (demo --serve) it stops there, inside the objection window, so that
// the customers are still in the vault, notified, and can object on the portal.
Status RunDemoTransfer(CommandContext& ctx, vault::Vault& v, demo::DemoClock& clock,
                       bool stop_for_portal, std::string* human, nlohmann::json* doc) {
  auto existing = workflow::GetTransfer(v);
  if (existing.ok()) {  // a re-run: the transfer is already done
    (*doc)["transfer"] = {{"skipped", "the transfer was set up by an earlier run"}};
    *human += "   转让 (transfer): already run on this vault by an earlier demo\n";
    return Status::Ok();
  }
  std::string dir = ctx.opts.vault_dir + ".exports";
  JV_ASSIGN_OR_RETURN(workflow::TransferSettings t, workflow::SetupTransfer(v, "merger", 30));
  // The recipient's key pair; in real use the recipient makes it and sends only age1….
  auto identity = crypto::age::X25519Identity::Generate(v.random());
  SecretBuffer key_file = crypto::age::FormatIdentityFile(
      identity, FormatRfc3339Seconds(v.clock().NowMicros()));
  JV_RETURN_IF_ERROR(WriteFileAtomic(dir + "/recipient-age-key.txt", key_file.str(), 0600));
  std::string uscc17 = "91310000MA1K00042";  // synthetic code, check character computed
  workflow::RecipientInput r;
  r.name = "玉匣演示承接珠宝有限公司";
  r.uscc = uscc17 + classify::UsccCheckChar(uscc17);
  r.contact_name = "承接方个人信息保护负责人";
  r.contact_phone = "021-55550000";
  r.address = "上海市黄浦区南京东路1号";
  r.region = "CN";
  r.age_recipient = identity.Recipient().Encode();
  JV_ASSIGN_OR_RETURN(nlohmann::json recipient, workflow::AddRecipient(v, r));
  std::string rid = recipient.value("id", "");
  workflow::AllocateRule all;
  all.all = true;
  JV_ASSIGN_OR_RETURN(workflow::AllocateResult alloc, workflow::Allocate(v, rid, all));
  JV_ASSIGN_OR_RETURN(std::string tmpl, workflow::DefaultNoticeTemplate("zh-CN"));
  JV_ASSIGN_OR_RETURN(workflow::PlanCounts plan, workflow::PlanNotices(v, tmpl));
  auto outbox = workflow::MakeFileOutbox(dir + "/outbox", 1000);
  JV_ASSIGN_OR_RETURN(workflow::SendResult sent,
                      workflow::SendNotices(v, *outbox, "demo", nullptr));
  JV_ASSIGN_OR_RETURN(workflow::GateReport gate, workflow::EvaluateGate(v, rid));
  std::string waiting;
  for (const auto& rule : gate.rules) {
    if (rule.blocking && rule.status == workflow::RuleStatus::kFail) {
      waiting += (waiting.empty() ? "" : ", ") + rule.id;
    }
  }
  (*doc)["transfer"] = {{"reason", t.reason},
                        {"objection_days", t.objection_days},
                        {"notice_deadline", t.notice_deadline},
                        {"recipient", rid},
                        {"allocated", alloc.recipient_total},
                        {"plan", {{"sms", plan.sms}, {"email", plan.email}, {"letter", plan.letter},
                                  {"announcement", plan.announcement}, {"sms_segments", plan.sms_segments}}},
                        {"sent_to_outbox", sent.sent},
                        {"gate", gate.ToJson()}};
  *human += "   转让 (transfer, PIPL 22 merger): recipient " + r.name + ", " +
            std::to_string(alloc.recipient_total) + " customers allocated\n";
  *human += "   告知 (notices): " + std::to_string(plan.sms) + " SMS (" +
            std::to_string(plan.sms_segments) + " segments), " + std::to_string(plan.email) +
            " email, " + std::to_string(plan.letter) + " letters, " +
            std::to_string(plan.announcement) + " on the public announcement list; " +
            std::to_string(sent.sent) + " written to " + dir + "/outbox\n";
  *human += std::string("   合规闸门 (gate, `jadevault check`): ") +
            (gate.blocked() ? "package build waits for " + waiting : "open") + "\n";
  if (stop_for_portal) {
    (*doc)["transfer"]["stopped_for_serve"] = true;
    *human += "   --serve: 转让停在异议期内 (the transfer stops inside the objection window): "
              "customers stay in the vault, notified, and can object on the portal\n";
    return Status::Ok();
  }
  demo::TransferDemoInput in;
  in.recipient_id = rid;
  in.identity = &identity;
  in.exports_dir = dir;
  return demo::FinishDemoTransfer(ctx, v, clock, in, human, &(*doc)["transfer"]);
}

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
  // The demo's clock (demo_steps.h) stands in for the process clock while the demo runs.
  demo::DemoClock clock(*ctx.clock);
  struct RestoreClock {
    CommandContext& ctx;
    Clock* saved;
    ~RestoreClock() { ctx.clock = saved; }
  } restore{ctx, ctx.clock};
  ctx.clock = &clock;
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
  // A demo vault made earlier with the default passphrase opens again without one.
  const char* env_pass = std::getenv("JADEVAULT_PASSPHRASE");
  if (!created && ctx.opts.passphrase_file.empty() && ctx.opts.key_file.empty() &&
      (env_pass == nullptr || *env_pass == 0) && !ctx.Interactive()) {
    setenv("JADEVAULT_PASSPHRASE", kDemoPassphrase, 1);
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  human += "2. 解锁 (unlocked) vault " + (*v)->config().vault_id + "\n";

  if (a.subjects > 0) {
    Progress progress(ctx, "encrypting synthetic customers", a.subjects);
    if (ctx.FailIfError(AddDemoSubjects(**v, a.subjects, progress))) return;
    doc["subjects_created"] = a.subjects;
    human += "3. 加密 " + std::to_string(a.subjects) +
             " 位合成客户 (synthetic customers), each under its own data key, with blind "
             "indexes for mobile / ID number / name / email\n";
  } else {
    if (ctx.FailIfError(ImportDemoExports(ctx, **v, a.rows, &human, &doc))) return;
    if (ctx.FailIfError(ShowOneCustomer(**v, &human, &doc))) return;
    if (ctx.FailIfError(RunDemoTransfer(ctx, **v, clock, a.serve, &human, &doc))) return;
  }

  auto cp = (*v)->audit().MakeCheckpoint((*v)->signer());
  if (ctx.FailIfError(cp.status())) return;
  doc["checkpoint"] = audit::CheckpointToJson(*cp);
  auto report = (*v)->audit().Verify((*v)->signer().PublicKeyPem());
  if (ctx.FailIfError(report.status())) return;
  doc["audit"] = audit::VerifyReportToJson(*report, (*v)->suite());
  human += "   审计检查点 (audit checkpoint) signed at tree size " +
           std::to_string(cp->tree_size) + "\n";
  human += std::string("   审计验证 (audit verify): ") +
           (report->ok ? "通过 ok" : "失败 FAILED") + ", " + std::to_string(report->entries) +
           " entries, root " + report->root_hash + "\n";
  bool ok = report->ok;
  if (a.subjects == 0) {
    nlohmann::json liquidation = nlohmann::json::object();
    if (ctx.FailIfError(demo::RunDemoLiquidation(ctx, std::max(10, a.rows / 5), &human,
                                                 &liquidation))) {
      return;
    }
    ok = ok && liquidation.value("audit", nlohmann::json::object()).value("ok", true);
    doc["liquidation"] = liquidation;
  }
  ctx.Report(doc, human, ok ? kExitOk : kExitCheckFailed);
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand("demo", "run the product on a synthetic jewelry company");
  cmd->add_option("--rows", args->rows, "rows of generated exports to import (default 3000)")
      ->check(CLI::Range(10, 1000000));
  cmd->add_option("--subjects", args->subjects,
                  "instead of importing exports, add N synthetic customers directly")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--crypto", args->crypto, "suite for a new demo vault: std | gm");
  cmd->add_flag("--serve", args->serve,
               "afterwards serve the staff UI and the customer portal on the demo vault");
  cmd->add_option("--listen", args->listen, "with --serve: HOST:PORT (default 127.0.0.1:8443)");
  cmd->callback([&ctx, args] {
    RunDemo(ctx, *args);
    if (args->serve && ctx.exit_code == 0) demo::ServeDemo(ctx, args->listen);
  });
}

}  // namespace jv::cli
