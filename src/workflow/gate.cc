#include "src/workflow/gate.h"

#include <map>
#include <set>

#include "src/crypto/age.h"
#include "src/workflow/checklist.h"
#include "src/workflow/transfer.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

constexpr size_t kSampleIds = 10;

json ObjAttrs(const store::ObjectRow& o) {
  json a = json::parse(o.attrs_json, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

bool Excluded(const std::string& state) {
  return state == "objected" || state == "shredded" || state == "restricted";
}

// Allocated subjects that still count (not objected / shredded / restricted), with their
// recipient and state, optionally narrowed to one recipient.
Result<std::map<std::string, std::pair<std::string, std::string>>> Allocated(
    vault::Vault& v, const std::string& recipient_id) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (Excluded(s.state)) return Status::Ok();
    json a = SubjectAttrs(s);
    if (!a.contains("recipient") || !a["recipient"].is_string()) return Status::Ok();
    std::string r = a["recipient"].get<std::string>();
    if (!recipient_id.empty() && r != recipient_id) return Status::Ok();
    out[s.id] = {r, s.state};
    return Status::Ok();
  }));
  return out;
}

bool Notified(const std::string& status) {
  return status == "sent" || status == "delivered" || status == "announced";
}

RuleResult Base(const char* id, const char* title, const char* article, bool blocking) {
  RuleResult r;
  r.id = id;
  r.title = title;
  r.article = article;
  r.blocking = blocking;
  return r;
}

Result<RuleResult> TransferSetupRule(vault::Vault& v, const std::string&) {
  RuleResult r = Base("TRANSFER-SETUP", "转移已设置 (transfer set up)", "PIPL 22/23", true);
  auto s = GetTransfer(v);
  if (!s.ok() && s.status().code() != StatusCode::kFailedPrecondition) return s.status();
  r.status = s.ok() ? RuleStatus::kPass : RuleStatus::kFail;
  if (s.ok()) r.evidence = {{"reason", s->reason}, {"objection_days", s->objection_days}};
  else r.evidence = {{"missing", "transfer setup"}};
  return r;
}

Result<RuleResult> NoticeRule(vault::Vault& v, const std::string& recipient_id) {
  RuleResult r = Base("PIPL-22-NOTICE", "每位客户均已告知 (every customer notified)", "PIPL 22",
                      true);
  JV_ASSIGN_OR_RETURN(auto alloc, Allocated(v, recipient_id));
  store::ObjectFilter f;
  f.kind = kKindNotice;
  JV_ASSIGN_OR_RETURN(auto notices, v.store().ListObjects(f));
  std::set<std::string> notified;
  for (const auto& n : notices) {
    if (Notified(n.status)) notified.insert(n.subject_id);
  }
  int64_t missing = 0;
  json sample = json::array();
  for (const auto& [id, rs] : alloc) {
    if (notified.count(id)) continue;
    ++missing;
    if (sample.size() < kSampleIds) sample.push_back(id);
  }
  r.evidence = {{"allocated", static_cast<int64_t>(alloc.size())},
                {"notified", static_cast<int64_t>(alloc.size()) - missing},
                {"not_notified", missing},
                {"sample_subjects", sample}};
  if (alloc.empty()) r.status = RuleStatus::kNotApplicable;
  else r.status = missing == 0 ? RuleStatus::kPass : RuleStatus::kFail;
  return r;
}

Result<RuleResult> ObjectionWindowRule(vault::Vault& v, const std::string&) {
  RuleResult r = Base("OBJECTION-WINDOW", "异议期已届满 (objection window over)", "PIPL 22",
                      true);
  auto s = GetTransfer(v);
  if (!s.ok()) {
    if (s.status().code() != StatusCode::kFailedPrecondition) return s.status();
    r.status = RuleStatus::kFail;
    r.evidence = {{"missing", "transfer setup"}};
    return r;
  }
  store::ObjectFilter f;
  f.kind = kKindNotice;
  JV_ASSIGN_OR_RETURN(auto notices, v.store().ListObjects(f));
  int64_t last = 0;
  for (const auto& n : notices) {
    if (!Notified(n.status)) continue;
    last = std::max(last, ObjAttrs(n).value("sent_micros", int64_t{0}));
  }
  const int64_t now = v.clock().NowMicros();
  r.evidence = {{"objection_days", s->objection_days}, {"now", FormatRfc3339Seconds(now)}};
  if (last == 0) {
    r.status = RuleStatus::kFail;
    r.evidence["last_notice_sent"] = nullptr;
    return r;
  }
  const int64_t ends = last + s->objection_days * 86400 * int64_t{1000000};
  r.evidence["last_notice_sent"] = FormatRfc3339Seconds(last);
  r.evidence["window_ends"] = FormatRfc3339Seconds(ends);
  r.status = now >= ends ? RuleStatus::kPass : RuleStatus::kFail;
  return r;
}

