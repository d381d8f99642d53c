#include "src/workflow/subject_view.h"

#include <map>
#include <set>
#include <vector>

#include "src/classify/email.h"
#include "src/classify/fields.h"
#include "src/classify/id_number.h"
#include "src/classify/mask.h"
#include "src/classify/mobile.h"
#include "src/common/strings.h"
#include "src/ingest/importer.h"

namespace jv::workflow {

namespace {

using json = nlohmann::json;

std::string ValueText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

json Masked(const std::map<std::string, json>& cur) {
  json m = json::object();
  for (const auto& [name, v] : cur) {
    std::optional<classify::Field> f = classify::FieldFromName(name);
    if (!f) continue;  // extra columns ("mobile.c7", "c5") are not shown
    m[name] = classify::MaskValue(*f, ValueText(v));
  }
  return m;
}

constexpr char kDefaultPurpose[] = "customer_service";

std::string PurposeOr(const std::string& purpose) {
  return purpose.empty() ? std::string(kDefaultPurpose) : purpose;
}

constexpr char kRestrictedNote[] =
    "受限存储：仅可经 --reveal 并给出 --purpose 与 --reason 读取 (restricted storage: readable "
    "only with --reveal, --purpose and --reason; audited)";

// Current values over every class the subject still has (profile first, then the others in
// class order): what a restricted subject's reveal reads.
std::map<std::string, json> CurrentValuesAnyClass(const std::vector<vault::DecryptedRecord>& recs,
                                                  const Date& today) {
  std::map<std::string, json> cur = ingest::CurrentValues(recs, vault::kClassProfile, today);
  std::set<std::string> classes;
  for (const auto& r : recs) classes.insert(r.key_class);
  for (const std::string& c : classes) {
    if (c == vault::kClassProfile) continue;
    for (auto& [k, v] : ingest::CurrentValues(recs, c, today)) cur.emplace(k, v);
  }
  return cur;
}

}  // namespace

Result<std::pair<std::string, std::string>> SubjectSearchKey(const std::string& kind,
                                                             const std::string& value, Date today) {
  if (kind == "mobile") {
    auto m = classify::CheckMobile(value);
    if (!m.valid()) return InvalidArgumentError("mobile is not a valid mainland mobile number");
    return std::make_pair(kind, m.value);
  }
  if (kind == "id_number") {
    classify::IdNumber n = classify::CheckIdNumber(value, today);
    if (!n.valid()) return InvalidArgumentError("id_number is not a valid ID number");
    return std::make_pair(kind, n.canonical);
  }
  if (kind == "email") {
    auto m = classify::CheckEmail(value);
    if (!m.valid()) return InvalidArgumentError("email is not a valid e-mail address");
    return std::make_pair(kind, m.value);
  }
  if (kind == "name") {
    std::string n = ingest::CanonicalName(value);
    if (n.empty()) return InvalidArgumentError("name is empty");
    return std::make_pair(kind, n);
  }
  if (kind == "member_no") {
    std::string n = ingest::CanonicalMemberNo(value);
    if (n.empty()) return InvalidArgumentError("member_no is empty");
    return std::make_pair(kind, n);
  }
  return InvalidArgumentError("unknown search kind");
}

Result<json> FindSubjects(vault::Vault& vault, const std::string& index_kind,
                          const std::string& canonical_value, const std::string& purpose,
                          const std::string& via, Date today) {
  JV_ASSIGN_OR_RETURN(std::vector<std::string> ids, vault.FindByIndex(index_kind, canonical_value));
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    if (seen.insert(id).second) unique.push_back(id);
  }
  json list = json::array();
  std::vector<std::string> read;  // subjects whose records were decrypted
  for (const std::string& id : unique) {
    JV_ASSIGN_OR_RETURN(store::SubjectRow s, vault.store().GetSubject(id));
    if (s.state == "restricted") {  // storage only: nothing decrypted, nothing masked
      list.push_back({{"id", id}, {"state", s.state}, {"masked", json::object()},
                      {"restricted", true}});
      continue;
    }
    JV_ASSIGN_OR_RETURN(auto recs, vault.ReadRecords(id));
    json masked = Masked(ingest::CurrentValues(recs, vault::kClassProfile, today));
    list.push_back({{"id", id}, {"state", s.state}, {"masked", std::move(masked)}});
    read.push_back(id);
  }
  if (!read.empty()) {
    store::Transaction txn(vault.store());
    JV_RETURN_IF_ERROR(txn.Start());
    for (const std::string& id : read) {
      JV_RETURN_IF_ERROR(
          vault.AuditInTxn("subject.read", id, PurposeOr(purpose), {{"command", via}}).status());
    }
    JV_RETURN_IF_ERROR(txn.Commit());
  }
  return json{{"subjects", list}};
}

