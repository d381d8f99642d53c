#include "src/workflow/requests.h"

#include <filesystem>

#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/crypto/aead.h"
#include "src/workflow/assess_html.h"
#include "src/workflow/shred.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

const std::vector<std::string>& Types() {
  static const auto* t = new std::vector<std::string>{"access",      "copy",     "portability",
                                                      "correction",  "deletion", "restriction",
                                                      "explanation", "withdraw", "deceased"};
  return *t;
}

Result<WorkdayCalendar> LoadCalendar() {
  JV_ASSIGN_OR_RETURN(std::string dir, FindDataDir());
  return WorkdayCalendar::Load(dir + "/calendar/cn-workdays.csv");
}

json Attrs(const std::string& s) {
  json a = json::parse(s, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

json ToJson(const store::ObjectRow& o, Date today) {
  json a = Attrs(o.attrs_json);
  json j = {{"id", o.id},
            {"subject", o.subject_id},
            {"type", a.value("type", "")},
            {"via", a.value("via", "")},
            {"received", a.value("received", "")},
            {"due", a.value("due", "")},
            {"status", o.status}};
  auto due = Date::Parse(a.value("due", ""));
  j["overdue"] = o.status == "open" && due.ok() && today > *due;
  for (const char* k : {"fulfilled_at", "refused_at", "note", "files", "has_reason"}) {
    if (a.contains(k)) j[k] = a[k];
  }
  return j;
}

std::vector<uint8_t> RequestAad(const std::string& id, const std::string& subject) {
  std::string s = "jadevault request";
  s.push_back('\0');
  s += id;
  s.push_back('\0');
  s += subject;
  return std::vector<uint8_t>(s.begin(), s.end());
}

Date Today(vault::Vault& v) { return ChinaDateFromMicros(v.clock().NowMicros()); }

Result<store::ObjectRow> LoadOpen(vault::Vault& v, const std::string& id) {
  auto o = v.store().GetObject(kKindRequest, id);
  if (!o.ok() && o.status().code() == StatusCode::kNotFound) {
    return NotFoundError("no such request " + id);
  }
  if (o.ok() && o->status != "open") {
    return FailedPreconditionError("request " + id + " is already " + o->status);
  }
  return o;
}

Status Save(vault::Vault& v, store::ObjectRow& o, const json& attrs, const std::string& action,
            const json& details) {
  o.attrs_json = attrs.dump();
  o.updated_micros = v.clock().NowMicros();
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutObject(o));
  JV_RETURN_IF_ERROR(v.AuditInTxn(action, o.subject_id, "request", details).status());
  return txn.Commit();
}

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string r = "\"";
  for (char c : s) r += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return r + "\"";
}

std::string ValueText(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The subject's data as {"subject", "records": [{id, class, source, row, fields}]}.
Result<json> SubjectData(vault::Vault& v, const std::string& subject) {
  JV_ASSIGN_OR_RETURN(auto recs, v.ReadRecords(subject));
  json records = json::array();
  for (const auto& r : recs) {
    records.push_back({{"id", r.id},
                       {"class", r.key_class},
                       {"source", r.source_id},
                       {"row", r.row_no},
                       {"fields", r.fields}});
  }
  return json{{"subject", subject}, {"records", records}};
}

std::string Csv(const json& data) {
  std::string t = "record,class,field,value\n";
  for (const auto& r : data["records"]) {
    for (const auto& [k, val] : r["fields"].items()) {
      t += std::to_string(r["id"].get<int64_t>()) + "," + CsvCell(r["class"].get<std::string>()) +
           "," + CsvCell(k) + "," + CsvCell(ValueText(val)) + "\n";
    }
  }
  return t;
}

std::string Html(const json& data, const std::string& id) {
  std::string t =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<title>个人信息副本 (copy of your personal information)</title></head><body>\n"
      "<h1>个人信息副本 (copy of your personal information)</h1>\n<p>请求编号 (request)：" +
      HtmlEscape(id) +
      "</p>\n<table border=\"1\">\n<tr><th>记录 (record)</th><th>类别 (class)"
      "</th><th>项目 (field)</th><th>内容 (value)</th></tr>\n";
  for (const auto& r : data["records"]) {
    for (const auto& [k, val] : r["fields"].items()) {
      t += "<tr><td>" + std::to_string(r["id"].get<int64_t>()) + "</td><td>" +
           HtmlEscape(r["class"].get<std::string>()) + "</td><td>" + HtmlEscape(k) + "</td><td>" +
           HtmlEscape(ValueText(val)) + "</td></tr>\n";
    }
  }
  return t + "</table>\n</body></html>\n";
}

}  // namespace

Date RequestDue(Date received, const WorkdayCalendar& cal) {
  return cal.AddWorkdays(received, kRequestWorkdays);
}

bool IsRequestType(const std::string& t) {
  for (const auto& x : Types()) {
    if (x == t) return true;
  }
  return false;
}

bool IsRequestVia(const std::string& v) {
  return v == "phone" || v == "letter" || v == "email" || v == "portal";
}