Result<RuleResult> RecipientKeyRule(vault::Vault& v, const std::string& recipient_id) {
  RuleResult r = Base("RECIPIENT-KEY", "接收方已有加密公钥 (recipient has an age key)",
                      "PIPL 51", true);
  JV_ASSIGN_OR_RETURN(auto alloc, Allocated(v, recipient_id));
  std::set<std::string> used;
  for (const auto& [id, rs] : alloc) used.insert(rs.first);
  json without = json::array();
  for (const auto& rid : used) {
    auto o = v.store().GetObject(kKindRecipient, rid);
    bool ok = false;
    if (o.ok()) {
      std::string key = ObjAttrs(*o).value("age_recipient", "");
      ok = crypto::age::X25519Recipient::Parse(key).ok();
    } else if (o.status().code() != StatusCode::kNotFound) {
      return o.status();
    }
    if (!ok) without.push_back(rid);
  }
  r.evidence = {{"recipients", static_cast<int64_t>(used.size())}, {"without_key", without}};
  if (used.empty()) r.status = RuleStatus::kNotApplicable;
  else r.status = without.empty() ? RuleStatus::kPass : RuleStatus::kFail;
  return r;
}

Result<RuleResult> ConsentRule(vault::Vault& v, const std::string& recipient_id) {
  RuleResult r = Base("PIPL-23-CONSENT",
                      "出售须取得单独同意 (sale: separate consent of each customer)", "PIPL 23",
                      true);
  auto s = GetTransfer(v);
  if (!s.ok() || !s->needs_consent()) {
    if (!s.ok() && s.status().code() != StatusCode::kFailedPrecondition) return s.status();
    r.status = RuleStatus::kNotApplicable;
    r.blocking = false;
    r.evidence = {{"reason", s.ok() ? s->reason : ""}};
    return r;
  }
  JV_ASSIGN_OR_RETURN(auto alloc, Allocated(v, recipient_id));
  int64_t without = 0;
  json sample = json::array();
  for (const auto& [id, rs] : alloc) {
    if (rs.second == "consented" || rs.second == "transferred") continue;
    ++without;
    if (sample.size() < kSampleIds) sample.push_back(id);
  }
  r.evidence = {{"allocated", static_cast<int64_t>(alloc.size())},
                {"without_consent", without},
                {"sample_subjects", sample}};
  r.status = without == 0 ? RuleStatus::kPass : RuleStatus::kFail;
  return r;
}

const std::vector<GateRule>& Rules() {
  static const auto* rules = new std::vector<GateRule>{
      {"TRANSFER-SETUP", "转移已设置 (transfer set up)", "PIPL 22/23", &TransferSetupRule},
      {"PIPL-22-NOTICE", "每位客户均已告知 (every customer notified)", "PIPL 22", &NoticeRule},
      {"OBJECTION-WINDOW", "异议期已届满 (objection window over)", "PIPL 22",
       &ObjectionWindowRule},
      {"RECIPIENT-KEY", "接收方已有加密公钥 (recipient has an age key)", "PIPL 51",
       &RecipientKeyRule},
      {"PIPL-23-CONSENT", "出售须取得单独同意 (sale: separate consent)", "PIPL 23",
       &ConsentRule},
      // Governance (checklist.h).
      {"PIPL-55-PIPIA", "已完成影响评估 (impact assessment)", "PIPL 55-56", &PipiaRule},
      {"XB-MECHANISM", "出境机制 (cross-border mechanism)", "PIPL 38-40",
       &CrossBorderMechanismRule},
      {"PIPL-39-CONSENT", "出境单独同意 (cross-border consent)", "PIPL 39",
       &CrossBorderConsentRule},
      {"PIPL-52-OFFICER", "个人信息保护负责人 (PI officer)", "PIPL 52", &OfficerRule},
      {"NDSMR-30-REPORT", "省级报告 (provincial report)", "NDSMR 30", &ProvincialReportRule},
      {"PIPL-51-ENCRYPTION", "加密存储 (encryption)", "PIPL 51", &EncryptionRule},
      {"PIPL-47-RETENTION", "到期删除 (retention)", "PIPL 47", &RetentionRule},
      {"AUDIT-CHAIN", "审计日志完整 (audit log intact)", "PIPL 51", &AuditChainRule},
  };
  return *rules;
}

}  // namespace

std::string_view RuleStatusName(RuleStatus s) {
  switch (s) {
    case RuleStatus::kPass: return "pass";
    case RuleStatus::kFail: return "fail";
    case RuleStatus::kWarn: return "warn";
    case RuleStatus::kNotApplicable: return "n.a.";
  }
  return "n.a.";
}

bool GateReport::blocked() const {
  for (const auto& r : rules) {
    if (r.blocking && r.status == RuleStatus::kFail) return true;
  }
  return false;
}

json GateReport::ToJson() const {
  json rs = json::array();
  for (const auto& r : rules) {
    rs.push_back({{"id", r.id},
                  {"title", r.title},
                  {"article", r.article},
                  {"status", std::string(RuleStatusName(r.status))},
                  {"blocking", r.blocking},
                  {"evidence", r.evidence}});
  }
  const bool b = blocked();
  return {{"ok", !b}, {"blocked", b}, {"rules", rs}};
}

Result<GateReport> EvaluateGate(vault::Vault& v, const std::string& recipient_id) {
  GateReport report;
  for (const auto& rule : Rules()) {
    JV_ASSIGN_OR_RETURN(RuleResult r, rule.evaluate(v, recipient_id));
    report.rules.push_back(std::move(r));
  }
  return report;
}

}  // namespace jv::workflow
