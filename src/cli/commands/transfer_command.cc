// jadevault transfer setup | recipients add|list | allocate | notices … | responses record |
// check (SPEC §6, §10). The work is done by src/workflow (transfer.h, notices.h,
// delivery.h, gate.h); this file parses flags and prints results.
//
//   transfer setup --reason R --objection-days N            -> settings JSON
//   recipients add --name … --uscc … --contact-name … --contact-phone … --address …
//                  --region … --age-recipient age1… [--scope f,f]  -> the recipient
//   recipients list                                         -> {"recipients": […]}
//   allocate --recipient R (--all | --where K=V)            -> counts
//   notices template check FILE                             -> {"ok": true} or exit 4
//   notices plan [--template F]                             -> {"sms","email","letter","announcement",…}
//   notices render --subject S [--template F]               -> the text (audited, PI)
//   notices send --channel file --out DIR [--batch-size N]
//              | --channel smtp --smtp-url smtp://H:P --from ADDR [--mail-subject S]
//              | --channel webhook --url URL                -> {"sent","failed"}
//   notices receipts FILE.csv                               -> {"delivered","failed","unknown"}
//   notices announcement --out F                            -> {"listed"}
//   responses record --subject S --type T --via V           -> {"response","state",…}
//   check                                                   -> GateReport JSON; exit 1 if blocked
#include "src/cli/backup_notice.h"
#include "src/cli/commands/commands.h"
#include "src/cli/notice_channel.h"
#include "src/cli/progress.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/workflow/delivery.h"
#include "src/workflow/gate.h"
#include "src/workflow/notices.h"
#include "src/workflow/transfer.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;
namespace wf = jv::workflow;

struct TransferArgs {
  std::string reason;
  int64_t objection_days = -1;
  wf::RecipientInput recipient;
  std::string scope;
  std::string recipient_id;
  bool all = false;
  std::string where;
  std::string template_file;
  std::string subject;
  std::string channel, out, smtp_url, from, url;
  std::string mail_subject = "个人信息转移告知 (notice of personal information transfer)";
  int64_t batch_size = 1000;
  std::string file;
  std::string type, via;
};

Result<std::string> ReadTemplate(const std::string& path) {
  if (path.empty()) return std::string();
  auto t = ReadFileToString(path);
  if (!t.ok()) return InvalidArgumentError("--template: cannot read the file");
  JV_RETURN_IF_ERROR(wf::CheckNoticeTemplate(*t));
  return *t;
}

void RunSetup(CommandContext& ctx, const TransferArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto s = wf::SetupTransfer(**v, a.reason, a.objection_days);
  if (ctx.FailIfError(s.status())) return;
  json doc = s->ToJson();
  doc["ok"] = true;
  ctx.Report(doc, "转移已设置 (transfer set up): " + wf::ReasonLabel(s->reason) + ", " +
                      s->article() + ", objection deadline " + s->notice_deadline + "\n");
}

