#include "src/workflow/deletion.h"

#include <algorithm>
#include <set>

#include "src/audit/audit_log.h"
#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/workflow/shred.h"

namespace jv::workflow {

namespace {

using json = nlohmann::json;

json ParseObject(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return json::object();
  return j;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string JsonText(const json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

std::string RenderHtml(const json& c) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
       "<title>个人信息删除证明</title><style>body{font-family:sans-serif;margin:2em;}"
       "table{border-collapse:collapse;margin:1em 0;}td,th{border:1px solid #444;padding:4px 8px;"
       "text-align:left;}code{font-size:85%;word-break:break-all;}"
       "@media print{body{margin:1cm;}}</style></head><body>\n";
  h += "<h1>个人信息删除证明 <small>(Certificate of deletion)</small></h1>\n";
  h += "<p>个人信息处理者 (transferor): " + HtmlEscape(JsonText(c["transferor"])) +
       "<br>保管库 (vault): <code>" + HtmlEscape(JsonText(c["vault_id"])) +
       "</code><br>出具时间 (issued): " + HtmlEscape(JsonText(c["issued"])) + "</p>\n";
  h += "<h2>已转移 (transferred)</h2>\n<table><tr><th>数据包 (package)</th><th>接收方 "
       "(recipient)</th><th>人数 (subjects)</th><th>确认时间 (acknowledged)</th></tr>\n";
  for (const auto& p : c["transfers"]) {
    h += "<tr><td><code>" + HtmlEscape(JsonText(p["package_id"])) + "</code></td><td>" +
         HtmlEscape(JsonText(p["recipient_name"])) + "</td><td>" + JsonText(p["subjects"]) +
         "</td><td>" + HtmlEscape(JsonText(p["acknowledged_at"])) + "</td></tr>\n";
  }
  h += "</table>\n<h2>已销毁 (destroyed)</h2>\n<table>";
  h += "<tr><th>已删除 (shredded)</th><td>" + JsonText(c["shredded"]) + "</td></tr>";
  h += "<tr><th>限制处理 (restricted, 保存期限未届满)</th><td>" + JsonText(c["restricted"]) +
       "</td></tr></table>\n";
  const json& cp = c["checkpoint"];
  h += "<h2>审计检查点 (audit checkpoint)</h2>\n<p>树大小 (tree size): " +
       JsonText(cp["tree_size"]) + "<br>根哈希 (root): <code>" + HtmlEscape(JsonText(cp["root_hash"])) +
       "</code><br>签名算法 (algorithm): " + HtmlEscape(JsonText(cp["algorithm"])) + "</p>\n";
  h += "<p>删除记录的包含证明见 cert.json (inclusion proofs of the " +
       std::to_string(c["shred_entries"].size()) +
       " shred entries are in cert.json); cert.json.sig 为 cert.json 的签名，可用 "
       "<code>openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in cert.json -sigfile "
       "cert.json.sig</code> 验证。</p>\n";
  h += "<pre>" + HtmlEscape(JsonText(c["public_key_pem"])) + "</pre>\n</body></html>\n";
  return h;
}

}  // namespace

Result<ShredRunResult> ShredTransferred(vault::Vault& v) {
  std::vector<std::string> ids;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::string("transferred"),
                                              [&](const store::SubjectRow& s) {
                                                ids.push_back(s.id);
                                                return Status::Ok();
                                              }));
  ShredRunResult out;
  JV_ASSIGN_OR_RETURN(int64_t before, v.audit().Size());
  // Many subjects per commit: a commit per subject (each an fsync) made large runs slow. A
  // run interrupted between batches leaves the rest "transferred"; running it again
  // shreds them.
  constexpr size_t kBatch = 256;
  for (size_t i = 0; i < ids.size(); i += kBatch) {
    store::Transaction txn(v.store());
    JV_RETURN_IF_ERROR(txn.Start());
    for (size_t j = i; j < std::min(ids.size(), i + kBatch); ++j) {
      JV_ASSIGN_OR_RETURN(ShredOutcome o,
                          ShredSubjectClassesInTxn(v, ids[j], "transferred", IsLockedClass));
      (o.new_state == "shredded" ? out.shredded : out.restricted).push_back(ids[j]);
    }
    JV_RETURN_IF_ERROR(txn.Commit());
    v.DropKeyCache();
  }
  JV_ASSIGN_OR_RETURN(int64_t after, v.audit().Size());
  JV_RETURN_IF_ERROR(v.store().ForEachAudit(before + 1, after, [&](const store::AuditRow& r) {
    json e = ParseObject(r.line);
    if (e.value("action", "") == "subject.shred") out.audit_seqs.push_back(r.seq);
    return Status::Ok();
  }));
  const int64_t now = v.clock().NowMicros();
  out.run_id = NewId(v.random(), "sr_");
  store::ObjectRow obj;
  obj.kind = "shred_run";
  obj.id = out.run_id;
  obj.status = "done";
  obj.attrs_json = json{{"reason", "transferred"},
                        {"shredded", out.shredded},
                        {"restricted", out.restricted},
                        {"audit_seqs", out.audit_seqs},
                        {"at", FormatRfc3339Seconds(now)}}
                       .dump();
  obj.created_micros = obj.updated_micros = now;
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutObject(obj));
  JV_RETURN_IF_ERROR(v.AuditInTxn("shred.run", "", "transfer",
                                  {{"run", out.run_id},
                                   {"shredded", static_cast<int64_t>(out.shredded.size())},
                                   {"restricted", static_cast<int64_t>(out.restricted.size())}})
                         .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  JV_RETURN_IF_ERROR(v.store().Compact());
  return out;
}

