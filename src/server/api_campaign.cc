// The notice campaign over HTTP (SPEC §6.3), mirroring `notices template check | plan |
// send | receipts` and calling the same workflow functions (workflow/notices.h):
//   GET  /api/v1/notices                  counts of notices by status and channel
//   GET  /api/v1/notices/template         the stored template (else the zh-CN default)
//   POST /api/v1/notices/template/check   {"text"} -> {"ok", "message"?, "elements"}
//   POST /api/v1/notices/preview          {"text"} -> the text rendered with sample values
//   POST /api/v1/notices/plan             {"template"?} -> the plan counts (= notices plan)
//   POST /api/v1/notices/send             {"channel": "file", "batch_size"?} -> {"job"}
//   POST /api/v1/notices/receipts         {"csv"} -> {"delivered","failed","unknown"}
// The preview never shows a customer: the customer's name and portal code are sample
// placeholders; the rest (company, recipient, reason, deadline) is the case's own data.
// Sending through the web offers the file channel only, into ApiOptions::notice_outbox
// (default <vault>/outbox): the browser never names a server path; SMTP and webhooks stay
// on the CLI, which has their flags.
#include <filesystem>

#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/workflow/delivery.h"
#include "src/workflow/notices.h"
#include "src/workflow/transfer.h"