void RunRecipientsAdd(CommandContext& ctx, const TransferArgs& a) {
  wf::RecipientInput in = a.recipient;
  for (auto part : Split(a.scope, ',')) {
    std::string f(TrimSpace(part));
    if (!f.empty()) in.scope.push_back(f);
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::AddRecipient(**v, in);
  if (ctx.FailIfError(r.status())) return;
  ctx.Report(*r, "接收方已添加 (recipient added): " + r->value("id", "") + "\n");
}

void RunRecipientsList(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto list = wf::ListRecipients(**v);
  if (ctx.FailIfError(list.status())) return;
  std::string human;
  for (const auto& r : *list) {
    human += r.value("id", "") + "\t" + r.value("name", "") + "\t" + r.value("region", "") + "\n";
  }
  if (human.empty()) human = "(no recipients)\n";
  ctx.Report({{"recipients", *list}}, human);
}

void RunAllocate(CommandContext& ctx, const TransferArgs& a) {
  if (a.all == !a.where.empty()) {
    return ctx.Fail(InvalidArgumentError("give --all or --where store=…|province=…|city=…"));
  }
  wf::AllocateRule rule;
  if (a.all) {
    rule.all = true;
  } else {
    auto r = wf::ParseAllocateWhere(a.where);
    if (ctx.FailIfError(r.status())) return;
    rule = *r;
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::Allocate(**v, a.recipient_id, rule);
  if (ctx.FailIfError(r.status())) return;
  json doc = {{"recipient", a.recipient_id},
              {"allocated", r->allocated},
              {"already_allocated", r->already_allocated},
              {"recipient_total", r->recipient_total},
              {"unallocated", r->unallocated}};
  ctx.Report(doc, "已分配 (allocated) " + std::to_string(r->allocated) + " subjects; " +
                      std::to_string(r->unallocated) + " remain unallocated\n");
}

void RunTemplateCheck(CommandContext& ctx, const TransferArgs& a) {
  auto t = ReadFileToString(a.file);
  if (!t.ok()) return ctx.Fail(InvalidArgumentError("cannot read the template file"));
  if (ctx.FailIfError(wf::CheckNoticeTemplate(*t))) return;
  ctx.Report({{"ok", true}, {"elements", wf::RequiredNoticeElements()}},
             "模板完整 (template has every required element)\n");
}

void RunPlan(CommandContext& ctx, const TransferArgs& a) {
  auto tmpl = ReadTemplate(a.template_file);
  if (ctx.FailIfError(tmpl.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto c = wf::PlanNotices(**v, *tmpl);
  if (ctx.FailIfError(c.status())) return;
  ctx.Report(c->ToJson(), "通知计划 (notice plan): SMS " + std::to_string(c->sms) + " (" +
                              std::to_string(c->sms_segments) + " segments), email " +
                              std::to_string(c->email) + ", letter " + std::to_string(c->letter) +
                              ", announcement " + std::to_string(c->announcement) + "\n");
}

void RunRender(CommandContext& ctx, const TransferArgs& a) {
  auto tmpl = ReadTemplate(a.template_file);
  if (ctx.FailIfError(tmpl.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto n = wf::RenderSubjectNotice(**v, a.subject, *tmpl);
  if (ctx.FailIfError(n.status())) return;
  // The text carries personal data: the read is audited (without the text).
  auto seq = (*v)->Audit("notice.render", a.subject, "transfer",
                         {{"notice", n->notice_id}, {"channel", n->channel}});
  if (ctx.FailIfError(seq.status())) return;
  ctx.Report({{"notice_id", n->notice_id},
              {"subject", n->subject_id},
              {"channel", n->channel},
              {"segments", n->segments},
              {"text", n->text}},
             n->text);
}

void RunSend(CommandContext& ctx, const TransferArgs& a) {
  auto sink = MakeNoticeSink(
      {a.channel, a.out, a.batch_size, a.smtp_url, a.from, a.mail_subject, a.url}, true);
  if (ctx.FailIfError(sink.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  std::unique_ptr<Progress> bar;
  auto r = wf::SendNotices(**v, **sink, a.channel, [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<Progress>(ctx, "发送通知 (sending)", total);
    bar->Update(done);
  });
  if (bar) bar->Done();
  if (ctx.FailIfError(r.status())) return;
  json doc = r->ToJson();
  doc["channel"] = a.channel;
  ctx.Report(doc, "已发送 (sent) " + std::to_string(r->sent) + ", failed " +
                      std::to_string(r->failed) + "\n");
}

void RunReceipts(CommandContext& ctx, const TransferArgs& a) {
  auto csv = ReadFileToString(a.file);
  if (!csv.ok()) return ctx.Fail(InvalidArgumentError("cannot read the receipts file"));
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::ImportReceipts(**v, *csv);
  if (ctx.FailIfError(r.status())) return;
  ctx.Report(r->ToJson(), "回执 (receipts): delivered " + std::to_string(r->delivered) +
                              ", failed " + std::to_string(r->failed) + ", unknown " +
                              std::to_string(r->unknown) + "\n");
}

void RunAnnouncement(CommandContext& ctx, const TransferArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::WriteAnnouncement(**v, a.out);
  if (ctx.FailIfError(r.status())) return;
  json doc = r->ToJson();
  doc["out"] = a.out;
  ctx.Report(doc, "公告名单 (announcement list): " + std::to_string(r->listed) + " → " + a.out +
                      "\n");
}

void RunResponse(CommandContext& ctx, const TransferArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::RecordResponse(**v, a.subject, a.type, a.via);
  if (ctx.FailIfError(r.status())) return;
  json doc = {{"ok", true},
              {"response", r->response_id},
              {"subject", a.subject},
              {"type", r->type},
              {"state", r->new_state}};
  if (!r->shred.is_null()) {
    doc["shred"] = r->shred;
    // A deletion shreds a customer: backups taken before it must not bring them back.
    EndBackupEpochAndNotify(ctx, **v, "deletion request " + r->response_id, 1, doc);
  }
  ctx.Report(doc, "已记录 (recorded) " + r->type + "; subject state " + r->new_state + "\n");
}

void RunCheck(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto g = wf::EvaluateGate(**v);
  if (ctx.FailIfError(g.status())) return;
  std::string human;
  for (const auto& r : g->rules) {
    human += std::string(wf::RuleStatusName(r.status)) + "\t" + r.id + "\t" + r.title +
             (r.blocking ? "" : " (advisory)") + "\n";
  }
  human += g->blocked() ? "受阻 (BLOCKED)\n" : "通过 (ok)\n";
  ctx.Report(g->ToJson(), human, g->blocked() ? kExitCheckFailed : kExitOk);
}

}  // namespace

void RegisterTransferCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<TransferArgs>();

  CLI::App* transfer = app.add_subcommand("transfer", "the transfer (PIPL 22 / 23)");
  transfer->require_subcommand(1);
  CLI::App* setup = transfer->add_subcommand("setup", "set the reason and objection period");
  setup->add_option("--reason", a->reason, "merger | division | dissolution | bankruptcy | sale")
      ->required();
  setup->add_option("--objection-days", a->objection_days, "days to object after the notice")
      ->required();
  setup->callback([&ctx, a] { RunSetup(ctx, *a); });

  CLI::App* recipients = app.add_subcommand("recipients", "the receiving companies");
  recipients->require_subcommand(1);
  CLI::App* add = recipients->add_subcommand("add", "add a recipient");
  add->add_option("--name", a->recipient.name, "company name")->required();
  add->add_option("--uscc", a->recipient.uscc, "unified social credit code")->required();
  add->add_option("--contact-name", a->recipient.contact_name, "contact person")->required();
  add->add_option("--contact-phone", a->recipient.contact_phone, "contact phone")->required();
  add->add_option("--address", a->recipient.address, "company address")->required();
  add->add_option("--region", a->recipient.region, "CN | HK | MO | TW | ISO country")->required();
  add->add_option("--age-recipient", a->recipient.age_recipient, "age1… public key")->required();
  add->add_option("--scope", a->scope, "fields transferred (comma-separated; default all)");
  add->callback([&ctx, a] { RunRecipientsAdd(ctx, *a); });
  CLI::App* list = recipients->add_subcommand("list", "list recipients");
  list->callback([&ctx] { RunRecipientsList(ctx); });

  CLI::App* allocate = app.add_subcommand("allocate", "allocate customers to a recipient");
  allocate->add_option("--recipient", a->recipient_id, "recipient id (r_…)")->required();
  allocate->add_flag("--all", a->all, "every unallocated customer");
  allocate->add_option("--where", a->where, "store=… | province=CODE | city=CODE");
  allocate->callback([&ctx, a] { RunAllocate(ctx, *a); });

  CLI::App* notices = app.add_subcommand("notices", "notices to customers (PIPL 22 / 23)");
  notices->require_subcommand(1);
  CLI::App* tmpl = notices->add_subcommand("template", "notice templates");
  tmpl->require_subcommand(1);
  CLI::App* check_t = tmpl->add_subcommand("check", "refuse a template missing an element");
  check_t->add_option("FILE", a->file, "template file")->required();
  check_t->callback([&ctx, a] { RunTemplateCheck(ctx, *a); });
  CLI::App* plan = notices->add_subcommand("plan", "plan one notice per allocated customer");
  plan->add_option("--template", a->template_file, "template file (default: built-in zh-CN)");
  plan->callback([&ctx, a] { RunPlan(ctx, *a); });
  CLI::App* render = notices->add_subcommand("render", "show one customer's notice");
  render->add_option("--subject", a->subject, "subject id")->required();
  render->add_option("--template", a->template_file, "render with this template instead");
  render->callback([&ctx, a] { RunRender(ctx, *a); });
  CLI::App* send = notices->add_subcommand("send", "send planned notices");
  send->add_option("--channel", a->channel, "file | smtp | webhook")->required();
  send->add_option("--out", a->out, "outbox directory (file)");
  send->add_option("--batch-size", a->batch_size, "SMS rows per outbox file (default 1000)")
      ->check(CLI::Range(1, 1000000));
  send->add_option("--smtp-url", a->smtp_url, "smtp://HOST:PORT");
  send->add_option("--from", a->from, "sender address (smtp)");
  send->add_option("--mail-subject", a->mail_subject, "mail subject (smtp)");
  send->add_option("--url", a->url, "webhook URL");
  send->callback([&ctx, a] { RunSend(ctx, *a); });
  CLI::App* receipts = notices->add_subcommand("receipts", "import delivery receipts (CSV)");
  receipts->add_option("FILE", a->file, "notice_id,status[,time] CSV")->required();
  receipts->callback([&ctx, a] { RunReceipts(ctx, *a); });
  CLI::App* ann = notices->add_subcommand("announcement", "write the announcement list");
  ann->add_option("--out", a->out, "output file (written 0600)")->required();
  ann->callback([&ctx, a] { RunAnnouncement(ctx, *a); });

  CLI::App* responses = app.add_subcommand("responses", "customers' responses");
  responses->require_subcommand(1);
  CLI::App* record = responses->add_subcommand("record", "record a response");
  record->add_option("--subject", a->subject, "subject id")->required();
  record->add_option("--type", a->type, "object | consent | delete | correct")->required();
  record->add_option("--via", a->via, "phone | letter | portal | email")->required();
  record->callback([&ctx, a] { RunResponse(ctx, *a); });

  CLI::App* check = app.add_subcommand("check", "the compliance gate (exit 1 while blocked)");
  check->callback([&ctx] { RunCheck(ctx); });
}

}  // namespace jv::cli
