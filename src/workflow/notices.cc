#include "src/workflow/notices.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "src/classify/email.h"
#include "src/classify/mask.h"
#include "src/classify/mobile.h"
#include "src/common/date.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/crypto/aead.h"
#include "src/crypto/hash.h"
#include "src/ingest/importer.h"
#include "src/workflow/transfer.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

constexpr char kMetaTemplate[] = "notice_template";
constexpr char kPortalIndexKind[] = "portal_code";
constexpr int64_t kCommitEvery = 500;

// The built-in templates (data/templates/notice_transfer.<lang>.txt; a test keeps them equal).
constexpr char kTemplateZh[] =
    "尊敬的{{customer_name}}：{{transferor}}因{{reason}}，将把您的个人信息（{{categories}}）"
    "转移给{{recipient_name}}（联系方式：{{recipient_contact}}）。{{unchanged_purpose}}"
    "如不同意转移或需行使您的权利，请于{{deadline}}前{{how_to_object}}。"
    "您的个人查询码：{{portal_code}}\n";
constexpr char kTemplateEn[] =
    "Dear {{customer_name}}: because of {{reason}}, {{transferor}} will transfer your personal "
    "information ({{categories}}) to {{recipient_name}} (contact: {{recipient_contact}}). "
    "{{unchanged_purpose}} To object or to exercise your rights, by {{deadline}} "
    "{{how_to_object}}. Your personal portal code: {{portal_code}}\n";

const std::map<std::string, std::string>& ElementDescriptions() {
  static const auto* m = new std::map<std::string, std::string>{
      {"transferor", "the transferor (个人信息处理者)"},
      {"recipient_name", "the recipient's name (接收方名称)"},
      {"recipient_contact", "the recipient's contact (接收方联系方式)"},
      {"reason", "the reason for the transfer (转移原因)"},
      {"categories", "the categories transferred (个人信息种类)"},
      {"unchanged_purpose", "that purposes and methods do not change (处理目的和方式不变)"},
      {"how_to_object", "how to object or exercise rights (异议及行使权利的方式)"},
      {"deadline", "the deadline (截止日期)"},
      {"portal_code", "the personal portal code (个人查询码)"},
  };
  return *m;
}

