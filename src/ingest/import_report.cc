#include "src/ingest/import_report.h"

namespace jv::ingest {

namespace {

using json = nlohmann::json;

int64_t GetInt(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number_integer()) return -1;
  return j[key].get<int64_t>();
}

}  // namespace

void ImportReport::Reject(int64_t row, std::string reason) {
  ++rows_rejected;
  if (rejected.size() < kMaxListed) {
    rejected.push_back({row, std::move(reason)});
  } else {
    rejected_truncated = true;
  }
}

void ImportReport::Unmatched(int64_t row) {
  ++rows_unmatched;
  if (unmatched.size() < kMaxListed) unmatched.push_back(row);
}

ImportReport EmptyReport(ImportKind kind) {
  ImportReport r;
  r.kind = std::string(ImportKindName(kind));
  for (const KindField& f : ImportKindFields(kind)) r.fields[std::string(f.name)] = {};
  return r;
}

json ImportReport::ToJson() const {
  json f = json::object();
  for (const auto& [name, c] : fields) {
    f[name] = {{"present", c.present}, {"valid", c.valid}, {"invalid", c.invalid}};
  }
  json rej = json::array();
  for (const RejectedRow& r : rejected) rej.push_back({{"row", r.row}, {"reason", r.reason}});
  json doc = {
      {"source", source},
      {"file_hash", file_hash},
      {"format", format},
      {"encoding", encoding},
      {"kind", kind},
      {"import_date", import_date},
      {"rows_read", rows_read},
      {"rows_rejected", rows_rejected},
      {"rows_imported", rows_imported},
      {"subjects_created", subjects_created},
      {"rows_merged", rows_merged},
      {"shared_contact", shared_contact},
      {"minors", minors},
      {"birth_date_conflicts", birth_date_conflicts},
      {"fields", f},
      {"id_number",
       {{"valid", id_number.valid},
        {"converted15", id_number.converted15},
        {"bad_checksum", id_number.bad_checksum},
        {"excel_mangled", id_number.excel_mangled},
        {"invalid", id_number.invalid}}},
      {"free_text_pii", free_text_pii},
      {"rejected", rej},
      {"rejected_truncated", rejected_truncated},
      {"mapping", MappingToJson(mapping)},
      {"seconds", seconds},
  };
  if (kind != "customers") {
    doc["rows_matched"] = rows_merged;
    doc["rows_unmatched"] = rows_unmatched;
    doc["unmatched"] = unmatched;
  }
  return doc;
}

Result<ImportReport> ImportReport::FromJson(const json& j) {
  auto bad = [] { return DataLossError("saved import report is malformed"); };
  if (!j.is_object()) return bad();
  ImportReport r;
  auto str = [&](const char* k, std::string* out) -> bool {
    if (!j.contains(k) || !j[k].is_string()) return false;
    *out = j[k].get<std::string>();
    return true;
  };
  if (j.contains("source_id") && j["source_id"].is_string()) {
    r.source_id = j["source_id"].get<std::string>();
  }
  if (!str("source", &r.source) ||
      !str("file_hash", &r.file_hash) || !str("format", &r.format) ||
      !str("encoding", &r.encoding) || !str("kind", &r.kind) ||
      !str("import_date", &r.import_date)) {
    return bad();
  }
  struct {
    const char* key;
    int64_t* out;
  } ints[] = {{"rows_read", &r.rows_read},
              {"rows_rejected", &r.rows_rejected},
              {"rows_imported", &r.rows_imported},
              {"subjects_created", &r.subjects_created},
              {"rows_merged", &r.rows_merged},
              {"shared_contact", &r.shared_contact},
              {"minors", &r.minors},
              {"birth_date_conflicts", &r.birth_date_conflicts},
              {"free_text_pii", &r.free_text_pii}};
  for (auto& e : ints) {
    *e.out = GetInt(j, e.key);
    if (*e.out < 0) return bad();
  }
  if (!j.contains("fields") || !j["fields"].is_object()) return bad();
  for (auto it = j["fields"].begin(); it != j["fields"].end(); ++it) {
    FieldCounts c;
    c.present = GetInt(*it, "present");
    c.valid = GetInt(*it, "valid");
    c.invalid = GetInt(*it, "invalid");
    if (c.present < 0 || c.valid < 0 || c.invalid < 0) return bad();
    r.fields[it.key()] = c;
  }
  if (!j.contains("id_number") || !j["id_number"].is_object()) return bad();
  const json& id = j["id_number"];
  r.id_number.valid = GetInt(id, "valid");
  r.id_number.converted15 = GetInt(id, "converted15");
  r.id_number.bad_checksum = GetInt(id, "bad_checksum");
  r.id_number.excel_mangled = GetInt(id, "excel_mangled");
  r.id_number.invalid = GetInt(id, "invalid");
  if (r.id_number.valid < 0 || r.id_number.converted15 < 0 || r.id_number.bad_checksum < 0 ||
      r.id_number.excel_mangled < 0 || r.id_number.invalid < 0) {
    return bad();
  }
  if (!j.contains("rejected") || !j["rejected"].is_array()) return bad();
  for (const json& e : j["rejected"]) {
    if (!e.is_object() || GetInt(e, "row") < 0 || !e.contains("reason") ||
        !e["reason"].is_string()) {
      return bad();
    }
    r.rejected.push_back({e["row"].get<int64_t>(), e["reason"].get<std::string>()});
  }
  if (j.contains("rejected_truncated") && j["rejected_truncated"].is_boolean()) {
    r.rejected_truncated = j["rejected_truncated"].get<bool>();
  }
  if (j.contains("mapping")) {
    JV_ASSIGN_OR_RETURN(r.mapping, MappingFromJson(j["mapping"]));
  }
  if (j.contains("rows_unmatched")) {
    r.rows_unmatched = GetInt(j, "rows_unmatched");
    if (r.rows_unmatched < 0) return bad();
  }
  if (j.contains("unmatched") && j["unmatched"].is_array()) {
    for (const json& e : j["unmatched"]) {
      if (!e.is_number_integer()) return bad();
      r.unmatched.push_back(e.get<int64_t>());
    }
  }
  if (j.contains("resumed") && j["resumed"].is_boolean()) r.resumed = j["resumed"].get<bool>();
  if (j.contains("seconds") && j["seconds"].is_number()) r.seconds = j["seconds"].get<double>();
  return r;
}

}  // namespace jv::ingest
