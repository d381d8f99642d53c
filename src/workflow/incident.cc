#include "src/workflow/incident.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "src/common/date.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/ingest/importer.h"
#include "src/workflow/assess_html.h"
#include "src/workflow/crossborder.h"
#include "src/workflow/incident_time.h"
#include "src/workflow/transfer.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

json Attrs(const std::string& s) {
  json a = json::parse(s, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

bool IsType(const std::string& t) {
  return t == "leak" || t == "tamper" || t == "loss" || t == "unauthorized";
}

std::string TypeLabel(const std::string& t) {
  if (t == "leak") return "泄露 (leak)";
  if (t == "tamper") return "篡改 (tampering)";
  if (t == "loss") return "丢失 (loss)";
  return "未经授权的访问 (unauthorized access)";
}

std::string SeverityLabel(const std::string& s) {
  if (s == "especially_major") return "特别重大 (especially major)";
  if (s == "major") return "重大 (major)";
  if (s == "relatively_major") return "较大 (relatively major)";
  return "一般 (general)";
}

std::string ElementLabel(const std::string& e) {
  if (e == "categories") return "涉及的个人信息种类 (categories of personal information)";
  if (e == "cause") return "发生原因 (cause)";
  if (e == "harm") return "可能造成的危害 (possible harm)";
  if (e == "remedies") return "已采取的补救措施 (remedies taken)";
  if (e == "individual_actions") return "个人可以采取的减轻危害的措施 (what you can do)";
  return "联系方式 (contact)";
}

struct AffectedQuery {
  std::string attr, value;  // attr "" = all
};

Result<AffectedQuery> ParseAffected(const std::string& q) {
  if (q == "all") return AffectedQuery{};
  size_t eq = q.find('=');
  AffectedQuery a;
  if (eq != std::string::npos && eq + 1 < q.size()) {
    a.attr = q.substr(0, eq);
    a.value = q.substr(eq + 1);
    if (a.attr == "store" || a.attr == "source" || a.attr == "recipient" || a.attr == "province" ||
        a.attr == "city") {
      return a;
    }
  }
  return InvalidArgumentError(
      "--affected must be all, store=…, source=src_…, recipient=r_…, province=… or city=…");
}

// Subjects the query selects that still hold data (not shredded, not placeholders).
Status ForEachAffected(vault::Vault& v, const AffectedQuery& q,
                       const std::function<Status(const store::SubjectRow&, const json&)>& fn) {
  return v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) -> Status {
    if (s.state == "shredded" || s.state == "unmatched") return Status::Ok();
    json a = SubjectAttrs(s);
    if (a.contains("placeholder")) return Status::Ok();
    if (q.attr == "source") {
      JV_ASSIGN_OR_RETURN(auto recs, v.store().ListRecords(s.id));
      bool hit = false;
      for (const auto& r : recs) hit |= r.source_id == q.value;
      if (!hit) return Status::Ok();
    } else if (!q.attr.empty()) {
      if (!a.contains(q.attr)) return Status::Ok();
      const json& x = a[q.attr];
      if (!(x.is_string() ? x.get<std::string>() == q.value : x.dump() == q.value)) {
        return Status::Ok();
      }
    }
    return fn(s, a);
  });
}

Result<store::ObjectRow> Load(vault::Vault& v, const std::string& id) {
  auto o = v.store().GetObject(kKindIncident, id);
  if (!o.ok() && o.status().code() == StatusCode::kNotFound) {
    return NotFoundError("no such incident");
  }
  return o;
}

json ToJson(const store::ObjectRow& o) {
  json a = Attrs(o.attrs_json);
  a["id"] = o.id;
  a["status"] = o.status;
  return a;
}

json Missing(const json& elements) {
  json m = json::array();
  for (const auto& e : IncidentElements()) {
    if (!elements.contains(e) || !elements[e].is_string() ||
        TrimSpace(elements[e].get<std::string>()).empty()) {
      m.push_back(e);
    }
  }
  return m;
}

std::string RenderIndividuals(const json& a, const std::string& company) {
  const json& el = a["elements"];
  std::string t =
      "【" + company + "】个人信息安全事件告知 (personal information incident notice)\n";
  t += "尊敬的客户：我们于 " + a.value("detected", "") + " 发现一起个人信息安全事件，类型为" +
       TypeLabel(a.value("type", "")) + "。依据《个人信息保护法》第五十七条告知如下：\n";
  int i = 1;
  for (const auto& e : IncidentElements()) {
    t += std::to_string(i++) + ". " + ElementLabel(e) + "：" + el.value(e, "") + "\n";
  }
  return t;
}

