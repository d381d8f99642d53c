// jadevault liquidation … | claims … | items … (SPEC §7, §10). The work is done by
// src/workflow (liquidation.h, liquidation_clock.h, liquidation_notices.h, claims.h,
// items.h); this file parses flags and prints results.
//
//   liquidation setup --type dissolution --dissolution-date D [--group-formed D]
//                     [--creditor-notice D] [--announcement D]
//   liquidation setup --type bankruptcy --court-accepted D --announcement D
//                     --claims-period-end D [--creditors-meeting D]     -> settings JSON
//   liquidation deadlines                    -> {"type","deadlines":[…],"refund_freeze",…}
//   liquidation creditors                    -> {"prepaid_holders",…,"subjects":[…]}
//   liquidation close --date D               -> {"closed_on"}
//   liquidation notices template check FILE  -> {"ok":true} or exit 4
//   liquidation notices plan [--template F] --liquidator-contact C --items-where W
//                            [--items-until D]                       -> counts
//   liquidation notices render --subject S   -> the text (audited)
//   liquidation notices send --channel file|smtp|webhook …           -> {"sent","failed"}
//   claims record --subject S --status declared|verified|disputed|confirmed|paid
//                 [--amount-fen N] [--note-file F] [--type T]
//                 [--paid-fen P --bonus-fen B --lpr-bp R --interest-days N]  -> the claim
//   claims list                              -> {"claims":[…],"by_status",…}
//   items list [--status held|returned]      -> {"items":[…],"held","returned","unmatched"}
//   items return ID --to NAME|owner --receipt NO [--reason TEXT]      -> the return
#include <tuple>

#include "src/cli/commands/commands.h"
#include "src/cli/notice_channel.h"
#include "src/cli/progress.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/workflow/claims.h"
#include "src/workflow/delivery.h"
#include "src/workflow/items.h"
#include "src/workflow/liquidation.h"
#include "src/workflow/liquidation_notices.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;
namespace wf = jv::workflow;

struct LiquidationArgs {
  std::string type;
  std::string dissolution_date, group_formed, creditor_notice, announcement;
  std::string court_accepted, claims_period_end, creditors_meeting;
  std::string close_date;
  // notices
  std::string file, template_file, liquidator_contact, items_where, items_until, subject;
  std::string channel, out, smtp_url, from, url;
  std::string mail_subject = "清算债权申报通知 (notice to creditors)";
  int64_t batch_size = 1000;
  // claims
  std::string status, note_file, claim_type;
  int64_t amount_fen = -1, paid_fen = -1, bonus_fen = 0, lpr_bp = 0, interest_days = 0;
  // items
  std::string item_id, to, receipt, reason, item_status;
};

Status ParseDateFlag(const std::string& value, const char* flag, std::optional<Date>* out) {
  if (value.empty()) return Status::Ok();
  auto d = Date::Parse(value);
  if (!d.ok()) return InvalidArgumentError(std::string(flag) + " must be YYYY-MM-DD");
  *out = *d;
  return Status::Ok();
}

void RunSetup(CommandContext& ctx, const LiquidationArgs& a) {
  wf::LiquidationSettings s;
  s.type = a.type;
  for (auto [value, flag, out] :
       {std::tuple{&a.dissolution_date, "--dissolution-date", &s.dissolution_date},
        std::tuple{&a.group_formed, "--group-formed", &s.group_formed},
        std::tuple{&a.creditor_notice, "--creditor-notice", &s.creditor_notice},
        std::tuple{&a.announcement, "--announcement", &s.announcement},
        std::tuple{&a.court_accepted, "--court-accepted", &s.court_accepted},
        std::tuple{&a.claims_period_end, "--claims-period-end", &s.claims_period_end},
        std::tuple{&a.creditors_meeting, "--creditors-meeting", &s.creditors_meeting}}) {
    if (ctx.FailIfError(ParseDateFlag(*value, flag, out))) return;
  }
  auto cal = wf::LoadWorkdayCalendar();
  if (ctx.FailIfError(cal.status())) return;
  // Validate before unlocking: a bad claims period is bad input whatever the vault holds.
  if (ctx.FailIfError(wf::ValidateLiquidationSettings(s, *cal))) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::SetupLiquidation(**v, s, *cal);
  if (ctx.FailIfError(r.status())) return;
  json doc = r->ToJson();
  doc["ok"] = true;
  ctx.Report(doc, std::string("清算已设置 (liquidation set up): ") + r->type + "\n");
}

