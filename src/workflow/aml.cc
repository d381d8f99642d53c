#include "src/workflow/aml.h"

#include <algorithm>
#include <map>
#include <set>

#include "src/common/strings.h"
#include "src/ingest/importer.h"

namespace jv::workflow {

namespace {

using json = nlohmann::json;

// Splits at the separators a POS writes between payment methods.
std::vector<std::string> PaymentParts(const std::string& s) {
  static const std::vector<std::string> kSeps = {"+", "/", ",", ";", "&", "、", "，", "；",
                                                 "和", "＋"};
  std::vector<std::string> parts;
  std::string cur;
  size_t i = 0;
  while (i < s.size()) {
    bool sep = false;
    for (const std::string& x : kSeps) {
      if (s.compare(i, x.size(), x) == 0) {
        parts.push_back(cur);
        cur.clear();
        i += x.size();
        sep = true;
        break;
      }
    }
    if (!sep) cur.push_back(s[i++]);
  }
  parts.push_back(cur);
  return parts;
}

std::string DayKey(const AmlDay& d) {
  return d.date ? d.date->ToString() : "undated:" + std::to_string(d.total_fen);
}

std::optional<Date> FieldDate(const json& fields, const char* name) {
  if (!fields.is_object() || !fields.contains(name) || !fields[name].is_string()) {
    return std::nullopt;
  }
  auto d = Date::Parse(fields[name].get<std::string>());
  if (!d.ok()) return std::nullopt;
  return *d;
}

// Fields not starting with '_' (the CDD part of an AML record).
json CddPart(const json& fields) {
  json out = json::object();
  if (!fields.is_object()) return out;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!it.key().empty() && it.key()[0] != '_') out[it.key()] = it.value();
  }
  return out;
}

}  // namespace

bool IsCashPayment(std::string_view payment_method) {
  auto n = NormalizeNfkc(payment_method);
  std::string s = ToLowerAscii(n.ok() ? std::string_view(*n) : payment_method);
  std::string compact;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact.push_back(c);
  }
  static const std::set<std::string> kCash = {"现金", "現金", "现钞", "人民币现金", "cash",
                                              "rmbcash", "cny现金", "rmb现金"};
  for (const std::string& part : PaymentParts(compact)) {
    if (kCash.count(part)) return true;
  }
  return false;
}

CashDays FlagCashDays(const std::vector<json>& transactions, int64_t threshold_fen) {
  CashDays out;
  std::map<Date, AmlDay> days;
  std::vector<AmlDay> undated;
  for (size_t i = 0; i < transactions.size(); ++i) {
    const json& t = transactions[i];
    if (!t.is_object() || !t.contains("payment_method") || !t["payment_method"].is_string()) {
      continue;
    }
    if (!IsCashPayment(t["payment_method"].get<std::string>())) continue;
    ++out.cash_transactions;
    if (!t.contains("amount") || !t["amount"].is_number_integer()) {
      ++out.unreadable;
      continue;
    }
    const int64_t amount = std::max<int64_t>(0, t["amount"].get<int64_t>());
    std::optional<Date> date = FieldDate(t, "date");
    if (date) {
      AmlDay& d = days[*date];
      d.date = date;
      d.total_fen += amount;
      d.transactions.push_back(i);
    } else {
      AmlDay d;
      d.total_fen = amount;
      d.transactions.push_back(i);
      undated.push_back(std::move(d));
    }
  }
  for (auto& [_, d] : days) {
    if (d.total_fen >= threshold_fen) out.flagged.push_back(std::move(d));
  }
  for (auto& d : undated) {
    if (d.total_fen >= threshold_fen) out.flagged.push_back(std::move(d));
  }
  return out;
}

