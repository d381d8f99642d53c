#include "src/workflow/crossborder.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "src/common/date.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/crypto/hash.h"
#include "src/workflow/transfer.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr int64_t kChinaOffsetMicros = 8LL * 3600 * 1000000;
constexpr size_t kMaxEvidence = 16u << 20;

json Attrs(const std::string& s) {
  json a = json::parse(s, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

bool HasCategory(const json& a, std::string_view c) {
  if (!a.contains("categories") || !a["categories"].is_array()) return false;
  for (const json& x : a["categories"]) {
    if (x.is_string() && x.get<std::string>() == c) return true;
  }
  return false;
}

int Rank(std::string_view recorded) {
  if (recorded == "security_assessment") return 2;
  if (recorded == "standard_contract" || recorded == "certification") return 1;
  return 0;
}

template <typename Fn>
Status InTxn(vault::Vault& v, Fn&& body) {
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(body());
  return txn.Commit();
}

}  // namespace

std::string_view XbMechanismName(XbMechanism m) {
  switch (m) {
    case XbMechanism::kExempt:
      return "exempt";
    case XbMechanism::kStandardContractOrCertification:
      return "standard_contract_or_certification";
    case XbMechanism::kSecurityAssessment:
      return "security_assessment";
  }
  return "exempt";
}

XbMechanism RequiredMechanism(int64_t sensitive, int64_t non_sensitive) {
  sensitive = std::max<int64_t>(sensitive, 0);
  non_sensitive = std::max<int64_t>(non_sensitive, 0);
  if (sensitive >= 10000 || non_sensitive >= 1000000) return XbMechanism::kSecurityAssessment;
  if (non_sensitive >= 100000 || sensitive >= 1) {
    return XbMechanism::kStandardContractOrCertification;
  }
  return XbMechanism::kExempt;
}

bool IsCrossBorderRegion(std::string_view region) { return region != "CN"; }

bool IsRecordableMechanism(std::string_view m) { return Rank(m) > 0; }

bool MechanismSatisfies(std::string_view recorded, XbMechanism required) {
  switch (required) {
    case XbMechanism::kExempt:
      return true;
    case XbMechanism::kStandardContractOrCertification:
      return Rank(recorded) >= 1;
    case XbMechanism::kSecurityAssessment:
      return Rank(recorded) >= 2;
  }
  return false;
}

bool SubjectSensitiveFor(const json& a, const std::vector<std::string>& scope) {
  auto in_scope = [&](std::string_view f) {
    return scope.empty() || std::find(scope.begin(), scope.end(), f) != scope.end();
  };
  if (a.value("minor", false)) return true;  // every field of a child under 14 (PIPL 28)
  if (a.value("has_id", false) && in_scope("id_number")) return true;
  if (HasCategory(a, "financial_account") && in_scope("bank_card")) return true;
  if (HasCategory(a, "property") && (in_scope("points") || in_scope("prepaid_balance"))) {
    return true;
  }
  // The "consumption" category also holds last_purchase_date (not sensitive); the attrs do
  // not say which, so a subject with the category counts as sensitive when total_spend is in
  // scope (errs towards the stricter mechanism).
  if (HasCategory(a, "consumption") && in_scope("total_spend")) return true;
  return false;
}

int64_t YearStartMicros(int64_t now_micros) {
  Date d = ChinaDateFromMicros(now_micros);
  Date jan1{d.year, 1, 1};
  return jan1.ToDays() * kMicrosPerDay - kChinaOffsetMicros;
}

json XbRecipientFacts::ToJson() const {
  return {{"id", id},
          {"region", region},
          {"individuals", individuals},
          {"sensitive", sensitive},
          {"non_sensitive", non_sensitive},
          {"without_consent", without_consent},
          {"recorded_mechanism", recorded.empty() ? json(nullptr) : json(recorded)},
          {"record_id", record_id.empty() ? json(nullptr) : json(record_id)}};
}

json XbFacts::ToJson() const {
  json rs = json::array();
  for (const auto& r : recipients) rs.push_back(r.ToJson());
  return {{"year", year},
          {"individuals", individuals},
          {"sensitive", sensitive},
          {"non_sensitive", non_sensitive},
          {"required", std::string(XbMechanismName(required))},
          {"without_consent", without_consent},
          {"recipients", rs}};
}

Result<XbFacts> ComputeCrossBorder(vault::Vault& v) {
  XbFacts f;
  const int64_t now = v.clock().NowMicros();
  const int64_t year_start = YearStartMicros(now);
  f.year = ChinaDateFromMicros(now).year;
  JV_ASSIGN_OR_RETURN(auto recipients, ListRecipients(v));
  std::map<std::string, std::vector<std::string>> scopes;
  std::map<std::string, size_t> pos;
  for (const json& r : recipients) {
    std::string region = r.value("region", "");
    if (!IsCrossBorderRegion(region)) continue;
    XbRecipientFacts rf;
    rf.id = r.value("id", "");
    rf.region = region;
    std::vector<std::string> scope;
    if (r.contains("scope") && r["scope"].is_array()) {
      for (const json& s : r["scope"]) {
        if (s.is_string()) scope.push_back(s.get<std::string>());
      }
    }
    scopes[rf.id] = std::move(scope);
    pos[rf.id] = f.recipients.size();
    f.recipients.push_back(std::move(rf));
  }
  // Strongest still-valid record per recipient.
  store::ObjectFilter of;
  of.kind = kKindXbMechanism;
  JV_ASSIGN_OR_RETURN(auto records, v.store().ListObjects(of));
  for (const auto& o : records) {
    json a = Attrs(o.attrs_json);
    auto it = pos.find(a.value("recipient", ""));
    if (it == pos.end()) continue;
    int64_t until = a.value("valid_until_micros", int64_t{0});
    if (until != 0 && until <= now) continue;  // X5: an expired assessment no longer counts
    std::string m = a.value("mechanism", "");
    XbRecipientFacts& rf = f.recipients[it->second];
    if (Rank(m) > Rank(rf.recorded)) {
      rf.recorded = m;
      rf.record_id = o.id;
    }
  }
  if (f.recipients.empty()) return f;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (s.state == "objected" || s.state == "restricted") return Status::Ok();
    json a = SubjectAttrs(s);
    if (a.contains("placeholder")) return Status::Ok();
    if (!a.contains("recipient") || !a["recipient"].is_string()) return Status::Ok();
    auto it = pos.find(a["recipient"].get<std::string>());
    if (it == pos.end()) return Status::Ok();
    if ((s.state == "transferred" || s.state == "shredded") && s.updated_micros < year_start) {
      return Status::Ok();  // sent in an earlier year
    }
    XbRecipientFacts& rf = f.recipients[it->second];
    const bool sens = SubjectSensitiveFor(a, scopes[rf.id]);
    ++rf.individuals;
    ++(sens ? rf.sensitive : rf.non_sensitive);
    ++f.individuals;
    ++(sens ? f.sensitive : f.non_sensitive);
    const bool consented = a.contains("xb_consent") && a["xb_consent"].is_object();
    if (!consented && s.state != "transferred" && s.state != "shredded") {
      ++rf.without_consent;
      ++f.without_consent;
    }
    return Status::Ok();
  }));
  f.required = RequiredMechanism(f.sensitive, f.non_sensitive);
  return f;
}

