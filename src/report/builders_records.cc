// The retention, certificate and audit builders of report.h. Counts, ids, dates, hashes and
// company names only: no subject id is listed.
#include <map>
#include <set>

#include "src/common/clock.h"
#include "src/common/strings.h"
#include "src/report/builders_internal.h"
#include "src/workflow/holds.h"
#include "src/workflow/retention.h"

namespace jv::report {

using json = nlohmann::json;
namespace wf = jv::workflow;

namespace {

int64_t Int(const json& o, const char* k) {
  if (!o.is_object() || !o.contains(k) || !o[k].is_number_integer()) return 0;
  return o[k].get<int64_t>();
}

// A package's "subjects": the id list on the transferor's side, a count elsewhere.
int64_t SubjectCount(const json& a) {
  if (!a.contains("subjects")) return 0;
  if (a["subjects"].is_array()) return static_cast<int64_t>(a["subjects"].size());
  return Int(a, "subjects");
}

}  // namespace

Result<Report> BuildRetentionReport(vault::Vault& v, const ReportOptions& options) {
  Report r{"retention", "保存期限与删除计划", "Retention plan", "", "", {}};
  wf::PlanOptions po;
  po.as_of = options.as_of ? *options.as_of : ChinaDateFromMicros(v.clock().NowMicros());
  JV_ASSIGN_OR_RETURN(wf::RetentionPlan plan, wf::PlanRetention(v, po));
  JV_ASSIGN_OR_RETURN(auto holds, wf::ListHolds(v, false));
  r.tables.push_back({"plan",
                      "计划概况",
                      "Plan",
                      {{"as_of", "计划日期", "As of"},
                       {"closed_on", "清算结束日", "Liquidation closed on"},
                       {"subjects_with_data", "有数据的主体", "Subjects with data"},
                       {"fully_deletable", "可全部删除", "Fully deletable"},
                       {"restricted", "部分删除（限制处理）", "Restricted"},
                       {"unchanged", "不变", "Unchanged"},
                       {"holds", "有效诉讼保全", "Active holds"},
                       {"aml_flagged", "反洗钱标记", "AML flagged"}},
                      {{po.as_of.ToString(), plan.closed_on ? plan.closed_on->ToString() : "",
                        plan.subjects_with_data, plan.fully_deletable, plan.restricted,
                        plan.unchanged, static_cast<int64_t>(holds.size()), plan.aml_flagged}},
                      -1});
  struct ClassCounts {
    int64_t subjects = 0, due = 0, locked = 0, held = 0, records_due = 0;
  };
  std::map<std::string, ClassCounts> by_class;
  for (const auto& s : plan.subjects) {
    for (const auto& c : s.classes) {
      ClassCounts& k = by_class[c.key_class];
      ++k.subjects;
      if (c.due) {
        ++k.due;
        k.records_due += c.records;
      } else if (c.held) {
        ++k.held;
      } else {
        ++k.locked;
      }
    }
  }
  Table cls{"by_class",
            "按数据类别（主体数）",
            "By data class (subjects)",
            {{"class", "类别", "Class"},
             {"due", "到期可删", "Due"},
             {"locked", "保存期内", "Locked"},
             {"held", "诉讼保全", "Held"},
             {"subjects", "主体数", "Subjects"},
             {"records_due", "到期记录", "Records due"}},
            {},
            1};
  for (const auto& [c, k] : by_class)
    cls.rows.push_back({c, k.due, k.locked, k.held, k.subjects, k.records_due});
  r.tables.push_back(std::move(cls));
  r.tables.push_back(CountTable("locks", "保留原因（主体数）", "Kept by (subjects)",
                                {"lock", "保留原因", "Lock"}, plan.locks, true));
  std::map<std::string, int64_t> by_hold;
  for (const auto& h : holds) {
    by_hold[h.scope + ":" + (h.key_class.empty() ? "all" : h.key_class)] += 1;
  }
  r.tables.push_back(CountTable("holds", "诉讼保全（范围:类别）", "Holds (scope:class)",
                                {"hold", "范围:类别", "Scope:class"}, by_hold, false));
  return r;
}

Result<Report> BuildCertificateReport(vault::Vault& v) {
  Report r{"certificate", "删除证明", "Deletion certificates", "", "", {}};
  // Certificates issued: the "certificate.deletion" audit entries (the certificate itself is
  // handed out, not stored).
  JV_ASSIGN_OR_RETURN(int64_t size, v.audit().Size());
  Table issued{"issued",
               "已出具的删除证明",
               "Certificates issued",
               {{"seq", "审计序号", "Audit seq"},
                {"issued", "出具时间", "Issued"},
                {"shredded", "已删除主体", "Shredded"},
                {"restricted", "限制处理主体", "Restricted"}},
               {},
               -1};
  if (size > 0) {
    JV_RETURN_IF_ERROR(v.store().ForEachAudit(1, size, [&](const store::AuditRow& row) {
      if (row.line.find("\"action\":\"certificate.deletion\"") == std::string::npos)
        return Status::Ok();
      json e = Attrs(row.line);
      if (e.value("action", "") != "certificate.deletion") return Status::Ok();
      const json d = e.value("details", json::object());
      issued.rows.push_back(
          {row.seq, e.value("time", ""), Int(d, "shredded"), Int(d, "restricted")});
      return Status::Ok();
    }));
  }
  JV_ASSIGN_OR_RETURN(
      auto pkgs, v.store().ListObjects({"package", std::nullopt, std::string("acknowledged")}));
  Table tr{"transfers",
           "已确认接收的转移",
           "Acknowledged transfers",
           {{"recipient", "接收方", "Recipient"},
            {"package", "数据包", "Package"},
            {"subjects", "主体数", "Subjects"},
            {"acknowledged_at", "确认时间", "Acknowledged"}},
           {},
           2};
  int64_t transferred = 0;
  for (const auto& p : pkgs) {
    json a = Attrs(p.attrs_json);
    std::string rid = a.value("recipient", "");
    std::string name = rid;  // a company; its id when the record is gone
    auto rec = v.store().GetObject("recipient", rid);
    if (rec.ok()) name = Attrs(rec->attrs_json).value("name", rid);
    const int64_t n = SubjectCount(a);
    transferred += n;
    tr.rows.push_back({name, p.id, n, a.value("acknowledged_at", "")});
  }
  JV_ASSIGN_OR_RETURN(auto runs, v.store().ListObjects({"shred_run", std::nullopt, std::nullopt}));
  Table sr{"shred_runs",
           "删除执行",
           "Shred runs",
           {{"run", "批次", "Run"},
            {"at", "时间", "At"},
            {"reason", "原因", "Reason"},
            {"shredded", "已删除", "Shredded"},
            {"restricted", "限制处理", "Restricted"}},
           {},
           -1};
  std::set<std::string> shredded, restricted;
  for (const auto& run : runs) {
    json a = Attrs(run.attrs_json);
    const json sh = a.value("shredded", json::array()), rs = a.value("restricted", json::array());
    for (const json& s : sh)
      if (s.is_string()) shredded.insert(s.get<std::string>());
    for (const json& s : rs)
      if (s.is_string()) restricted.insert(s.get<std::string>());
    sr.rows.push_back({run.id, a.value("at", ""), a.value("reason", ""),
                       static_cast<int64_t>(sh.size()), static_cast<int64_t>(rs.size())});
  }
  const auto first = issued.rows.empty() ? json("") : issued.rows.front()[1];
  const auto last = issued.rows.empty() ? json("") : issued.rows.back()[1];
  r.tables.push_back(
      {"totals",
       "合计",
       "Totals",
       {{"certificates", "证明份数", "Certificates"},
        {"first_issued", "首次出具", "First issued"},
        {"last_issued", "最近出具", "Last issued"},
        {"packages", "已确认数据包", "Packages acknowledged"},
        {"subjects_transferred", "已转移主体", "Subjects transferred"},
        {"shred_runs", "删除批次", "Shred runs"},
        {"shredded", "已删除主体", "Subjects shredded"},
        {"restricted", "限制处理主体", "Subjects restricted"}},
       {{static_cast<int64_t>(issued.rows.size()), first, last, static_cast<int64_t>(pkgs.size()),
         transferred, static_cast<int64_t>(runs.size()), static_cast<int64_t>(shredded.size()),
         static_cast<int64_t>(restricted.size())}},
       -1});
  r.tables.push_back(std::move(issued));
  r.tables.push_back(std::move(tr));
  r.tables.push_back(std::move(sr));
  return r;
}

Result<Report> BuildAuditReport(vault::Vault& v) {
  Report r{"audit", "审计日志", "Audit log", "", "", {}};
  JV_ASSIGN_OR_RETURN(audit::VerifyReport vr, v.audit().Verify(v.signer().PublicKeyPem()));
  JV_ASSIGN_OR_RETURN(int64_t size, v.audit().Size());
  std::map<std::string, int64_t> by_action, by_day;
  std::string first, last;
  if (size > 0) {
    JV_RETURN_IF_ERROR(v.store().ForEachAudit(1, size, [&](const store::AuditRow& row) {
      json e = Attrs(row.line);
      const std::string time = e.value("time", "");
      ++by_action[e.value("action", "")];
      ++by_day[time.substr(0, 10)];
      if (first.empty()) first = time;
      last = time;
      return Status::Ok();
    }));
  }
  r.tables.push_back({"log",
                      "日志",
                      "Log",
                      {{"tree_size", "条目数（树大小）", "Tree size"},
                       {"first_time", "最早", "First entry"},
                       {"last_time", "最近", "Last entry"},
                       {"verify_ok", "校验通过", "Verified"},
                       {"verify_reason", "校验说明", "Verification note"},
                       {"checkpoints_checked", "已校验检查点", "Checkpoints checked"},
                       {"signatures_checked", "已校验签名", "Signatures checked"}},
                      {{size, first, last, vr.ok ? "yes" : "no", vr.reason, vr.checkpoints_checked,
                        vr.signatures_checked ? "yes" : "no"}},
                      -1});
  JV_ASSIGN_OR_RETURN(auto cps, v.audit().ListCheckpoints());
  Table cp{"checkpoint",
           "最近检查点",
           "Latest checkpoint",
           {{"tree_size", "树大小", "Tree size"},
            {"root_hash", "根哈希", "Root hash"},
            {"created", "签署时间", "Signed"},
            {"checkpoints", "检查点总数", "Checkpoints"}},
           {},
           -1};
  if (!cps.empty()) {
    const auto& c = cps.back();
    cp.rows.push_back({c.tree_size, HexEncode(c.root_hash), FormatRfc3339Seconds(c.created_micros),
                       static_cast<int64_t>(cps.size())});
  }
  r.tables.push_back(std::move(cp));
  r.tables.push_back(CountTable("by_action", "按操作", "By action", {"action", "操作", "Action"},
                                by_action, true));
  r.tables.push_back(CountTable("by_day", "按日（UTC）", "Entries per day (UTC)",
                                {"day", "日期", "Day"}, by_day, true));
  return r;
}

}  // namespace jv::report