SubjectAml EvaluateSubjectAml(const std::vector<vault::DecryptedRecord>& records,
                              const RetentionSettings& settings, const Date& today) {
  SubjectAml out;
  std::vector<json> txns;
  const vault::DecryptedRecord* latest_aml = nullptr;
  std::set<std::string> recorded_days;
  bool has_profile = false;
  for (const vault::DecryptedRecord& r : records) {
    if (r.key_class == kClassAccounting) {
      txns.push_back(r.fields);
    } else if (r.key_class == kClassAml) {
      latest_aml = &r;  // records come oldest first
      const json& meta = r.fields.is_object() ? r.fields.value("_aml", json::object())
                                              : json::object();
      for (const json& d : meta.value("days", json::array())) {
        if (!d.is_object()) continue;
        std::string key = d.value("date", std::string());
        if (key.empty()) {
          key = "undated:" + std::to_string(d.value("total_fen", int64_t{0}));
        } else if (auto dd = Date::Parse(key); dd.ok()) {
          if (!out.latest_day || *dd > *out.latest_day) out.latest_day = *dd;
        }
        recorded_days.insert(key);
      }
    } else if (r.key_class == vault::kClassProfile) {
      has_profile = true;
    }
  }
  out.cash = FlagCashDays(txns);
  out.flagged = !out.cash.flagged.empty();
  if (!out.flagged) return out;

  json cdd = json::object();
  if (has_profile) {
    std::map<std::string, json> cur =
        ingest::CurrentValues(records, vault::kClassProfile, today);
    for (const std::string& f : settings.aml_cdd_fields) {
      auto it = cur.find(f);
      if (it != cur.end()) cdd[f] = it->second;
    }
  } else if (latest_aml != nullptr) {
    cdd = CddPart(latest_aml->fields);
  }

  bool days_covered = true;
  json days = json::array();
  json copied = json::array();
  for (const AmlDay& d : out.cash.flagged) {
    if (!recorded_days.count(DayKey(d))) days_covered = false;
    if (d.date && (!out.latest_day || *d.date > *out.latest_day)) out.latest_day = d.date;
    days.push_back({{"date", d.date ? json(d.date->ToString()) : json("")},
                    {"total_fen", d.total_fen},
                    {"transactions", d.transactions.size()}});
    for (size_t i : d.transactions) copied.push_back(txns[i]);
  }
  out.recorded = latest_aml != nullptr && days_covered && CddPart(latest_aml->fields) == cdd;
  if (!out.recorded) {
    json rec = cdd;
    rec["_aml"] = {{"threshold_fen", kAmlCashThresholdFen},
                   {"scanned_on", today.ToString()},
                   {"days", days},
                   {"rule", "PBOC 124 [S] (M2); AML Law 34 [V] (M5)"}};
    rec["_aml_transactions"] = std::move(copied);
    out.record = std::move(rec);
  }
  return out;
}

json AmlScanReport::ToJson() const {
  return {{"subjects_scanned", subjects_scanned},
          {"cash_transactions", cash_transactions},
          {"unreadable_cash_rows", unreadable_cash_rows},
          {"flagged_subjects", flagged_subjects},
          {"flagged_days", flagged_days},
          {"records_written", records_written},
          {"already_recorded", already_recorded},
          {"skipped_unmatched", skipped_unmatched},
          {"threshold_fen", kAmlCashThresholdFen},
          {"flagged", flagged}};
}

Result<AmlScanReport> ScanAml(vault::Vault& v, bool write) {
  JV_ASSIGN_OR_RETURN(RetentionSettings settings, LoadRetentionSettings(v));
  const Date today = ChinaDateFromMicros(v.clock().NowMicros());
  AmlScanReport rep;
  std::vector<std::pair<std::string, json>> to_write;
  store::Store& st = v.store();
  JV_RETURN_IF_ERROR(st.ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) -> Status {
    if (s.state == "shredded") return Status::Ok();
    JV_ASSIGN_OR_RETURN(std::vector<store::RecordRow> rows, st.ListRecords(s.id));
    bool has_txn = std::any_of(rows.begin(), rows.end(), [](const store::RecordRow& r) {
      return r.key_class == kClassAccounting;
    });
    if (!has_txn) return Status::Ok();
    if (s.state == "unmatched") {
      ++rep.skipped_unmatched;
      return Status::Ok();
    }
    JV_ASSIGN_OR_RETURN(std::vector<vault::DecryptedRecord> recs, v.ReadRecords(s.id));
    ++rep.subjects_scanned;
    SubjectAml a = EvaluateSubjectAml(recs, settings, today);
    rep.cash_transactions += a.cash.cash_transactions;
    rep.unreadable_cash_rows += a.cash.unreadable;
    if (!a.flagged) return Status::Ok();
    ++rep.flagged_subjects;
    rep.flagged_days += static_cast<int64_t>(a.cash.flagged.size());
    rep.flagged.push_back(s.id);
    if (a.recorded) {
      ++rep.already_recorded;
    } else {
      to_write.emplace_back(s.id, std::move(a.record));
    }
    return Status::Ok();
  }));
  v.DropKeyCache();
  if (!write) return rep;
  store::Transaction txn(st);
  JV_RETURN_IF_ERROR(txn.Start());
  for (auto& [sid, rec] : to_write) {
    JV_RETURN_IF_ERROR(v.AddRecord(sid, kClassAml, kAmlSource, 0, rec));
    ++rep.records_written;
  }
  json details = rep.ToJson();
  details.erase("flagged");
  JV_RETURN_IF_ERROR(v.AuditInTxn("aml.scan", "", "aml_cdd", details).status());
  JV_RETURN_IF_ERROR(txn.Commit());
  v.DropKeyCache();
  return rep;
}

}  // namespace jv::workflow
