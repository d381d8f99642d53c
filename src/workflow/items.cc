#include "src/workflow/items.h"

#include <set>

#include "src/classify/mask.h"
#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/crypto/aead.h"
#include "src/ingest/importer.h"
#include "src/workflow/liquidation.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

std::vector<uint8_t> ReturnAad(const std::string& item_id, const std::string& subject_id) {
  std::string s = "jadevault item return";
  s.push_back('\0');
  s += item_id;
  s.push_back('\0');
  s += subject_id;
  return std::vector<uint8_t>(s.begin(), s.end());
}

std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// What an operator may see of an item: its kind and numbers, the description masked.
json ItemView(const json& fields) {
  json out = json::object();
  for (const char* k : {"item_type", "weight", "date_received", "fees", "store", "receipt_no"}) {
    if (fields.contains(k)) out[k] = fields[k];
  }
  if (fields.contains("item_description")) {
    out["item_description"] = classify::MaskGeneric(Text(fields["item_description"]));
  }
  return out;
}

// Parses "it_<n>"; -1 if malformed.
int64_t RecordIdOf(const std::string& item_id) {
  if (item_id.rfind("it_", 0) != 0 || item_id.size() < 4 || item_id.size() > 22) return -1;
  int64_t n = 0;
  for (size_t i = 3; i < item_id.size(); ++i) {
    char c = item_id[i];
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

std::string ItemIdForRecord(int64_t record_id) { return "it_" + std::to_string(record_id); }

Result<json> ListItems(vault::Vault& v, const ItemsFilter& filter) {
  if (!filter.status.empty() && filter.status != "held" && filter.status != "returned") {
    return InvalidArgumentError("--status must be held or returned");
  }
  std::vector<store::SubjectRow> subjects;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (s.state != "shredded") subjects.push_back(s);
    return Status::Ok();
  }));
  json list = json::array();
  int64_t held = 0, returned = 0, unmatched = 0, read = 0;
  for (const auto& s : subjects) {
    JV_ASSIGN_OR_RETURN(auto rows, v.store().ListRecords(s.id));
    bool has_items = false;
    for (const auto& r : rows) has_items |= r.key_class == kClassItems;
    if (!has_items) continue;
    JV_ASSIGN_OR_RETURN(SubjectLedger l, ReadLedger(v, s.id));
    ++read;
    json owner = s.state == "unmatched" ? json(nullptr) : MaskedFields(l.current);
    for (const auto& it : l.items) {
      if (it.status == "held")
        ++held;
      else
        ++returned;
      if (!it.matched) ++unmatched;
      if (!filter.status.empty() && it.status != filter.status) continue;
      list.push_back({{"id", it.id},
                      {"subject", it.matched ? json(it.subject_id) : json(nullptr)},
                      {"matched", it.matched},
                      {"status", it.status},
                      {"owner", owner},
                      {"item", ItemView(it.fields)},
                      {"source", it.source_id},
                      {"row", it.row_no}});
    }
  }
  JV_RETURN_IF_ERROR(v.Audit("items.list", "", kPurposeLiquidation,
                             {{"subjects_read", read}, {"listed", list.size()}})
                         .status());
  return json{{"items", list},
              {"held", held},
              {"returned", returned},
              {"unmatched", unmatched},
              {"count", list.size()}};
}

Result<json> ReturnItem(vault::Vault& v, const ItemReturn& r) {
  const int64_t record_id = RecordIdOf(r.item_id);
  if (record_id < 0) return InvalidArgumentError("ID must be an item id (it_…)");
  if (TrimSpace(r.receipt).empty()) return InvalidArgumentError("--receipt is required");
  if (TrimSpace(r.to).empty()) return InvalidArgumentError("--to is required");
  const bool to_owner = r.to == "owner";
  if (!to_owner && TrimSpace(r.reason).empty()) {
    return InvalidArgumentError(
        "returning an item to someone other than its owner needs --reason (e.g. an "
        "authorisation letter)");
  }
  // Find the record (and so the owner) without decrypting anything else.
  std::string owner;
  bool matched = true;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (!owner.empty()) return Status::Ok();
    JV_ASSIGN_OR_RETURN(auto rows, v.store().ListRecords(s.id));
    for (const auto& rec : rows) {
      if (rec.id == record_id && rec.key_class == kClassItems) {
        owner = s.id;
        matched = s.state != "unmatched";
      }
    }
    return Status::Ok();
  }));
  if (owner.empty()) return NotFoundError("no item " + r.item_id);
  if (!matched && to_owner) {
    return FailedPreconditionError("item " + r.item_id +
                                   " matched no customer: give the collector's name and --reason");
  }
  auto existing = v.store().GetObject(kKindItemReturn, r.item_id);
  if (existing.ok()) return AlreadyExistsError("item " + r.item_id + " was already returned");
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();

  const int64_t now = v.clock().NowMicros();
  const std::string day = ChinaDateFromMicros(now).ToString();
  store::ObjectRow row;
  row.kind = kKindItemReturn;
  row.id = r.item_id;
  row.subject_id = owner;
  row.status = "returned";
  row.created_micros = row.updated_micros = now;
  row.attrs_json = json({{"returned_on", day},
                         {"to_owner", to_owner},
                         {"has_reason", !TrimSpace(r.reason).empty()},
                         {"matched", matched}})
                       .dump();
  JV_ASSIGN_OR_RETURN(const SecretBuffer* key, v.DataKey(owner, kClassItems, false));
  std::string secret = json({{"to", r.to}, {"receipt", r.receipt}, {"reason", r.reason}}).dump();
  JV_ASSIGN_OR_RETURN(row.sealed, crypto::Seal(v.suite(), *key, AsBytes(secret),
                                               ReturnAad(r.item_id, owner), v.random()));
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutObject(row));
  JV_RETURN_IF_ERROR(v.AuditInTxn("items.return", matched ? owner : "", kPurposeLiquidation,
                                  {{"item", r.item_id},
                                   {"to_owner", to_owner},
                                   {"has_reason", !TrimSpace(r.reason).empty()}})
                         .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return json{{"ok", true},
              {"item", r.item_id},
              {"subject", matched ? json(owner) : json(nullptr)},
              {"status", "returned"},
              {"returned_on", day},
              {"to_owner", to_owner}};
}

}  // namespace jv::workflow
