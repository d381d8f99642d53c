#include "src/workflow/package.h"

#include <algorithm>
#include <map>
#include <set>

#include "src/audit/audit_log.h"
#include "src/audit/merkle.h"
#include "src/classify/bank_card.h"
#include "src/classify/email.h"
#include "src/classify/fields.h"
#include "src/classify/id_number.h"
#include "src/classify/mobile.h"
#include "src/common/clock.h"
#include "src/common/date.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/crypto/hash.h"
#include "src/crypto/sign.h"
#include "src/ingest/importer.h"
#include "src/workflow/crossborder.h"
#include "src/workflow/tar.h"

namespace jv::workflow {

namespace {

using json = nlohmann::json;

constexpr char kDataName[] = "data.jsonl";
constexpr char kManifestName[] = "manifest.json";
constexpr char kSigName[] = "manifest.sig";

std::vector<std::string> StringList(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

json ParseObject(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return json::object();
  return j;
}

std::string Sha256Hex(std::string_view data) { return HexEncode(crypto::Sha256(AsBytes(data))); }

// Splits data.jsonl into lines; every line must end with '\n' (an empty file has none).
Result<std::vector<std::string>> SplitLines(const std::string& data) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) return DataLossError("data.jsonl: last line has no newline");
    lines.push_back(data.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

// Per-field and per-category counts over data lines ({"subject", "fields"}).
Result<json> CountLines(const std::vector<std::string>& lines) {
  std::map<std::string, int64_t> fields, categories;
  int64_t sensitive = 0;
  std::set<std::string> ids;
  for (size_t i = 0; i < lines.size(); ++i) {
    json j = json::parse(lines[i], nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("subject") ||
        !j["subject"].is_string() || !j.contains("fields") || !j["fields"].is_object()) {
      return DataLossError("data.jsonl line " + std::to_string(i + 1) + " is malformed");
    }
    if (!ids.insert(j["subject"].get<std::string>()).second) {
      return DataLossError("data.jsonl line " + std::to_string(i + 1) + " repeats a subject");
    }
    std::set<std::string> cats;
    bool sens = false;
    for (auto it = j["fields"].begin(); it != j["fields"].end(); ++it) {
      auto f = classify::FieldFromName(it.key());
      if (!f) {
        return DataLossError("data.jsonl line " + std::to_string(i + 1) +
                             " has a field outside the catalogue");
      }
      ++fields[it.key()];
      cats.insert(std::string(classify::FieldCategoryName(classify::GetFieldInfo(*f).category)));
      sens = sens || classify::IsSensitiveField(*f);
    }
    for (const auto& c : cats) ++categories[c];
    if (sens) ++sensitive;
  }
  return json{{"subjects", static_cast<int64_t>(lines.size())},
              {"fields", fields},
              {"categories", categories},
              {"subjects_with_sensitive_fields", sensitive}};
}

Status NotInTransaction(vault::Vault& v) {
  // Begin fails inside a transaction; probe cheaply and roll back.
  Status st = v.store().Begin();
  if (!st.ok()) return FailedPreconditionError("must not be called inside a transaction");
  return v.store().Rollback();
}

}  // namespace

std::vector<std::string> BlockingRuleIds(const GateReport& gate) {
  std::vector<std::string> ids;
  for (const auto& r : gate.rules) {
    if (r.blocking && r.status == RuleStatus::kFail) ids.push_back(r.id);
  }
  return ids;
}

std::string MerkleRootHex(const std::vector<std::string>& lines) {
  audit::TreeHasher hasher(crypto::Suite::kStd);
  audit::RootAccumulator acc(hasher);
  for (const auto& l : lines) acc.AppendLeafHash(hasher.HashLeaf(AsBytes(l)));
  return HexEncode(audit::AsView(acc.Root()));
}

Result<RecipientInfo> LoadRecipient(vault::Vault& v, const std::string& recipient_id) {
  auto row = v.store().GetObject("recipient", recipient_id);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no recipient " + recipient_id);
    }
    return row.status();
  }
  json a = ParseObject(row->attrs_json);
  RecipientInfo r;
  r.id = row->id;
  r.name = Str(a, "name");
  r.uscc = Str(a, "uscc");
  r.region = Str(a, "region");
  r.age_recipient = Str(a, "age_recipient");
  r.scope = StringList(a.value("scope", json::array()));
  r.purposes = StringList(a.value("purposes", json::array()));
  r.legal_basis = Str(a, "legal_basis");
  return r;
}

