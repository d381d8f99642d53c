// jadevault requests open|list|fulfil|refuse: customer-rights requests (PIPL 44–50; RULEBOOK
// P44–P50; SPEC §8). The work is done by src/workflow/requests.h; this file parses flags,
// ends the backup epoch after a deletion (backup_notice.h) and prints.
//
//   requests open --subject S --type T --via phone|letter|email|portal [--received DATE]
//                                                     -> {"id","due","received",…}
//   requests list [--status open|fulfilled|refused]   -> {"requests": [{…,"overdue"}]}
//   requests fulfil ID [--out DIR]                    -> {"id","status","files"?,"shredded"}
//   requests refuse ID --reason TEXT                  -> exit 4 without a reason
#include "src/cli/backup_notice.h"
#include "src/cli/commands/commands.h"
#include "src/cli/unlock.h"
#include "src/workflow/requests.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;
namespace wf = jv::workflow;

struct RequestsArgs {
  wf::RequestOpen open;
  std::string id, status, out, reason;
};

std::string Line(const json& r) {
  return r.value("id", "") + "\t" + r.value("status", "") + "\t" + r.value("type", "") +
         "\t收到 (received) " + r.value("received", "") + "\t期限 (due) " + r.value("due", "") +
         (r.value("overdue", false) ? "\t已逾期 (overdue)" : "") + "\n";
}

void Show(CommandContext& ctx, const Result<json>& r) {
  if (ctx.FailIfError(r.status())) return;
  json doc = *r;
  doc["ok"] = true;
  ctx.Report(doc, Line(doc));
}

void RunFulfil(CommandContext& ctx, const RequestsArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::FulfilRequest(**v, a.id, a.out);
  if (ctx.FailIfError(r.status())) return;
  json doc = *r;
  doc["ok"] = true;
  if (doc.value("shredded", int64_t{0}) > 0) {
    // Backups taken before the deletion must not bring the customer back.
    EndBackupEpochAndNotify(ctx, **v, "request " + a.id, doc["shredded"].get<int64_t>(), doc);
  }
  ctx.Report(doc, "已办理 (fulfilled) " + Line(doc));
}

}  // namespace

void RegisterRequestsCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<RequestsArgs>();
  CLI::App* req = app.add_subcommand("requests", "customer-rights requests (PIPL 44-50)");
  req->require_subcommand(1);
  CLI::App* open = req->add_subcommand("open", "register a request; due in 15 working days");
  open->add_option("--subject", a->open.subject, "subject id")->required();
  open->add_option("--type", a->open.type,
                   "access|copy|portability|correction|deletion|restriction|explanation|"
                   "withdraw|deceased")
      ->required();
  open->add_option("--via", a->open.via, "phone|letter|email|portal")->required();
  open->add_option("--received", a->open.received, "YYYY-MM-DD (default today)");
  open->callback([&ctx, a] {
    auto v = OpenVault(ctx);
    if (ctx.FailIfError(v.status())) return;
    Show(ctx, wf::OpenRequest(**v, a->open));
  });
  CLI::App* list = req->add_subcommand("list", "requests with their deadlines");
  list->add_option("--status", a->status, "open|fulfilled|refused");
  list->callback([&ctx, a] {
    auto v = OpenVault(ctx);
    if (ctx.FailIfError(v.status())) return;
    auto l = wf::ListRequests(**v, a->status);
    if (ctx.FailIfError(l.status())) return;
    std::string human;
    for (const auto& r : *l) human += Line(r);
    ctx.Report({{"ok", true}, {"requests", *l}}, human);
  });
  CLI::App* fulfil = req->add_subcommand("fulfil", "carry out a request");
  fulfil->add_option("ID", a->id, "request id")->required();
  fulfil->add_option("--out", a->out,
                     "directory for the files (copy|portability|access|"
                     "explanation)");
  fulfil->callback([&ctx, a] { RunFulfil(ctx, *a); });
  CLI::App* refuse = req->add_subcommand("refuse", "refuse a request, with the reason");
  refuse->add_option("ID", a->id, "request id")->required();
  refuse->add_option("--reason", a->reason, "why (no personal data)");
  refuse->callback([&ctx, a] {
    auto v = OpenVault(ctx);
    if (ctx.FailIfError(v.status())) return;
    Show(ctx, wf::RefuseRequest(**v, a->id, a->reason));
  });
}

}  // namespace jv::cli
