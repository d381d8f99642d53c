// jadevault retention … and holds … (SPEC §7 "Retention", RULEBOOK §7 M2/M5, §10, P47).
// The work is done in src/workflow (retention_rules.h, aml.h, holds.h, retention.h).
//
//   retention rules                         -> {"rules": [...], "settings": {...}}
//   retention settings [--set KEY=VALUE]... -> {"settings": {...}, "changed": bool}
//   retention aml-scan [--dry-run]          -> AmlScanReport (counts, flagged subject ids)
//   retention plan [--as-of D] [--closed-on D] [--detail]
//       -> {"as_of", "closed_on", "fully_deletable", "restricted", "unchanged", "locks": {class
//           or "hold": subjects}, "due": {class: {"subjects", "records", "subject_ids"}},
//           "aml": {...}, "rules", "settings", "subjects"? (with --detail)}
//   retention run [--as-of D] [--closed-on D]
//       -> {"run_id", "shredded", "restricted", "data_keys_deleted", "records_deleted",
//           "indexes_deleted", "aml": {...}, "plan": {...}}
//   holds add (--subject S | --all) [--class C] --reason TEXT   -> the hold
//   holds list [--include-released]                            -> {"holds": [...]}
//   holds release ID --reason TEXT                             -> the hold
//
// --as-of defaults to today (China time, from the clock); `retention run` refuses a date
// after today. --closed-on stands in for the case's closing date while the vault has none
// (vault meta liquidation.closed_on, set by `liquidation close`); it may not contradict it.
#include "src/cli/backup_notice.h"
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/workflow/aml.h"
#include "src/workflow/holds.h"
#include "src/workflow/retention.h"
#include "src/workflow/retention_rules.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;
namespace wf = jv::workflow;

struct RetentionArgs {
  std::string as_of, closed_on;
  bool detail = false;
  bool dry_run = false;
  std::vector<std::string> set;
  std::string subject, key_class, reason, id;
  bool all = false;
  bool include_released = false;
};

Result<wf::PlanOptions> MakePlanOptions(const CommandContext& ctx, const RetentionArgs& a) {
  wf::PlanOptions o;
  if (a.as_of.empty()) {
    o.as_of = ChinaDateFromMicros(ctx.clock->NowMicros());
  } else {
    auto d = Date::Parse(a.as_of);
    if (!d.ok()) return InvalidArgumentError("--as-of must be a date YYYY-MM-DD");
    o.as_of = *d;
  }
  if (!a.closed_on.empty()) {
    auto d = Date::Parse(a.closed_on);
    if (!d.ok()) return InvalidArgumentError("--closed-on must be a date YYYY-MM-DD");
    o.closed_on = *d;
  }
  o.detail = a.detail;
  return o;
}

std::string LocksHuman(const json& locks) {
  std::string s;
  for (auto it = locks.begin(); it != locks.end(); ++it) {
    s += "    " + it.key() + ": " + std::to_string(it.value().get<int64_t>()) + "\n";
  }
  return s;
}

std::string PlanHuman(const json& p) {
  std::string h = "保留期计划 (retention plan) as of " + p["as_of"].get<std::string>() +
                  ", case closed " +
                  (p["closed_on"].is_null() ? std::string("(not yet)")
                                            : p["closed_on"].get<std::string>()) +
                  "\n  可全部删除 (fully deletable): " + std::to_string(p["fully_deletable"].get<int64_t>()) +
                  "\n  部分删除、其余受限 (restricted): " + std::to_string(p["restricted"].get<int64_t>()) +
                  "\n  暂不处理 (unchanged): " + std::to_string(p["unchanged"].get<int64_t>()) +
                  "\n  锁定 (locks, subjects):\n" + LocksHuman(p["locks"]) + "  到期 (due):\n";
  for (auto it = p["due"].begin(); it != p["due"].end(); ++it) {
    h += "    " + it.key() + ": " + std::to_string((*it)["subjects"].get<int64_t>()) +
         " subjects, " + std::to_string((*it)["records"].get<int64_t>()) + " records\n";
  }
  return h;
}

void RunRules(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto s = wf::LoadRetentionSettings(**v);
  if (ctx.FailIfError(s.status())) return;
  json doc = {{"rules", wf::RetentionRulesJson(*s)}, {"settings", s->ToJson()}};
  std::string human;
  for (const json& r : doc["rules"]) {
    human += r["key_class"].get<std::string>() + "\t" + std::to_string(r["years"].get<int>()) +
             "y from " + r["anchor"].get<std::string>() + "\t" + r["cite"].get<std::string>() +
             "\n";
  }
  ctx.Report(doc, human);
}

void RunSettings(CommandContext& ctx, const RetentionArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto s = wf::LoadRetentionSettings(**v);
  if (ctx.FailIfError(s.status())) return;
  for (const std::string& kv : a.set) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos) {
      return ctx.Fail(InvalidArgumentError("--set takes KEY=VALUE"));
    }
    if (ctx.FailIfError(s->Set(TrimSpace(kv.substr(0, eq)), kv.substr(eq + 1)))) return;
  }
  if (!a.set.empty() && ctx.FailIfError(wf::SaveRetentionSettings(**v, *s))) return;
  json doc = {{"settings", s->ToJson()}, {"changed", !a.set.empty()}};
  ctx.Report(doc, s->ToJson().dump(2) + "\n");
}

void RunAmlScan(CommandContext& ctx, const RetentionArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::ScanAml(**v, !a.dry_run);
  if (ctx.FailIfError(r.status())) return;
  json doc = r->ToJson();
  doc["stored"] = !a.dry_run;
  ctx.Report(doc, "反洗钱现金筛查 (AML cash scan): " + std::to_string(r->flagged_subjects) +
                      " subjects flagged, " + std::to_string(r->records_written) +
                      " due-diligence records written\n");
}

