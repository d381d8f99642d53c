#include "src/workflow/liquidation.h"

#include <set>

#include "src/classify/fields.h"
#include "src/classify/mask.h"
#include "src/common/date.h"
#include "src/ingest/importer.h"
#include "src/workflow/items.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

std::string ValueText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Points are stored as a canonical decimal string ("123", "12.5"); hundredths, or -1.
int64_t ParseHundredths(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>() * 100;
  if (!v.is_string()) return -1;
  const std::string s = v.get<std::string>();
  int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool dot = false, any = false;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return -1;
    any = true;
    if (dot) {
      if (++frac_digits > 2) return -1;
      frac = frac * 10 + (c - '0');
    } else {
      if (whole > 1'000'000'000'000LL) return -1;
      whole = whole * 10 + (c - '0');
    }
  }
  if (!any) return -1;
  if (frac_digits == 1) frac *= 10;
  return whole * 100 + frac;
}

bool Invalid(const json& fields, const std::string& name) {
  if (!fields.contains("_invalid")) return false;
  const json& inv = fields["_invalid"];
  if (!inv.is_array()) return false;
  for (const auto& x : inv) {
    if (x.is_string() && x.get<std::string>() == name) return true;
  }
  return false;
}

// The current value of one money field per the rule in liquidation.h; nullopt if no
// record states one.
std::optional<int64_t> Current(const std::vector<vault::DecryptedRecord>& records,
                               const std::string& field, bool hundredths) {
  auto value_of = [&](const vault::DecryptedRecord& r) -> std::optional<int64_t> {
    if (r.key_class != vault::kClassProfile && r.key_class != kClassPrepaid) return {};
    if (!r.fields.is_object() || !r.fields.contains(field)) return {};
    if (Invalid(r.fields, field)) return {};
    const json& v = r.fields[field];
    if (hundredths) {
      int64_t h = ParseHundredths(v);
      if (h < 0) return {};
      return h;
    }
    if (!v.is_number_integer()) return {};
    return v.get<int64_t>();
  };
  const vault::DecryptedRecord* newest = nullptr;
  for (const auto& r : records) {
    if (value_of(r) && (newest == nullptr || r.id > newest->id)) newest = &r;
  }
  if (newest == nullptr) return {};
  std::map<std::string, std::pair<int64_t, int64_t>> cards;  // card -> (record id, value)
  for (const auto& r : records) {
    if (r.source_id != newest->source_id) continue;
    auto val = value_of(r);
    if (!val) continue;
    std::string card;
    if (r.fields.contains("card_no")) card = ValueText(r.fields["card_no"]);
    auto it = cards.find(card);
    if (it == cards.end() || it->second.first < r.id) cards[card] = {r.id, *val};
  }
  int64_t sum = 0;
  for (const auto& [card, v] : cards) sum += v.second;
  return sum;
}

Result<std::set<std::string>> ReturnedItemIds(vault::Vault& v,
                                              const std::optional<std::string>& subject) {
  store::ObjectFilter f;
  f.kind = kKindItemReturn;
  f.subject_id = subject;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  std::set<std::string> out;
  for (const auto& r : rows) out.insert(r.id);
  return out;
}

SubjectLedger BuildLedger(const std::string& subject_id, bool matched,
                          const std::vector<vault::DecryptedRecord>& records,
                          const std::set<std::string>& returned, Date today) {
  SubjectLedger l;
  l.subject_id = subject_id;
  ComputeBalances(records, &l);
  l.current = ingest::CurrentValues(records, vault::kClassProfile, today);
  for (const auto& r : records) {
    if (r.key_class != kClassItems) continue;
    HeldItem it;
    it.id = ItemIdForRecord(r.id);
    it.subject_id = subject_id;
    it.matched = matched;
    it.status = returned.count(it.id) ? "returned" : "held";
    it.fields = r.fields;
    it.source_id = r.source_id;
    it.row_no = r.row_no;
    l.items.push_back(std::move(it));
  }
  return l;
}

}  // namespace

