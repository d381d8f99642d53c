#include "src/workflow/liquidation_notices.h"

#include <algorithm>
#include <map>
#include <set>

#include "src/classify/email.h"
#include "src/classify/mobile.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/crypto/hash.h"
#include "src/workflow/liquidation.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

constexpr int64_t kCommitEvery = 500;

// The built-in templates (data/templates/notice_creditor.<lang>.txt; a test keeps them equal).
constexpr char kTemplateZh[] =
    "尊敬的{{customer_name}}：{{company}}已进入清算程序。依据我司账册，您对我司享有的债权为："
    "{{claim_amount}}。请于{{declare_by}}前{{how_to_declare}}。您寄存、送修或委托加工的物品，"
    "请于{{items_until}}前到{{items_where}}凭单据取回。清算组（管理人）联系方式："
    "{{liquidator_contact}}。关于您的个人信息：{{data_handling}}\n";
constexpr char kTemplateEn[] =
    "Dear {{customer_name}}: {{company}} is in liquidation. According to our books, your claim "
    "against the company is: {{claim_amount}}. By {{declare_by}}, {{how_to_declare}}. Items you "
    "left with us for custody, repair or processing can be collected at {{items_where}} until "
    "{{items_until}} on presenting your receipt. Liquidator (administrator) contact: "
    "{{liquidator_contact}}. About your personal information: {{data_handling}}\n";

const std::map<std::string, std::string>& ElementDescriptions() {
  static const auto* m = new std::map<std::string, std::string>{
      {"company", "the company in liquidation (公司名称)"},
      {"claim_amount", "the customer's claim per the books (债权金额)"},
      {"how_to_declare", "how to declare the claim (申报方式)"},
      {"declare_by", "the declaration deadline (申报截止日期)"},
      {"items_where", "where to collect items (物品取回地点)"},
      {"items_until", "until when items can be collected (物品取回期限)"},
      {"liquidator_contact", "the liquidator's contact (清算组联系方式)"},
      {"data_handling", "what happens to the customer's data (个人信息的处理)"},
  };
  return *m;
}