Result<json> RecordMechanism(vault::Vault& v, const XbRecordInput& in) {
  if (!IsRecordableMechanism(in.mechanism)) {
    return InvalidArgumentError(
        "--mechanism must be security_assessment, standard_contract or certification");
  }
  if (TrimSpace(in.reference).empty()) return InvalidArgumentError("--reference is required");
  if (in.evidence.empty()) return InvalidArgumentError("--evidence: the file is empty");
  if (in.evidence.size() > kMaxEvidence) {
    return InvalidArgumentError("--evidence: the file is larger than 16 MiB");
  }
  auto rec = v.store().GetObject(kKindRecipient, in.recipient_id);
  if (!rec.ok()) {
    if (rec.status().code() == StatusCode::kNotFound) {
      return NotFoundError("--recipient: no such recipient");
    }
    return rec.status();
  }
  const std::string region = Attrs(rec->attrs_json).value("region", "");
  if (!IsCrossBorderRegion(region)) {
    return FailedPreconditionError(
        "--recipient is in the mainland (CN): no cross-border "
        "mechanism applies");
  }
  const int64_t now = v.clock().NowMicros();
  store::ObjectRow row;
  row.kind = kKindXbMechanism;
  row.id = NewId(v.random(), "xm_");
  row.status = "recorded";
  row.created_micros = row.updated_micros = now;
  const std::string sha = HexEncode(crypto::Sha256(AsBytes(in.evidence)));
  json attrs = {{"recipient", in.recipient_id},
                {"region", region},
                {"mechanism", in.mechanism},
                {"reference", in.reference},
                {"evidence_sha256", sha},
                {"evidence_name", in.evidence_name},
                {"evidence_size", static_cast<int64_t>(in.evidence.size())},
                {"recorded_at", FormatRfc3339Seconds(now)},
                {"valid_until", nullptr}};
  if (in.mechanism == "security_assessment") {
    // X5: a security assessment is valid for 3 years.
    Date until = ChinaDateFromMicros(now).AddYears(3);
    attrs["valid_until"] = until.ToString();
    attrs["valid_until_micros"] = until.ToDays() * kMicrosPerDay - kChinaOffsetMicros;
  }
  row.attrs_json = attrs.dump();
  JV_ASSIGN_OR_RETURN(row.sealed,
                      v.keys().SealSecret("xb_evidence:" + row.id,
                                          SecretBuffer::FromString(in.evidence), v.random()));
  JV_RETURN_IF_ERROR(InTxn(v, [&]() -> Status {
    JV_RETURN_IF_ERROR(v.store().PutObject(row));
    return v
        .AuditInTxn("crossborder.record", "", "transfer",
                    {{"record", row.id},
                     {"recipient", in.recipient_id},
                     {"mechanism", in.mechanism},
                     {"evidence_sha256", sha}})
        .status();
  }));
  json out = attrs;
  out.erase("valid_until_micros");
  out["id"] = row.id;
  out["status"] = row.status;
  return out;
}

