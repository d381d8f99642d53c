#include "src/workflow/holds.h"

#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/strings.h"

namespace jv::workflow {

namespace {

using json = nlohmann::json;

bool IsClassName(const std::string& c) {
  if (c.empty() || c.size() > 40) return false;
  for (char ch : c) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

store::ObjectRow ToRow(const Hold& h, int64_t created, int64_t updated) {
  store::ObjectRow row;
  row.kind = kKindHold;
  row.id = h.id;
  row.subject_id = h.subject_id;
  row.status = h.status;
  row.attrs_json = json({{"scope", h.scope},
                         {"key_class", h.key_class},
                         {"reason", h.reason},
                         {"created_on", h.created_on},
                         {"released_on", h.released_on},
                         {"release_reason", h.release_reason}})
                       .dump();
  row.created_micros = created;
  row.updated_micros = updated;
  return row;
}

}  // namespace

json Hold::ToJson() const {
  json j = {{"id", id},         {"scope", scope},   {"subject", subject_id},
            {"key_class", key_class.empty() ? json(nullptr) : json(key_class)},
            {"status", status}, {"reason", reason}, {"created_on", created_on}};
  if (status == "released") {
    j["released_on"] = released_on;
    j["release_reason"] = release_reason;
  }
  return j;
}

Hold Hold::FromRow(const store::ObjectRow& row) {
  Hold h;
  h.id = row.id;
  h.subject_id = row.subject_id;
  h.status = row.status;
  json a = json::parse(row.attrs_json, nullptr, false);
  if (!a.is_object()) a = json::object();
  h.scope = a.value("scope", std::string(row.subject_id.empty() ? "all" : "subject"));
  h.key_class = a.value("key_class", std::string());
  h.reason = a.value("reason", std::string());
  h.created_on = a.value("created_on", std::string());
  h.released_on = a.value("released_on", std::string());
  h.release_reason = a.value("release_reason", std::string());
  return h;
}

Result<Hold> AddHold(vault::Vault& v, const HoldRequest& req) {
  if (req.all == !req.subject_id.empty()) {
    return InvalidArgumentError("give --subject ID or --all");
  }
  if (TrimSpace(req.reason).empty()) {
    return InvalidArgumentError("a hold needs --reason (the case or instruction it serves)");
  }
  if (!req.key_class.empty() && !IsClassName(req.key_class)) {
    return InvalidArgumentError("--class must be a data-key class name such as aml_10y");
  }
  store::Store& st = v.store();
  store::Transaction txn(st);
  JV_RETURN_IF_ERROR(txn.Start());
  if (!req.all) {
    auto s = st.GetSubject(req.subject_id);
    if (!s.ok()) {
      if (s.status().code() == StatusCode::kNotFound) {
        return NotFoundError("no subject with id " + req.subject_id);
      }
      return s.status();
    }
  }
  Hold h;
  h.id = NewId(v.random(), "hold_");
  h.scope = req.all ? "all" : "subject";
  h.subject_id = req.all ? "" : req.subject_id;
  h.key_class = req.key_class;
  h.status = "active";
  h.reason = std::string(TrimSpace(req.reason));
  const int64_t now = v.clock().NowMicros();
  h.created_on = FormatRfc3339Seconds(now);
  JV_RETURN_IF_ERROR(st.PutObject(ToRow(h, now, now)));
  JV_RETURN_IF_ERROR(v.AuditInTxn("hold.add", h.subject_id, "litigation_hold",
                                  {{"hold", h.id},
                                   {"scope", h.scope},
                                   {"key_class", h.key_class},
                                   {"reason", h.reason}})
                         .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return h;
}

Result<std::vector<Hold>> ListHolds(vault::Vault& v, bool include_released) {
  store::ObjectFilter f;
  f.kind = kKindHold;
  if (!include_released) f.status = "active";
  JV_ASSIGN_OR_RETURN(std::vector<store::ObjectRow> rows, v.store().ListObjects(f));
  std::vector<Hold> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(Hold::FromRow(r));
  return out;
}

Result<Hold> ReleaseHold(vault::Vault& v, const std::string& id, const std::string& reason) {
  if (TrimSpace(reason).empty()) {
    return InvalidArgumentError("releasing a hold needs --reason");
  }
  store::Store& st = v.store();
  store::Transaction txn(st);
  JV_RETURN_IF_ERROR(txn.Start());
  auto row = st.GetObject(kKindHold, id);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) return NotFoundError("no hold " + id);
    return row.status();
  }
  Hold h = Hold::FromRow(*row);
  if (h.status != "active") return FailedPreconditionError("hold " + id + " is already released");
  const int64_t now = v.clock().NowMicros();
  h.status = "released";
  h.released_on = FormatRfc3339Seconds(now);
  h.release_reason = std::string(TrimSpace(reason));
  JV_RETURN_IF_ERROR(st.PutObject(ToRow(h, row->created_micros, now)));
  JV_RETURN_IF_ERROR(v.AuditInTxn("hold.release", h.subject_id, "litigation_hold",
                                  {{"hold", h.id}, {"reason", h.release_reason}})
                         .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return h;
}

Result<HoldSet> HoldSet::Load(store::Store& s) {
  store::ObjectFilter f;
  f.kind = kKindHold;
  f.status = "active";
  JV_ASSIGN_OR_RETURN(std::vector<store::ObjectRow> rows, s.ListObjects(f));
  HoldSet set;
  for (const auto& r : rows) set.holds_.push_back(Hold::FromRow(r));
  return set;
}

bool HoldSet::Covers(const std::string& subject_id, const std::string& key_class) const {
  for (const Hold& h : holds_) {
    if (h.scope != "all" && h.subject_id != subject_id) continue;
    if (!h.key_class.empty() && h.key_class != key_class) continue;
    return true;
  }
  return false;
}

}  // namespace jv::workflow