void RunDeadlines(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto s = wf::GetLiquidation(**v);
  if (ctx.FailIfError(s.status())) return;
  auto cal = wf::LoadWorkdayCalendar();
  if (ctx.FailIfError(cal.status())) return;
  bool fallback = false;
  std::vector<wf::Deadline> ds = wf::ComputeDeadlines(*s, *cal, &fallback);
  wf::FreezeWindow w = wf::RefundFreeze(*s, *cal);
  json list = json::array();
  std::string human;
  for (const auto& d : ds) {
    list.push_back(d.ToJson());
    human += d.due.ToString() + "  " + d.id + "  (" + d.rule + ", " + d.from_what + " " +
             d.from.ToString() + (d.from_estimated ? " est." : "") + " + " + d.period + ")" +
             (d.adjusted_from ? "  [moved from " + d.adjusted_from->ToString() + "]" : "") + "\n";
  }
  json doc = {{"type", s->type},
              {"deadlines", list},
              {"calendar_fallback", fallback},
              {"refund_freeze",
               {{"start", w.start.ToString()}, {"end", w.end.ToString()}, {"rule", w.rule}}}};
  auto closed = wf::LiquidationClosedOn(**v);
  if (ctx.FailIfError(closed.status())) return;
  doc["closed_on"] = *closed ? json((*closed)->ToString()) : json(nullptr);
  human += "退款冻结 (refunds frozen) " + w.start.ToString() + " .. " + w.end.ToString() + " (" +
           w.rule + ")\n";
  if (fallback) human += "warning: a date fell outside the holiday calendar's years\n";
  ctx.Report(doc, human);
}

void RunCreditors(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::ListCreditors(**v);
  if (ctx.FailIfError(r.status())) return;
  ctx.Report(r->ToJson(), "客户债权人 (customer-creditors): prepaid " +
                              std::to_string(r->prepaid_holders) + " (" +
                              wf::YuanText(r->total_prepaid_fen) + "), points " +
                              std::to_string(r->points_holders) + ", item owners " +
                              std::to_string(r->item_owners) + "\n");
}

void RunClose(CommandContext& ctx, const LiquidationArgs& a) {
  std::optional<Date> d;
  if (ctx.FailIfError(ParseDateFlag(a.close_date, "--date", &d))) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  if (ctx.FailIfError(wf::CloseLiquidation(**v, *d))) return;
  ctx.Report({{"ok", true}, {"closed_on", d->ToString()}},
             "清算已结束 (liquidation closed) " + d->ToString() + "\n");
}

void RunTemplateCheck(CommandContext& ctx, const LiquidationArgs& a) {
  auto t = ReadFileToString(a.file);
  if (!t.ok()) return ctx.Fail(InvalidArgumentError("cannot read the template file"));
  if (ctx.FailIfError(wf::CheckCreditorNoticeTemplate(*t))) return;
  ctx.Report({{"ok", true}, {"elements", wf::RequiredCreditorNoticeElements()}},
             "模板完整 (template has every required element)\n");
}

void RunPlan(CommandContext& ctx, const LiquidationArgs& a) {
  wf::CreditorNoticeOptions o;
  if (!a.template_file.empty()) {
    auto t = ReadFileToString(a.template_file);
    if (!t.ok()) return ctx.Fail(InvalidArgumentError("--template: cannot read the file"));
    if (ctx.FailIfError(wf::CheckCreditorNoticeTemplate(*t))) return;
    o.template_text = *t;
  }
  o.liquidator_contact = a.liquidator_contact;
  o.items_where = a.items_where;
  if (ctx.FailIfError(ParseDateFlag(a.items_until, "--items-until", &o.items_until))) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto c = wf::PlanCreditorNotices(**v, o);
  if (ctx.FailIfError(c.status())) return;
  ctx.Report(c->ToJson(), "债权人通知计划 (creditor notices): SMS " + std::to_string(c->sms) +
                              ", email " + std::to_string(c->email) + ", letter " +
                              std::to_string(c->letter) + ", announcement " +
                              std::to_string(c->announcement) + "\n");
}

void RunRender(CommandContext& ctx, const LiquidationArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto n = wf::RenderCreditorNotice(**v, a.subject);
  if (ctx.FailIfError(n.status())) return;
  auto seq = (*v)->Audit("creditor_notice.render", a.subject, wf::kPurposeLiquidation,
                         {{"notice", n->notice_id}, {"channel", n->channel}});
  if (ctx.FailIfError(seq.status())) return;
  ctx.Report({{"notice_id", n->notice_id},
              {"subject", n->subject_id},
              {"channel", n->channel},
              {"segments", n->segments},
              {"text", n->text}},
             n->text);
}

