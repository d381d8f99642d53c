// jadevault report KIND [--format html|xlsx|csv|json] [--out F] [--lang zh-CN|en] (SPEC §9).
// KIND: checklist | summary | inventory | campaign | ropa (src/report/report.h). Without
// --out the JSON form is printed; with it the file is written and {"ok","out","format"} is
// printed. Exit 0 whenever the report was produced (use `check` for a pass/fail exit code).
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/report/report.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;

struct ReportArgs {
  std::string kind, format = "json", out, lang = "zh-CN";
};

void RunReport(CommandContext& ctx, const ReportArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = report::BuildReport(**v, a.kind);
  if (ctx.FailIfError(r.status())) return;
  json doc = report::RenderJson(*r);
  if (!a.out.empty()) {
    if (ctx.FailIfError(report::WriteReport(*r, a.format, a.lang, a.out))) return;
    doc = {{"ok", true}, {"report", a.kind}, {"format", a.format}, {"out", a.out}};
  }
  ctx.Report(doc,
             a.out.empty() ? doc.dump(2) + "\n" : "已生成报告 (report written) " + a.out + "\n");
}

}  // namespace

void RegisterReportCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* rep = app.add_subcommand("report",
                                     "reports: checklist, summary, inventory, "
                                     "campaign, ropa (no personal information)");
  rep->add_option("KIND", a->kind, "checklist | summary | inventory | campaign | ropa")->required();
  rep->add_option("--format", a->format, "json (default) | csv | html | xlsx");
  rep->add_option("--out", a->out, "output file (default: JSON on stdout)");
  rep->add_option("--lang", a->lang, "zh-CN (default) | en");
  rep->callback([&ctx, a] { RunReport(ctx, *a); });
}

}  // namespace jv::cli
