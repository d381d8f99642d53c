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
  for (const std::string& id : unique) {
    JV_ASSIGN_OR_RETURN(store::SubjectRow s, vault.store().GetSubject(id));
    JV_ASSIGN_OR_RETURN(auto recs, vault.ReadRecords(id));
    json masked = Masked(ingest::CurrentValues(recs, vault::kClassProfile, today));
    list.push_back({{"id", id}, {"state", s.state}, {"masked", std::move(masked)}});
  }
  if (!unique.empty()) {
    store::Transaction txn(vault.store());
    JV_RETURN_IF_ERROR(txn.Start());
    for (const std::string& id : unique) {
      JV_RETURN_IF_ERROR(
          vault.AuditInTxn("subject.read", id, purpose, {{"command", via}}).status());
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
  JV_ASSIGN_OR_RETURN(auto recs, vault.ReadRecords(id));
  std::map<std::string, json> cur = ingest::CurrentValues(recs, vault::kClassProfile, today);
  json attrs = json::parse(s->attrs_json, nullptr, false);
  if (attrs.is_discarded()) attrs = json::object();
  json records = json::array();
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
              {"masked", Masked(cur)},
              {"records", records},
              {"created", FormatRfc3339Seconds(s->created_micros)},
              {"updated", FormatRfc3339Seconds(s->updated_micros)}};
  {
    store::Transaction txn(vault.store());
    JV_RETURN_IF_ERROR(txn.Start());
    JV_RETURN_IF_ERROR(
        vault.AuditInTxn("subject.read", s->id, purpose, {{"command", via}}).status());
    if (reveal) {
      JV_RETURN_IF_ERROR(vault
                             .AuditInTxn("subject.reveal", s->id, purpose,
                                         {{"field", reveal->field}, {"reason", reveal->reason}})
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
