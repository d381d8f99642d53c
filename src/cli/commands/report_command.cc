// jadevault report KIND [--format html|xlsx|csv|json] [--out F] [--lang zh-CN|en]
//                       [--as-of YYYY-MM-DD] (SPEC §9).
// KIND: checklist | summary | inventory | campaign | ropa | claims | retention | certificate |
// audit | requests (src/report/report.h); --as-of is the retention plan's date (default today,
// China time). Without
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
  std::string kind, format = "json", out, lang = "zh-CN", as_of;
};

void RunReport(CommandContext& ctx, const ReportArgs& a) {
  report::ReportOptions opt;
  if (!a.as_of.empty()) {
    auto d = Date::Parse(a.as_of);
    if (ctx.FailIfError(d.ok() ? Status::Ok()
                               : InvalidArgumentError("--as-of must be a date YYYY-MM-DD")))
      return;
    opt.as_of = *d;
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = report::BuildReport(**v, a.kind, opt);
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
                                     "reports: checklist, summary, inventory, campaign, "
                                     "ropa, claims, retention, certificate, audit, requests (no "
                                     "personal information)");
  rep->add_option("KIND", a->kind,
                  "checklist | summary | inventory | campaign | ropa | claims | retention | "
                  "certificate | audit | requests")
      ->required();
  rep->add_option("--format", a->format, "json (default) | csv | html | xlsx");
  rep->add_option("--out", a->out, "output file (default: JSON on stdout)");
  rep->add_option("--lang", a->lang, "zh-CN (default) | en");
  rep->add_option("--as-of", a->as_of, "retention: plan date YYYY-MM-DD (default today)");
  rep->callback([&ctx, a] { RunReport(ctx, *a); });
}

}  // namespace jv::cli
