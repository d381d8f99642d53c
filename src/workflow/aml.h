// AML cash-day flags (RULEBOOK §7 M2, M4, M5): a customer whose cash payments reach
// ¥100,000 (10,000,000 fen) in one calendar day — one purchase or several summed — needs
// customer due diligence (CDD), and the CDD identity data and those transactions are kept
// 10 years (class "aml_10y", retention_rules.h).
//
// What counts (docs/design/retention.md "AML"):
//  * the subject's transaction records (class "accounting_30y", imported with --kind
//    transactions); placeholder subjects of unmatched rows (state "unmatched") are skipped —
//    they mix many people; their rows stay under the 30-year accounting lock anyway;
//  * a cash payment: payment_method (NFKC, lower-cased, spaces removed), split at + / 、 ,
//    ， ; ；& and "和", has a part equal to 现金, 現金, 现钞, 人民币现金, cash or rmbcash.
//    "现金券" (a coupon) is not cash. A mixed payment ("现金+刷卡") counts in full
//    (conservative: the cash share is not recorded);
//  * the amount: the canonical integer fen the importer stored; a negative amount (refund)
//    is not subtracted; a cash row whose amount is not a valid number is counted as
//    unreadable and reported (never flagged silently);
//  * the day: the transaction's date (YYYY-MM-DD); a cash row without a valid date is a day
//    of its own (it can only trigger on its own amount).
//
// ScanAml writes, for every flagged subject whose recorded CDD is missing or out of date,
// one "aml_10y" record (source "aml_scan") holding the CDD fields of the current profile
// (settings aml_cdd_fields; from the latest AML record if the profile is gone), "_aml"
// {threshold_fen, scanned_on, days: [{date, total_fen, transactions}]} and
// "_aml_transactions" (the flagged days' cash transactions). One audit entry "aml.scan"
// with counts only. Idempotent: a second scan with nothing new writes nothing.
//
// Errors: store / vault errors (kDataLoss for a record failing authentication);
// kFailedPrecondition inside an open transaction. Thread-safety: pure functions are
// thread-safe; ScanAml uses the vault (one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/date.h"
#include "src/common/result.h"
#include "src/vault/vault.h"
#include "src/workflow/retention_rules.h"

namespace jv::workflow {

inline constexpr int64_t kAmlCashThresholdFen = 10'000'000;  // ¥100,000 (M2)
inline constexpr char kAmlSource[] = "aml_scan";

bool IsCashPayment(std::string_view payment_method);

// One calendar day of one customer's cash at or over the threshold.
struct AmlDay {
  std::optional<Date> date;  // nullopt: one undated cash row
  int64_t total_fen = 0;
  std::vector<size_t> transactions;  // indexes into the input
};

struct CashDays {
  std::vector<AmlDay> flagged;  // by date, undated last
  int64_t cash_transactions = 0;
  int64_t unreadable = 0;  // cash rows without a valid amount
};

// `transactions`: the decrypted field objects of one customer's transaction records.
CashDays FlagCashDays(const std::vector<nlohmann::json>& transactions,
                      int64_t threshold_fen = kAmlCashThresholdFen);

// The AML state of one subject, from its decrypted records.
struct SubjectAml {
  CashDays cash;
  bool flagged = false;
  bool recorded = false;              // an aml_10y record covers every flagged day and the CDD
  std::optional<Date> latest_day;     // latest flagged day, recorded ones included
  nlohmann::json record;              // what ScanAml would write (when !recorded)
};

SubjectAml EvaluateSubjectAml(const std::vector<vault::DecryptedRecord>& records,
                              const RetentionSettings& settings, const Date& today);

struct AmlScanReport {
  int64_t subjects_scanned = 0;  // subjects with transaction records
  int64_t cash_transactions = 0;
  int64_t unreadable_cash_rows = 0;
  int64_t flagged_subjects = 0;
  int64_t flagged_days = 0;
  int64_t records_written = 0;
  int64_t already_recorded = 0;
  int64_t skipped_unmatched = 0;
  std::vector<std::string> flagged;  // subject ids (not PI)
  nlohmann::json ToJson() const;
};

// `write` false: evaluate only (no records, no audit entry).
Result<AmlScanReport> ScanAml(vault::Vault& v, bool write);

}  // namespace jv::workflow