bool IsEnglish(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string ReasonText(const std::string& reason, bool en) {
  static const std::map<std::string, std::pair<std::string, std::string>> m = {
      {"merger", {"合并", "a merger"}},
      {"division", {"分立", "a division"}},
      {"dissolution", {"解散", "dissolution"}},
      {"bankruptcy", {"被宣告破产", "a declaration of bankruptcy"}},
      {"sale", {"资产出售", "a sale of assets"}}};
  auto it = m.find(reason);
  if (it == m.end()) return reason;
  return en ? it->second.second : it->second.first;
}

json Attrs(const store::ObjectRow& o) {
  json a = json::parse(o.attrs_json, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

std::string ValueText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::vector<uint8_t> NoticeAad(const std::string& notice_id, const std::string& subject_id) {
  std::string s = "jadevault notice portal code";
  s.push_back('\0');
  s += notice_id;
  s.push_back('\0');
  s += subject_id;
  return std::vector<uint8_t>(s.begin(), s.end());
}

Result<std::map<std::string, json>> Current(vault::Vault& v, const std::string& subject_id) {
  JV_ASSIGN_OR_RETURN(auto records, v.ReadRecords(subject_id));
  return ingest::CurrentValues(records, vault::kClassProfile,
                               ChinaDateFromMicros(v.clock().NowMicros()));
}

struct Template {
  std::string text;
  std::string version;
};

Result<Template> StoredTemplate(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(auto raw, v.store().GetMeta(kMetaTemplate));
  Template t;
  if (raw) {
    json doc = json::parse(*raw, nullptr, false);
    if (!doc.is_discarded() && doc.is_object()) {
      t.text = doc.value("text", "");
      t.version = doc.value("version", "");
    }
  }
  if (t.text.empty()) {
    t.text = kTemplateZh;
    t.version = "builtin-zh-CN";
  }
  return t;
}

std::string TemplateVersion(const std::string& text) {
  Bytes d = crypto::Sha256(AsBytes(text));
  return "sha256:" + HexEncode(ByteView(d.data(), 8));
}

// Everything a notice's rendering needs apart from the subject.
struct RenderContext {
  TransferSettings settings;
  std::map<std::string, json> recipients;  // id -> attrs
};

Result<RenderContext> LoadRenderContext(vault::Vault& v) {
  RenderContext c;
  JV_ASSIGN_OR_RETURN(c.settings, GetTransfer(v));
  JV_ASSIGN_OR_RETURN(auto list, ListRecipients(v));
  for (auto& r : list) c.recipients[r.value("id", "")] = r;
  return c;
}

Result<std::string> PortalCode(vault::Vault& v, const store::ObjectRow& notice) {
  if (notice.sealed.empty()) return std::string();
  auto key = v.DataKey(notice.subject_id, vault::kClassProfile, false);
  if (!key.ok()) return std::string();  // shredded: the code is gone too
  JV_ASSIGN_OR_RETURN(SecretBuffer code, crypto::Open(v.suite(), **key, notice.sealed,
                                                      NoticeAad(notice.id, notice.subject_id)));
  return std::string(AsString(code.view()));
}

struct Rendered {
  std::string text, to;
};

Result<Rendered> RenderOne(vault::Vault& v, const RenderContext& ctx, const std::string& tmpl,
                           const store::ObjectRow& notice, const store::SubjectRow& subject,
                           const std::map<std::string, json>& cur, const std::string& code) {
  const bool en = IsEnglish(tmpl);
  json attrs = SubjectAttrs(subject);
  std::string rid = attrs.value("recipient", "");
  auto it = ctx.recipients.find(rid);
  if (it == ctx.recipients.end()) {
    return FailedPreconditionError("notice " + notice.id + ": the subject has no recipient");
  }
  const json& r = it->second;
  std::string categories;
  if (r.contains("scope") && r["scope"].is_array() && !r["scope"].empty()) {
    for (const auto& f : r["scope"]) {
      if (!categories.empty()) categories += en ? ", " : "、";
      categories += f.get<std::string>();
    }
  } else {
    categories = en ? "all customer data we hold" : "我们持有的全部客户资料";
  }
  std::map<std::string, std::string> values = {
      {"transferor", v.config().company},
      {"recipient_name", r.value("name", "")},
      {"recipient_contact", r.value("contact_name", "") + " " + r.value("contact_phone", "")},
      {"reason", ReasonText(ctx.settings.reason, en)},
      {"categories", categories},
      {"unchanged_purpose", en ? "The purposes and methods of processing do not change."
                               : "个人信息的处理目的和处理方式不变。"},
      {"how_to_object",
       en ? "reply to this notice, call the contact above or visit the customer portal with "
            "your code"
          : "回复本通知、致电上述联系方式或凭查询码登录客户门户提出"},
      {"deadline", ctx.settings.notice_deadline},
      {"portal_code", code},
      {"customer_name", en ? "customer" : "客户"},
  };
  auto name = cur.find("name");
  if (name != cur.end() && !ValueText(name->second).empty()) {
    values["customer_name"] = ValueText(name->second);
  }
  Rendered out;
  out.text = RenderTemplate(tmpl, values);
  std::string channel = Attrs(notice).value("channel", "");
  const char* field = channel == "sms" ? "mobile" : channel == "email" ? "email"
                      : channel == "letter" ? "address" : nullptr;
  if (field != nullptr) {
    auto f = cur.find(field);
    if (f != cur.end()) out.to = ValueText(f->second);
    if (channel == "sms") {
      auto m = classify::CheckMobile(out.to);
      if (m.valid()) out.to = m.value;
    }
  }
  return out;
}

std::string PickChannel(const std::map<std::string, json>& cur) {
  auto get = [&](const char* k) -> std::string {
    auto it = cur.find(k);
    return it == cur.end() ? "" : ValueText(it->second);
  };
  if (classify::CheckMobile(get("mobile")).valid()) return "sms";
  if (classify::CheckEmail(get("email")).valid()) return "email";
  if (!TrimSpace(get("address")).empty()) return "letter";
  return "announcement";
}

bool Excluded(const std::string& state) {
  return state == "objected" || state == "shredded" || state == "restricted" ||
         state == "transferred";
}

// The notices that still count (not failed), by subject.
Result<std::map<std::string, store::ObjectRow>> LiveNoticesBySubject(vault::Vault& v) {
  store::ObjectFilter f;
  f.kind = kKindNotice;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  std::map<std::string, store::ObjectRow> out;
  for (auto& r : rows) {
    if (r.status == "failed") continue;
    auto it = out.find(r.subject_id);
    if (it == out.end() || it->second.created_micros <= r.created_micros) {
      out[r.subject_id] = std::move(r);
    }
  }
  return out;
}

}  // namespace

// --- templates --------------------------------------------------------------------------------

const std::vector<std::string>& RequiredNoticeElements() {
  static const auto* v = new std::vector<std::string>{
      "transferor", "recipient_name", "recipient_contact", "reason",     "categories",
      "unchanged_purpose", "how_to_object", "deadline", "portal_code"};
  return *v;
}

Status CheckNoticeTemplate(std::string_view text) {
  if (!IsValidUtf8(text)) return InvalidArgumentError("notice template is not valid UTF-8");
  for (const auto& e : RequiredNoticeElements()) {
    if (text.find("{{" + e + "}}") == std::string_view::npos) {
      return InvalidArgumentError("notice template is missing required element {{" + e +
                                  "}}: " + ElementDescriptions().at(e));
    }
  }
  return Status::Ok();
}

Result<std::string> DefaultNoticeTemplate(const std::string& lang) {
  if (lang == "zh-CN" || lang.empty()) return std::string(kTemplateZh);
  if (lang == "en") return std::string(kTemplateEn);
  return InvalidArgumentError("--lang must be zh-CN or en");
}

std::string RenderTemplate(std::string_view text,
                           const std::map<std::string, std::string>& values) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("{{", i);
    if (open == std::string_view::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    std::string key(text.substr(open + 2, close - open - 2));
    auto it = values.find(key);
    if (it != values.end()) out += it->second;
    else out.append(text.substr(open, close + 2 - open));
    i = close + 2;
  }
  out.append(text.substr(i));
  return out;
}

int64_t SmsSegments(std::string_view text) {
  // Trailing newlines are not sent.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  int64_t n = static_cast<int64_t>(CountCodePoints(text));
  if (n <= 70) return 1;
  return (n + 66) / 67;
}

std::string NewPortalCode(Random& random) {
  static constexpr char kAlphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";  // 31 symbols
  constexpr int kN = sizeof(kAlphabet) - 1;
  std::string code;
  while (code.size() < 8) {
    uint8_t b[16];
    random.Fill(b, sizeof(b));
    for (uint8_t x : b) {
      if (code.size() == 8) break;
      if (x >= 248) continue;  // 248 = 8 * 31: rejection keeps it uniform
      code.push_back(kAlphabet[x % kN]);
    }
  }
  return code;
}

json PlanCounts::ToJson() const {
  return {{"sms", sms},
          {"email", email},
          {"letter", letter},
          {"announcement", announcement},
          {"sms_segments", sms_segments},
          {"planned_now", planned_now}};
}

Result<PlanCounts> PlanNotices(vault::Vault& v, const std::string& template_text) {
  JV_ASSIGN_OR_RETURN(RenderContext ctx, LoadRenderContext(v));
  Template tmpl;
  if (!template_text.empty()) {
    JV_RETURN_IF_ERROR(CheckNoticeTemplate(template_text));
    tmpl.text = template_text;
    tmpl.version = TemplateVersion(template_text);
  } else {
    JV_ASSIGN_OR_RETURN(tmpl, StoredTemplate(v));
  }
  JV_ASSIGN_OR_RETURN(auto live, LiveNoticesBySubject(v));
  const int64_t now = v.clock().NowMicros();
  PlanCounts counts;
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutMeta(
      kMetaTemplate, json({{"text", tmpl.text}, {"version", tmpl.version}}).dump()));
  std::vector<store::SubjectRow> todo;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (Excluded(s.state)) return Status::Ok();
    json a = SubjectAttrs(s);
    if (!a.contains("recipient") || !a["recipient"].is_string()) return Status::Ok();
    if (live.count(s.id)) return Status::Ok();
    todo.push_back(s);
    return Status::Ok();
  }));
  for (const auto& s : todo) {
    JV_ASSIGN_OR_RETURN(auto cur, Current(v, s.id));
    store::ObjectRow n;
    n.kind = kKindNotice;
    n.id = NewId(v.random(), "n_");
    n.subject_id = s.id;
    n.status = "planned";
    n.created_micros = n.updated_micros = now;
    std::string channel = PickChannel(cur);
    json attrs = {{"channel", channel},
                  {"batch", ""},
                  {"template_version", tmpl.version},
                  {"segments", 0},
                  {"sent_at", nullptr}};
    std::string code = NewPortalCode(v.random());
    auto key = v.DataKey(s.id, vault::kClassProfile, false);
    if (key.ok()) {
      JV_ASSIGN_OR_RETURN(n.sealed, crypto::Seal(v.suite(), **key, AsBytes(code),
                                                 NoticeAad(n.id, s.id), v.random()));
      JV_RETURN_IF_ERROR(v.AddBlindIndex(s.id, kPortalIndexKind, code));
    } else {
      code.clear();
    }
    n.attrs_json = attrs.dump();
    if (channel == "sms") {
      JV_ASSIGN_OR_RETURN(Rendered r, RenderOne(v, ctx, tmpl.text, n, s, cur, code));
      attrs["segments"] = SmsSegments(r.text);
      n.attrs_json = attrs.dump();
    }
    JV_RETURN_IF_ERROR(v.store().PutObject(n));
    live[s.id] = n;
    ++counts.planned_now;
  }
  for (const auto& [sid, n] : live) {
    json a = Attrs(n);
    std::string ch = a.value("channel", "");
    if (ch == "sms") {
      ++counts.sms;
      counts.sms_segments += a.value("segments", int64_t{0});
    } else if (ch == "email") {
      ++counts.email;
    } else if (ch == "letter") {
      ++counts.letter;
    } else {
      ++counts.announcement;
    }
  }
  json details = counts.ToJson();
  details["template_version"] = tmpl.version;
  JV_RETURN_IF_ERROR(v.AuditInTxn("notices.plan", "", "transfer", details).status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return counts;
}

