#include "src/workflow/transfer.h"

#include <cctype>

#include "src/classify/fields.h"
#include "src/classify/uscc.h"
#include "src/common/date.h"
#include "src/common/random.h"
#include "src/crypto/age.h"
#include "src/workflow/shred.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

// Appends one audit entry in a transaction of its own, after `body` ran in the same one.
template <typename Fn>
Status InTxn(vault::Vault& v, Fn&& body) {
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(body());
  return txn.Commit();
}

bool IsRegion(const std::string& r) {
  if (r.size() != 2) return false;
  return std::isupper(static_cast<unsigned char>(r[0])) &&
         std::isupper(static_cast<unsigned char>(r[1]));
}

}  // namespace

json SubjectAttrs(const store::SubjectRow& s) {
  json a = json::parse(s.attrs_json, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

json TransferSettings::ToJson() const {
  return {{"reason", reason},
          {"objection_days", objection_days},
          {"setup_at", FormatRfc3339Seconds(setup_micros)},
          {"setup_micros", setup_micros},
          {"notice_deadline", notice_deadline},
          {"article", article()}};
}

bool IsTransferReason(const std::string& r) {
  return r == "merger" || r == "division" || r == "dissolution" || r == "bankruptcy" ||
         r == "sale";
}

std::string ReasonLabel(const std::string& r) {
  if (r == "merger") return "合并 (merger)";
  if (r == "division") return "分立 (division)";
  if (r == "dissolution") return "解散 (dissolution)";
  if (r == "bankruptcy") return "被宣告破产 (bankruptcy)";
  if (r == "sale") return "出售 (sale)";
  return r;
}

Result<TransferSettings> SetupTransfer(vault::Vault& v, const std::string& reason,
                                       int64_t objection_days) {
  if (!IsTransferReason(reason)) {
    return InvalidArgumentError(
        "--reason must be merger, division, dissolution, bankruptcy or sale");
  }
  if (objection_days < 0 || objection_days > 3650) {
    return InvalidArgumentError("--objection-days must be between 0 and 3650");
  }
  TransferSettings s;
  s.reason = reason;
  s.objection_days = objection_days;
  s.setup_micros = v.clock().NowMicros();
  s.notice_deadline = ChinaDateFromMicros(s.setup_micros).AddDays(objection_days).ToString();
  json doc = s.ToJson();
  JV_RETURN_IF_ERROR(InTxn(v, [&]() -> Status {
    JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaTransfer, doc.dump()));
    return v.AuditInTxn("transfer.setup", "", "transfer", doc).status();
  }));
  return s;
}