Result<json> ShowSubject(vault::Vault& vault, const std::string& id, const std::string& purpose,
                         const std::string& via, Date today,
                         const std::optional<RevealRequest>& reveal) {
  if (reveal) {
    if (TrimSpace(reveal->reason).empty()) {
      return PermissionDeniedError("revealing a field in clear needs a written reason");
    }
    if (!classify::FieldFromName(reveal->field)) {
      return InvalidArgumentError("field names an unknown field");
    }
  }
  auto s = vault.store().GetSubject(id);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no subject with id " + id);
    }
    return s.status();
  }
  const bool restricted = s->state == "restricted";
  if (restricted && reveal && purpose.empty()) {
    return PermissionDeniedError(
        "this subject is restricted (storage only): reading it needs --purpose and --reason");
  }
  json attrs = json::parse(s->attrs_json, nullptr, false);
  if (attrs.is_discarded()) attrs = json::object();
  json records = json::array();
  std::vector<vault::DecryptedRecord> recs;
  if (restricted && !reveal) {
    // Storage only: list what is kept (class, field names) without decrypting anything.
    JV_ASSIGN_OR_RETURN(auto rows, vault.store().ListRecords(id));
    for (const store::RecordRow& r : rows) {
      json names = json::array();
      for (auto part : Split(r.fields, ',')) {
        if (!part.empty() && part[0] != '_') names.push_back(std::string(part));
      }
      records.push_back({{"id", r.id},
                         {"key_class", r.key_class},
                         {"source_id", r.source_id},
                         {"row_no", r.row_no},
                         {"fields", names},
                         {"created", FormatRfc3339Seconds(r.created_micros)}});
    }
  } else {
    JV_ASSIGN_OR_RETURN(recs, vault.ReadRecords(id));
  }
  std::map<std::string, json> cur = restricted
                                        ? CurrentValuesAnyClass(recs, today)
                                        : ingest::CurrentValues(recs, vault::kClassProfile, today);
  for (const vault::DecryptedRecord& r : recs) {
    json names = json::array();
    for (auto it = r.fields.begin(); it != r.fields.end(); ++it) {
      if (!it.key().empty() && it.key()[0] != '_') names.push_back(it.key());
    }
    records.push_back({{"id", r.id},
                       {"key_class", r.key_class},
                       {"source_id", r.source_id},
                       {"row_no", r.row_no},
                       {"fields", names},
                       {"created", FormatRfc3339Seconds(r.created_micros)}});
  }
  json doc = {{"id", s->id},
              {"state", s->state},
              {"attrs", attrs},
              {"masked", restricted ? json::object() : Masked(cur)},
              {"records", records},
              {"created", FormatRfc3339Seconds(s->created_micros)},
              {"updated", FormatRfc3339Seconds(s->updated_micros)}};
  if (restricted) {
    doc["restricted"] = true;
    doc["note"] = kRestrictedNote;
  }
  {
    store::Transaction txn(vault.store());
    JV_RETURN_IF_ERROR(txn.Start());
    JV_RETURN_IF_ERROR(
        vault
            .AuditInTxn("subject.read", s->id, PurposeOr(purpose),
                        {{"command", via}, {"restricted", restricted}})
            .status());
    if (reveal) {
      JV_RETURN_IF_ERROR(vault
                             .AuditInTxn("subject.reveal", s->id, PurposeOr(purpose),
                                         {{"field", reveal->field},
                                          {"reason", reveal->reason},
                                          {"restricted", restricted}})
                             .status());
    }
    JV_RETURN_IF_ERROR(txn.Commit());
  }
  if (reveal) {
    auto it = cur.find(reveal->field);
    doc["revealed"] = {{reveal->field, it == cur.end() ? json(nullptr) : it->second}};
  }
  return doc;
}

}  // namespace jv::workflow