Result<BuiltPackage> BuildPackage(vault::Vault& v, const BuildOptions& options) {
  JV_RETURN_IF_ERROR(NotInTransaction(v));
  if (options.gate != nullptr && !BlockingRuleIds(*options.gate).empty()) {
    std::string ids;
    for (const auto& id : BlockingRuleIds(*options.gate)) ids += (ids.empty() ? "" : ", ") + id;
    return FailedPreconditionError("the compliance gate blocks the package: " + ids);
  }
  JV_ASSIGN_OR_RETURN(RecipientInfo rec, LoadRecipient(v, options.recipient_id));
  if (rec.age_recipient.empty()) {
    return FailedPreconditionError("recipient " + rec.id + " has no age public key");
  }
  auto age_rcpt = crypto::age::X25519Recipient::Parse(rec.age_recipient);
  if (!age_rcpt.ok()) {
    return FailedPreconditionError("recipient " + rec.id + " has an invalid age public key");
  }
  // Scope: canonical field names only.
  std::set<std::string> scope;
  if (rec.scope.empty()) {
    for (const auto& f : classify::AllFields()) scope.insert(std::string(f.name));
  } else {
    for (const auto& s : rec.scope) {
      if (classify::FieldFromName(s)) scope.insert(s);
    }
  }
  JV_ASSIGN_OR_RETURN(auto transfer_meta, v.store().GetMeta("transfer"));
  json transfer = transfer_meta ? ParseObject(*transfer_meta) : json::object();
  const std::string reason = Str(transfer, "reason");
  const bool consent_only = reason == "sale";
  // PIPL 39: a customer goes abroad only with their separate consent (crossborder.h).
  const bool xb_consent_only = IsCrossBorderRegion(rec.region);

  // Objectors by response (in case a later state change hid the objection).
  std::set<std::string> objectors;
  JV_ASSIGN_OR_RETURN(auto responses, v.store().ListObjects({"response", std::nullopt, std::nullopt}));
  for (const auto& r : responses) {
    std::string type = Str(ParseObject(r.attrs_json), "type");
    if (type == "object" || type == "delete") objectors.insert(r.subject_id);
  }

  const Date today = ChinaDateFromMicros(v.clock().NowMicros());
  std::vector<std::string> lines, ids;
  int64_t allocated = 0, excluded_objected = 0, excluded_state = 0, excluded_no_consent = 0;
  int64_t excluded_no_xb_consent = 0;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) -> Status {
    json attrs = ParseObject(s.attrs_json);
    if (Str(attrs, "recipient") != rec.id) return Status::Ok();
    ++allocated;
    if (s.state == "objected" || objectors.count(s.id) > 0) {
      ++excluded_objected;
      return Status::Ok();
    }
    if (s.state == "shredded" || s.state == "restricted" || s.state == "transferred" ||
        s.state == "unmatched") {
      ++excluded_state;
      return Status::Ok();
    }
    if (consent_only && s.state != "consented") {
      ++excluded_no_consent;
      return Status::Ok();
    }
    if (xb_consent_only && !(attrs.contains("xb_consent") && attrs["xb_consent"].is_object())) {
      ++excluded_no_xb_consent;
      return Status::Ok();
    }
    JV_ASSIGN_OR_RETURN(auto records, v.ReadRecords(s.id));
    auto current = ingest::CurrentValues(records, vault::kClassProfile, today);
    json fields = json::object();
    for (auto& [name, value] : current) {
      if (scope.count(name) > 0) fields[name] = value;
    }
    json line = {{"subject", s.id}, {"fields", std::move(fields)}};
    lines.push_back(line.dump());
    ids.push_back(s.id);
    return Status::Ok();
  }));
  if (lines.empty()) {
    return FailedPreconditionError("no subject of recipient " + rec.id + " can be packaged");
  }

  std::string data;
  for (const auto& l : lines) data += l + "\n";
  JV_ASSIGN_OR_RETURN(json counts, CountLines(lines));
  const std::string merkle_root = MerkleRootHex(lines);

  // Notice statistics over the packaged subjects.
  std::set<std::string> packaged(ids.begin(), ids.end());
  std::map<std::string, int64_t> notice_status;
  std::set<std::string> notified;
  JV_ASSIGN_OR_RETURN(auto notices, v.store().ListObjects({"notice", std::nullopt, std::nullopt}));
  for (const auto& n : notices) {
    if (packaged.count(n.subject_id) == 0) continue;
    ++notice_status[n.status];
    if (n.status == "sent" || n.status == "delivered" || n.status == "announced") {
      notified.insert(n.subject_id);
    }
  }

  const std::string package_id = NewId(v.random(), "p_");
  const int64_t now = v.clock().NowMicros();
  json details = {{"package", package_id},
                  {"recipient", rec.id},
                  {"subjects", static_cast<int64_t>(ids.size())},
                  {"merkle_root", merkle_root},
                  {"data_sha256", Sha256Hex(data)}};
  JV_RETURN_IF_ERROR(v.Audit("package.build", "", "transfer", details).status());
  JV_ASSIGN_OR_RETURN(audit::Checkpoint cp, v.audit().MakeCheckpoint(v.signer()));
  cp.public_key_pem = v.signer().PublicKeyPem();
  cp.algorithm = v.signer().AlgorithmName();

  json manifest = {
      {"format", kPackageFormat},
      {"package_id", package_id},
      {"vault_id", v.config().vault_id},
      {"transferor", v.config().company},
      {"case", v.config().case_type},
      {"reason", reason},
      {"created", FormatRfc3339Seconds(now)},
      {"recipient",
       {{"id", rec.id}, {"name", rec.name}, {"uscc", rec.uscc}, {"region", rec.region},
        {"age_recipient", rec.age_recipient}}},
      {"legal_basis", rec.legal_basis},
      {"purposes", rec.purposes},
      {"scope", std::vector<std::string>(scope.begin(), scope.end())},
      {"subjects", static_cast<int64_t>(ids.size())},
      {"counts", counts},
      {"selection",
       {{"allocated", allocated},
        {"excluded_objected", excluded_objected},
        {"excluded_state", excluded_state},
        {"excluded_no_consent", excluded_no_consent},
        {"consent_required", consent_only},
        {"excluded_no_crossborder_consent", excluded_no_xb_consent},
        {"crossborder_consent_required", xb_consent_only}}},
      {"notices",
       {{"by_status", notice_status},
        {"subjects_notified", static_cast<int64_t>(notified.size())},
        {"subjects_not_notified", static_cast<int64_t>(ids.size() - notified.size())}}},
      {"data",
       {{"file", kDataName},
        {"lines", static_cast<int64_t>(lines.size())},
        {"bytes", static_cast<int64_t>(data.size())},
        {"sha256", Sha256Hex(data)},
        {"merkle_hash", "sha256"}}},
      {"merkle_root", merkle_root},
      {"checkpoint", audit::CheckpointToJson(cp)},
      {"signature", {{"algorithm", v.signer().AlgorithmName()},
                     {"public_key_pem", v.signer().PublicKeyPem()}}},
  };
  std::string manifest_json = manifest.dump(2) + "\n";
  JV_ASSIGN_OR_RETURN(Bytes sig, v.signer().Sign(AsBytes(manifest_json)));

  JV_ASSIGN_OR_RETURN(std::string tar,
                      WriteTar({{kDataName, data},
                                {kManifestName, manifest_json},
                                {kSigName, std::string(AsString(sig))}},
                               now / 1000000));
  std::vector<crypto::age::X25519Recipient> rcpts{*age_rcpt};
  auto enc = crypto::age::EncryptToRecipients(AsBytes(tar), rcpts, false, v.random());
  SecureWipe(tar.data(), tar.size());
  if (!enc.ok()) return enc.status();

  store::ObjectRow obj;
  obj.kind = "package";
  obj.id = package_id;
  obj.status = "built";
  obj.attrs_json = json{{"recipient", rec.id},
                        {"subjects", ids},
                        {"merkle_root", merkle_root},
                        {"manifest_sha256", Sha256Hex(manifest_json)},
                        {"checkpoint", {{"tree_size", cp.tree_size},
                                        {"root_hash", HexEncode(cp.root_hash)}}},
                        {"built_at", FormatRfc3339Seconds(now)}}
                       .dump();
  obj.created_micros = obj.updated_micros = now;
  JV_RETURN_IF_ERROR(v.store().PutObject(obj));

  BuiltPackage out;
  out.package_id = package_id;
  out.encrypted = std::move(enc).value();
  out.data_jsonl = std::move(data);
  out.manifest_json = std::move(manifest_json);
  out.manifest_sig = std::move(sig);
  out.manifest = std::move(manifest);
  out.subject_ids = std::move(ids);
  return out;
}

