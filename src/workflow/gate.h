// The compliance gate (`jadevault check`, SPEC §6.5 and §9): rules with stable ids evaluated
// from the vault's state. `package build` refuses while any blocking rule fails.
//
// Rules register themselves in one table (gate.cc); each issue adds its rules there
// (transfer: PIPL-22-NOTICE, OBJECTION-WINDOW, RECIPIENT-KEY, PIPL-23-CONSENT; governance,
// checklist.h: PIPL-55-PIPIA, XB-MECHANISM, PIPL-39-CONSENT, PIPL-52-OFFICER, NDSMR-30-REPORT,
// PIPL-51-ENCRYPTION, PIPL-47-RETENTION, AUDIT-CHAIN). A rule reads the vault and returns its status with
// evidence (counts and ids, never personal data).
// Thread-safety: EvaluateGate uses the vault; one thread at a time.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

enum class RuleStatus { kPass, kFail, kWarn, kNotApplicable };
std::string_view RuleStatusName(RuleStatus s);  // "pass" | "fail" | "warn" | "n.a."

struct RuleResult {
  std::string id;        // "PIPL-22-NOTICE"
  std::string title;     // zh-CN first: "每位客户均已告知 (every customer notified)"
  std::string article;   // "PIPL 22"
  RuleStatus status = RuleStatus::kNotApplicable;
  bool blocking = false;  // blocks `package build` when status is kFail
  nlohmann::json evidence = nlohmann::json::object();
};

struct GateReport {
  std::vector<RuleResult> rules;
  // True when some rule with blocking=true has status kFail.
  bool blocked() const;
  // {"ok": !blocked, "blocked": …, "rules": [{"id","title","article","status","blocking","evidence"}]}
  nlohmann::json ToJson() const;
};

// A rule: evaluated against an open vault, optionally for one recipient ("" = all).
struct GateRule {
  std::string id;
  std::string title;
  std::string article;
  Result<RuleResult> (*evaluate)(vault::Vault& v, const std::string& recipient_id);
};

// Evaluates every registered rule. `recipient_id` narrows per-recipient rules (package build
// passes the recipient it builds for). Errors only for store/crypto failures.
Result<GateReport> EvaluateGate(vault::Vault& v, const std::string& recipient_id = "");

}  // namespace jv::workflow
