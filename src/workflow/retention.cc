#include "src/workflow/retention.h"

#include <set>

#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/workflow/holds.h"
#include "src/workflow/shred.h"

namespace jv::workflow {

namespace {

using json = nlohmann::json;

json DateOrNull(const std::optional<Date>& d) {
  return d ? json(d->ToString()) : json(nullptr);
}

json ClassJson(const ClassPlan& c) {
  json j = {{"key_class", c.key_class},
            {"records", c.records},
            {"due", c.due},
            {"held", c.held},
            {"lock_reason", c.lock.reason},
            {"locked_through", DateOrNull(c.lock.last_day)}};
  if (c.lock.period_last_day) j["period_ends"] = c.lock.period_last_day->ToString();
  if (!c.has_key && c.records == 0) j["to_be_written"] = true;
  return j;
}

// The latest transaction date of the subject's accounting records: the "date" field, else
// the record's import date (a transaction cannot be later than its import).
std::optional<Date> LatestTransaction(const std::vector<vault::DecryptedRecord>& recs) {
  std::optional<Date> latest;
  for (const auto& r : recs) {
    if (r.key_class != kClassAccounting) continue;
    std::optional<Date> d;
    if (r.fields.is_object() && r.fields.contains("date") && r.fields["date"].is_string()) {
      auto p = Date::Parse(r.fields["date"].get<std::string>());
      if (p.ok()) d = *p;
    }
    if (!d) d = ChinaDateFromMicros(r.created_micros);
    if (!latest || *d > *latest) latest = d;
  }
  return latest;
}

}  // namespace

Result<std::optional<Date>> CaseClosingDate(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(std::optional<std::string> raw, v.store().GetMeta(kMetaClosedOn));
  if (!raw) return std::optional<Date>();
  std::string s(TrimSpace(*raw));
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.empty()) return std::optional<Date>();
  auto d = Date::Parse(s);
  if (!d.ok()) return DataLossError("vault meta liquidation.closed_on is not a YYYY-MM-DD date");
  return std::optional<Date>(*d);
}

json RetentionPlan::ToJson() const {
  json due_j = json::object();
  for (const auto& [c, d] : due) {
    due_j[c] = {{"subjects", d.subjects}, {"records", d.records}, {"subject_ids", d.subject_ids}};
  }
  json j = {{"as_of", as_of.ToString()},
            {"closed_on", DateOrNull(closed_on)},
            {"closed_on_source", closed_on_source.empty() ? json(nullptr) : json(closed_on_source)},
            {"subjects_with_data", subjects_with_data},
            {"fully_deletable", fully_deletable},
            {"restricted", restricted},
            {"unchanged", unchanged},
            {"locks", locks},
            {"due", due_j},
            {"aml",
             {{"flagged", aml_flagged},
              {"recorded", aml_recorded},
              {"to_record", aml_to_record},
              {"threshold_fen", kAmlCashThresholdFen}}},
            {"subjects_decrypted", subjects_decrypted},
            {"settings", settings.ToJson()},
            {"rules", RetentionRulesJson(settings)}};
  if (detail) {
    json list = json::array();
    for (const SubjectPlan& s : subjects) {
      json cl = json::array();
      for (const ClassPlan& c : s.classes) cl.push_back(ClassJson(c));
      list.push_back({{"id", s.id},
                      {"state", s.state},
                      {"outcome", s.outcome},
                      {"aml_flagged", s.aml_flagged},
                      {"classes", cl}});
    }
    j["subjects"] = std::move(list);
  }
  return j;
}

