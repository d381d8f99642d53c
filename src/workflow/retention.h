// Retention plan and run (SPEC §7 "Retention", RULEBOOK §10 and P47): which classes of which
// subjects may be destroyed on a date, and destroying exactly those.
//
// PlanRetention, per subject that still has data (keys or records), per class:
//   * the lock from the rule table (retention_rules.h) with the subject's anchors — the
//     case's closing date (vault meta "liquidation.closed_on", YYYY-MM-DD, set by
//     `liquidation close`; or PlanOptions::closed_on when the vault has none yet), the
//     latest transaction date of its "accounting_30y" records (a record without a valid
//     date counts at its import date, the latest it can be), the latest flagged cash day;
//   * an active litigation hold (holds.h) keeps the class whatever its lock says;
//   * records whose data key is already gone are due (they cannot be read);
//   * a subject the AML rule flags whose "aml_10y" record is not written yet is planned as
//     if it were (the run writes it first), so the plan never lets CDD data go.
// Outcome: "shred" (every class due: fully_deletable), "restrict" (some due, some kept:
// restricted), "keep" (nothing due). The plan decrypts the records of subjects with
// transaction or AML data (to read dates); it appends one audit entry "retention.plan"
// (counts only).
//
// RunRetention: refuses an as-of date after today (the clock, China time) with
// kInvalidArgument; runs ScanAml (writes missing AML records), plans, then for every
// subject with something due calls ShredSubjectClasses keeping the classes not due — its
// data keys and records of due classes are deleted; with nothing left, its blind indexes too
// and state "shredded"; else state "restricted". Then Store::Compact() and one audit entry
// "retention.run" with the counts. Subjects whose shred fails stop the run with the error;
// what was done is audited per subject and a re-run continues.
//
// Errors: kInvalidArgument (bad dates; an as-of date in the future for a run; a
// --closed-on that contradicts the vault's closing date); kDataLoss (a malformed
// liquidation.closed_on, a record failing authentication); store errors otherwise.
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/date.h"
#include "src/common/result.h"
#include "src/vault/vault.h"
#include "src/workflow/aml.h"
#include "src/workflow/retention_rules.h"

namespace jv::workflow {

inline constexpr char kMetaClosedOn[] = "liquidation.closed_on";

// The vault's closing date, if set. kDataLoss if the stored value is not a date.
Result<std::optional<Date>> CaseClosingDate(vault::Vault& v);

struct PlanOptions {
  Date as_of;
  std::optional<Date> closed_on;  // used when the vault has no closing date
  bool detail = false;            // ToJson lists every subject's classes
};

struct ClassPlan {
  std::string key_class;
  int64_t records = 0;
  bool has_key = false;
  LockEnd lock;
  bool held = false;
  bool due = false;
};

struct SubjectPlan {
  std::string id;
  std::string state;
  std::vector<ClassPlan> classes;
  std::string outcome;  // "shred" | "restrict" | "keep"
  bool aml_flagged = false;
  bool aml_to_record = false;
};

struct DueClass {
  int64_t subjects = 0;
  int64_t records = 0;
  std::vector<std::string> subject_ids;
};

struct RetentionPlan {
  Date as_of;
  std::optional<Date> closed_on;
  std::string closed_on_source;  // "vault" | "option" | "" (none)
  int64_t subjects_with_data = 0;
  int64_t fully_deletable = 0;
  int64_t restricted = 0;
  int64_t unchanged = 0;
  std::map<std::string, int64_t> locks;  // class (or "hold") -> subjects kept by it
  std::map<std::string, DueClass> due;   // class -> what is due
  int64_t aml_flagged = 0, aml_recorded = 0, aml_to_record = 0;
  int64_t subjects_decrypted = 0;
  RetentionSettings settings;
  std::vector<SubjectPlan> subjects;  // those with data, id order
  bool detail = false;

  nlohmann::json ToJson() const;
};

Result<RetentionPlan> PlanRetention(vault::Vault& v, const PlanOptions& options);

struct RetentionRunResult {
  AmlScanReport aml;
  RetentionPlan plan;
  int64_t shredded = 0;    // subjects now "shredded"
  int64_t restricted = 0;  // subjects now "restricted"
  int64_t data_keys_deleted = 0;
  int64_t records_deleted = 0;
  int64_t indexes_deleted = 0;
  int64_t held_back = 0;   // classes a hold kept that the plan had found due (race)
  std::string run_id;
  nlohmann::json ToJson() const;
};

Result<RetentionRunResult> RunRetention(vault::Vault& v, const PlanOptions& options);

}  // namespace jv::workflow
