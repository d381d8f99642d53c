#include "src/workflow/checklist.h"

#include <set>

#include "src/common/clock.h"
#include "src/common/strings.h"
#include "src/crypto/suite.h"
#include "src/workflow/assess.h"
#include "src/workflow/crossborder.h"
#include "src/workflow/transfer.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

constexpr size_t kSampleIds = 10;

RuleResult Base(const char* id, const char* title, const char* article, bool blocking) {
  RuleResult r;
  r.id = id;
  r.title = title;
  r.article = article;
  r.blocking = blocking;
  return r;
}

json Attrs(const std::string& s) {
  json a = json::parse(s, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

Status SaveGovernance(vault::Vault& v, const json& g, const std::string& action,
                      const json& details) {
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaGovernance, g.dump()));
  JV_RETURN_IF_ERROR(v.AuditInTxn(action, "", "governance", details).status());
  return txn.Commit();
}

}  // namespace

Result<json> GetGovernance(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(auto m, v.store().GetMeta(kMetaGovernance));
  json g = m ? Attrs(*m) : json::object();
  if (!g.contains("officer")) g["officer"] = nullptr;
  if (!g.contains("filings") || !g["filings"].is_array()) g["filings"] = json::array();
  return g;
}

Result<json> SetOfficer(vault::Vault& v, const std::string& name, const std::string& contact) {
  if (TrimSpace(name).empty()) return InvalidArgumentError("--name is required");
  if (TrimSpace(contact).empty()) return InvalidArgumentError("--contact is required");
  JV_ASSIGN_OR_RETURN(json g, GetGovernance(v));
  // The officer's name and business contact are published under PIPL 52; they are staff
  // data, not customer data, and stay out of the audit details all the same.
  g["officer"] = {{"name", name},
                  {"contact", contact},
                  {"appointed_at", FormatRfc3339Seconds(v.clock().NowMicros())}};
  JV_RETURN_IF_ERROR(SaveGovernance(v, g, "governance.officer", {{"set", true}}));
  return g;
}

Result<json> RecordFiling(vault::Vault& v, const std::string& type, const std::string& reference) {
  if (type != "officer_filing" && type != "provincial_report") {
    return InvalidArgumentError("--type must be officer_filing or provincial_report");
  }
  if (TrimSpace(reference).empty()) return InvalidArgumentError("--reference is required");
  JV_ASSIGN_OR_RETURN(json g, GetGovernance(v));
  g["filings"].push_back({{"type", type},
                          {"reference", reference},
                          {"at", FormatRfc3339Seconds(v.clock().NowMicros())}});
  JV_RETURN_IF_ERROR(
      SaveGovernance(v, g, "governance.filing", {{"type", type}, {"reference", reference}}));
  return g;
}

Result<int64_t> CountIndividuals(vault::Vault& v) {
  int64_t n = 0;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (s.state == "unmatched") return Status::Ok();
    if (!SubjectAttrs(s).contains("placeholder")) ++n;
    return Status::Ok();
  }));
  return n;
}

Result<RuleResult> PipiaRule(vault::Vault& v, const std::string& recipient_id) {
  RuleResult r = Base("PIPL-55-PIPIA", "已完成个人信息保护影响评估 (impact assessment done)",
                      "PIPL 55-56", true);
  JV_ASSIGN_OR_RETURN(auto latest, LatestAssessment(v));
  if (!latest) {
    r.status = RuleStatus::kFail;
    r.evidence = {{"assessment", nullptr}, {"missing", "jadevault assess --answers FILE"}};
    return r;
  }
  json a = Attrs(latest->attrs_json);
  // The assessment must have looked at every recipient that now holds an allocation.
  std::set<std::string> assessed;
  if (a.contains("report") && a["report"].contains("facts")) {
    for (const json& x : a["report"]["facts"].value("recipients", json::array())) {
      assessed.insert(x.value("id", ""));
    }
  }
  std::set<std::string> current;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    json sa = SubjectAttrs(s);
    if (!sa.contains("recipient") || !sa["recipient"].is_string()) return Status::Ok();
    std::string rid = sa["recipient"].get<std::string>();
    if (recipient_id.empty() || rid == recipient_id) current.insert(rid);
    return Status::Ok();
  }));
  json not_assessed = json::array();
  for (const auto& rid : current) {
    if (!assessed.count(rid)) not_assessed.push_back(rid);
  }
  r.evidence = {{"assessment", latest->id},
                {"created_at", a.value("created_at", "")},
                {"retain_until", a.value("retain_until", "")},
                {"overall_risk", a.contains("report") ? a["report"].value("overall", "") : ""},
                {"recipients_not_assessed", not_assessed}};
  r.status = not_assessed.empty() ? RuleStatus::kPass : RuleStatus::kFail;
  return r;
}