Result<RenderedNotice> RenderSubjectNotice(vault::Vault& v, const std::string& subject_id,
                                           const std::string& template_override) {
  JV_ASSIGN_OR_RETURN(RenderContext ctx, LoadRenderContext(v));
  Template tmpl;
  if (!template_override.empty()) {
    JV_RETURN_IF_ERROR(CheckNoticeTemplate(template_override));
    tmpl.text = template_override;
  } else {
    JV_ASSIGN_OR_RETURN(tmpl, StoredTemplate(v));
  }
  auto subject = v.store().GetSubject(subject_id);
  if (!subject.ok()) {
    if (subject.status().code() == StatusCode::kNotFound) {
      return NotFoundError("--subject: no such subject");
    }
    return subject.status();
  }
  store::ObjectFilter f;
  f.kind = kKindNotice;
  f.subject_id = subject_id;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  const store::ObjectRow* latest = nullptr;
  for (const auto& r : rows) {
    if (latest == nullptr || latest->created_micros <= r.created_micros) latest = &r;
  }
  if (latest == nullptr) return NotFoundError("the subject has no notice: run `notices plan`");
  JV_ASSIGN_OR_RETURN(auto cur, Current(v, subject_id));
  JV_ASSIGN_OR_RETURN(std::string code, PortalCode(v, *latest));
  JV_ASSIGN_OR_RETURN(Rendered r, RenderOne(v, ctx, tmpl.text, *latest, *subject, cur, code));
  RenderedNotice out;
  out.notice_id = latest->id;
  out.subject_id = subject_id;
  out.channel = Attrs(*latest).value("channel", "");
  out.to = r.to;
  out.text = r.text;
  out.segments = SmsSegments(r.text);
  return out;
}