std::string RenderRegulator(const json& a, const std::string& id, const std::string& company) {
  const json& el = a["elements"];
  const json& af = a["affected"];
  std::string t = "个人信息安全事件报告 (personal information security incident report)\n";
  t += "报告单位 (handler)：" + company + "\n";
  t += "事件编号 (incident)：" + id + "\n";
  t += "事件类型 (type)：" + TypeLabel(a.value("type", "")) + "\n";
  t += "发现时间 (detected)：" + a.value("detected", "") + "\n";
  t += "报告时限 (report due)：" + a.value("report_due", "") + "\n";
  t += "事件分级 (severity)：" + SeverityLabel(a.value("severity", "")) + "\n";
  t += "影响范围 (affected)：" + std::to_string(af.value("subjects", int64_t{0})) +
       " 人，其中敏感个人信息 " + std::to_string(af.value("sensitive_subjects", int64_t{0})) +
       " 人 (individuals, of whom with sensitive PI)\n";
  int i = 1;
  for (const auto& e : IncidentElements()) {
    t += std::to_string(i++) + ". " + ElementLabel(e) + "：" + el.value(e, "") + "\n";
  }
  return t;
}

Status Save(vault::Vault& v, store::ObjectRow& o, const json& attrs, const std::string& action,
            const json& details) {
  o.attrs_json = attrs.dump();
  o.updated_micros = v.clock().NowMicros();
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutObject(o));
  JV_RETURN_IF_ERROR(v.AuditInTxn(action, "", "incident", details).status());
  return txn.Commit();
}

void Event(json& a, vault::Vault& v, const std::string& event, json details = json::object()) {
  details["at"] = FormatRfc3339Seconds(v.clock().NowMicros());
  details["event"] = event;
  a["timeline"].push_back(std::move(details));
}

}  // namespace

const std::vector<std::string>& IncidentElements() {
  static const auto* e = new std::vector<std::string>{
      "categories", "cause", "harm", "remedies", "individual_actions", "contact"};
  return *e;
}

std::string_view IncidentSeverity(int64_t affected) {
  if (affected >= 100000000) return "especially_major";
  if (affected >= 10000000) return "major";
  if (affected >= 1000000) return "relatively_major";
  return "general";
}

bool ReportRequired(std::string_view severity) { return severity != "general"; }

bool ExternalAuditTrigger(int64_t affected, int64_t sensitive) {
  return affected >= 1000000 || sensitive >= 100000;
}

Result<json> OpenIncident(vault::Vault& v, const IncidentOpen& in) {
  if (!IsType(in.type)) {
    return InvalidArgumentError("--type must be leak, tamper, loss or unauthorized");
  }
  auto det = ParseOffsetTime(in.detected);
  if (!det.ok()) return InvalidArgumentError("--detected: " + det.status().message());
  JV_ASSIGN_OR_RETURN(AffectedQuery q, ParseAffected(in.affected));
  int64_t subjects = 0, sensitive = 0;
  std::set<std::string> cats;
  JV_RETURN_IF_ERROR(ForEachAffected(v, q, [&](const store::SubjectRow&, const json& a) {
    ++subjects;
    if (SubjectSensitiveFor(a, {})) ++sensitive;
    if (a.contains("categories") && a["categories"].is_array()) {
      for (const json& c : a["categories"]) {
        if (c.is_string()) cats.insert(c.get<std::string>());
      }
    }
    return Status::Ok();
  }));
  const std::string severity(IncidentSeverity(subjects));
  std::string cat_text;
  for (const auto& c : cats) cat_text += (cat_text.empty() ? "" : "、") + c;
  json elements = json::object();
  for (const auto& e : IncidentElements()) elements[e] = "";
  elements["categories"] = cat_text;  // drafted from the vault; the liquidator may edit it
  store::ObjectRow o;
  o.kind = kKindIncident;
  o.id = NewId(v.random(), "inc_");
  o.status = "open";
  o.created_micros = v.clock().NowMicros();
  json a = {{"type", in.type},
            {"detected", FormatOffsetTime(*det)},
            {"detected_utc", FormatRfc3339Seconds(det->micros)},
            {"report_due", FormatOffsetTime(AddHours(*det, kIncidentReportHours))},
            {"severity", severity},
            {"report_required", ReportRequired(severity)},
            {"external_audit_trigger", ExternalAuditTrigger(subjects, sensitive)},
            {"affected",
             {{"query", in.affected},
              {"subjects", subjects},
              {"sensitive_subjects", sensitive},
              {"categories", std::vector<std::string>(cats.begin(), cats.end())}}},
            {"elements", elements},
            {"notices", {{"regulator", nullptr}, {"individuals", nullptr}}},
            {"timeline", json::array()},
            {"resolution", nullptr}};
  Event(a, v, "opened", {{"detected", a["detected"]}});
  if (!in.summary.empty()) Event(a, v, "note", {{"text", in.summary}});
  JV_RETURN_IF_ERROR(Save(v, o, a, "incident.open",
                          {{"incident", o.id},
                           {"type", in.type},
                           {"severity", severity},
                           {"affected", subjects},
                           {"report_due", a["report_due"]}}));
  return ToJson(o);
}