Result<json> VerifyPackageMembers(const std::string& manifest_json, ByteView manifest_sig,
                                  const std::string& data_jsonl, const std::string& signer_pem) {
  if (signer_pem.empty()) {
    return InvalidArgumentError("the transferor's public key (--signer) is required");
  }
  Status sig = crypto::VerifySignature(signer_pem, AsBytes(manifest_json), manifest_sig);
  if (!sig.ok()) {
    if (sig.code() == StatusCode::kDataLoss) {
      return DataLossError("manifest.sig does not verify with the signer's key");
    }
    return sig;
  }
  json m = json::parse(manifest_json, nullptr, false);
  if (m.is_discarded() || !m.is_object()) return DataLossError("manifest.json is not JSON");
  if (Str(m, "format") != kPackageFormat) return DataLossError("unknown package format");
  // The checkpoint inside must be signed by the same key.
  const json& cp = m.value("checkpoint", json::object());
  auto msg = Base64Decode(Str(cp, "message_b64"));
  auto cps = Base64Decode(Str(cp, "signature_b64"));
  if (!msg.ok() || !cps.ok() || !crypto::VerifySignature(signer_pem, *msg, *cps).ok()) {
    return DataLossError("the manifest's audit checkpoint does not verify");
  }
  const json& d = m.value("data", json::object());
  if (Str(d, "sha256") != Sha256Hex(data_jsonl)) {
    return DataLossError("data.jsonl does not match the manifest's sha256");
  }
  JV_ASSIGN_OR_RETURN(auto lines, SplitLines(data_jsonl));
  if (MerkleRootHex(lines) != Str(m, "merkle_root")) {
    return DataLossError("data.jsonl does not match the manifest's merkle_root");
  }
  JV_ASSIGN_OR_RETURN(json counts, CountLines(lines));
  if (!m.contains("subjects") || m["subjects"] != counts["subjects"] ||
      d.value("lines", int64_t{-1}) != static_cast<int64_t>(lines.size()) ||
      m.value("counts", json::object()) != counts) {
    return DataLossError("data.jsonl does not match the manifest's counts");
  }
  return m;
}

