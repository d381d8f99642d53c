// jadevault assess template | assess --answers FILE | officer set|show|filing (SPEC §9, §10).
// The work is done by src/workflow (assess.h, checklist.h); this file parses flags and prints.
//
//   assess template                          -> the questionnaire JSON (edit, feed back)
//   assess --answers FILE.json [--html F] [--lang zh-CN|en]
//                                            -> {"ok","id","overall","retain_until","report"}
//   officer set --name N --contact C         -> the governance settings
//   officer filing --type officer_filing|provincial_report --reference TEXT
//   officer show                             -> {"officer","filings","individuals"}
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/workflow/assess.h"
#include "src/workflow/checklist.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;
namespace wf = jv::workflow;

struct AssessArgs {
  std::string answers, html, lang = "zh-CN";
  std::string name, contact, type, reference;
};

void RunTemplate(CommandContext& ctx) {
  json t = wf::PipiaTemplate();
  ctx.Report(t, t.dump(2) + "\n");
}

void RunAssess(CommandContext& ctx, const AssessArgs& a) {
  if (a.answers.empty()) {
    ctx.Fail(InvalidArgumentError("--answers FILE.json is required (see `assess template`)"));
    return;
  }
  if (a.lang != "zh-CN" && a.lang != "en") {
    ctx.Fail(InvalidArgumentError("--lang must be zh-CN or en"));
    return;
  }
  auto text = ReadFileToString(a.answers);
  if (!text.ok()) {
    ctx.Fail(InvalidArgumentError("--answers: cannot read the file"));
    return;
  }
  json answers = json::parse(*text, nullptr, false);
  if (answers.is_discarded()) {
    ctx.Fail(InvalidArgumentError("--answers: not valid JSON"));
    return;
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::RunAssessment(**v, answers);
  if (ctx.FailIfError(r.status())) return;
  if (!a.html.empty()) {
    if (ctx.FailIfError(WriteFileAtomic(a.html, a.lang == "en" ? r->html_en : r->html_zh, 0644))) {
      return;
    }
  }
  json doc = {{"ok", true},
              {"id", r->id},
              {"overall", r->report["overall"]},
              {"retain_until", r->report["retain_until"]},
              {"findings", r->report["findings"]},
              {"report", r->report}};
  if (!a.html.empty()) doc["html"] = a.html;
  ctx.Report(doc, "影响评估已保存 (assessment stored) " + r->id + ": overall risk " +
                      r->report["overall"].get<std::string>() + ", kept until " +
                      r->report["retain_until"].get<std::string>() + "\n");
}

void RunOfficerSet(CommandContext& ctx, const AssessArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto g = wf::SetOfficer(**v, a.name, a.contact);
  if (ctx.FailIfError(g.status())) return;
  json doc = *g;
  doc["ok"] = true;
  ctx.Report(doc, "个人信息保护负责人已记录 (officer recorded)\n");
}

void RunOfficerFiling(CommandContext& ctx, const AssessArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto g = wf::RecordFiling(**v, a.type, a.reference);
  if (ctx.FailIfError(g.status())) return;
  json doc = *g;
  doc["ok"] = true;
  ctx.Report(doc, "备案已记录 (filing recorded)\n");
}

void RunOfficerShow(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto g = wf::GetGovernance(**v);
  if (ctx.FailIfError(g.status())) return;
  auto n = wf::CountIndividuals(**v);
  if (ctx.FailIfError(n.status())) return;
  json doc = *g;
  doc["individuals"] = *n;
  doc["officer_required"] = *n >= wf::kOfficerThreshold;
  doc["provincial_report_required"] = *n >= wf::kNdsmrThreshold;
  ctx.Report(doc, doc.dump(2) + "\n");
}

}  // namespace

void RegisterAssessCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<AssessArgs>();
  CLI::App* assess = app.add_subcommand("assess", "impact assessment (PIPIA, PIPL 55-56)");
  assess->require_subcommand(0, 1);
  assess->add_option("--answers", a->answers, "answers JSON (the form `assess template` prints)");
  assess->add_option("--html", a->html, "also write the printable report here");
  assess->add_option("--lang", a->lang, "language of --html: zh-CN (default) | en");
  CLI::App* tmpl = assess->add_subcommand("template", "print the questionnaire with defaults");
  tmpl->callback([&ctx] { RunTemplate(ctx); });
  assess->callback([&ctx, a, tmpl] {
    if (tmpl->parsed()) return;
    RunAssess(ctx, *a);
  });

  CLI::App* officer = app.add_subcommand("officer", "PI protection officer and filings");
  officer->require_subcommand(1);
  CLI::App* set = officer->add_subcommand("set", "record the PI protection officer (PIPL 52)");
  set->add_option("--name", a->name, "officer's name")->required();
  set->add_option("--contact", a->contact, "officer's business contact")->required();
  set->callback([&ctx, a] { RunOfficerSet(ctx, *a); });
  CLI::App* filing = officer->add_subcommand("filing", "record a filing with an authority");
  filing->add_option("--type", a->type, "officer_filing | provincial_report")->required();
  filing->add_option("--reference", a->reference, "receipt or reference number")->required();
  filing->callback([&ctx, a] { RunOfficerFiling(ctx, *a); });
  officer->add_subcommand("show", "the officer, filings and thresholds")->callback([&ctx] {
    RunOfficerShow(ctx);
  });
}

}  // namespace jv::cli