Result<json> GetIncident(vault::Vault& v, const std::string& id) {
  JV_ASSIGN_OR_RETURN(store::ObjectRow o, Load(v, id));
  json j = ToJson(o);
  j["missing_elements"] = Missing(j["elements"]);
  return j;
}

Result<std::vector<json>> ListIncidents(vault::Vault& v) {
  store::ObjectFilter f;
  f.kind = kKindIncident;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.created_micros, a.id) < std::tie(b.created_micros, b.id);
  });
  std::vector<json> out;
  for (const auto& o : rows) {
    json a = Attrs(o.attrs_json);
    out.push_back({{"id", o.id},
                   {"status", o.status},
                   {"type", a.value("type", "")},
                   {"severity", a.value("severity", "")},
                   {"detected", a.value("detected", "")},
                   {"report_due", a.value("report_due", "")},
                   {"affected", a["affected"].value("subjects", int64_t{0})},
                   {"missing_elements", Missing(a["elements"])}});
  }
  return out;
}

Result<json> UpdateIncident(vault::Vault& v, const std::string& id,
                            const std::vector<std::string>& set, const std::string& note) {
  JV_ASSIGN_OR_RETURN(store::ObjectRow o, Load(v, id));
  if (o.status == "closed") return FailedPreconditionError("the incident is closed");
  json a = Attrs(o.attrs_json);
  json names = json::array();
  for (const auto& kv : set) {
    size_t eq = kv.find('=');
    std::string name = eq == std::string::npos ? kv : kv.substr(0, eq);
    const auto& els = IncidentElements();
    if (eq == std::string::npos || std::find(els.begin(), els.end(), name) == els.end()) {
      return InvalidArgumentError(
          "--set must be ELEMENT=TEXT with ELEMENT one of categories, cause, harm, remedies, "
          "individual_actions, contact");
    }
    a["elements"][name] = kv.substr(eq + 1);
    names.push_back(name);
  }
  if (names.empty() && note.empty())
    return InvalidArgumentError("nothing to update: --set or --note");
  if (!names.empty()) Event(a, v, "elements_set", {{"elements", names}});
  if (!note.empty()) Event(a, v, "note", {{"text", note}});
  JV_RETURN_IF_ERROR(Save(v, o, a, "incident.update",
                          {{"incident", id}, {"elements", names}, {"note", !note.empty()}}));
  json j = ToJson(o);
  j["missing_elements"] = Missing(j["elements"]);
  return j;
}

Result<json> IncidentDrafts(vault::Vault& v, const std::string& id) {
  JV_ASSIGN_OR_RETURN(store::ObjectRow o, Load(v, id));
  json a = Attrs(o.attrs_json);
  return json{{"id", id},
              {"regulator", RenderRegulator(a, id, v.config().company)},
              {"individuals", RenderIndividuals(a, v.config().company)},
              {"missing_elements", Missing(a["elements"])}};
}