Result<RuleResult> CrossBorderMechanismRule(vault::Vault& v, const std::string& recipient_id) {
  RuleResult r = Base("XB-MECHANISM", "出境已具备法定机制 (cross-border mechanism in place)",
                      "PIPL 38-40; Provisions 5-9", true);
  JV_ASSIGN_OR_RETURN(XbFacts f, ComputeCrossBorder(v));
  json recs = json::array();
  json missing = json::array();
  for (const auto& rf : f.recipients) {
    if (!recipient_id.empty() && rf.id != recipient_id) continue;
    if (rf.individuals == 0) continue;
    json x = rf.ToJson();
    x["satisfied"] = MechanismSatisfies(rf.recorded, f.required);
    if (!x["satisfied"].get<bool>()) missing.push_back(rf.id);
    recs.push_back(std::move(x));
  }
  r.evidence = {{"year", f.year},
                {"individuals_ytd", f.individuals},
                {"sensitive_ytd", f.sensitive},
                {"non_sensitive_ytd", f.non_sensitive},
                {"required", std::string(XbMechanismName(f.required))},
                {"recipients", recs},
                {"missing", missing}};
  if (recs.empty())
    r.status = RuleStatus::kNotApplicable;
  else
    r.status = missing.empty() ? RuleStatus::kPass : RuleStatus::kFail;
  return r;
}

Result<RuleResult> CrossBorderConsentRule(vault::Vault& v, const std::string& recipient_id) {
  RuleResult r = Base("PIPL-39-CONSENT",
                      "出境须取得个人单独同意 (cross-border: separate consent of each customer)",
                      "PIPL 39", false);
  JV_ASSIGN_OR_RETURN(XbFacts f, ComputeCrossBorder(v));
  int64_t allocated = 0, without = 0;
  for (const auto& rf : f.recipients) {
    if (!recipient_id.empty() && rf.id != recipient_id) continue;
    allocated += rf.individuals;
    without += rf.without_consent;
  }
  r.evidence = {{"allocated_abroad", allocated},
                {"with_consent", allocated - without},
                {"not_transferable", without},
                {"effect", "subjects without separate consent are left out of the package"}};
  if (allocated == 0)
    r.status = RuleStatus::kNotApplicable;
  else
    r.status = without == 0 ? RuleStatus::kPass : RuleStatus::kWarn;
  return r;
}

Result<RuleResult> OfficerRule(vault::Vault& v, const std::string&) {
  RuleResult r =
      Base("PIPL-52-OFFICER", "已指定个人信息保护负责人 (PI protection officer appointed)",
           "PIPL 52; Audit Measures 12", true);
  JV_ASSIGN_OR_RETURN(int64_t n, CountIndividuals(v));
  JV_ASSIGN_OR_RETURN(json g, GetGovernance(v));
  bool filed = false;
  for (const json& x : g["filings"]) filed |= x.value("type", "") == "officer_filing";
  r.evidence = {{"individuals", n},
                {"threshold", kOfficerThreshold},
                {"officer_recorded", !g["officer"].is_null()},
                {"cac_filing_recorded", filed}};
  if (n < kOfficerThreshold)
    r.status = RuleStatus::kNotApplicable;
  else if (g["officer"].is_null())
    r.status = RuleStatus::kFail;
  else
    r.status = filed ? RuleStatus::kPass : RuleStatus::kWarn;
  return r;
}

