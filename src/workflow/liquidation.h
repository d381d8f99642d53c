// The liquidation case in the vault (SPEC §7; RULEBOOK §8, §9): settings, the statutory
// deadlines, closing, the customer-creditor ledger and the refund freeze.
//
// Storage (docs/design/liquidation.md):
//   * meta "liquidation": LiquidationSettings::ToJson() — dates only, nothing identifying.
//   * meta "liquidation.closed_on": "YYYY-MM-DD", the date the liquidation closed (the
//     retention plan counts "after the relationship ends" from it).
// The ledger is computed on demand from the subjects' decrypted records (classes
// "profile" and "prepaid_5y" for money, "customer_items" for goods); nothing derived from
// it is stored in the clear.
//
// Current balance of a subject (one rule for prepaid_balance, deposit and points):
//   take the records (classes profile and prepaid_5y) whose field is a valid value (an
//   integer number of fen; points a decimal); the source of the NEWEST such record (highest
//   record id = latest import, later row) is the subject's current statement; within that
//   source each card (card_no, or "" when the row has none) counts with its last row, and
//   the cards are summed. So a later balances export replaces the customers export's
//   储值余额, a later customers export replaces an older balances export, and two rows of
//   one card in one file are a correction, not two cards.
//
// Errors: kInvalidArgument for bad settings (names the flag; EBL 45 range); kFailedPrecondition
// when `liquidation setup` has not run; kPermissionDenied from CheckRefundAllowed inside
// the freeze (the message cites CL 235 / EBL 16); kNotFound when the calendar file is
// missing; store and decryption errors (kDataLoss) otherwise.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/common/calendar.h"
#include "src/common/result.h"
#include "src/vault/vault.h"
#include "src/workflow/liquidation_clock.h"
#include "src/workflow/retention_rules.h"  // kClassPrepaid, kClassItems

namespace jv::workflow {

inline constexpr char kMetaLiquidation[] = "liquidation";
inline constexpr char kMetaLiquidationClosedOn[] = "liquidation.closed_on";
inline constexpr char kPurposeLiquidation[] = "liquidation";

// The PRC calendar from the data directory (FindDataDir).
Result<WorkdayCalendar> LoadWorkdayCalendar();

// Validates and stores the settings (replacing earlier ones); audited "liquidation.setup".
Result<LiquidationSettings> SetupLiquidation(vault::Vault& v, LiquidationSettings s,
                                             const WorkdayCalendar& cal);
// kFailedPrecondition if not set up.
Result<LiquidationSettings> GetLiquidation(vault::Vault& v);
// Stores meta liquidation.closed_on; audited "liquidation.close". kFailedPrecondition if
// not set up; kInvalidArgument if `closed_on` is before the case's first date.
Status CloseLiquidation(vault::Vault& v, Date closed_on);
// The closing date if closed.
Result<std::optional<Date>> LiquidationClosedOn(vault::Vault& v);

// --- the ledger -----------------------------------------------------------------------------
struct HeldItem {
  std::string id;          // "it_<record id>"
  std::string subject_id;  // the owner (or the source's unmatched placeholder)
  bool matched = true;     // false: the row matched no customer
  std::string status;      // "held" | "returned"
  nlohmann::json fields;   // decrypted item fields (PI-bearing; mask before showing)
  std::string source_id;
  int64_t row_no = 0;
};

struct SubjectLedger {
  std::string subject_id;
  int64_t prepaid_fen = 0;
  int64_t deposit_fen = 0;
  int64_t points_hundredths = 0;                  // points x 100 (points may have decimals)
  std::map<std::string, nlohmann::json> current;  // current profile values (for masking)
  std::vector<HeldItem> items;                    // every item, held or returned
  int64_t HeldItems() const;
};

// The current money of one subject from its records (the rule above). Pure.
void ComputeBalances(const std::vector<vault::DecryptedRecord>& records, SubjectLedger* out);

// The ledger of one subject (decrypts its records; the caller audits the read).
Result<SubjectLedger> ReadLedger(vault::Vault& v, const std::string& subject_id);

struct CreditorsReport {
  int64_t prepaid_holders = 0, points_holders = 0, deposit_holders = 0, item_owners = 0;
  int64_t total_prepaid_fen = 0, total_deposit_fen = 0;
  int64_t subjects_read = 0;
  // Rows of balances / items files that matched no customer (reported, never dropped).
  int64_t unmatched_balance_rows = 0, unmatched_item_rows = 0;
  std::vector<SubjectLedger> creditors;  // subjects with money or a held item, id order
  nlohmann::json ToJson() const;         // masked
};
// Every live subject's ledger; one audit entry "liquidation.creditors" (counts only,
// purpose liquidation) for the read.
Result<CreditorsReport> ListCreditors(vault::Vault& v);

// Refuses (kPermissionDenied, citing CL 235 / EBL 16) a payment on `day` inside the
// declaration period; OK outside it or when no liquidation is set up.
Status CheckRefundAllowed(vault::Vault& v, Date day);

// Masked current values ({field: masked}) for showing a subject.
nlohmann::json MaskedFields(const std::map<std::string, nlohmann::json>& current);
// "123" / "12.5" from hundredths.
nlohmann::json PointsJson(int64_t hundredths);

}  // namespace jv::workflow
