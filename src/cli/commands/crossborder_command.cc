// jadevault crossborder status | record | list | consent (SPEC §9; RULEBOOK X1–X7). The work
// is done by src/workflow/crossborder.h; this file parses flags and prints.
//
//   crossborder status                    -> year-to-date counts and the required mechanism
//   crossborder record --recipient R --mechanism security_assessment|standard_contract|
//                      certification --reference TEXT --evidence FILE
//                                         -> the stored record (evidence_sha256, valid_until …)
//   crossborder list                      -> {"records": […]}
//   crossborder consent --subject S --via phone|letter|portal|email
//                                         -> separate consent (PIPL 39) recorded
#include <filesystem>

#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/workflow/crossborder.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;
namespace wf = jv::workflow;

struct XbArgs {
  std::string recipient, mechanism, reference, evidence, subject, via;
};

void RunStatus(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto f = wf::ComputeCrossBorder(**v);
  if (ctx.FailIfError(f.status())) return;
  json doc = f->ToJson();
  doc["ok"] = true;
  std::string human = "出境（本年累计）(cross-border, year to date " + std::to_string(f->year) +
                      "): " + std::to_string(f->individuals) + " individuals, " +
                      std::to_string(f->sensitive) + " with sensitive PI -> " +
                      std::string(wf::XbMechanismName(f->required)) + "\n";
  for (const auto& r : f->recipients) {
    human += "  " + r.id + " (" + r.region + "): " + std::to_string(r.individuals) +
             ", recorded: " + (r.recorded.empty() ? "none" : r.recorded) + "\n";
  }
  ctx.Report(doc, human);
}

void RunRecord(CommandContext& ctx, const XbArgs& a) {
  auto bytes = ReadFileToString(a.evidence);
  if (!bytes.ok()) {
    ctx.Fail(InvalidArgumentError("--evidence: cannot read the file"));
    return;
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  wf::XbRecordInput in;
  in.recipient_id = a.recipient;
  in.mechanism = a.mechanism;
  in.reference = a.reference;
  in.evidence_name = std::filesystem::path(a.evidence).filename().string();
  in.evidence = std::move(*bytes);
  auto r = wf::RecordMechanism(**v, in);
  if (ctx.FailIfError(r.status())) return;
  json doc = *r;
  doc["ok"] = true;
  ctx.Report(doc, "出境机制已记录 (mechanism recorded) " + r->value("id", "") + ": " + a.mechanism +
                      " for " + a.recipient + "\n");
}

void RunList(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto l = wf::ListMechanisms(**v);
  if (ctx.FailIfError(l.status())) return;
  json doc = {{"ok", true}, {"records", *l}};
  ctx.Report(doc, doc["records"].dump(2) + "\n");
}

void RunConsent(CommandContext& ctx, const XbArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  if (ctx.FailIfError(wf::RecordCrossBorderConsent(**v, a.subject, a.via))) return;
  ctx.Report({{"ok", true}, {"subject", a.subject}, {"via", a.via}},
             "出境单独同意已记录 (separate consent recorded)\n");
}

}  // namespace

void RegisterCrossBorderCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<XbArgs>();
  CLI::App* xb = app.add_subcommand("crossborder", "cross-border transfer (PIPL 38-40)");
  xb->require_subcommand(1);
  xb->add_subcommand("status", "year-to-date counts and the required mechanism")->callback([&ctx] {
    RunStatus(ctx);
  });
  CLI::App* rec = xb->add_subcommand("record", "store the proof of a mechanism");
  rec->add_option("--recipient", a->recipient, "recipient id (r_…)")->required();
  rec->add_option("--mechanism", a->mechanism,
                  "security_assessment | standard_contract | certification")
      ->required();
  rec->add_option("--reference", a->reference, "approval / filing / certificate number")
      ->required();
  rec->add_option("--evidence", a->evidence, "the document (sealed into the vault)")->required();
  rec->callback([&ctx, a] { RunRecord(ctx, *a); });
  xb->add_subcommand("list", "recorded mechanisms")->callback([&ctx] { RunList(ctx); });
  CLI::App* consent = xb->add_subcommand("consent", "record a customer's separate consent");
  consent->add_option("--subject", a->subject, "subject id")->required();
  consent->add_option("--via", a->via, "phone | letter | portal | email")->required();
  consent->callback([&ctx, a] { RunConsent(ctx, *a); });
}

}  // namespace jv::cli