Result<json> OpenRequest(vault::Vault& v, const RequestOpen& in) {
  if (!IsRequestType(in.type)) {
    return InvalidArgumentError(
        "--type must be access, copy, portability, correction, deletion, restriction, "
        "explanation, withdraw or deceased");
  }
  if (!IsRequestVia(in.via)) {
    return InvalidArgumentError("--via must be phone, letter, email or portal");
  }
  Date received = Today(v);
  if (!in.received.empty()) {
    auto d = Date::Parse(in.received);
    if (!d.ok()) return InvalidArgumentError("--received: " + d.status().message());
    received = *d;
  }
  auto subj = v.store().GetSubject(in.subject);
  if (!subj.ok()) {
    if (subj.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no such subject " + in.subject);
    }
    return subj.status();
  }
  JV_ASSIGN_OR_RETURN(WorkdayCalendar cal, LoadCalendar());
  bool fallback = false;
  const Date due = cal.AddWorkdays(received, kRequestWorkdays, &fallback);
  store::ObjectRow o;
  o.kind = kKindRequest;
  o.id = NewId(v.random(), "req_");
  o.subject_id = in.subject;
  o.status = "open";
  o.created_micros = v.clock().NowMicros();
  json a = {{"type", in.type},
            {"via", in.via},
            {"received", received.ToString()},
            {"due", due.ToString()}};
  if (fallback) a["calendar_fallback"] = true;
  JV_RETURN_IF_ERROR(Save(v, o, a, "request.open",
                          {{"request", o.id},
                           {"type", in.type},
                           {"via", in.via},
                           {"received", a["received"]},
                           {"due", a["due"]}}));
  json j = ToJson(o, Today(v));
  if (fallback) j["calendar_fallback"] = true;
  return j;
}

Result<std::vector<json>> ListRequests(vault::Vault& v, const std::string& status) {
  if (!status.empty() && status != "open" && status != "fulfilled" && status != "refused") {
    return InvalidArgumentError("--status must be open, fulfilled or refused");
  }
  store::ObjectFilter f;
  f.kind = kKindRequest;
  if (!status.empty()) f.status = status;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  const Date today = Today(v);
  std::vector<json> out;
  for (const auto& o : rows) out.push_back(ToJson(o, today));
  return out;
}

Result<json> FulfilRequest(vault::Vault& v, const std::string& id, const std::string& out_dir) {
  JV_ASSIGN_OR_RETURN(store::ObjectRow o, LoadOpen(v, id));
  json a = Attrs(o.attrs_json);
  const std::string type = a.value("type", "");
  const bool writes =
      type == "copy" || type == "portability" || type == "access" || type == "explanation";
  json files = json::array();
  json result = json::object();
  int64_t shredded = 0;
  if (writes) {
    if (out_dir.empty()) return InvalidArgumentError("--out DIR is required for " + type);
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) return InvalidArgumentError("--out: cannot create the directory");
    JV_ASSIGN_OR_RETURN(json data, SubjectData(v, o.subject_id));
    const std::string base = out_dir + "/" + id;
    JV_RETURN_IF_ERROR(WriteFileAtomic(base + ".json", data.dump(2) + "\n", 0600));
    files.push_back(id + ".json");
    if (type == "copy") {
      JV_RETURN_IF_ERROR(WriteFileAtomic(base + ".csv", Csv(data), 0600));
      JV_RETURN_IF_ERROR(WriteFileAtomic(base + ".html", Html(data, id), 0600));
      files.push_back(id + ".csv");
      files.push_back(id + ".html");
    }
    a["files"] = files;
  } else if (type == "deletion") {
    JV_ASSIGN_OR_RETURN(ShredOutcome s, ShredSubject(v, o.subject_id, "request " + id));
    shredded = 1;
    result["new_state"] = s.new_state;
    result["kept_classes"] = s.kept_classes;
    result["data_keys_deleted"] = s.data_keys_deleted;
    a["note"] = "已删除 (deleted): " + s.new_state;
  } else {
    a["note"] = "已办理，未自动执行 (fulfilled by hand; no automatic action for " + type + ")";
  }
  a["fulfilled_at"] = FormatRfc3339Seconds(v.clock().NowMicros());
  o.status = "fulfilled";
  JV_RETURN_IF_ERROR(
      Save(v, o, a, "request.fulfil",
           {{"request", id}, {"type", type}, {"files", files.size()}, {"shredded", shredded}}));
  json j = ToJson(o, Today(v));
  j.update(result);
  j["shredded"] = shredded;
  return j;
}

Result<json> RefuseRequest(vault::Vault& v, const std::string& id, const std::string& reason) {
  if (TrimSpace(reason).empty()) return InvalidArgumentError("--reason is required");
  JV_ASSIGN_OR_RETURN(store::ObjectRow o, LoadOpen(v, id));
  json a = Attrs(o.attrs_json);
  // The reason is free text: sealed under the subject's "requests" key (shredded with it).
  JV_ASSIGN_OR_RETURN(const SecretBuffer* key, v.DataKey(o.subject_id, kClassRequests, true));
  json secret = {{"reason", reason}};
  JV_ASSIGN_OR_RETURN(o.sealed, crypto::Seal(v.suite(), *key, AsBytes(secret.dump()),
                                             RequestAad(o.id, o.subject_id), v.random()));
  a["has_reason"] = true;
  a["refused_at"] = FormatRfc3339Seconds(v.clock().NowMicros());
  o.status = "refused";
  JV_RETURN_IF_ERROR(
      Save(v, o, a, "request.refuse", {{"request", id}, {"type", a.value("type", "")}}));
  return ToJson(o, Today(v));
}

}  // namespace jv::workflow