Result<RetentionPlan> PlanRetention(vault::Vault& v, const PlanOptions& options) {
  RetentionPlan plan;
  plan.as_of = options.as_of;
  plan.detail = options.detail;
  JV_ASSIGN_OR_RETURN(plan.settings, LoadRetentionSettings(v));
  JV_ASSIGN_OR_RETURN(std::optional<Date> stored, CaseClosingDate(v));
  if (stored && options.closed_on && *stored != *options.closed_on) {
    return InvalidArgumentError(
        "--closed-on differs from the case's closing date (vault meta liquidation.closed_on); "
        "leave it out");
  }
  if (stored) {
    plan.closed_on = stored;
    plan.closed_on_source = "vault";
  } else if (options.closed_on) {
    plan.closed_on = options.closed_on;
    plan.closed_on_source = "option";
  }
  for (const RetentionRule& r : RetentionRules()) plan.locks[std::string(r.key_class)] = 0;
  plan.locks["hold"] = 0;

  JV_ASSIGN_OR_RETURN(HoldSet holds, HoldSet::Load(v.store()));
  const Date today = ChinaDateFromMicros(v.clock().NowMicros());
  store::Store& st = v.store();
  JV_RETURN_IF_ERROR(st.ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) -> Status {
    JV_ASSIGN_OR_RETURN(std::vector<store::DataKeyRow> keys, st.ListDataKeys(s.id));
    JV_ASSIGN_OR_RETURN(std::vector<store::RecordRow> rows, st.ListRecords(s.id));
    if (keys.empty() && rows.empty()) return Status::Ok();
    SubjectPlan sp;
    sp.id = s.id;
    sp.state = s.state;
    std::map<std::string, ClassPlan> classes;
    for (const auto& k : keys) {
      classes[k.key_class].key_class = k.key_class;
      classes[k.key_class].has_key = true;
    }
    for (const auto& r : rows) {
      classes[r.key_class].key_class = r.key_class;
      ++classes[r.key_class].records;
    }
    std::optional<Date> latest_txn, latest_aml;
    if (classes.count(kClassAccounting) || classes.count(kClassAml)) {
      JV_ASSIGN_OR_RETURN(std::vector<vault::DecryptedRecord> recs, v.ReadRecords(s.id));
      ++plan.subjects_decrypted;
      latest_txn = LatestTransaction(recs);
      if (s.state != "unmatched") {
        SubjectAml aml = EvaluateSubjectAml(recs, plan.settings, today);
        latest_aml = aml.latest_day;
        if (aml.flagged) {
          sp.aml_flagged = true;
          ++plan.aml_flagged;
          if (aml.recorded) {
            ++plan.aml_recorded;
          } else {
            sp.aml_to_record = true;
            ++plan.aml_to_record;
            classes[kClassAml].key_class = kClassAml;  // the run writes it first
          }
        }
      }
      v.DropKeyCache();
    }
    bool any_held = false, any_due = false, any_kept = false;
    for (auto& [name, c] : classes) {
      const RetentionRule* rule = FindRetentionRule(name);
      if (!c.has_key && c.records > 0) {
        c.lock.reason = "key_gone";  // unreadable already; deleting the rows loses nothing
        c.due = true;
      } else {
        LockInputs in;
        in.closed_on = plan.closed_on;
        if (name == kClassAccounting) in.latest_event = latest_txn;
        if (name == kClassAml) in.latest_event = latest_aml;
        c.lock = ComputeLockEnd(rule, plan.settings, in);
        c.due = IsDue(c.lock, plan.as_of);
      }
      c.held = holds.Covers(s.id, name);
      if (c.held) {
        any_held = true;
        c.due = false;
      }
      if (!c.due && !IsDue(c.lock, plan.as_of) && c.lock.reason != "key_gone") ++plan.locks[name];
      (c.due ? any_due : any_kept) = true;
      sp.classes.push_back(c);
    }
    if (any_held) ++plan.locks["hold"];
    sp.outcome = !any_due ? "keep" : (any_kept ? "restrict" : "shred");
    ++plan.subjects_with_data;
    if (sp.outcome == "shred") ++plan.fully_deletable;
    if (sp.outcome == "restrict") ++plan.restricted;
    if (sp.outcome == "keep") ++plan.unchanged;
    for (const ClassPlan& c : sp.classes) {
      if (!c.due) continue;
      DueClass& d = plan.due[c.key_class];
      ++d.subjects;
      d.records += c.records;
      d.subject_ids.push_back(s.id);
    }
    plan.subjects.push_back(std::move(sp));
    return Status::Ok();
  }));

  json details = {{"as_of", plan.as_of.ToString()},
                  {"closed_on", DateOrNull(plan.closed_on)},
                  {"subjects_with_data", plan.subjects_with_data},
                  {"subjects_decrypted", plan.subjects_decrypted},
                  {"fully_deletable", plan.fully_deletable},
                  {"restricted", plan.restricted},
                  {"locks", plan.locks}};
  JV_RETURN_IF_ERROR(v.Audit("retention.plan", "", "retention", details).status());
  return plan;
}