Result<WorkdayCalendar> LoadWorkdayCalendar() {
  JV_ASSIGN_OR_RETURN(std::string dir, FindDataDir());
  return WorkdayCalendar::Load(dir + "/calendar/cn-workdays.csv");
}

Result<LiquidationSettings> SetupLiquidation(vault::Vault& v, LiquidationSettings s,
                                             const WorkdayCalendar& cal) {
  JV_RETURN_IF_ERROR(ValidateLiquidationSettings(s, cal));
  s.setup_micros = v.clock().NowMicros();
  json doc = s.ToJson();
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaLiquidation, doc.dump()));
  // Dates of the case only: nothing identifying.
  JV_RETURN_IF_ERROR(v.AuditInTxn("liquidation.setup", "", kPurposeLiquidation, doc).status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return s;
}

Result<LiquidationSettings> GetLiquidation(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(std::optional<std::string> raw, v.store().GetMeta(kMetaLiquidation));
  if (!raw) {
    return FailedPreconditionError("the liquidation is not set up: run `liquidation setup`");
  }
  json doc = json::parse(*raw, nullptr, false);
  if (doc.is_discarded()) return DataLossError("meta liquidation is corrupt");
  return LiquidationSettings::FromJson(doc);
}

Status CloseLiquidation(vault::Vault& v, Date closed_on) {
  JV_ASSIGN_OR_RETURN(LiquidationSettings s, GetLiquidation(v));
  const std::optional<Date> first = s.type == "dissolution" ? s.dissolution_date : s.court_accepted;
  if (first && closed_on < *first) {
    return InvalidArgumentError("--date is before the liquidation began");
  }
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaLiquidationClosedOn, closed_on.ToString()));
  JV_RETURN_IF_ERROR(v.AuditInTxn("liquidation.close", "", kPurposeLiquidation,
                                  {{"closed_on", closed_on.ToString()}})
                         .status());
  return txn.Commit();
}

Result<std::optional<Date>> LiquidationClosedOn(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(std::optional<std::string> raw, v.store().GetMeta(kMetaLiquidationClosedOn));
  if (!raw) return std::optional<Date>();
  auto d = Date::Parse(*raw);
  if (!d.ok()) return DataLossError("meta liquidation.closed_on is corrupt");
  return std::optional<Date>(*d);
}

int64_t SubjectLedger::HeldItems() const {
  int64_t n = 0;
  for (const auto& i : items) n += i.status == "held";
  return n;
}

void ComputeBalances(const std::vector<vault::DecryptedRecord>& records, SubjectLedger* out) {
  out->prepaid_fen = Current(records, "prepaid_balance", false).value_or(0);
  out->deposit_fen = Current(records, "deposit", false).value_or(0);
  out->points_hundredths = Current(records, "points", true).value_or(0);
}

Result<SubjectLedger> ReadLedger(vault::Vault& v, const std::string& subject_id) {
  JV_ASSIGN_OR_RETURN(store::SubjectRow s, v.store().GetSubject(subject_id));
  JV_ASSIGN_OR_RETURN(auto records, v.ReadRecords(subject_id));
  JV_ASSIGN_OR_RETURN(auto returned, ReturnedItemIds(v, subject_id));
  return BuildLedger(subject_id, s.state != "unmatched", records, returned,
                     ChinaDateFromMicros(v.clock().NowMicros()));
}

json MaskedFields(const std::map<std::string, json>& current) {
  json m = json::object();
  for (const auto& [name, val] : current) {
    std::optional<classify::Field> f = classify::FieldFromName(name);
    if (!f) continue;
    if (name != "name" && name != "mobile" && name != "member_no" && name != "store") continue;
    m[name] = classify::MaskValue(*f, ValueText(val));
  }
  return m;
}

json PointsJson(int64_t h) {
  if (h % 100 == 0) return json(h / 100);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(h / 100),
                static_cast<long long>(h % 100));
  std::string s = buf;
  if (s.back() == '0') s.pop_back();
  return json(s);
}