Result<DeletionCertificate> BuildDeletionCertificate(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(auto runs, v.store().ListObjects({"shred_run", std::nullopt, std::nullopt}));
  if (runs.empty()) return FailedPreconditionError("nothing has been shredded yet (run shred)");
  JV_ASSIGN_OR_RETURN(auto all_pkgs, v.store().ListObjects({"package", std::nullopt, std::string("acknowledged")}));
  json transfers = json::array();
  for (const auto& p : all_pkgs) {
    json a = ParseObject(p.attrs_json);
    std::string rid = a.value("recipient", "");
    std::string rname;
    auto r = v.store().GetObject("recipient", rid);
    if (r.ok()) rname = ParseObject(r->attrs_json).value("name", "");
    transfers.push_back({{"package_id", p.id},
                         {"recipient_id", rid},
                         {"recipient_name", rname},
                         {"recipient_vault_id", a.value("recipient_vault_id", "")},
                         {"subjects", a.value("subjects", json::array()).size()},
                         {"merkle_root", a.value("merkle_root", "")},
                         {"manifest_sha256", a.value("manifest_sha256", "")},
                         {"receipt_sha256", a.value("receipt_sha256", "")},
                         {"acknowledged_at", a.value("acknowledged_at", "")}});
  }
  std::set<std::string> shredded, restricted;
  std::vector<int64_t> seqs;
  json run_list = json::array();
  for (const auto& r : runs) {
    json a = ParseObject(r.attrs_json);
    for (const auto& s : a.value("shredded", json::array())) shredded.insert(s.get<std::string>());
    for (const auto& s : a.value("restricted", json::array())) restricted.insert(s.get<std::string>());
    for (const auto& s : a.value("audit_seqs", json::array())) seqs.push_back(s.get<int64_t>());
    run_list.push_back({{"run", r.id}, {"at", a.value("at", "")}, {"reason", a.value("reason", "")}});
  }
  // A subject shredded first and restricted later (or the reverse) counts in its last state.
  JV_RETURN_IF_ERROR(v.Audit("certificate.deletion", "", "transfer",
                             {{"shredded", static_cast<int64_t>(shredded.size())},
                              {"restricted", static_cast<int64_t>(restricted.size())}})
                         .status());
  JV_ASSIGN_OR_RETURN(audit::Checkpoint cp, v.audit().MakeCheckpoint(v.signer()));
  cp.public_key_pem = v.signer().PublicKeyPem();
  cp.algorithm = v.signer().AlgorithmName();
  json entries = json::array();
  for (int64_t seq : seqs) {
    JV_ASSIGN_OR_RETURN(auto proof, v.audit().ProveInclusion(seq, cp.tree_size));
    std::string line;
    JV_RETURN_IF_ERROR(v.store().ForEachAudit(seq, seq, [&](const store::AuditRow& r) {
      line = r.line;
      return Status::Ok();
    }));
    json e = ParseObject(line);
    entries.push_back({{"seq", seq},
                       {"subject", e.value("subject", "")},
                       {"line", line},
                       {"proof", audit::InclusionProofToJson(proof)}});
  }
  const int64_t now = v.clock().NowMicros();
  json doc = {{"format", kCertificateFormat},
              {"vault_id", v.config().vault_id},
              {"transferor", v.config().company},
              {"case", v.config().case_type},
              {"issued", FormatRfc3339Seconds(now)},
              {"transfers", transfers},
              {"shred_runs", run_list},
              {"shredded", static_cast<int64_t>(shredded.size())},
              {"restricted", static_cast<int64_t>(restricted.size())},
              {"shredded_subjects", std::vector<std::string>(shredded.begin(), shredded.end())},
              {"restricted_subjects",
               std::vector<std::string>(restricted.begin(), restricted.end())},
              {"merkle_hash", v.suite() == crypto::Suite::kGm ? "sm3" : "sha256"},
              {"checkpoint", audit::CheckpointToJson(cp)},
              {"shred_entries", entries},
              {"algorithm", v.signer().AlgorithmName()},
              {"public_key_pem", v.signer().PublicKeyPem()}};
  DeletionCertificate out;
  out.json_text = doc.dump(2) + "\n";
  JV_ASSIGN_OR_RETURN(out.signature, v.signer().Sign(AsBytes(out.json_text)));
  out.html = RenderHtml(doc);
  out.doc = std::move(doc);
  return out;
}

}  // namespace jv::workflow