void RunPlan(CommandContext& ctx, const RetentionArgs& a) {
  auto o = MakePlanOptions(ctx, a);
  if (ctx.FailIfError(o.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto p = wf::PlanRetention(**v, *o);
  if (ctx.FailIfError(p.status())) return;
  json doc = p->ToJson();
  ctx.Report(doc, PlanHuman(doc));
}

void RunRun(CommandContext& ctx, const RetentionArgs& a) {
  auto o = MakePlanOptions(ctx, a);
  if (ctx.FailIfError(o.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::RunRetention(**v, *o);
  if (ctx.FailIfError(r.status())) return;
  json doc = r->ToJson();
  doc["ok"] = true;
  if (r->data_keys_deleted > 0) {
    EndBackupEpochAndNotify(ctx, **v, "retention run " + r->run_id,
                            r->shredded + r->restricted, doc);
  }
  ctx.Report(doc, "保留期执行 (retention run) " + r->run_id + ": " + std::to_string(r->shredded) +
                      " shredded, " + std::to_string(r->restricted) + " restricted, " +
                      std::to_string(r->data_keys_deleted) + " data keys destroyed\n");
}

void RunHoldsAdd(CommandContext& ctx, const RetentionArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  wf::HoldRequest req{a.subject, a.all, a.key_class, a.reason};
  auto h = wf::AddHold(**v, req);
  if (ctx.FailIfError(h.status())) return;
  json doc = h->ToJson();
  doc["ok"] = true;
  ctx.Report(doc, "已设置保全 (hold added): " + h->id + "\n");
}

void RunHoldsList(CommandContext& ctx, const RetentionArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto list = wf::ListHolds(**v, a.include_released);
  if (ctx.FailIfError(list.status())) return;
  json arr = json::array();
  std::string human;
  for (const wf::Hold& h : *list) {
    arr.push_back(h.ToJson());
    human += h.id + "\t" + h.status + "\t" + (h.scope == "all" ? "all" : h.subject_id) + "\t" +
             (h.key_class.empty() ? "*" : h.key_class) + "\n";
  }
  if (human.empty()) human = "(no holds)\n";
  ctx.Report({{"holds", arr}}, human);
}

void RunHoldsRelease(CommandContext& ctx, const RetentionArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto h = wf::ReleaseHold(**v, a.id, a.reason);
  if (ctx.FailIfError(h.status())) return;
  json doc = h->ToJson();
  doc["ok"] = true;
  ctx.Report(doc, "已解除保全 (hold released): " + h->id + "\n");
}

}  // namespace

void RegisterRetentionCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<RetentionArgs>();
  CLI::App* ret = app.add_subcommand("retention", "retention rules, plan and run; AML scan");
  ret->require_subcommand(1);

  CLI::App* rules = ret->add_subcommand("rules", "the retention rule per data class");
  rules->callback([&ctx] { RunRules(ctx); });

  CLI::App* settings =
      ret->add_subcommand("settings", "show or change the settings behind UNVERIFIED rules");
  settings->add_option("--set", a->set, "KEY=VALUE (repeatable)");
  settings->callback([&ctx, a] { RunSettings(ctx, *a); });

  CLI::App* aml = ret->add_subcommand(
      "aml-scan", "flag customers with >= 100,000 yuan cash in one day; keep their CDD data");
  aml->add_flag("--dry-run", a->dry_run, "count only, write nothing");
  aml->callback([&ctx, a] { RunAmlScan(ctx, *a); });

  CLI::App* plan = ret->add_subcommand("plan", "what may be destroyed on a date, and what stays");
  plan->add_option("--as-of", a->as_of, "the date (YYYY-MM-DD; default today)");
  plan->add_option("--closed-on", a->closed_on,
                   "the case's closing date when `liquidation close` has not set it");
  plan->add_flag("--detail", a->detail, "list every subject's classes and locks");
  plan->callback([&ctx, a] { RunPlan(ctx, *a); });

  CLI::App* run = ret->add_subcommand("run", "destroy what the plan says is due (audited)");
  run->add_option("--as-of", a->as_of, "the date (YYYY-MM-DD; default today; not later)");
  run->add_option("--closed-on", a->closed_on,
                  "the case's closing date when `liquidation close` has not set it");
  run->callback([&ctx, a] { RunRun(ctx, *a); });

  auto h = std::make_shared<RetentionArgs>();
  CLI::App* holds = app.add_subcommand("holds", "litigation holds: block deletion");
  holds->require_subcommand(1);
  CLI::App* add = holds->add_subcommand("add", "hold a subject's data (or everything)");
  add->add_option("--subject", h->subject, "subject id (s_...)");
  add->add_flag("--all", h->all, "hold every subject");
  add->add_option("--class", h->key_class, "only this data class (default: every class)");
  add->add_option("--reason", h->reason, "the case or instruction (no personal data)")
      ->required();
  add->callback([&ctx, h] { RunHoldsAdd(ctx, *h); });
  CLI::App* list = holds->add_subcommand("list", "active holds");
  list->add_flag("--include-released", h->include_released, "released holds too");
  list->callback([&ctx, h] { RunHoldsList(ctx, *h); });
  CLI::App* release = holds->add_subcommand("release", "release a hold");
  release->add_option("ID", h->id, "hold id (hold_...)")->required();
  release->add_option("--reason", h->reason, "why it ends")->required();
  release->callback([&ctx, h] { RunHoldsRelease(ctx, *h); });
}

}  // namespace jv::cli