Result<std::vector<json>> ListMechanisms(vault::Vault& v) {
  store::ObjectFilter of;
  of.kind = kKindXbMechanism;
  JV_ASSIGN_OR_RETURN(auto records, v.store().ListObjects(of));
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.created_micros, a.id) < std::tie(b.created_micros, b.id);
  });
  std::vector<json> out;
  for (const auto& o : records) {
    json a = Attrs(o.attrs_json);
    a.erase("valid_until_micros");
    a["id"] = o.id;
    a["status"] = o.status;
    out.push_back(std::move(a));
  }
  return out;
}

Status RecordCrossBorderConsent(vault::Vault& v, const std::string& subject_id,
                                const std::string& via) {
  if (via != "phone" && via != "letter" && via != "portal" && via != "email") {
    return InvalidArgumentError("--via must be phone, letter, portal or email");
  }
  auto s = v.store().GetSubject(subject_id);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kNotFound)
      return NotFoundError("--subject: no such subject");
    return s.status();
  }
  if (s->state == "shredded") return FailedPreconditionError("--subject has been shredded");
  const int64_t now = v.clock().NowMicros();
  return InTxn(v, [&]() -> Status {
    store::SubjectRow u = *s;
    json a = SubjectAttrs(u);
    a["xb_consent"] = {{"via", via}, {"at", FormatRfc3339Seconds(now)}};
    u.attrs_json = a.dump();
    u.updated_micros = now;
    JV_RETURN_IF_ERROR(v.store().UpdateSubject(u));
    store::ObjectRow r;
    r.kind = kKindResponse;
    r.id = NewId(v.random(), "rs_");
    r.subject_id = subject_id;
    r.status = "recorded";
    r.attrs_json =
        json({{"type", "crossborder_consent"}, {"via", via}, {"at", FormatRfc3339Seconds(now)}})
            .dump();
    r.created_micros = r.updated_micros = now;
    JV_RETURN_IF_ERROR(v.store().PutObject(r));
    return v
        .AuditInTxn("crossborder.consent", subject_id, "transfer",
                    {{"response", r.id}, {"via", via}})
        .status();
  });
}

}  // namespace jv::workflow