Result<TransferSettings> GetTransfer(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(std::optional<std::string> raw, v.store().GetMeta(kMetaTransfer));
  if (!raw) return FailedPreconditionError("the transfer is not set up: run `transfer setup`");
  json doc = json::parse(*raw, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return DataLossError("meta transfer is corrupt");
  TransferSettings s;
  s.reason = doc.value("reason", "");
  s.objection_days = doc.value("objection_days", int64_t{0});
  s.setup_micros = doc.value("setup_micros", int64_t{0});
  s.notice_deadline = doc.value("notice_deadline", "");
  return s;
}

// --- recipients ------------------------------------------------------------------------------

json RecipientJson(const store::ObjectRow& row) {
  json a = json::parse(row.attrs_json, nullptr, false);
  if (a.is_discarded() || !a.is_object()) a = json::object();
  a["id"] = row.id;
  a["status"] = row.status;
  return a;
}

Result<json> AddRecipient(vault::Vault& v, const RecipientInput& in) {
  auto require = [](const std::string& value, const char* flag) -> Status {
    if (value.empty()) return InvalidArgumentError(std::string(flag) + " is required");
    return Status::Ok();
  };
  JV_RETURN_IF_ERROR(require(in.name, "--name"));
  JV_RETURN_IF_ERROR(require(in.contact_name, "--contact-name"));
  JV_RETURN_IF_ERROR(require(in.contact_phone, "--contact-phone"));
  JV_RETURN_IF_ERROR(require(in.address, "--address"));
  auto uscc = classify::CheckUscc(in.uscc);
  if (!uscc.valid()) {
    return InvalidArgumentError(
        "--uscc is not a valid unified social credit code (GB 32100-2015 check character)");
  }
  if (!IsRegion(in.region)) {
    return InvalidArgumentError("--region must be CN, HK, MO, TW or a two-letter ISO country code");
  }
  auto age = crypto::age::X25519Recipient::Parse(in.age_recipient);
  if (!age.ok()) return InvalidArgumentError("--age-recipient is not a valid age1… recipient");
  for (const auto& f : in.scope) {
    if (!classify::FieldFromName(f)) {
      return InvalidArgumentError("--scope names an unknown field: " + f);
    }
  }
  store::ObjectRow row;
  row.kind = kKindRecipient;
  row.id = NewId(v.random(), "r_");
  row.status = "active";
  row.created_micros = row.updated_micros = v.clock().NowMicros();
  json attrs = {{"name", in.name},
                {"uscc", uscc.value},
                {"contact_name", in.contact_name},
                {"contact_phone", in.contact_phone},
                {"address", in.address},
                {"region", in.region},
                {"cross_border", in.region != "CN"},
                {"age_recipient", in.age_recipient},
                {"scope", in.scope},
                {"purposes", json::array({"inherited"})},
                {"legal_basis", "inherited"}};
  row.attrs_json = attrs.dump();
  JV_RETURN_IF_ERROR(InTxn(v, [&]() -> Status {
    JV_RETURN_IF_ERROR(v.store().PutObject(row));
    // A recipient is a company and its business contact (not customer PI).
    return v.AuditInTxn("recipient.add", "", "transfer",
                        {{"recipient", row.id}, {"region", in.region}, {"scope", in.scope}})
        .status();
  }));
  return RecipientJson(row);
}

Result<std::vector<json>> ListRecipients(vault::Vault& v) {
  store::ObjectFilter f;
  f.kind = kKindRecipient;
  JV_ASSIGN_OR_RETURN(std::vector<store::ObjectRow> rows, v.store().ListObjects(f));
  std::vector<json> out;
  for (const auto& r : rows) out.push_back(RecipientJson(r));
  return out;
}

// --- allocation ---------------------------------------------------------------------------

Result<AllocateRule> ParseAllocateWhere(const std::string& where) {
  size_t eq = where.find('=');
  if (eq == std::string::npos || eq + 1 >= where.size()) {
    return InvalidArgumentError("--where must be store=…, province=… or city=…");
  }
  AllocateRule r;
  r.attr = where.substr(0, eq);
  r.value = where.substr(eq + 1);
  if (r.attr != "store" && r.attr != "province" && r.attr != "city") {
    return InvalidArgumentError("--where must be store=…, province=… or city=…");
  }
  return r;
}

Result<AllocateResult> Allocate(vault::Vault& v, const std::string& recipient_id,
                                const AllocateRule& rule) {
  auto rec = v.store().GetObject(kKindRecipient, recipient_id);
  if (!rec.ok()) {
    if (rec.status().code() == StatusCode::kNotFound) {
      return NotFoundError("--recipient: no such recipient");
    }
    return rec.status();
  }
  AllocateResult res;
  const int64_t now = v.clock().NowMicros();
  JV_RETURN_IF_ERROR(InTxn(v, [&]() -> Status {
    JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
      json a = SubjectAttrs(s);
      const bool has = a.contains("recipient") && a["recipient"].is_string();
      const bool excluded = s.state == "shredded" || s.state == "objected" ||
                            s.state == "restricted" || s.state == "transferred";
      bool match = rule.all;
      if (!match && a.contains(rule.attr)) {
        const json& x = a[rule.attr];
        match = x.is_string() ? x.get<std::string>() == rule.value : x.dump() == rule.value;
      }
      if (has) {
        if (a["recipient"].get<std::string>() == recipient_id) ++res.recipient_total;
        else if (match && !excluded) ++res.already_allocated;
        return Status::Ok();
      }
      if (!match || excluded) {
        if (!excluded) ++res.unallocated;
        return Status::Ok();
      }
      a["recipient"] = recipient_id;
      store::SubjectRow u = s;
      u.attrs_json = a.dump();
      u.updated_micros = now;
      ++res.allocated;
      ++res.recipient_total;
      return v.store().UpdateSubject(u);
    }));
    json details = {{"recipient", recipient_id},
                    {"rule", rule.all ? "all" : rule.attr},
                    {"allocated", res.allocated},
                    {"unallocated", res.unallocated}};
    // The rule value is a store name or region code (non-identifying).
    if (!rule.all) details["value"] = rule.value;
    return v.AuditInTxn("transfer.allocate", "", "transfer", details).status();
  }));
  return res;
}

// --- responses -------------------------------------------------------------------------------

Result<ResponseResult> RecordResponse(vault::Vault& v, const std::string& subject_id,
                                      const std::string& type, const std::string& via) {
  if (type != "object" && type != "consent" && type != "delete" && type != "correct") {
    return InvalidArgumentError("--type must be object, consent, delete or correct");
  }
  if (via != "phone" && via != "letter" && via != "portal" && via != "email") {
    return InvalidArgumentError("--via must be phone, letter, portal or email");
  }
  const int64_t now = v.clock().NowMicros();
  ResponseResult res;
  res.type = type;
  res.response_id = NewId(v.random(), "rs_");
  store::ObjectRow row;
  row.kind = kKindResponse;
  row.id = res.response_id;
  row.subject_id = subject_id;
  row.status = "recorded";
  row.created_micros = row.updated_micros = now;
  row.attrs_json = json({{"type", type}, {"via", via}, {"at", FormatRfc3339Seconds(now)}}).dump();
  JV_RETURN_IF_ERROR(InTxn(v, [&]() -> Status {
    // Read the subject inside the write transaction, locked until it ends: another writer
    // (a second server, a CLI process) that changed it meanwhile has committed first, and
    // one that comes later waits for this one, so no state change is overwritten.
    auto subject = v.store().GetSubjectForUpdate(subject_id);
    if (!subject.ok()) {
      if (subject.status().code() == StatusCode::kNotFound) {
        return NotFoundError("--subject: no such subject");
      }
      return subject.status();
    }
    if (subject->state == "shredded") {
      return FailedPreconditionError("the subject is already shredded");
    }
    res.new_state = subject->state;
    JV_RETURN_IF_ERROR(v.store().PutObject(row));
    if (type == "object" || type == "consent") {
      store::SubjectRow u = *subject;
      u.state = type == "object" ? "objected" : "consented";
      u.updated_micros = now;
      res.new_state = u.state;
      JV_RETURN_IF_ERROR(v.store().UpdateSubject(u));
    }
    return v.AuditInTxn("response.record", subject_id, "transfer",
                        {{"response", row.id}, {"type", type}, {"via", via}})
        .status();
  }));
  if (type == "delete") {
    JV_ASSIGN_OR_RETURN(ShredOutcome o, ShredSubject(v, subject_id, "deletion request"));
    res.new_state = o.new_state;
    res.shred = {{"shredded_classes", o.shredded_classes},
                 {"kept_classes", o.kept_classes},
                 {"state", o.new_state}};
  }
  return res;
}

}  // namespace jv::workflow
