// The report builders of report.h: each reads the vault and fills tables of counts.
#include <map>
#include <set>

#include "src/classify/fields.h"
#include "src/common/clock.h"
#include "src/report/builders_internal.h"
#include "src/report/report.h"
#include "src/workflow/checklist.h"
#include "src/workflow/crossborder.h"
#include "src/workflow/gate.h"
#include "src/workflow/incident.h"
#include "src/workflow/transfer.h"

namespace jv::report {

using json = nlohmann::json;
namespace wf = jv::workflow;

json Attrs(const std::string& s) {
  json a = json::parse(s, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

Table CountTable(std::string id, std::string zh, std::string en, Column key,
                 const std::map<std::string, int64_t>& counts, bool chart) {
  Table t{
      std::move(id), std::move(zh), std::move(en), {std::move(key), {"count", "数量", "Count"}}, {},
      chart ? 1 : -1};
  for (const auto& [k, n] : counts) t.rows.push_back({k, n});
  return t;
}

namespace {

std::string EvidenceSummary(const json& e) {
  // Scalars only (counts, dates, mechanism names): never lists of subject ids.
  std::string s;
  for (const auto& [k, v] : e.items()) {
    if (v.is_object() || v.is_array()) continue;
    s += (s.empty() ? "" : "; ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return s;
}

Result<Report> Checklist(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(wf::GateReport g, wf::EvaluateGate(v));
  Report r{"checklist", "合规检查清单", "Compliance checklist", "", "", {}};
  Table t{"rules",
          "检查项",
          "Rules",
          {{"id", "编号", "Id"},
           {"title", "检查项", "Rule"},
           {"article", "条款", "Article"},
           {"status", "状态", "Status"},
           {"blocking", "阻断打包", "Blocks package"},
           {"evidence", "证据", "Evidence"}},
          {},
          -1};
  std::map<std::string, int64_t> by_status;
  for (const auto& x : g.rules) {
    std::string st(wf::RuleStatusName(x.status));
    ++by_status[st];
    t.rows.push_back(
        {x.id, x.title, x.article, st, x.blocking ? "yes" : "no", EvidenceSummary(x.evidence)});
  }
  r.tables.push_back(std::move(t));
  r.tables.push_back(CountTable("by_status", "按状态统计", "By status",
                                {"status", "状态", "Status"}, by_status, true));
  r.tables.push_back({"gate",
                      "打包闸门",
                      "Package gate",
                      {{"blocked", "受阻", "Blocked"}, {"rules", "检查项数", "Rules"}},
                      {{g.blocked() ? "yes" : "no", static_cast<int64_t>(g.rules.size())}},
                      -1});
  return r;
}

Result<Report> Summary(vault::Vault& v) {
  Report r{"summary", "概况", "Summary", "", "", {}};
  std::map<std::string, int64_t> by_state, by_store, sensitive;
  int64_t subjects = 0, minors = 0, sens = 0;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    json a = wf::SubjectAttrs(s);
    if (a.contains("placeholder") || s.state == "unmatched") return Status::Ok();
    ++subjects;
    ++by_state[s.state];
    if (a.contains("store") && a["store"].is_string()) ++by_store[a["store"].get<std::string>()];
    if (a.value("minor", false)) ++minors;
    if (wf::SubjectSensitiveFor(a, {})) ++sens;
    return Status::Ok();
  }));
  r.tables.push_back({"totals",
                      "总数",
                      "Totals",
                      {{"subjects", "个人信息主体", "Subjects"},
                       {"sensitive", "含敏感个人信息", "With sensitive PI"},
                       {"minors", "不满十四周岁", "Under 14"}},
                      {{subjects, sens, minors}},
                      -1});
  r.tables.push_back(
      CountTable("by_state", "按状态", "By state", {"state", "状态", "State"}, by_state, true));
  r.tables.push_back(
      CountTable("by_store", "按门店", "By store", {"store", "门店", "Store"}, by_store, true));
  JV_ASSIGN_OR_RETURN(wf::XbFacts xb, wf::ComputeCrossBorder(v));
  r.tables.push_back({"cross_border",
                      "出境（本年累计）",
                      "Cross-border (year to date)",
                      {{"year", "年度", "Year"},
                       {"individuals", "人数", "Individuals"},
                       {"sensitive", "敏感", "Sensitive"},
                       {"non_sensitive", "非敏感", "Non-sensitive"},
                       {"required", "所需机制", "Required mechanism"}},
                      {{xb.year, xb.individuals, xb.sensitive, xb.non_sensitive,
                        std::string(wf::XbMechanismName(xb.required))}},
                      -1});
  JV_ASSIGN_OR_RETURN(auto incidents, wf::ListIncidents(v));
  std::map<std::string, int64_t> inc;
  for (const auto& i : incidents) ++inc[i.value("status", "")];
  r.tables.push_back(
      CountTable("incidents", "安全事件", "Incidents", {"status", "状态", "Status"}, inc, false));
  return r;
}

Result<Report> Inventory(vault::Vault& v) {
  Report r{"inventory", "数据清单", "Data inventory", "", "", {}};
  std::map<std::string, int64_t> by_cat;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (s.state == "shredded") return Status::Ok();
    json a = wf::SubjectAttrs(s);
    if (a.contains("placeholder")) return Status::Ok();
    if (a.contains("categories") && a["categories"].is_array()) {
      for (const json& c : a["categories"]) {
        if (c.is_string()) ++by_cat[c.get<std::string>()];
      }
    }
    return Status::Ok();
  }));
  Table fields{"fields",
               "字段",
               "Fields",
               {{"field", "字段", "Field"},
                {"category", "类别", "Category"},
                {"sensitive", "敏感", "Sensitive"},
                {"subjects", "涉及主体", "Subjects"}},
               {},
               3};
  for (const auto& f : classify::AllFields()) {
    std::string cat(classify::FieldCategoryName(f.category));
    fields.rows.push_back({std::string(f.name), cat, f.sensitive ? "yes" : "no",
                           by_cat.count(cat) ? by_cat[cat] : int64_t{0}});
  }
  r.tables.push_back(std::move(fields));
  r.tables.push_back(CountTable("categories", "按类别（主体数）", "By category (subjects)",
                                {"category", "类别", "Category"}, by_cat, true));
  JV_ASSIGN_OR_RETURN(auto sources, v.store().ListSources());
  Table src{"sources",
            "数据来源",
            "Sources",
            {{"source", "来源", "Source"},
             {"kind", "类型", "Kind"},
             {"status", "状态", "Status"},
             {"rows", "行数", "Rows"}},
            {},
            -1};
  for (const auto& s : sources) {
    json rep = Attrs(s.report_json);
    src.rows.push_back({s.id, s.kind, s.status, rep.value("rows_read", int64_t{0})});
  }
  r.tables.push_back(std::move(src));
  return r;
}