void RunSend(CommandContext& ctx, const LiquidationArgs& a) {
  auto sink = MakeNoticeSink(
      {a.channel, a.out, a.batch_size, a.smtp_url, a.from, a.mail_subject, a.url}, true);
  if (ctx.FailIfError(sink.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  std::unique_ptr<Progress> bar;
  auto r = wf::SendCreditorNotices(**v, **sink, a.channel, [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<Progress>(ctx, "发送债权人通知 (sending)", total);
    bar->Update(done);
  });
  if (bar) bar->Done();
  if (ctx.FailIfError(r.status())) return;
  json doc = r->ToJson();
  doc["channel"] = a.channel;
  ctx.Report(doc, "已发送 (sent) " + std::to_string(r->sent) + ", failed " +
                      std::to_string(r->failed) + "\n");
}

void RunClaimRecord(CommandContext& ctx, const LiquidationArgs& a) {
  wf::ClaimInput in;
  in.subject_id = a.subject;
  in.status = a.status;
  in.claim_type = a.claim_type;
  if (a.amount_fen >= 0) in.amount_fen = a.amount_fen;
  if (a.paid_fen >= 0) in.paid_fen = a.paid_fen;
  in.bonus_fen = a.bonus_fen;
  in.lpr_bp = a.lpr_bp;
  in.interest_days = a.interest_days;
  if (!a.note_file.empty()) {
    auto t = ReadFileToString(a.note_file);
    if (!t.ok()) return ctx.Fail(InvalidArgumentError("--note-file: cannot read the file"));
    in.note = *t;
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::RecordClaim(**v, in);
  if (ctx.FailIfError(r.status())) return;
  std::string human = "债权 (claim) " + r->value("id", "") + ": " + r->value("status", "") + "\n";
  if (r->contains("reason")) human += "  " + (*r)["reason"].get<std::string>() + "\n";
  ctx.Report(*r, human);
}

void RunClaimList(CommandContext& ctx) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::ListClaims(**v);
  if (ctx.FailIfError(r.status())) return;
  std::string human;
  for (const auto& c : (*r)["claims"]) {
    human +=
        c.value("id", "") + "\t" + c.value("subject", "") + "\t" + c.value("status", "") + "\n";
  }
  if (human.empty()) human = "(no claims)\n";
  ctx.Report(*r, human);
}

void RunItemsList(CommandContext& ctx, const LiquidationArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::ListItems(**v, wf::ItemsFilter{a.item_status});
  if (ctx.FailIfError(r.status())) return;
  std::string human;
  for (const auto& it : (*r)["items"]) {
    human += it.value("id", "") + "\t" + it.value("status", "") + "\t" +
             (it["subject"].is_string() ? it["subject"].get<std::string>()
                                        : std::string("(unmatched)")) +
             "\n";
  }
  human += "held " + std::to_string((*r)["held"].get<int64_t>()) + ", returned " +
           std::to_string((*r)["returned"].get<int64_t>()) + ", unmatched " +
           std::to_string((*r)["unmatched"].get<int64_t>()) + "\n";
  ctx.Report(*r, human);
}

void RunItemsReturn(CommandContext& ctx, const LiquidationArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto r = wf::ReturnItem(**v, wf::ItemReturn{a.item_id, a.to, a.receipt, a.reason});
  if (ctx.FailIfError(r.status())) return;
  ctx.Report(*r, "已返还 (returned) " + a.item_id + "\n");
}

}  // namespace

void RegisterLiquidationCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<LiquidationArgs>();

  CLI::App* liq = app.add_subcommand("liquidation", "dissolution or bankruptcy (SPEC §7)");
  liq->require_subcommand(1);
  CLI::App* setup = liq->add_subcommand("setup", "set the case type and its dates");
  setup->add_option("--type", a->type, "dissolution | bankruptcy")->required();
  setup->add_option("--dissolution-date", a->dissolution_date, "date of dissolution (YYYY-MM-DD)");
  setup->add_option("--group-formed", a->group_formed, "liquidation group formed");
  setup->add_option("--creditor-notice", a->creditor_notice, "known creditors notified");
  setup->add_option("--announcement", a->announcement, "public announcement");
  setup->add_option("--court-accepted", a->court_accepted, "court accepted the petition");
  setup->add_option("--claims-period-end", a->claims_period_end, "end of the claims period");
  setup->add_option("--creditors-meeting", a->creditors_meeting, "first creditors' meeting");
  setup->callback([&ctx, a] { RunSetup(ctx, *a); });
  CLI::App* deadlines = liq->add_subcommand("deadlines", "the statutory deadlines");
  deadlines->callback([&ctx] { RunDeadlines(ctx); });
  CLI::App* creditors = liq->add_subcommand("creditors", "customer-creditors and item owners");
  creditors->callback([&ctx] { RunCreditors(ctx); });
  CLI::App* close = liq->add_subcommand("close", "record the date the liquidation closed");
  close->add_option("--date", a->close_date, "closing date (YYYY-MM-DD)")->required();
  close->callback([&ctx, a] { RunClose(ctx, *a); });

  CLI::App* notices = liq->add_subcommand("notices", "notices to customer-creditors");
  notices->require_subcommand(1);
  CLI::App* tmpl = notices->add_subcommand("template", "creditor notice templates");
  tmpl->require_subcommand(1);
  CLI::App* check_t = tmpl->add_subcommand("check", "refuse a template missing an element");
  check_t->add_option("FILE", a->file, "template file")->required();
  check_t->callback([&ctx, a] { RunTemplateCheck(ctx, *a); });
  CLI::App* plan = notices->add_subcommand("plan", "plan one notice per customer-creditor");
  plan->add_option("--template", a->template_file, "template file (default: built-in zh-CN)");
  plan->add_option("--liquidator-contact", a->liquidator_contact, "liquidator's name and phone");
  plan->add_option("--items-where", a->items_where, "where owners collect their items");
  plan->add_option("--items-until", a->items_until, "last day to collect items (YYYY-MM-DD)");
  plan->callback([&ctx, a] { RunPlan(ctx, *a); });
  CLI::App* render = notices->add_subcommand("render", "show one customer's creditor notice");
  render->add_option("--subject", a->subject, "subject id")->required();
  render->callback([&ctx, a] { RunRender(ctx, *a); });
  CLI::App* send = notices->add_subcommand("send", "send planned creditor notices");
  send->add_option("--channel", a->channel, "file | smtp | webhook")->required();
  send->add_option("--out", a->out, "outbox directory (file)");
  send->add_option("--batch-size", a->batch_size, "SMS rows per outbox file (default 1000)")
      ->check(CLI::Range(1, 1000000));
  send->add_option("--smtp-url", a->smtp_url, "smtp://HOST:PORT");
  send->add_option("--from", a->from, "sender address (smtp)");
  send->add_option("--mail-subject", a->mail_subject, "mail subject (smtp)");
  send->add_option("--url", a->url, "webhook URL");
  send->callback([&ctx, a] { RunSend(ctx, *a); });

  CLI::App* claims = app.add_subcommand("claims", "the claims register");
  claims->require_subcommand(1);
  CLI::App* record = claims->add_subcommand("record", "record a step of a customer's claim");
  record->add_option("--subject", a->subject, "subject id")->required();
  record->add_option("--status", a->status, "declared | verified | disputed | confirmed | paid")
      ->required();
  record->add_option("--amount-fen", a->amount_fen, "amount in fen (integer)")
      ->check(CLI::NonNegativeNumber);
  record->add_option("--note-file", a->note_file, "a note or the dispute reason (file)");
  record->add_option("--type", a->claim_type, "ordinary | conditional | retrieval");
  record->add_option("--paid-fen", a->paid_fen, "PP3: money paid in (fen), for confirmed")
      ->check(CLI::NonNegativeNumber);
  record->add_option("--bonus-fen", a->bonus_fen, "PP3: bonus value added (fen)");
  record->add_option("--lpr-bp", a->lpr_bp, "PP3: 1-year LPR at contract date (basis points)");
  record->add_option("--interest-days", a->interest_days, "PP3: days of interest");
  record->callback([&ctx, a] { RunClaimRecord(ctx, *a); });
  CLI::App* clist = claims->add_subcommand("list", "list claims");
  clist->callback([&ctx] { RunClaimList(ctx); });

  CLI::App* items = app.add_subcommand("items", "customer-owned items held by the company");
  items->require_subcommand(1);
  CLI::App* ilist = items->add_subcommand("list", "list items");
  ilist->add_option("--status", a->item_status, "held | returned");
  ilist->callback([&ctx, a] { RunItemsList(ctx, *a); });
  CLI::App* ret = items->add_subcommand("return", "record an item returned");
  ret->add_option("ID", a->item_id, "item id (it_…)")->required();
  ret->add_option("--to", a->to, "who collected it: a name, or \"owner\"")->required();
  ret->add_option("--receipt", a->receipt, "receipt number signed on collection")->required();
  ret->add_option("--reason", a->reason, "why someone other than the owner collected it");
  ret->callback([&ctx, a] { RunItemsReturn(ctx, *a); });
}

}  // namespace jv::cli