namespace jv::server {

namespace {

namespace fs = std::filesystem;
namespace wf = jv::workflow;
using json = nlohmann::json;
using policy::Action;

json ElementPresence(const std::string& text) {
  json out = json::array();
  for (const std::string& e : wf::RequiredNoticeElements()) {
    out.push_back({{"name", e}, {"present", text.find("{{" + e + "}}") != std::string::npos}});
  }
  return out;
}

ApiResponse NoticeCounts(Call& c) {
  store::ObjectFilter f;
  f.kind = wf::kKindNotice;
  auto rows = c.vault.store().ListObjects(f);
  if (!rows.ok()) return ErrorResponse(rows.status());
  json by_status = json::object(), by_channel = json::object();
  for (const auto& r : *rows) {
    by_status[r.status] = by_status.value(r.status, 0) + 1;
    json a = json::parse(r.attrs_json, nullptr, false);
    std::string ch = a.is_object() ? a.value("channel", "") : "";
    if (!ch.empty()) by_channel[ch] = by_channel.value(ch, 0) + 1;
  }
  return Ok({{"total", static_cast<int64_t>(rows->size())},
             {"by_status", by_status},
             {"by_channel", by_channel}});
}

ApiResponse GetTemplate(Call& c) {
  std::string lang = QueryValue(c.req, "lang");
  auto raw = c.vault.store().GetMeta("notice_template");
  if (!raw.ok()) return ErrorResponse(raw.status());
  std::string text;
  bool stored = false;
  if (*raw && lang.empty()) {
    json doc = json::parse(**raw, nullptr, false);
    if (doc.is_object()) text = doc.value("text", "");
    stored = !text.empty();
  }
  if (text.empty()) {
    auto d = wf::DefaultNoticeTemplate(lang.empty() ? "zh-CN" : lang);
    if (!d.ok()) return Error(400, "invalid_argument", "lang must be zh-CN or en");
    text = *d;
  }
  return Ok({{"text", text}, {"stored", stored}, {"elements", wf::RequiredNoticeElements()}});
}

ApiResponse CheckTemplate(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto text = StringField(*body, "text", true);
  if (!text.ok()) return ErrorResponse(text.status());
  Status st = wf::CheckNoticeTemplate(*text);
  json doc = {{"ok", st.ok()}, {"elements", ElementPresence(*text)}};
  if (!st.ok()) doc["message"] = std::string(st.message());
  return Ok(std::move(doc));
}

ApiResponse Preview(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto text = StringField(*body, "text", true);
  if (!text.ok()) return ErrorResponse(text.status());
  std::map<std::string, std::string> values = {
      {"transferor", c.vault.config().company},
      {"customer_name", "（客户姓名 customer name）"},
      {"portal_code", "ABCD2345"},
      {"unchanged_purpose", "个人信息的处理目的和处理方式不变。"},
      {"how_to_object", "回复本通知、致电上述联系方式或凭查询码登录客户门户提出"},
  };
  auto settings = wf::GetTransfer(c.vault);
  if (settings.ok()) {
    values["reason"] = wf::ReasonLabel(settings->reason);
    values["deadline"] = settings->notice_deadline;
  }
  auto recipients = wf::ListRecipients(c.vault);
  if (recipients.ok() && !recipients->empty()) {
    const json& r = recipients->front();
    values["recipient_name"] = r.value("name", "");
    values["recipient_contact"] = r.value("contact_name", "") + " " + r.value("contact_phone", "");
    std::string cats;
    if (r.contains("scope") && r["scope"].is_array()) {
      for (const auto& f : r["scope"]) {
        if (!f.is_string()) continue;
        if (!cats.empty()) cats += "、";
        cats += f.get<std::string>();
      }
    }
    values["categories"] = cats.empty() ? "我们持有的全部客户资料" : cats;
  }
  std::string rendered = wf::RenderTemplate(*text, values);
  Status st = wf::CheckNoticeTemplate(*text);
  json doc = {{"text", rendered},
              {"sms_segments", wf::SmsSegments(rendered)},
              {"ok", st.ok()},
              {"elements", ElementPresence(*text)},
              {"transfer_set_up", settings.ok()}};
  if (!st.ok()) doc["message"] = std::string(st.message());
  return Ok(std::move(doc));
}

ApiResponse Plan(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto text = StringField(*body, "template", false);
  if (!text.ok()) return ErrorResponse(text.status());
  if (!text->empty()) {
    Status st = wf::CheckNoticeTemplate(*text);
    if (!st.ok()) return ErrorResponse(st);
  }
  auto r = wf::PlanNotices(c.vault, *text);
  if (!r.ok()) return ErrorResponse(r.status());
  json doc = r->ToJson();
  doc["ok"] = true;
  return Ok(std::move(doc));
}

ApiResponse Send(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto channel = StringField(*body, "channel", false);
  if (!channel.ok()) return ErrorResponse(channel.status());
  if (!channel->empty() && *channel != "file") {
    return Error(400, "invalid_argument", "channel must be file (use the CLI for smtp/webhook)");
  }
  int64_t batch = 1000;
  if (body->contains("batch_size")) {
    if (!(*body)["batch_size"].is_number_integer() || (*body)["batch_size"].get<int64_t>() < 1) {
      return Error(400, "invalid_argument", "batch_size must be a positive integer");
    }
    batch = (*body)["batch_size"].get<int64_t>();
  }
  std::string out = c.options.notice_outbox.empty() ? (fs::path(c.vault.dir()) / "outbox").string()
                                                    : c.options.notice_outbox;
  std::string id = c.jobs.Start(
      c.user, "notices.send",
      [out, batch](vault::Vault& v, const JobProgress& progress) -> Result<json> {
        auto sink = wf::MakeFileOutbox(out, batch);
        JV_ASSIGN_OR_RETURN(wf::SendResult r,
                            wf::SendNotices(v, *sink, "file", progress.count));
        json doc = r.ToJson();
        doc["ok"] = true;
        doc["channel"] = "file";
        doc["outbox"] = out;
        return doc;
      },
      c.vault.random());
  return Ok({{"job", id}});
}

ApiResponse Receipts(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto csv = StringField(*body, "csv", true);
  if (!csv.ok()) return ErrorResponse(csv.status());
  auto r = wf::ImportReceipts(c.vault, *csv);
  if (!r.ok()) return ErrorResponse(r.status());
  json doc = r->ToJson();
  doc["ok"] = true;
  return Ok(std::move(doc));
}

}  // namespace

std::vector<Route> CampaignRoutes() {
  const Action a = Action::kTransferManage;
  return {
      {"GET", "/api/v1/notices", a, false, NoticeCounts},
      {"GET", "/api/v1/notices/template", a, false, GetTemplate},
      {"POST", "/api/v1/notices/template/check", a, true, CheckTemplate},
      {"POST", "/api/v1/notices/preview", a, true, Preview},
      {"POST", "/api/v1/notices/plan", a, true, Plan},
      {"POST", "/api/v1/notices/send", a, true, Send},
      {"POST", "/api/v1/notices/receipts", a, true, Receipts},
  };
}

}  // namespace jv::server