Result<Report> Campaign(vault::Vault& v) {
  Report r{"campaign", "告知情况", "Notice campaign", "", "", {}};
  store::ObjectFilter f;
  f.kind = wf::kKindNotice;
  JV_ASSIGN_OR_RETURN(auto notices, v.store().ListObjects(f));
  std::map<std::string, int64_t> by_status, by_channel;
  for (const auto& n : notices) {
    ++by_status[n.status];
    ++by_channel[Attrs(n.attrs_json).value("channel", "")];
  }
  f.kind = wf::kKindResponse;
  JV_ASSIGN_OR_RETURN(auto responses, v.store().ListObjects(f));
  std::map<std::string, int64_t> by_type;
  for (const auto& x : responses) ++by_type[Attrs(x.attrs_json).value("type", "")];
  r.tables.push_back(CountTable("by_status", "按状态", "By status", {"status", "状态", "Status"},
                                by_status, true));
  r.tables.push_back(CountTable("by_channel", "按渠道", "By channel",
                                {"channel", "渠道", "Channel"}, by_channel, true));
  r.tables.push_back(
      CountTable("responses", "回复", "Responses", {"type", "类型", "Type"}, by_type, true));
  return r;
}

Result<Report> Ropa(vault::Vault& v) {
  Report r{"ropa", "个人信息处理活动记录", "Records of processing", "", "", {}};
  JV_ASSIGN_OR_RETURN(auto recipients, wf::ListRecipients(v));
  JV_ASSIGN_OR_RETURN(wf::XbFacts xb, wf::ComputeCrossBorder(v));
  std::map<std::string, int64_t> allocated;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    json a = wf::SubjectAttrs(s);
    if (a.contains("recipient") && a["recipient"].is_string() && s.state != "objected") {
      ++allocated[a["recipient"].get<std::string>()];
    }
    return Status::Ok();
  }));
  auto t = wf::GetTransfer(v);
  Table p{"activities",
          "处理活动",
          "Processing activities",
          {{"recipient", "接收方", "Recipient"},
           {"region", "地区", "Region"},
           {"reason", "转移事由", "Reason"},
           {"legal_basis", "合法性基础", "Legal basis"},
           {"scope", "字段范围", "Scope"},
           {"subjects", "主体数", "Subjects"},
           {"mechanism", "出境机制", "Cross-border mechanism"}},
          {},
          5};
  for (const json& rc : recipients) {
    std::string id = rc.value("id", "");
    std::string scope;
    for (const json& s : rc.value("scope", json::array()))
      scope += (scope.empty() ? "" : " ") + s.get<std::string>();
    std::string mech = "n.a.";
    for (const auto& x : xb.recipients) {
      if (x.id == id) mech = x.recorded.empty() ? "none" : x.recorded;
    }
    p.rows.push_back({id, rc.value("region", ""), t.ok() ? t->reason : "",
                      t.ok() ? t->article() : "", scope.empty() ? "all" : scope, allocated[id],
                      mech});
  }
  r.tables.push_back(std::move(p));
  return r;
}

}  // namespace

const std::vector<std::string>& ReportKinds() {
  static const auto* k =
      new std::vector<std::string>{"checklist", "summary",   "inventory",   "campaign", "ropa",
                                   "claims",    "retention", "certificate", "audit",    "requests"};
  return *k;
}

Result<Report> BuildReport(vault::Vault& v, const std::string& kind, const ReportOptions& options) {
  Result<Report> r = InvalidArgumentError(
      "unknown report: checklist, summary, inventory, campaign, ropa, claims, retention, "
      "certificate, audit or requests");
  if (kind == "checklist")
    r = Checklist(v);
  else if (kind == "summary")
    r = Summary(v);
  else if (kind == "inventory")
    r = Inventory(v);
  else if (kind == "campaign")
    r = Campaign(v);
  else if (kind == "ropa")
    r = Ropa(v);
  else if (kind == "claims")
    r = BuildClaimsReport(v);
  else if (kind == "retention")
    r = BuildRetentionReport(v, options);
  else if (kind == "certificate")
    r = BuildCertificateReport(v);
  else if (kind == "audit")
    r = BuildAuditReport(v);
  else if (kind == "requests")
    r = BuildRequestsReport(v);
  if (!r.ok()) return r;
  r->generated_at = FormatRfc3339Seconds(v.clock().NowMicros());
  r->vault_company = v.config().company;
  return r;
}

}  // namespace jv::report