json RetentionRunResult::ToJson() const {
  json p = plan.ToJson();
  p.erase("rules");
  p.erase("settings");
  return {{"run_id", run_id},
          {"as_of", plan.as_of.ToString()},
          {"closed_on", DateOrNull(plan.closed_on)},
          {"shredded", shredded},
          {"restricted", restricted},
          {"data_keys_deleted", data_keys_deleted},
          {"records_deleted", records_deleted},
          {"indexes_deleted", indexes_deleted},
          {"held_back", held_back},
          {"aml", aml.ToJson()},
          {"plan", p}};
}

Result<RetentionRunResult> RunRetention(vault::Vault& v, const PlanOptions& options) {
  const Date today = ChinaDateFromMicros(v.clock().NowMicros());
  if (options.as_of > today) {
    return InvalidArgumentError("retention run --as-of cannot be after today (" +
                                today.ToString() + "): nothing may be destroyed early");
  }
  RetentionRunResult res;
  JV_ASSIGN_OR_RETURN(res.aml, ScanAml(v, /*write=*/true));
  JV_ASSIGN_OR_RETURN(res.plan, PlanRetention(v, options));
  res.run_id = NewId(v.random(), "rrun_");
  const json extra = {{"run", res.run_id}, {"as_of", res.plan.as_of.ToString()}};
  for (const SubjectPlan& sp : res.plan.subjects) {
    if (sp.outcome == "keep") continue;
    std::set<std::string> due;
    for (const ClassPlan& c : sp.classes) {
      if (c.due) due.insert(c.key_class);
    }
    JV_ASSIGN_OR_RETURN(
        ShredOutcome out,
        ShredSubjectClasses(
            v, sp.id, "retention", [&](const std::string& c) { return due.count(c) == 0; },
            extra));
    res.data_keys_deleted += out.data_keys_deleted;
    res.records_deleted += out.records_deleted;
    res.indexes_deleted += out.indexes_deleted;
    for (const std::string& c : out.held_classes) res.held_back += due.count(c) ? 1 : 0;
    if (out.new_state == "shredded") {
      ++res.shredded;
    } else {
      ++res.restricted;
    }
  }
  Status compact = v.store().Compact();
  // Keys died: the caller ends the backup epoch (cli/backup_notice.h), as after any shred.
  json details = {{"run", res.run_id},
                  {"as_of", res.plan.as_of.ToString()},
                  {"closed_on", DateOrNull(res.plan.closed_on)},
                  {"closed_on_source", res.plan.closed_on_source},
                  {"shredded", res.shredded},
                  {"restricted", res.restricted},
                  {"data_keys_deleted", res.data_keys_deleted},
                  {"records_deleted", res.records_deleted},
                  {"indexes_deleted", res.indexes_deleted},
                  {"held_back", res.held_back},
                  {"aml_records_written", res.aml.records_written},
                  {"locks", res.plan.locks},
                  {"compacted", compact.ok()}};
  JV_RETURN_IF_ERROR(v.Audit("retention.run", "", "retention", details).status());
  JV_RETURN_IF_ERROR(compact);
  return res;
}

}  // namespace jv::workflow
