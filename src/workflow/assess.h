// Personal-information protection impact assessment (PIPIA; PIPL 55–56; RULEBOOK T5, X1;
// SPEC §9): a questionnaire the liquidator answers, facts computed from the vault, and a
// likelihood × impact risk matrix, kept as a report with a 3-year retention lock.
//
//   * PipiaTemplate(): the questionnaire with conservative default answers, in exactly the
//     form ParseAnswers / RunAssessment read (docs/design/governance.md shows it).
//   * RunAssessment(): validates the answers, computes the facts (subjects, sensitive
//     subjects by category, minors, recipients with region and counts, fields transferred,
//     crypto suite, audit state, cross-border volume), scores the risks and stores
//     ObjectRow{kind "pipia", id "pia_…", status "final", attrs {created_at, retain_until,
//     retention {basis, years, until}, report, html_zh, html_en}}. Audited ("pipia.create").
// No personal information is in any of it: counts, ids, field names, region codes.
//
// Errors: kInvalidArgument for malformed answers (the message names the question id);
// store/crypto errors otherwise.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

inline constexpr char kKindPipia[] = "pipia";
inline constexpr int kPipiaRetentionYears = 3;  // PIPL 56, RULEBOOK T5

// The questionnaire: {"format": "jadevault-pipia-answers/1", "assessor": {...},
// "questions": [{id, section, zh, en, answer}], "risks": [{id, zh, en, likelihood, impact}]}.
nlohmann::json PipiaTemplate();

// Risk level of a likelihood × impact score on the 5 × 5 matrix: 1–4 "low", 5–9 "medium",
// 10–14 "high", 15–25 "critical".
std::string_view RiskLevel(int likelihood, int impact);

// The facts an assessment records (also used by the checklist and reports).
Result<nlohmann::json> ComputePipiaFacts(vault::Vault& v);

struct PipiaResult {
  std::string id;
  nlohmann::json
      report;  // {"id","created_at","retain_until","facts","answers","risks","matrix","overall"}
  std::string html_zh, html_en;
};
// Combines `answers` (the template's form) with the facts; stores and audits the report.
Result<PipiaResult> RunAssessment(vault::Vault& v, const nlohmann::json& answers);

// The latest stored assessment, or nullopt.
Result<std::optional<store::ObjectRow>> LatestAssessment(vault::Vault& v);

// Printable HTML of a report ("zh-CN" or "en").
std::string RenderPipiaHtml(const nlohmann::json& report, const std::string& lang);

}  // namespace jv::workflow
