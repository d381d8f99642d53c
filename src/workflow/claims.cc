#include "src/workflow/claims.h"

#include <map>

#include "src/common/date.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/crypto/aead.h"
#include "src/workflow/liquidation.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

std::vector<uint8_t> ClaimAad(const std::string& claim_id, const std::string& subject_id) {
  std::string s = "jadevault claim";
  s.push_back('\0');
  s += claim_id;
  s.push_back('\0');
  s += subject_id;
  return std::vector<uint8_t>(s.begin(), s.end());
}

json Attrs(const store::ObjectRow& o) {
  json a = json::parse(o.attrs_json, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return json::object();
  return a;
}

Result<json> Unseal(vault::Vault& v, const store::ObjectRow& row) {
  if (row.sealed.empty()) return json::object();
  auto key = v.DataKey(row.subject_id, kClassClaims, false);
  if (!key.ok()) return json::object();  // shredded: the amounts are gone
  JV_ASSIGN_OR_RETURN(SecretBuffer plain,
                      crypto::Open(v.suite(), **key, row.sealed, ClaimAad(row.id, row.subject_id)));
  json j = json::parse(AsString(plain.view()), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return DataLossError("claim " + row.id + " is corrupt");
  return j;
}

json ClaimJson(const store::ObjectRow& row, const json& secret) {
  json a = Attrs(row);
  json out = {{"id", row.id},
              {"subject", row.subject_id},
              {"status", row.status},
              {"claim_type", a.value("claim_type", "ordinary")},
              {"history", a.value("history", json::array())}};
  for (const char* k :
       {"declared_fen", "ledger_fen", "confirmed_fen", "paid_fen", "reason", "refund"}) {
    if (secret.contains(k)) out[k] = secret[k];
  }
  if (secret.contains("notes")) out["notes"] = secret["notes"];
  return out;
}

bool IsStatus(const std::string& s) {
  return s == "declared" || s == "verified" || s == "disputed" || s == "confirmed" || s == "paid";
}

// Verifies the declared amount against the ledger; sets status and reason.
void Verify(store::ObjectRow* row, json* secret, int64_t ledger_fen) {
  (*secret)["ledger_fen"] = ledger_fen;
  const int64_t declared = secret->value("declared_fen", int64_t{-1});
  if (declared == ledger_fen) {
    row->status = "verified";
    secret->erase("reason");
  } else {
    row->status = "disputed";
    (*secret)["reason"] = "申报金额与账面余额不符 (declared amount " + std::to_string(declared) +
                          " fen differs from the ledger's " + std::to_string(ledger_fen) + " fen)";
  }
}

}  // namespace

Result<json> RecordClaim(vault::Vault& v, const ClaimInput& in) {
  if (!IsStatus(in.status)) {
    return InvalidArgumentError("--status must be declared, verified, disputed, confirmed or paid");
  }
  std::string type = in.claim_type.empty() ? "ordinary" : in.claim_type;
  if (type != "ordinary" && type != "conditional" && type != "retrieval") {
    return InvalidArgumentError("--type must be ordinary, conditional or retrieval");
  }
  if (in.amount_fen && *in.amount_fen < 0) {
    return InvalidArgumentError("--amount-fen must not be negative");
  }
  JV_ASSIGN_OR_RETURN(LiquidationSettings settings, GetLiquidation(v));
  (void)settings;
  auto subject = v.store().GetSubject(in.subject_id);
  if (!subject.ok()) {
    if (subject.status().code() == StatusCode::kNotFound) {
      return NotFoundError("--subject: no such subject");
    }
    return subject.status();
  }
  if (subject->state == "unmatched" || subject->state == "shredded") {
    return FailedPreconditionError("--subject: a claim needs a live, matched customer");
  }

  store::ObjectFilter f;
  f.kind = kKindClaim;
  f.subject_id = in.subject_id;
  JV_ASSIGN_OR_RETURN(auto existing, v.store().ListObjects(f));
  const int64_t now = v.clock().NowMicros();
  const Date today = ChinaDateFromMicros(now);
  store::ObjectRow row;
  json secret = json::object();
  json attrs = json::object();
  if (!existing.empty()) {
    row = existing.front();
    JV_ASSIGN_OR_RETURN(secret, Unseal(v, row));
    attrs = Attrs(row);
  } else {
    if (in.status != "declared") {
      return NotFoundError("the subject has no claim yet: record --status declared first");
    }
    row.kind = kKindClaim;
    row.id = NewId(v.random(), "cl_");
    row.subject_id = in.subject_id;
    row.created_micros = now;
    attrs["claim_type"] = type;
    attrs["history"] = json::array();
  }
  if (row.status == "paid") {
    return FailedPreconditionError("claim " + row.id + " is already paid");
  }
  const std::string before = row.status;

  auto ledger_fen = [&]() -> Result<int64_t> {
    JV_ASSIGN_OR_RETURN(SubjectLedger l, ReadLedger(v, in.subject_id));
    return l.prepaid_fen + l.deposit_fen;
  };
  bool read_ledger = false;

  if (in.status == "declared") {
    if (!in.amount_fen) return InvalidArgumentError("--status declared needs --amount-fen");
    secret["declared_fen"] = *in.amount_fen;
    secret["declared_on"] = today.ToString();
    secret.erase("confirmed_fen");
    secret.erase("refund");
    attrs["claim_type"] = type;
    JV_ASSIGN_OR_RETURN(int64_t ledger, ledger_fen());
    read_ledger = true;
    Verify(&row, &secret, ledger);
  } else if (in.status == "verified") {
    JV_ASSIGN_OR_RETURN(int64_t ledger, ledger_fen());
    read_ledger = true;
    Verify(&row, &secret, ledger);
  } else if (in.status == "disputed") {
    if (TrimSpace(in.note).empty()) {
      return InvalidArgumentError("--status disputed needs the reason in --note-file");
    }
    row.status = "disputed";
    secret["reason"] = in.note;
  } else if (in.status == "confirmed") {
    if (before != "verified" && before != "disputed" && before != "confirmed") {
      return FailedPreconditionError("claim " + row.id + " is " + before +
                                     ": only a verified or disputed claim can be confirmed");
    }
    int64_t amount = 0;
    if (in.amount_fen) {
      amount = *in.amount_fen;
    } else if (in.paid_fen) {
      JV_ASSIGN_OR_RETURN(SubjectLedger l, ReadLedger(v, in.subject_id));
      read_ledger = true;
      PrepaidRefundInput pin;
      pin.paid_fen = *in.paid_fen;
      pin.bonus_fen = in.bonus_fen;
      pin.remaining_face_fen = l.prepaid_fen;
      pin.operator_caused = true;  // a liquidation is never the consumer's doing
      pin.lpr_bp = in.lpr_bp;
      pin.interest_days = in.interest_days;
      JV_ASSIGN_OR_RETURN(PrepaidRefund r, ComputePrepaidRefund(pin));
      secret["refund"] = {{"rule", "PP3"},
                          {"paid_fen", pin.paid_fen},
                          {"bonus_fen", pin.bonus_fen},
                          {"remaining_face_fen", pin.remaining_face_fen},
                          {"consumed_value_fen", r.consumed_value_fen},
                          {"principal_fen", r.principal_fen},
                          {"interest_fen", r.interest_fen}};
      amount = r.total_fen + l.deposit_fen;
    } else if (before == "verified") {
      amount = secret.value("ledger_fen", int64_t{0});
    } else {
      return InvalidArgumentError(
          "a disputed claim is confirmed with an explicit --amount-fen (or --paid-fen for PP3)");
    }
    row.status = "confirmed";
    secret["confirmed_fen"] = amount;
    secret.erase("reason");
  } else {  // paid
    if (before != "confirmed") {
      return FailedPreconditionError("claim " + row.id + " is " + before +
                                     ": only a confirmed claim can be paid");
    }
    JV_RETURN_IF_ERROR(CheckRefundAllowed(v, today));
    const int64_t confirmed = secret.value("confirmed_fen", int64_t{0});
    const int64_t amount = in.amount_fen.value_or(confirmed);
    if (amount > confirmed) {
      return InvalidArgumentError("--amount-fen exceeds the confirmed amount");
    }
    row.status = "paid";
    secret["paid_fen"] = amount;
    secret["paid_on"] = today.ToString();
  }
  if (!TrimSpace(in.note).empty()) {
    if (!secret.contains("notes")) secret["notes"] = json::array();
    secret["notes"].push_back({{"on", today.ToString()}, {"text", in.note}});
    attrs["has_note"] = true;
  }
  attrs["history"].push_back({{"status", row.status}, {"on", today.ToString()}});
  row.attrs_json = attrs.dump();
  row.updated_micros = now;
  JV_ASSIGN_OR_RETURN(const SecretBuffer* key, v.DataKey(in.subject_id, kClassClaims, true));
  JV_ASSIGN_OR_RETURN(row.sealed, crypto::Seal(v.suite(), *key, AsBytes(secret.dump()),
                                               ClaimAad(row.id, row.subject_id), v.random()));
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutObject(row));
  if (read_ledger) {
    JV_RETURN_IF_ERROR(v.AuditInTxn("subject.read", in.subject_id, kPurposeLiquidation,
                                    {{"command", "claims record"}})
                           .status());
  }
  JV_RETURN_IF_ERROR(
      v.AuditInTxn(
           "claims.record", in.subject_id, kPurposeLiquidation,
           {{"claim", row.id}, {"requested", in.status}, {"from", before}, {"to", row.status}})
          .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return ClaimJson(row, secret);
}

Result<json> ListClaims(vault::Vault& v) {
  store::ObjectFilter f;
  f.kind = kKindClaim;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  json list = json::array();
  std::map<std::string, int64_t> by_status;
  for (const auto& r : rows) {
    JV_ASSIGN_OR_RETURN(json secret, Unseal(v, r));
    list.push_back(ClaimJson(r, secret));
    ++by_status[r.status];
  }
  JV_RETURN_IF_ERROR(
      v.Audit("claims.list", "", kPurposeLiquidation, {{"count", list.size()}}).status());
  return json{{"claims", list}, {"by_status", by_status}, {"count", list.size()}};
}

}  // namespace jv::workflow