json CreditorsReport::ToJson() const {
  json list = json::array();
  for (const auto& l : creditors) {
    list.push_back({{"id", l.subject_id},
                    {"masked", MaskedFields(l.current)},
                    {"prepaid_fen", l.prepaid_fen},
                    {"deposit_fen", l.deposit_fen},
                    {"points", PointsJson(l.points_hundredths)},
                    {"items", l.HeldItems()}});
  }
  return {{"prepaid_holders", prepaid_holders},
          {"points_holders", points_holders},
          {"deposit_holders", deposit_holders},
          {"item_owners", item_owners},
          {"total_prepaid_fen", total_prepaid_fen},
          {"total_deposit_fen", total_deposit_fen},
          {"subjects_read", subjects_read},
          {"unmatched_balance_rows", unmatched_balance_rows},
          {"unmatched_item_rows", unmatched_item_rows},
          {"subjects", list}};
}

Result<CreditorsReport> ListCreditors(vault::Vault& v) {
  CreditorsReport rep;
  JV_ASSIGN_OR_RETURN(auto returned, ReturnedItemIds(v, std::nullopt));
  const Date today = ChinaDateFromMicros(v.clock().NowMicros());
  std::vector<store::SubjectRow> subjects;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    subjects.push_back(s);
    return Status::Ok();
  }));
  for (const auto& s : subjects) {
    if (s.state == "shredded") continue;
    if (s.state == "unmatched") {
      // Placeholder of a file's unmatched rows: counted from the record headers, no
      // decryption needed.
      JV_ASSIGN_OR_RETURN(auto rows, v.store().ListRecords(s.id));
      for (const auto& r : rows) {
        if (r.key_class == kClassPrepaid) ++rep.unmatched_balance_rows;
        if (r.key_class == kClassItems) ++rep.unmatched_item_rows;
      }
      continue;
    }
    JV_ASSIGN_OR_RETURN(auto records, v.ReadRecords(s.id));
    ++rep.subjects_read;
    SubjectLedger l = BuildLedger(s.id, true, records, returned, today);
    const bool prepaid = l.prepaid_fen > 0, deposit = l.deposit_fen > 0,
               points = l.points_hundredths > 0, items = l.HeldItems() > 0;
    rep.prepaid_holders += prepaid;
    rep.deposit_holders += deposit;
    rep.points_holders += points;
    rep.item_owners += items;
    if (prepaid) rep.total_prepaid_fen += l.prepaid_fen;
    if (deposit) rep.total_deposit_fen += l.deposit_fen;
    if (prepaid || deposit || points || items) {
      for (auto& i : l.items) i.fields = nullptr;  // only the count is reported here
      rep.creditors.push_back(std::move(l));
    }
  }
  JV_RETURN_IF_ERROR(v.Audit("liquidation.creditors", "", kPurposeLiquidation,
                             {{"subjects_read", rep.subjects_read},
                              {"prepaid_holders", rep.prepaid_holders},
                              {"points_holders", rep.points_holders},
                              {"item_owners", rep.item_owners}})
                         .status());
  return rep;
}

Status CheckRefundAllowed(vault::Vault& v, Date day) {
  auto s = GetLiquidation(v);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kFailedPrecondition) return Status::Ok();
    return s.status();
  }
  JV_ASSIGN_OR_RETURN(WorkdayCalendar cal, LoadWorkdayCalendar());
  FreezeWindow w = RefundFreeze(*s, cal);
  if (!w.Contains(day)) return Status::Ok();
  return PermissionDeniedError(
      "退款冻结：申报债权期间不得对债权人清偿 (refunds are frozen during the claims period, " +
      w.start.ToString() + " to " + w.end.ToString() + "; " +
      (w.rule == "CL 235" ? std::string("Company Law 235")
                          : std::string("Enterprise Bankruptcy Law 16")) +
      " — CL 235 / EBL 16)");
}

}  // namespace jv::workflow