json SendResult::ToJson() const { return {{"sent", sent}, {"failed", failed}}; }

Result<SendResult> SendNotices(vault::Vault& v, NoticeSink& sink, const std::string& label,
                               const std::function<void(int64_t, int64_t)>& progress) {
  JV_ASSIGN_OR_RETURN(RenderContext ctx, LoadRenderContext(v));
  JV_ASSIGN_OR_RETURN(Template tmpl, StoredTemplate(v));
  std::set<std::string> channels;
  for (const auto& c : sink.Channels()) channels.insert(c);
  store::ObjectFilter f;
  f.kind = kKindNotice;
  f.status = "planned";
  JV_ASSIGN_OR_RETURN(auto planned, v.store().ListObjects(f));
  std::vector<store::ObjectRow> todo;
  for (auto& n : planned) {
    if (channels.count(Attrs(n).value("channel", ""))) todo.push_back(std::move(n));
  }
  SendResult res;
  const int64_t total = static_cast<int64_t>(todo.size());
  std::vector<store::ObjectRow> accepted;   // sent to the sink, not yet flushed
  std::vector<store::ObjectRow> rejected;   // failed
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
      a["sent_micros"] = now;
      n.attrs_json = a.dump();
      n.status = "sent";
      n.updated_micros = now;
      JV_RETURN_IF_ERROR(v.store().PutObject(n));
      JV_ASSIGN_OR_RETURN(store::SubjectRow s, v.store().GetSubject(n.subject_id));
      if (s.state == "active") {
        s.state = "notified";
        s.updated_micros = now;
        JV_RETURN_IF_ERROR(v.store().UpdateSubject(s));
      }
    }
    for (auto& n : rejected) {
      n.status = "failed";
      n.updated_micros = now;
      JV_RETURN_IF_ERROR(v.store().PutObject(n));
    }
    JV_RETURN_IF_ERROR(v.AuditInTxn("notices.send", "", "transfer",
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
    if (Excluded(s.state)) {
      ++done;
      continue;
    }
    JV_ASSIGN_OR_RETURN(auto cur, Current(v, n.subject_id));
    JV_ASSIGN_OR_RETURN(std::string code, PortalCode(v, n));
    JV_ASSIGN_OR_RETURN(Rendered r, RenderOne(v, ctx, tmpl.text, n, s, cur, code));
    RenderedNotice rn{n.id, n.subject_id, Attrs(n).value("channel", ""), r.to, r.text,
                      SmsSegments(r.text)};
    Status st = sink.Send(rn);
    if (st.code() == StatusCode::kUnavailable) {
      abort_status = st;
      break;
    }
    if (st.ok()) accepted.push_back(std::move(n));
    else rejected.push_back(std::move(n));
    ++done;
    if (progress) progress(done, total);
    if (static_cast<int64_t>(accepted.size() + rejected.size()) >= kCommitEvery) {
      JV_RETURN_IF_ERROR(commit());
    }
  }
  JV_RETURN_IF_ERROR(commit());
  JV_RETURN_IF_ERROR(abort_status);
  return res;
}