Result<RuleResult> ProvincialReportRule(vault::Vault& v, const std::string&) {
  RuleResult r = Base("NDSMR-30-REPORT",
                      "已向省级主管部门报告处置方案 (disposal plan reported to the province)",
                      "NDSMR 28, 30", true);
  JV_ASSIGN_OR_RETURN(int64_t n, CountIndividuals(v));
  JV_ASSIGN_OR_RETURN(json g, GetGovernance(v));
  json filing = nullptr;
  for (const json& x : g["filings"]) {
    if (x.value("type", "") == "provincial_report") filing = x;
  }
  r.evidence = {{"individuals", n}, {"threshold", kNdsmrThreshold}, {"filing", filing}};
  if (n < kNdsmrThreshold)
    r.status = RuleStatus::kNotApplicable;
  else
    r.status = filing.is_null() ? RuleStatus::kFail : RuleStatus::kPass;
  return r;
}

Result<RuleResult> EncryptionRule(vault::Vault& v, const std::string&) {
  RuleResult r = Base("PIPL-51-ENCRYPTION", "个人信息加密存储 (personal information encrypted)",
                      "PIPL 51", true);
  std::set<std::string> keyed;
  int64_t keys = 0;
  JV_RETURN_IF_ERROR(v.store().ForEachDataKey([&](const store::DataKeyRow& k) {
    ++keys;
    keyed.insert(k.subject_id);
    return Status::Ok();
  }));
  int64_t live = 0, live_with_key = 0;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (s.state == "shredded") return Status::Ok();
    ++live;
    if (keyed.count(s.id)) ++live_with_key;
    return Status::Ok();
  }));
  const crypto::Suite suite = v.suite();
  r.evidence = {{"suite", std::string(crypto::SuiteName(suite))},
                {"aead", suite == crypto::Suite::kGm ? "SM4-GCM" : "AES-256-GCM"},
                {"data_keys", keys},
                {"subjects_not_shredded", live},
                {"subjects_with_data_key", live_with_key},
                {"basis",
                 "by construction: the store accepts field values only as AEAD ciphertext "
                 "under the subject's own data key (store.h RecordRow), and lookups only "
                 "as keyed blind indexes; subjects without a data key hold no field values"}};
  r.status = RuleStatus::kPass;
  return r;
}

Result<RuleResult> RetentionRule(vault::Vault& v, const std::string&) {
  RuleResult r = Base("PIPL-47-RETENTION", "目的实现后不再保留 (nothing kept past its purpose)",
                      "PIPL 47", false);
  auto t = GetTransfer(v);
  if (!t.ok() && t.status().code() != StatusCode::kFailedPrecondition) return t.status();
  // Hook: when the retention module's plan is present it replaces this case-state rule
  // (docs/design/governance.md).
  int64_t transferred = 0, objected = 0, unallocated = 0, restricted = 0;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    json a = SubjectAttrs(s);
    if (a.contains("placeholder") || s.state == "unmatched") return Status::Ok();
    if (s.state == "transferred")
      ++transferred;
    else if (s.state == "objected")
      ++objected;
    else if (s.state == "restricted")
      ++restricted;
    else if (s.state != "shredded" && !a.contains("recipient"))
      ++unallocated;
    return Status::Ok();
  }));
  const bool done = transferred > 0;  // a package was acknowledged: the purpose is achieved
  r.evidence = {{"transferred_not_shredded", transferred},
                {"objected_not_shredded", objected},
                {"unallocated_not_shredded", unallocated},
                {"restricted_under_lock", restricted},
                {"transfer_complete", done},
                {"next",
                 "jadevault shred --transferred; shred objectors and unallocated "
                 "customers once the transfer is done"}};
  if (!t.ok()) {
    r.status = RuleStatus::kNotApplicable;
    return r;
  }
  const bool held = transferred > 0 || (done && (objected > 0 || unallocated > 0));
  r.status = held ? RuleStatus::kWarn : RuleStatus::kPass;
  return r;
}

Result<RuleResult> AuditChainRule(vault::Vault& v, const std::string&) {
  RuleResult r = Base("AUDIT-CHAIN", "审计日志完整 (audit log intact)", "PIPL 51, 54", true);
  JV_ASSIGN_OR_RETURN(auto vr, v.audit().Verify(v.signer().PublicKeyPem()));
  r.evidence = {{"entries", vr.entries},
                {"root_hash", vr.root_hash},
                {"checkpoints_checked", vr.checkpoints_checked},
                {"first_bad_seq", vr.first_bad_seq == 0 ? json(nullptr) : json(vr.first_bad_seq)}};
  r.status = vr.ok ? RuleStatus::kPass : RuleStatus::kFail;
  return r;
}

}  // namespace jv::workflow
