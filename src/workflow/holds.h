// Litigation holds: a hold blocks every deletion of the data it covers — one class of one
// subject, every class of one subject, or (scope "all") everything in the vault — until it is
// released. Retention runs (retention.h) and every ShredSubject (shred.h) keep held classes.
//
// Stored as ObjectRow{kind "hold", id "hold_…", subject_id ("" for scope "all"), status
// "active" | "released", attrs {scope, key_class ("" = every class), reason, created_on,
// released_on, release_reason}}. The reason is the operator's text naming the case (a
// court docket number, a regulator's letter): it is stored and audited, so it must not hold
// personal data (the manual says so). Audited: "hold.add", "hold.release".
//
// Errors: kInvalidArgument (no reason; both or neither of subject / all; a bad class name),
// kNotFound (unknown subject or hold id), kFailedPrecondition (releasing a released hold),
// store errors otherwise. Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/store/store.h"
#include "src/vault/vault.h"

namespace jv::workflow {

inline constexpr char kKindHold[] = "hold";

struct Hold {
  std::string id;
  std::string scope;       // "subject" | "all"
  std::string subject_id;  // "" for scope "all"
  std::string key_class;   // "" = every class
  std::string status;      // "active" | "released"
  std::string reason;
  std::string created_on;  // RFC 3339
  std::string released_on;
  std::string release_reason;

  nlohmann::json ToJson() const;
  static Hold FromRow(const store::ObjectRow& row);
};

struct HoldRequest {
  std::string subject_id;  // set, or `all`
  bool all = false;
  std::string key_class;   // optional
  std::string reason;
};

Result<Hold> AddHold(vault::Vault& v, const HoldRequest& req);
// Active holds, or every hold when `include_released`, in id order.
Result<std::vector<Hold>> ListHolds(vault::Vault& v, bool include_released);
Result<Hold> ReleaseHold(vault::Vault& v, const std::string& id, const std::string& reason);

// The active holds, loaded once, for deciding many classes.
class HoldSet {
 public:
  static Result<HoldSet> Load(store::Store& s);
  // True if an active hold covers this class of this subject.
  bool Covers(const std::string& subject_id, const std::string& key_class) const;
  bool empty() const { return holds_.empty(); }

 private:
  std::vector<Hold> holds_;
};

}  // namespace jv::workflow