Result<ImportedPackage> ImportPackage(vault::Vault& v, const ImportPackageOptions& options) {
  JV_RETURN_IF_ERROR(NotInTransaction(v));
  if (options.signer_pem.empty()) {
    return InvalidArgumentError("the transferor's public key (--signer) is required");
  }
  JV_ASSIGN_OR_RETURN(SecretBuffer plain, crypto::age::Decrypt(options.file, options.identities));
  JV_ASSIGN_OR_RETURN(auto members, ReadTar(plain.view()));
  const TarMember *data = nullptr, *manifest = nullptr, *sig = nullptr;
  for (const auto& mem : members) {
    if (mem.name == kDataName) data = &mem;
    else if (mem.name == kManifestName) manifest = &mem;
    else if (mem.name == kSigName) sig = &mem;
    else return DataLossError("package holds an unexpected member");
  }
  if (data == nullptr || manifest == nullptr || sig == nullptr) {
    return DataLossError("package lacks data.jsonl, manifest.json or manifest.sig");
  }
  JV_ASSIGN_OR_RETURN(json m, VerifyPackageMembers(manifest->data, AsBytes(sig->data),
                                                   data->data, options.signer_pem));
  const std::string package_id = Str(m, "package_id");
  if (package_id.empty()) return DataLossError("manifest has no package_id");
  auto existing = v.store().GetObject("provenance", package_id);
  if (existing.ok()) return FailedPreconditionError("package " + package_id + " already imported");
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();

  const std::string manifest_sha = Sha256Hex(manifest->data);
  const json purposes = m.value("purposes", json::array());
  const json provenance = {{"vault_id", Str(m, "vault_id")},
                           {"package_id", package_id},
                           {"transferor", Str(m, "transferor")}};
  const Date today = ChinaDateFromMicros(v.clock().NowMicros());
  const int64_t now = v.clock().NowMicros();
  JV_ASSIGN_OR_RETURN(auto lines, SplitLines(data->data));

  ImportedPackage out;
  out.package_id = package_id;
  std::vector<std::string> received;  // the transferor's subject ids
  {
    store::Transaction txn(v.store());
    JV_RETURN_IF_ERROR(txn.Start());
    for (size_t i = 0; i < lines.size(); ++i) {
      json line = json::parse(lines[i]);  // validated by VerifyPackageMembers
      json p = provenance;
      p["source_subject"] = line["subject"];
      json attrs = {{"provenance", p}, {"purposes", purposes}};
      JV_ASSIGN_OR_RETURN(std::string sid, v.CreateSubject(attrs));
      const json& f = line["fields"];
      JV_RETURN_IF_ERROR(v.AddRecord(sid, vault::kClassProfile, "pkg:" + package_id,
                                     static_cast<int64_t>(i + 1), f));
      auto text = [&](const char* k) -> std::string {
        auto it = f.find(k);
        return it != f.end() && it->is_string() ? it->get<std::string>() : "";
      };
      if (auto c = classify::CheckMobile(text("mobile")); c.valid()) {
        JV_RETURN_IF_ERROR(v.AddBlindIndex(sid, "mobile", c.value));
      }
      if (auto c = classify::CheckIdNumber(text("id_number"), today); c.valid()) {
        JV_RETURN_IF_ERROR(v.AddBlindIndex(sid, "id_number", c.canonical));
      }
      if (auto c = classify::CheckEmail(text("email")); c.valid()) {
        JV_RETURN_IF_ERROR(v.AddBlindIndex(sid, "email", c.value));
      }
      if (auto c = classify::CheckBankCard(text("bank_card")); c.valid()) {
        JV_RETURN_IF_ERROR(v.AddBlindIndex(sid, "bank_card", c.value));
      }
      if (auto n = ingest::CanonicalName(text("name")); !n.empty()) {
        JV_RETURN_IF_ERROR(v.AddBlindIndex(sid, "name", n));
      }
      if (auto n = ingest::CanonicalMemberNo(text("member_no")); !n.empty()) {
        JV_RETURN_IF_ERROR(v.AddBlindIndex(sid, "member_no", n));
      }
      out.subject_ids.push_back(sid);
      received.push_back(line["subject"].get<std::string>());
    }
    store::ObjectRow obj;
    obj.kind = "provenance";
    obj.id = package_id;
    obj.status = "imported";
    obj.attrs_json = json{{"vault_id", Str(m, "vault_id")},
                          {"package_id", package_id},
                          {"transferor", Str(m, "transferor")},
                          {"manifest_sha256", manifest_sha},
                          {"merkle_root", Str(m, "merkle_root")},
                          {"purposes", purposes},
                          {"legal_basis", m.value("legal_basis", "")},
                          {"reason", m.value("reason", "")},
                          {"subjects", static_cast<int64_t>(lines.size())},
                          {"received_at", FormatRfc3339Seconds(now)}}
                         .dump();
    obj.created_micros = obj.updated_micros = now;
    JV_RETURN_IF_ERROR(v.store().PutObject(obj));
    JV_RETURN_IF_ERROR(v.AuditInTxn("package.import", "", "transfer",
                                    {{"package", package_id},
                                     {"transferor_vault", Str(m, "vault_id")},
                                     {"subjects", static_cast<int64_t>(lines.size())},
                                     {"merkle_root", Str(m, "merkle_root")},
                                     {"manifest_sha256", manifest_sha}})
                           .status());
    JV_RETURN_IF_ERROR(txn.Commit());
  }

  json body = {{"format", kReceiptFormat},
               {"package_id", package_id},
               {"manifest_sha256", manifest_sha},
               {"merkle_root", Str(m, "merkle_root")},
               {"transferor_vault_id", Str(m, "vault_id")},
               {"subjects", received},
               {"subjects_received", static_cast<int64_t>(received.size())},
               {"recipient_vault_id", v.config().vault_id},
               {"recipient_company", v.config().company},
               {"received_at", FormatRfc3339Seconds(now)},
               {"algorithm", v.signer().AlgorithmName()},
               {"public_key_pem", v.signer().PublicKeyPem()}};
  std::string body_text = body.dump();
  JV_ASSIGN_OR_RETURN(Bytes rsig, v.signer().Sign(AsBytes(body_text)));
  json receipt = {{"format", kReceiptFormat},
                  {"receipt", body_text},
                  {"signature_b64", Base64Encode(rsig)}};
  out.receipt = receipt.dump(2) + "\n";
  out.manifest = std::move(m);
  return out;
}