bool IsEnglish(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

json Attrs(const store::ObjectRow& o) {
  json a = json::parse(o.attrs_json, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::string TemplateVersion(const std::string& text) {
  Bytes d = crypto::Sha256(AsBytes(text));
  return "sha256:" + HexEncode(ByteView(d.data(), 8));
}

std::string PickChannel(const std::map<std::string, json>& cur) {
  auto get = [&](const char* k) -> std::string {
    auto it = cur.find(k);
    return it == cur.end() ? "" : Text(it->second);
  };
  if (classify::CheckMobile(get("mobile")).valid()) return "sms";
  if (classify::CheckEmail(get("email")).valid()) return "email";
  if (!TrimSpace(get("address")).empty()) return "letter";
  return "announcement";
}

struct NoticeSettings {
  std::string text, version, liquidator_contact, items_where;
  std::optional<Date> items_until;
};

Result<std::optional<NoticeSettings>> StoredSettings(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(auto raw, v.store().GetMeta(kMetaCreditorNotice));
  if (!raw) return std::optional<NoticeSettings>();
  json doc = json::parse(*raw, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return DataLossError("meta liquidation.notice is corrupt");
  }
  NoticeSettings s;
  s.text = doc.value("text", "");
  s.version = doc.value("version", "");
  s.liquidator_contact = doc.value("liquidator_contact", "");
  s.items_where = doc.value("items_where", "");
  if (doc.contains("items_until") && doc["items_until"].is_string()) {
    auto d = Date::Parse(doc["items_until"].get<std::string>());
    if (d.ok()) s.items_until = *d;
  }
  return std::optional<NoticeSettings>(s);
}

// Everything the rendering needs apart from the subject.
struct Context {
  LiquidationSettings liq;
  NoticeSettings notice;
  Date declare_by, items_until;
};

Result<Context> LoadContext(vault::Vault& v) {
  Context c;
  JV_ASSIGN_OR_RETURN(c.liq, GetLiquidation(v));
  JV_ASSIGN_OR_RETURN(auto ns, StoredSettings(v));
  if (!ns)
    return FailedPreconditionError("no creditor notice is planned: run `liquidation notices plan`");
  c.notice = *ns;
  JV_ASSIGN_OR_RETURN(WorkdayCalendar cal, LoadWorkdayCalendar());
  std::vector<Deadline> ds = ComputeDeadlines(c.liq, cal);
  auto due = [&](const char* id) -> std::optional<Date> {
    for (const auto& d : ds) {
      if (d.id == id) return d.due;
    }
    return std::nullopt;
  };
  const Date today = ChinaDateFromMicros(v.clock().NowMicros());
  if (c.liq.type == "dissolution") {
    // CL 235: 30 days from receipt; never earlier than 30 days from today.
    Deadline t;
    t.due = today.AddDays(30);
    AdjustToWorkday(&t, cal, nullptr);
    c.declare_by = std::max(due("claims_deadline_notified").value_or(t.due), t.due);
  } else {
    c.declare_by = due("claims_period_end").value_or(today);
  }
  if (c.notice.items_until) {
    c.items_until = *c.notice.items_until;
  } else if (auto b = due("items_return_by")) {
    c.items_until = *b;
  } else {
    c.items_until = c.declare_by;
  }
  return c;
}

std::string ClaimAmountText(const SubjectLedger& l, bool en) {
  std::string s;
  auto add = [&](const std::string& part) {
    if (!s.empty()) s += en ? "; " : "；";
    s += part;
  };
  if (l.prepaid_fen > 0) add((en ? "prepaid balance " : "储值余额") + YuanText(l.prepaid_fen));
  if (l.deposit_fen > 0) add((en ? "deposit " : "定金") + YuanText(l.deposit_fen));
  if (l.points_hundredths > 0) {
    json p = PointsJson(l.points_hundredths);
    add((en ? "points " : "积分") + Text(p));
  }
  int64_t held = l.HeldItems();
  if (held > 0) {
    add(en ? std::to_string(held) + " item(s) held for you"
           : "我司代为保管的物品" + std::to_string(held) + "件");
  }
  if (s.empty()) s = en ? "none recorded" : "账面无记录";
  return s;
}

std::map<std::string, std::string> Values(vault::Vault& v, const Context& c, const SubjectLedger& l,
                                          bool en) {
  const bool bankrupt = c.liq.type == "bankruptcy";
  std::map<std::string, std::string> values = {
      {"company", v.config().company},
      {"claim_amount", ClaimAmountText(l, en)},
      {"declare_by", c.declare_by.ToString()},
      {"how_to_declare",
       en ? std::string("declare your claim in writing to the ") +
                (bankrupt ? "administrator" : "liquidation group") +
                ", stating the amount and any security, with your ID document and card or "
                "receipts (a claim not declared in time may lose its place in the distribution)"
          : std::string("携带身份证件及储值卡或单据，以书面形式向") +
                (bankrupt ? "管理人" : "清算组") +
                "申报债权，写明债权金额及有无担保（逾期未申报的，可能影响您参与分配）"},
      {"items_where", c.notice.items_where},
      {"items_until", c.items_until.ToString()},
      {"liquidator_contact", c.notice.liquidator_contact},
      {"data_handling",
       en ? "we use it only to settle your claim and return your items. When the liquidation "
            "ends, records the law requires us to keep (accounting 30 years, prepaid-card "
            "registration 5 years, anti-money-laundering records 10 years) are locked away "
            "and deleted when their period ends; everything else is deleted."
          : "仅用于核对、清偿您的债权及返还物品。清算结束后，法律要求保存的记录（会计凭证30年、"
            "预付卡登记5年、反洗钱记录10年）将封存，期满后删除；其余信息一律删除。"},
      {"customer_name", en ? "customer" : "客户"},
  };
  auto name = l.current.find("name");
  if (name != l.current.end() && !Text(name->second).empty()) {
    values["customer_name"] = Text(name->second);
  }
  return values;
}

std::string AddressFor(const std::string& channel, const std::map<std::string, json>& cur) {
  const char* field = channel == "sms"      ? "mobile"
                      : channel == "email"  ? "email"
                      : channel == "letter" ? "address"
                                            : nullptr;
  if (field == nullptr) return "";
  auto f = cur.find(field);
  if (f == cur.end()) return "";
  std::string to = Text(f->second);
  if (channel == "sms") {
    auto m = classify::CheckMobile(to);
    if (m.valid()) to = m.value;
  }
  return to;
}

Result<RenderedNotice> Render(vault::Vault& v, const Context& c, const store::ObjectRow& n) {
  JV_ASSIGN_OR_RETURN(SubjectLedger l, ReadLedger(v, n.subject_id));
  const bool en = IsEnglish(c.notice.text);
  RenderedNotice out;
  out.notice_id = n.id;
  out.subject_id = n.subject_id;
  out.channel = Attrs(n).value("channel", "");
  out.to = AddressFor(out.channel, l.current);
  out.text = RenderTemplate(c.notice.text, Values(v, c, l, en));
  out.segments = SmsSegments(out.text);
  return out;
}

bool Excluded(const std::string& state) {
  return state == "shredded" || state == "unmatched" || state == "transferred";
}

}  // namespace

const std::vector<std::string>& RequiredCreditorNoticeElements() {
  static const auto* v = new std::vector<std::string>{
      "company",     "claim_amount", "how_to_declare",     "declare_by",
      "items_where", "items_until",  "liquidator_contact", "data_handling"};
  return *v;
}

Status CheckCreditorNoticeTemplate(std::string_view text) {
  if (!IsValidUtf8(text))
    return InvalidArgumentError("creditor notice template is not valid UTF-8");
  for (const auto& e : RequiredCreditorNoticeElements()) {
    if (text.find("{{" + e + "}}") == std::string_view::npos) {
      return InvalidArgumentError("creditor notice template is missing required element {{" + e +
                                  "}}: " + ElementDescriptions().at(e));
    }
  }
  return Status::Ok();
}

Result<std::string> DefaultCreditorNoticeTemplate(const std::string& lang) {
  if (lang == "zh-CN" || lang.empty()) return std::string(kTemplateZh);
  if (lang == "en") return std::string(kTemplateEn);
  return InvalidArgumentError("--lang must be zh-CN or en");
}

std::string YuanText(int64_t fen) {
  const bool neg = fen < 0;
  uint64_t f = neg ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  std::string digits = std::to_string(f / 100);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02u", static_cast<unsigned>(f % 100));
  return std::string(neg ? "-" : "") + "¥" + grouped + "." + cents;
}

json CreditorPlanCounts::ToJson() const {
  return {{"sms", sms},
          {"email", email},
          {"letter", letter},
          {"announcement", announcement},
          {"planned_now", planned_now}};
}

Result<CreditorPlanCounts> PlanCreditorNotices(vault::Vault& v, const CreditorNoticeOptions& o) {
  JV_ASSIGN_OR_RETURN(LiquidationSettings liq, GetLiquidation(v));
  (void)liq;
  JV_ASSIGN_OR_RETURN(auto stored, StoredSettings(v));
  NoticeSettings ns = stored.value_or(NoticeSettings{});
  if (!o.template_text.empty()) {
    JV_RETURN_IF_ERROR(CheckCreditorNoticeTemplate(o.template_text));
    ns.text = o.template_text;
    ns.version = TemplateVersion(o.template_text);
  } else if (ns.text.empty()) {
    ns.text = kTemplateZh;
    ns.version = "builtin-zh-CN";
  }
  if (!TrimSpace(o.liquidator_contact).empty()) ns.liquidator_contact = o.liquidator_contact;
  if (!TrimSpace(o.items_where).empty()) ns.items_where = o.items_where;
  if (o.items_until) ns.items_until = o.items_until;
  if (TrimSpace(ns.liquidator_contact).empty()) {
    return InvalidArgumentError("--liquidator-contact is required");
  }
  if (TrimSpace(ns.items_where).empty()) return InvalidArgumentError("--items-where is required");

  JV_ASSIGN_OR_RETURN(CreditorsReport creditors, ListCreditors(v));
  store::ObjectFilter f;
  f.kind = kKindCreditorNotice;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  std::map<std::string, store::ObjectRow> live;
  for (auto& r : rows) {
    if (r.status != "failed") live[r.subject_id] = std::move(r);
  }
  const int64_t now = v.clock().NowMicros();
  CreditorPlanCounts counts;
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  json meta = {{"text", ns.text},
               {"version", ns.version},
               {"liquidator_contact", ns.liquidator_contact},
               {"items_where", ns.items_where}};
  if (ns.items_until) meta["items_until"] = ns.items_until->ToString();
  JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaCreditorNotice, meta.dump()));
  for (const auto& l : creditors.creditors) {
    if (live.count(l.subject_id)) continue;
    store::ObjectRow n;
    n.kind = kKindCreditorNotice;
    n.id = NewId(v.random(), "cn_");
    n.subject_id = l.subject_id;
    n.status = "planned";
    n.created_micros = n.updated_micros = now;
    n.attrs_json = json({{"channel", PickChannel(l.current)},
                         {"template_version", ns.version},
                         {"batch", ""},
                         {"sent_at", nullptr}})
                       .dump();
    JV_RETURN_IF_ERROR(v.store().PutObject(n));
    live[l.subject_id] = n;
    ++counts.planned_now;
  }
  for (const auto& [sid, n] : live) {
    std::string ch = Attrs(n).value("channel", "");
    if (ch == "sms")
      ++counts.sms;
    else if (ch == "email")
      ++counts.email;
    else if (ch == "letter")
      ++counts.letter;
    else
      ++counts.announcement;
  }
  json details = counts.ToJson();
  details["template_version"] = ns.version;
  JV_RETURN_IF_ERROR(
      v.AuditInTxn("liquidation.notices.plan", "", kPurposeLiquidation, details).status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return counts;
}

Result<RenderedNotice> RenderCreditorNotice(vault::Vault& v, const std::string& subject_id) {
  JV_ASSIGN_OR_RETURN(Context c, LoadContext(v));
  store::ObjectFilter f;
  f.kind = kKindCreditorNotice;
  f.subject_id = subject_id;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  const store::ObjectRow* latest = nullptr;
  for (const auto& r : rows) {
    if (latest == nullptr || latest->created_micros <= r.created_micros) latest = &r;
  }
  if (latest == nullptr) {
    return NotFoundError("the subject has no creditor notice: run `liquidation notices plan`");
  }
  return Render(v, c, *latest);
}

Result<SendResult> SendCreditorNotices(vault::Vault& v, NoticeSink& sink, const std::string& label,
                                       const std::function<void(int64_t, int64_t)>& progress) {
  JV_ASSIGN_OR_RETURN(Context c, LoadContext(v));
  std::set<std::string> channels;
  for (const auto& ch : sink.Channels()) channels.insert(ch);
  store::ObjectFilter f;
  f.kind = kKindCreditorNotice;
  f.status = "planned";
  JV_ASSIGN_OR_RETURN(auto planned, v.store().ListObjects(f));
  std::vector<store::ObjectRow> todo;
  for (auto& n : planned) {
    if (channels.count(Attrs(n).value("channel", ""))) todo.push_back(std::move(n));
  }
  SendResult res;
  const int64_t total = static_cast<int64_t>(todo.size());
  std::vector<store::ObjectRow> accepted, rejected;
  Status abort_status = Status::Ok();
  auto commit = [&]() -> Status {
    if (accepted.empty() && rejected.empty()) return Status::Ok();
    std::string batch = sink.BatchLabel();
    JV_RETURN_IF_ERROR(sink.Flush());
    const int64_t now = v.clock().NowMicros();
    store::Transaction txn(v.store());
    JV_RETURN_IF_ERROR(txn.Start());
    for (auto& n : accepted) {
      json a = Attrs(n);
      a["batch"] = batch;
      a["sent_at"] = FormatRfc3339Seconds(now);
      n.attrs_json = a.dump();
      n.status = "sent";
      n.updated_micros = now;
      JV_RETURN_IF_ERROR(v.store().PutObject(n));
    }
    for (auto& n : rejected) {
      n.status = "failed";
      n.updated_micros = now;
      JV_RETURN_IF_ERROR(v.store().PutObject(n));
    }
    JV_RETURN_IF_ERROR(v.AuditInTxn("liquidation.notices.send", "", kPurposeLiquidation,
                                    {{"channel", label},
                                     {"batch", batch},
                                     {"sent", static_cast<int64_t>(accepted.size())},
                                     {"failed", static_cast<int64_t>(rejected.size())}})
                           .status());
    JV_RETURN_IF_ERROR(txn.Commit());
    res.sent += static_cast<int64_t>(accepted.size());
    res.failed += static_cast<int64_t>(rejected.size());
    accepted.clear();
    rejected.clear();
    return Status::Ok();
  };
  int64_t done = 0;
  for (auto& n : todo) {
    JV_ASSIGN_OR_RETURN(store::SubjectRow s, v.store().GetSubject(n.subject_id));
    ++done;
    if (Excluded(s.state)) continue;
    JV_ASSIGN_OR_RETURN(RenderedNotice rn, Render(v, c, n));
    Status st = sink.Send(rn);
    if (st.code() == StatusCode::kUnavailable) {
      abort_status = st;
      break;
    }
    if (st.ok())
      accepted.push_back(std::move(n));
    else
      rejected.push_back(std::move(n));
    if (progress) progress(done, total);
    if (static_cast<int64_t>(accepted.size() + rejected.size()) >= kCommitEvery) {
      JV_RETURN_IF_ERROR(commit());
    }
  }
  JV_RETURN_IF_ERROR(commit());
  JV_RETURN_IF_ERROR(abort_status);
  return res;
}

}  // namespace jv::workflow
