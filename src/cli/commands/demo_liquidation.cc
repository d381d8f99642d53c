// The liquidation part of `jadevault demo` (demo_steps.h): a second demo vault
// `<vault>.liquidation`, because the first one's customers were transferred and shredded.
#include <filesystem>

#include "src/cli/backup_notice.h"
#include "src/cli/commands/demo_steps.h"
#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/datagen/datagen.h"
#include "src/ingest/importer.h"
#include "src/vault/backup.h"
#include "src/workflow/aml.h"
#include "src/workflow/claims.h"
#include "src/workflow/items.h"
#include "src/workflow/liquidation.h"
#include "src/workflow/liquidation_clock.h"
#include "src/workflow/liquidation_notices.h"
#include "src/workflow/retention.h"

namespace jv::cli::demo {

namespace {

// The case's dates: the dissolution falls before the 2026 Spring Festival, so two deadlines
// move to the next working day (Civil Code Art. 203); the case closes at the year's end.
constexpr char kDissolution[] = "2026-02-05";
constexpr char kClosing[] = "2026-12-31";
constexpr char kOneYearAfter[] = "2027-12-31";

// 10:00 China time (02:00 UTC) on `d`.
int64_t MorningMicros(Date d) { return (d.ToDays() * 86400 + 2 * 3600) * int64_t{1000000}; }

Date MustParse(const char* s) { return Date::Parse(s).value(); }

// Generates one synthetic export of `kind` (same seed: the rows belong to the same
// customers) and imports it.
Result<ingest::ImportReport> GenerateAndImport(vault::Vault& v, const std::string& dir,
                                               const std::string& kind, int rows, Date today) {
  datagen::Options o;
  o.rows = rows;
  o.out = dir + "/" + kind + ".csv";
  o.format = "csv";
  o.kind = kind;
  o.seed = 2031;
  o.profile = 0;
  o.import_date = today;
  JV_RETURN_IF_ERROR(datagen::Generate(o).status());
  ingest::ImportOptions io;
  io.path = o.out;
  JV_ASSIGN_OR_RETURN(io.kind, ingest::ParseImportKind(kind));
  io.import_date = today;
  return ingest::ImportFile(v, io);
}

// The counts `liquidation creditors --json` shows (its "subjects" list has length count).
nlohmann::json CreditorCounts(const workflow::CreditorsReport& cr) {
  return {{"count", cr.creditors.size()},
          {"prepaid_holders", cr.prepaid_holders},
          {"total_prepaid_fen", cr.total_prepaid_fen},
          {"deposit_holders", cr.deposit_holders},
          {"total_deposit_fen", cr.total_deposit_fen},
          {"points_holders", cr.points_holders},
          {"item_owners", cr.item_owners}};
}

}  // namespace

Status RunDemoLiquidation(CommandContext& ctx, int rows, std::string* human,
                          nlohmann::json* section) {
  nlohmann::json& s = *section;
  const std::string dir = ctx.opts.vault_dir + ".liquidation";
  s["vault"] = dir;
  *human += "清算 (liquidation) — a second synthetic company in its own vault " + dir + "\n";
  if (vault::Vault::ReadConfig(dir).ok()) {
    s["skipped"] = "the liquidation demo vault exists already";
    *human += "   (already run on this vault; remove " + dir + " to run it again)\n";
    return Status::Ok();
  }
  // Its own clock: the case happens in 2026, whatever day the demo runs.
  DemoClock clock(*ctx.clock);
  const Date closing = MustParse(kClosing);
  clock.SetMicros(MorningMicros(closing));
  bool created = false;
  JV_ASSIGN_OR_RETURN(auto v, CreateOrOpenDemoVault(ctx, dir, "玉匣演示清算珠宝有限公司",
                                                    "liquidation", clock, &created));
  const std::string exports = dir + ".exports";
  std::error_code ec;
  std::filesystem::create_directories(exports, ec);
  if (ec) return InternalError("cannot create " + exports);

  // 1. The case and its deadlines.
  JV_ASSIGN_OR_RETURN(WorkdayCalendar cal, workflow::LoadWorkdayCalendar());
  workflow::LiquidationSettings ls;
  ls.type = "dissolution";
  ls.dissolution_date = MustParse(kDissolution);
  JV_ASSIGN_OR_RETURN(ls, workflow::SetupLiquidation(*v, ls, cal));
  std::vector<workflow::Deadline> deadlines = workflow::ComputeDeadlines(ls, cal);
  workflow::FreezeWindow freeze = workflow::RefundFreeze(ls, cal);
  nlohmann::json dl = nlohmann::json::array();
  int64_t moved = 0;
  *human +=
      "1. 解散清算 (dissolution) on " + std::string(kDissolution) + "; 法定期限 (deadlines):\n";
  for (const auto& d : deadlines) {
    dl.push_back(d.ToJson());
    if (d.adjusted_from) ++moved;
    *human += "     " + d.due.ToString() + "  " + d.id + " (" + d.rule + ", " + d.period + ")" +
              (d.adjusted_from ? "  [顺延 moved from " + d.adjusted_from->ToString() + ": " +
                                     d.adjusted_reason + "]"
                               : "") +
              "\n";
  }
  *human += "   退款冻结 (refunds frozen) " + freeze.start.ToString() + " .. " +
            freeze.end.ToString() + " (" + freeze.rule + ")\n";
  s["dissolution_date"] = kDissolution;
  s["deadlines"] = deadlines.size();
  s["deadlines_moved_by_holidays"] = moved;
  s["refund_freeze"] = {{"start", freeze.start.ToString()}, {"end", freeze.end.ToString()}};

  // 2. The company's records: customers, prepaid balances, items in custody, sales.
  nlohmann::json imported = nlohmann::json::object();
  std::string line;
  for (const char* kind : {"customers", "balances", "items", "transactions"}) {
    JV_ASSIGN_OR_RETURN(ingest::ImportReport r,
                        GenerateAndImport(*v, exports, kind, rows, closing));
    imported[kind] = {{"rows_read", r.rows_read},
                      {"rows_rejected", r.rows_rejected},
                      {"subjects_created", r.subjects_created}};
    line += std::string(line.empty() ? "" : ", ") + kind + " " + std::to_string(r.rows_read);
  }
  s["imported"] = imported;
  *human += "2. 导入 (imported, rows) " + line + " — generated by datagen into " + exports + "\n";

  // 3. The customer-creditors.
  JV_ASSIGN_OR_RETURN(workflow::CreditorsReport cr, workflow::ListCreditors(*v));
  s["creditors"] = CreditorCounts(cr);
  *human += "3. 客户债权人 (customer-creditors): " + std::to_string(cr.creditors.size()) +
            " customers; 储值 prepaid " + std::to_string(cr.prepaid_holders) + " holders, " +
            workflow::YuanText(cr.total_prepaid_fen) + "; 定金 deposits " +
            workflow::YuanText(cr.total_deposit_fen) + "; 寄存物品 item owners " +
            std::to_string(cr.item_owners) + "\n";

  // 4. One claim, declared for exactly the ledger amount, so it verifies at once.
  nlohmann::json claim = nullptr;
  for (const auto& c : cr.creditors) {
    int64_t owed = c.prepaid_fen + c.deposit_fen;
    if (owed <= 0) continue;
    workflow::ClaimInput in;
    in.subject_id = c.subject_id;
    in.status = "declared";
    in.amount_fen = owed;
    JV_ASSIGN_OR_RETURN(claim, workflow::RecordClaim(*v, in));
    break;
  }
  if (!claim.is_null()) {
    s["claim"] = {{"id", claim.value("id", "")}, {"status", claim.value("status", "")}};
    *human += "4. 债权申报 (claim declared) " + claim.value("id", "") +
              " for the ledger amount -> " + claim.value("status", "") + "\n";
  }

  // 5. One item in repair goes back to its owner (RULEBOOK B5).
  workflow::ItemsFilter held;
  held.status = "held";
  JV_ASSIGN_OR_RETURN(nlohmann::json items, workflow::ListItems(*v, held));
  for (const auto& it : items["items"]) {
    if (!it.value("matched", false)) continue;
    workflow::ItemReturn ret;
    ret.item_id = it.value("id", "");
    ret.to = "owner";
    ret.receipt = "DEMO-0001";
    JV_ASSIGN_OR_RETURN(nlohmann::json done, workflow::ReturnItem(*v, ret));
    s["item_returned"] = ret.item_id;
    *human += "5. 物品返还 (item returned to its owner) " + ret.item_id + ", signed receipt " +
              ret.receipt + "; " + std::to_string(items.value("held", 0) - 1) +
              " items still held\n";
    break;
  }
  s["items_held"] = items.value("held", 0);

  // 6. AML: cash days of ¥100,000 or more need CDD kept 10 years.
  JV_ASSIGN_OR_RETURN(workflow::AmlScanReport aml, workflow::ScanAml(*v, true));
  s["aml"] = {{"subjects_scanned", aml.subjects_scanned},
              {"flagged_subjects", aml.flagged_subjects},
              {"records_written", aml.records_written}};
  *human += "6. 反洗钱 (AML scan): " + std::to_string(aml.subjects_scanned) +
            " customers with sales, " + std::to_string(aml.cash_transactions) + " cash payments, " +
            std::to_string(aml.flagged_subjects) +
            " flagged (cash >= ¥100,000 a day; CDD kept 10 years)\n";

  // 7. Closing, and what may go one year later.
  JV_RETURN_IF_ERROR(workflow::CloseLiquidation(*v, closing));
  workflow::PlanOptions po;
  po.as_of = MustParse(kOneYearAfter);
  JV_ASSIGN_OR_RETURN(workflow::RetentionPlan plan, workflow::PlanRetention(*v, po));
  std::string locks;
  for (const auto& [cls, n] : plan.locks) {
    locks += (locks.empty() ? "" : ", ") + cls + " " + std::to_string(n);
  }
  s["closed_on"] = kClosing;
  s["retention_plan"] = {{"as_of", kOneYearAfter},
                         {"subjects_with_data", plan.subjects_with_data},
                         {"fully_deletable", plan.fully_deletable},
                         {"restricted", plan.restricted},
                         {"unchanged", plan.unchanged},
                         {"locks", plan.locks}};
  *human += "7. 清算结束 (closed) " + std::string(kClosing) + "; 保留计划 (retention plan) as of " +
            kOneYearAfter + ": " + std::to_string(plan.fully_deletable) + " to shred, " +
            std::to_string(plan.restricted) + " to restrict, " + std::to_string(plan.unchanged) +
            " kept; locks (customers): " + locks + "\n";

  // 8. A backup, then the retention run a year later, which ends the backup's epoch.
  JV_ASSIGN_OR_RETURN(vault::BackupResult bk,
                      vault::WriteBackup(*v, exports + "/backup-before-retention.jvb", ""));
  s["backup"] = {{"id", bk.backup_id}, {"epoch", bk.epoch}, {"bytes", bk.bytes}};
  *human += "8. 备份 (backup) " + bk.backup_id + ", epoch " + std::to_string(bk.epoch) + ", " +
            std::to_string(bk.bytes) + " bytes -> " + bk.out + "\n";
  clock.SetMicros(MorningMicros(po.as_of));
  JV_ASSIGN_OR_RETURN(workflow::RetentionRunResult run, workflow::RunRetention(*v, po));
  nlohmann::json rj = {{"run", run.run_id},
                       {"shredded", run.shredded},
                       {"restricted", run.restricted},
                       {"data_keys_deleted", run.data_keys_deleted}};
  *human += "9. 到期删除 (retention run, demo clock at " + std::string(kOneYearAfter) + ") " +
            run.run_id + ": " + std::to_string(run.shredded) + " shredded, " +
            std::to_string(run.restricted) + " restricted, " +
            std::to_string(run.data_keys_deleted) + " data keys destroyed\n";
  if (run.data_keys_deleted > 0) {
    EndBackupEpochAndNotify(ctx, *v, "retention run " + run.run_id, run.shredded + run.restricted,
                            rj);
    *human += "   需要新的备份 (a new backup is needed): " + bk.backup_id +
              " can no longer be restored\n";
  }
  s["retention_run"] = rj;
  // What the liquidator can still read: balances and items kept by their own locks.
  JV_ASSIGN_OR_RETURN(workflow::CreditorsReport after, workflow::ListCreditors(*v));
  s["creditors_after_retention"] = CreditorCounts(after);
  *human +=
      "   之后仍可读 (still readable after the run): " + std::to_string(after.creditors.size()) +
      " customer-creditors, prepaid " + workflow::YuanText(after.total_prepaid_fen) +
      " (balances kept 5 years), item owners " + std::to_string(after.item_owners) + "\n";

  auto cp = v->audit().MakeCheckpoint(v->signer());
  JV_RETURN_IF_ERROR(cp.status());
  JV_ASSIGN_OR_RETURN(auto report, v->audit().Verify(v->signer().PublicKeyPem()));
  s["audit"] = {{"ok", report.ok}, {"entries", report.entries}};
  *human += std::string("   审计验证 (audit verify): ") + (report.ok ? "通过 ok" : "失败 FAILED") +
            ", " + std::to_string(report.entries) + " entries\n";
  return Status::Ok();
}

}  // namespace jv::cli::demo