Result<AckResult> AckPackage(vault::Vault& v, const std::string& receipt_text,
                             const std::string& signer_pem) {
  JV_RETURN_IF_ERROR(NotInTransaction(v));
  json env = json::parse(receipt_text, nullptr, false);
  if (env.is_discarded() || !env.is_object() || Str(env, "format") != kReceiptFormat) {
    return InvalidArgumentError("not a jadevault receipt");
  }
  const std::string body_text = Str(env, "receipt");
  auto sig = Base64Decode(Str(env, "signature_b64"));
  json body = json::parse(body_text, nullptr, false);
  if (!sig.ok() || body.is_discarded() || !body.is_object()) {
    return InvalidArgumentError("the receipt is malformed");
  }
  const std::string key = Str(body, "public_key_pem");
  Status st = crypto::VerifySignature(key, AsBytes(body_text), *sig);
  if (!st.ok()) return DataLossError("the receipt's signature does not verify");
  if (!signer_pem.empty()) {
    if (!crypto::VerifySignature(signer_pem, AsBytes(body_text), *sig).ok()) {
      return DataLossError("the receipt is not signed by the pinned recipient key");
    }
  }
  const std::string package_id = Str(body, "package_id");
  auto pkg = v.store().GetObject("package", package_id);
  if (!pkg.ok()) {
    if (pkg.status().code() == StatusCode::kNotFound) {
      return NotFoundError("this vault built no package " + package_id);
    }
    return pkg.status();
  }
  if (pkg->status == "acknowledged") {
    return FailedPreconditionError("package " + package_id + " is already acknowledged");
  }
  json attrs = ParseObject(pkg->attrs_json);
  if (Str(attrs, "manifest_sha256") != Str(body, "manifest_sha256")) {
    return DataLossError("the receipt names a different manifest");
  }
  std::vector<std::string> sent = StringList(attrs.value("subjects", json::array()));
  std::vector<std::string> got = StringList(body.value("subjects", json::array()));
  std::sort(sent.begin(), sent.end());
  std::sort(got.begin(), got.end());
  if (sent != got) return DataLossError("the receipt's subjects differ from the package's");

  const int64_t now = v.clock().NowMicros();
  AckResult out;
  out.package_id = package_id;
  out.recipient_id = Str(attrs, "recipient");
  out.recipient_vault_id = Str(body, "recipient_vault_id");
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  for (const auto& id : sent) {
    JV_ASSIGN_OR_RETURN(store::SubjectRow s, v.store().GetSubject(id));
    if (s.state == "shredded" || s.state == "restricted") continue;
    s.state = "transferred";
    s.updated_micros = now;
    JV_RETURN_IF_ERROR(v.store().UpdateSubject(s));
    ++out.subjects_transferred;
  }
  attrs["acknowledged_at"] = FormatRfc3339Seconds(now);
  attrs["recipient_vault_id"] = out.recipient_vault_id;
  attrs["receipt_sha256"] = Sha256Hex(receipt_text);
  attrs["recipient_public_key_pem"] = key;
  pkg->status = "acknowledged";
  pkg->attrs_json = attrs.dump();
  pkg->updated_micros = now;
  JV_RETURN_IF_ERROR(v.store().PutObject(*pkg));
  JV_RETURN_IF_ERROR(v.AuditInTxn("package.ack", "", "transfer",
                                  {{"package", package_id},
                                   {"recipient", out.recipient_id},
                                   {"recipient_vault", out.recipient_vault_id},
                                   {"subjects_transferred", out.subjects_transferred},
                                   {"receipt_sha256", Sha256Hex(receipt_text)}})
                         .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return out;
}

bool PurposesWithinInherited(const std::vector<std::string>& inherited,
                             const std::vector<std::string>& proposed) {
  std::set<std::string> have(inherited.begin(), inherited.end());
  for (const auto& p : proposed) {
    if (have.count(p) == 0) return false;
  }
  return true;
}

Result<std::vector<std::string>> RecordPurposeChange(vault::Vault& v,
                                                     const std::vector<std::string>& proposed) {
  JV_RETURN_IF_ERROR(NotInTransaction(v));
  JV_ASSIGN_OR_RETURN(auto provs, v.store().ListObjects({"provenance", std::nullopt, std::nullopt}));
  std::vector<std::string> flagged;
  json per_package = json::object();
  for (const auto& p : provs) {
    auto inherited = StringList(ParseObject(p.attrs_json).value("purposes", json::array()));
    bool ok = PurposesWithinInherited(inherited, proposed);
    per_package[p.id] = {{"needs_new_consent", !ok}};
    if (!ok) flagged.push_back(p.id);
  }
  const int64_t now = v.clock().NowMicros();
  store::ObjectRow obj;
  obj.kind = "purposes";
  obj.id = NewId(v.random(), "pu_");
  obj.status = flagged.empty() ? "within_inherited" : "needs_new_consent";
  obj.attrs_json = json{{"proposed", proposed}, {"packages", per_package},
                        {"at", FormatRfc3339Seconds(now)}}.dump();
  obj.created_micros = obj.updated_micros = now;
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutObject(obj));
  JV_RETURN_IF_ERROR(v.AuditInTxn("purposes.change", "", "transfer",
                                  {{"record", obj.id}, {"proposed", proposed},
                                   {"needs_new_consent", flagged}})
                         .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return flagged;
}

}  // namespace jv::workflow