json ReceiptResult::ToJson() const {
  return {{"delivered", delivered}, {"failed", failed}, {"unknown", unknown}};
}

Result<ReceiptResult> ImportReceipts(vault::Vault& v, std::string_view csv) {
  ReceiptResult res;
  const int64_t now = v.clock().NowMicros();
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  int64_t line_no = 0;
  for (std::string_view line : Split(csv, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimSpace(line).empty()) continue;
    auto cols = Split(line, ',');
    std::string id(TrimSpace(cols[0]));
    if (line_no == 1 && id == "notice_id") continue;
    if (cols.size() < 2) {
      return InvalidArgumentError("receipts row " + std::to_string(line_no) +
                                  ": expected notice_id,status[,time]");
    }
    std::string status(TrimSpace(cols[1]));
    if (status != "delivered" && status != "failed") {
      return InvalidArgumentError("receipts row " + std::to_string(line_no) +
                                  ": status must be delivered or failed");
    }
    auto n = v.store().GetObject(kKindNotice, id);
    if (!n.ok()) {
      if (n.status().code() != StatusCode::kNotFound) return n.status();
      ++res.unknown;
      continue;
    }
    json a = Attrs(*n);
    a["receipt_at"] = cols.size() >= 3 ? std::string(TrimSpace(cols[2]))
                                       : FormatRfc3339Seconds(now);
    n->attrs_json = a.dump();
    n->status = status;
    n->updated_micros = now;
    JV_RETURN_IF_ERROR(v.store().PutObject(*n));
    if (status == "delivered") ++res.delivered;
    else ++res.failed;
  }
  JV_RETURN_IF_ERROR(v.AuditInTxn("notices.receipts", "", "transfer", res.ToJson()).status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return res;
}

json AnnouncementResult::ToJson() const { return {{"listed", listed}}; }

Result<AnnouncementResult> WriteAnnouncement(vault::Vault& v, const std::string& out_path) {
  JV_ASSIGN_OR_RETURN(TransferSettings settings, GetTransfer(v));
  store::ObjectFilter f;
  f.kind = kKindNotice;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  std::vector<store::ObjectRow> listed;
  std::string lines;
  for (auto& n : rows) {
    if (Attrs(n).value("channel", "") != "announcement") continue;
    if (n.status != "planned" && n.status != "announced") continue;
    JV_ASSIGN_OR_RETURN(store::SubjectRow s, v.store().GetSubject(n.subject_id));
    if (Excluded(s.state)) continue;
    JV_ASSIGN_OR_RETURN(auto cur, Current(v, n.subject_id));
    auto name = cur.find("name");
    std::string masked =
        name == cur.end() ? "-" : classify::MaskName(ValueText(name->second));
    json a = SubjectAttrs(s);
    lines += n.id + "\t" + masked + "\t" + a.value("store", "") + "\n";
    listed.push_back(std::move(n));
  }
  std::string doc = "# " + v.config().company + " — 个人信息转移公告名单 (transfer announcement list)\n";
  doc += "# reason: " + settings.reason + "; deadline: " + settings.notice_deadline + "\n";
  doc += "# count: " + std::to_string(listed.size()) + "\n";
  doc += "# notice_id\tname (masked)\tstore\n" + lines;
  JV_RETURN_IF_ERROR(WriteFileAtomic(out_path, doc, 0600));
  const int64_t now = v.clock().NowMicros();
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  for (auto& n : listed) {
    if (n.status == "announced") continue;
    json a = Attrs(n);
    a["sent_at"] = FormatRfc3339Seconds(now);
    a["sent_micros"] = now;
    a["batch"] = "announcement";
    n.attrs_json = a.dump();
    n.status = "announced";
    n.updated_micros = now;
    JV_RETURN_IF_ERROR(v.store().PutObject(n));
  }
  AnnouncementResult res;
  res.listed = static_cast<int64_t>(listed.size());
  JV_RETURN_IF_ERROR(v.AuditInTxn("notices.announcement", "", "transfer", res.ToJson()).status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return res;
}

}  // namespace jv::workflow