Result<json> SendIncidentNotice(vault::Vault& v, const std::string& id, const std::string& notice,
                                NoticeSink* sink, const std::string& regulator_out) {
  if (notice != "regulator" && notice != "individuals") {
    return InvalidArgumentError("--notice must be regulator or individuals");
  }
  JV_ASSIGN_OR_RETURN(store::ObjectRow o, Load(v, id));
  if (o.status == "closed") return FailedPreconditionError("the incident is closed");
  json a = Attrs(o.attrs_json);
  json missing = Missing(a["elements"]);
  if (!missing.empty()) {
    std::string names;
    for (const json& m : missing) names += (names.empty() ? "" : ", ") + m.get<std::string>();
    return FailedPreconditionError("the " + notice +
                                   " notice is missing PIPL 57 elements: " + names);
  }
  json result = {{"incident", id}, {"notice", notice}};
  if (notice == "regulator") {
    if (regulator_out.empty())
      return InvalidArgumentError("--out FILE is required for the regulator notice");
    std::string text = RenderRegulator(a, id, v.config().company);
    JV_RETURN_IF_ERROR(WriteFileAtomic(regulator_out, text, 0600));
    std::string html =
        HtmlPage("zh-CN", "个人信息安全事件报告",
                 "<pre style=\"white-space: pre-wrap\">" + HtmlEscape(text) + "</pre>\n");
    JV_RETURN_IF_ERROR(WriteFileAtomic(regulator_out + ".html", html, 0600));
    result["out"] = regulator_out;
    result["channel"] = "file";
  } else {
    if (sink == nullptr) return InvalidArgumentError("--channel is required");
    JV_ASSIGN_OR_RETURN(AffectedQuery q, ParseAffected(a["affected"].value("query", "all")));
    const std::string text = RenderIndividuals(a, v.config().company);
    const auto chans = sink->Channels();
    auto has = [&](const char* c) {
      return std::find(chans.begin(), chans.end(), c) != chans.end();
    };
    const Date today = ChinaDateFromMicros(v.clock().NowMicros());
    int64_t sent = 0, failed = 0, other_channel = 0, unreachable = 0;
    JV_RETURN_IF_ERROR(
        ForEachAffected(v, q, [&](const store::SubjectRow& s, const json&) -> Status {
          JV_ASSIGN_OR_RETURN(auto records, v.ReadRecords(s.id));
          auto cur = ingest::CurrentValues(records, vault::kClassProfile, today);
          RenderedNotice n;
          n.notice_id = id + ":" + s.id;
          n.subject_id = s.id;
          n.text = text;
          auto pick = [&](const char* field, const char* channel) {
            auto it = cur.find(field);
            if (n.channel.empty() && it != cur.end() && it->second.is_string() &&
                !it->second.get<std::string>().empty()) {
              n.channel = channel;
              n.to = it->second.get<std::string>();
            }
          };
          pick("mobile", "sms");
          pick("email", "email");
          pick("address", "letter");
          if (n.channel.empty()) {
            ++unreachable;
            return Status::Ok();
          }
          if (!has(n.channel.c_str())) {
            ++other_channel;
            return Status::Ok();
          }
          n.segments = static_cast<int64_t>((CountCodePoints(n.text) + 66) / 67);
          Status st = sink->Send(n);
          if (st.code() == StatusCode::kUnavailable) return st;
          ++(st.ok() ? sent : failed);
          return Status::Ok();
        }));
    JV_RETURN_IF_ERROR(sink->Flush());
    result["channel"] = sink->BatchLabel();
    result["sent"] = sent;
    result["failed"] = failed;
    result["other_channel"] = other_channel;
    result["unreachable"] = unreachable;
  }
  result["sent_at"] = FormatRfc3339Seconds(v.clock().NowMicros());
  json prev = a["notices"][notice];
  json log = prev.is_object() ? prev : json::object();
  log["sent_at"] = result["sent_at"];
  if (!log.contains("sends")) log["sends"] = json::array();
  json entry = result;
  entry.erase("incident");
  log["sends"].push_back(entry);
  a["notices"][notice] = log;
  Event(a, v, notice + "_notice_sent", {{"channel", result["channel"]}});
  json details = {{"incident", id}, {"notice", notice}, {"channel", result["channel"]}};
  if (result.contains("sent")) details["sent"] = result["sent"];
  JV_RETURN_IF_ERROR(Save(v, o, a, "incident.notice", details));
  result["ok"] = true;
  return result;
}

Result<json> CloseIncident(vault::Vault& v, const std::string& id, const std::string& resolution) {
  JV_ASSIGN_OR_RETURN(store::ObjectRow o, Load(v, id));
  if (o.status == "closed") return FailedPreconditionError("the incident is already closed");
  if (TrimSpace(resolution).empty()) return InvalidArgumentError("--resolution is required");
  json a = Attrs(o.attrs_json);
  a["resolution"] = resolution;
  o.status = "closed";
  Event(a, v, "closed");
  JV_RETURN_IF_ERROR(Save(v, o, a, "incident.close", {{"incident", id}}));
  return ToJson(o);
}

}  // namespace jv::workflow
