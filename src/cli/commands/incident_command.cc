// jadevault incident open|list|show|update|drafts|send|close (SPEC §9; PIPL 57; RULEBOOK K4).
// The work is done by src/workflow/incident.h; this file parses flags and prints.
//
//   incident open --type leak|tamper|loss|unauthorized --detected RFC3339 [--affected Q]
//                 [--note TEXT]                      -> {"id","severity","report_due",…}
//   incident list                                    -> {"incidents": […]}
//   incident show ID                                 -> the incident with its timeline
//   incident update ID [--set element=TEXT]… [--note TEXT]
//   incident drafts ID                               ->
//   {"regulator","individuals","missing_elements"} incident send ID --notice regulator --out FILE
//   incident send ID --notice individuals --channel file --out DIR
//                 | --channel smtp --smtp-url smtp://H:P --from ADDR [--mail-subject S]
//                                                    -> exit 5 naming missing elements
//   incident close ID --resolution TEXT
#include "src/cli/commands/commands.h"
#include "src/cli/notice_channel.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/workflow/delivery.h"
#include "src/workflow/incident.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;
namespace wf = jv::workflow;

struct IncidentArgs {
  wf::IncidentOpen open;
  std::string id;
  std::vector<std::string> set;
  std::string note, notice, channel, out, smtp_url, from, resolution;
  std::string mail_subject = "个人信息安全事件告知 (personal information incident notice)";
  int64_t batch_size = 1000;
};

void RunOpen(CommandContext& ctx, IncidentArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  a.open.summary = a.note;
  auto r = wf::OpenIncident(**v, a.open);
  if (ctx.FailIfError(r.status())) return;
  json doc = *r;
  doc["ok"] = true;
  ctx.Report(doc, "事件已登记 (incident opened) " + r->value("id", "") + ": " +
                      r->value("severity", "") + ", report due " + r->value("report_due", "") +
                      "\n");
}

void RunList(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto l = wf::ListIncidents(**v);
  if (ctx.FailIfError(l.status())) return;
  std::string human;
  for (const auto& i : *l) {
    human += i.value("id", "") + "\t" + i.value("status", "") + "\t" + i.value("type", "") + "\t" +
             i.value("severity", "") + "\tdue " + i.value("report_due", "") + "\n";
  }
  ctx.Report({{"ok", true}, {"incidents", *l}}, human);
}

void Show(CommandContext& ctx, const Result<json>& r) {
  if (ctx.FailIfError(r.status())) return;
  json doc = *r;
  doc["ok"] = true;
  ctx.Report(doc, doc.dump(2) + "\n");
}

void RunSend(CommandContext& ctx, const IncidentArgs& a) {
  std::unique_ptr<wf::NoticeSink> sink;
  if (a.notice == "individuals") {
    auto made = MakeNoticeSink(
        {a.channel, a.out, a.batch_size, a.smtp_url, a.from, a.mail_subject, ""}, false);
    if (ctx.FailIfError(made.status())) return;
    sink = std::move(*made);
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  Show(ctx, wf::SendIncidentNotice(**v, a.id, a.notice, sink.get(), a.out));
}

}  // namespace

void RegisterIncidentCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<IncidentArgs>();
  CLI::App* inc = app.add_subcommand("incident", "security incidents (PIPL 57)");
  inc->require_subcommand(1);
  CLI::App* open = inc->add_subcommand("open", "register an incident; starts the 4-hour clock");
  open->add_option("--type", a->open.type, "leak | tamper | loss | unauthorized")->required();
  open->add_option("--detected", a->open.detected, "when detected, RFC 3339 with offset")
      ->required();
  open->add_option("--affected", a->open.affected,
                   "all (default) | store=… | source=src_… | recipient=r_… | province=… | city=…");
  open->add_option("--note", a->note, "first timeline note (no personal data)");
  open->callback([&ctx, a] { RunOpen(ctx, *a); });
  inc->add_subcommand("list", "every incident")->callback([&ctx] { RunList(ctx); });
  CLI::App* show = inc->add_subcommand("show", "one incident with its timeline");
  show->add_option("ID", a->id, "incident id")->required();
  show->callback([&ctx, a] {
    auto v = OpenVault(ctx);
    if (ctx.FailIfError(v.status())) return;
    Show(ctx, wf::GetIncident(**v, a->id));
  });
  CLI::App* upd = inc->add_subcommand("update", "fill notice elements, add a note");
  upd->add_option("ID", a->id, "incident id")->required();
  upd->add_option("--set", a->set,
                  "ELEMENT=TEXT (categories|cause|harm|remedies|individual_actions|contact)");
  upd->add_option("--note", a->note, "timeline note");
  upd->callback([&ctx, a] {
    auto v = OpenVault(ctx);
    if (ctx.FailIfError(v.status())) return;
    Show(ctx, wf::UpdateIncident(**v, a->id, a->set, a->note));
  });
  CLI::App* drafts = inc->add_subcommand("drafts", "the regulator's and individuals' notices");
  drafts->add_option("ID", a->id, "incident id")->required();
  drafts->callback([&ctx, a] {
    auto v = OpenVault(ctx);
    if (ctx.FailIfError(v.status())) return;
    Show(ctx, wf::IncidentDrafts(**v, a->id));
  });
  CLI::App* send = inc->add_subcommand("send", "send a notice (all PIPL 57 elements needed)");
  send->add_option("ID", a->id, "incident id")->required();
  send->add_option("--notice", a->notice, "regulator | individuals")->required();
  send->add_option("--channel", a->channel, "individuals: file | smtp");
  send->add_option("--out", a->out, "regulator: output file; file channel: outbox directory");
  send->add_option("--batch-size", a->batch_size, "SMS rows per outbox file (default 1000)");
  send->add_option("--smtp-url", a->smtp_url, "smtp://HOST:PORT");
  send->add_option("--from", a->from, "sender address (smtp)");
  send->add_option("--mail-subject", a->mail_subject, "mail subject (smtp)");
  send->callback([&ctx, a] { RunSend(ctx, *a); });
  CLI::App* close = inc->add_subcommand("close", "close the incident");
  close->add_option("ID", a->id, "incident id")->required();
  close->add_option("--resolution", a->resolution, "how it ended")->required();
  close->callback([&ctx, a] {
    auto v = OpenVault(ctx);
    if (ctx.FailIfError(v.status())) return;
    Show(ctx, wf::CloseIncident(**v, a->id, a->resolution));
  });
}

}  // namespace jv::cli
