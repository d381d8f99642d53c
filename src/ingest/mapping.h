// Column mapping of an imported file: which column holds which canonical field (SPEC §5.2).
//
// A mapping is proposed from the header (classify::HeaderToField for customer files, plus
// a synonym table per kind for transactions / items / balances), then, for columns whose
// header matched nothing, from a sample of the column's values (classify::
// DetectFieldFromValues: a detector matching >= 80 % of the non-empty samples wins), and
// finally overridden by a `--mapping FILE.toml`:
//
//     # jadevault column mapping v1
//     [columns]
//     "联系方式" = "mobile"      # a header, as written in the file (NFKC + trim compared)
//     "#7" = "notes"             # or a 1-based column number
//     "内部备注" = "ignore"      # do not import this column
//
// Only `[columns]` and `key = "value"` lines (bare or double-quoted keys, `#` comments) are
// read; a line that is anything else is an error naming its line number.
//
// Several columns may map to the same field (手机 and 联系电话): the importer counts every
// cell and uses the first valid one as the row's value (importer.h).
//
// Kinds and their fields (ImportKindFields): customers = the 18 fields of §5.2; every other
// kind has the matching keys (member_no, name, id_number, mobile) plus its own columns:
//   transactions: date, store, amount, payment_method, receipt_no, item_description
//   items:        item_description, item_type, weight, receipt_no, date_received, fees, store
//   balances:     prepaid_balance, points, deposit, card_no, store
// Thread-safety: pure functions and value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/date.h"
#include "src/common/result.h"

namespace jv::ingest {

enum class ImportKind { kCustomers, kTransactions, kItems, kBalances };

// "customers", "transactions", "items", "balances".
std::string_view ImportKindName(ImportKind k);
// kInvalidArgument for anything but the four names above.
Result<ImportKind> ParseImportKind(std::string_view name);

// How the cells of a field are validated (SPEC §5.3).
enum class ValueType {
  kText,      // present = valid (name, address, store, notes, ...)
  kMobile,    // classify::CheckMobile
  kIdNumber,  // classify::CheckIdNumber
  kEmail,     // classify::CheckEmail
  kBankCard,  // classify::CheckBankCard
  kLandline,  // classify::CheckLandline
  kGender,    // classify::ParseGender
  kDate,      // classify::ParseDate (§5.3's spellings exactly: customers' dates)
  kTimestamp, // classify::ParseTimestampDate (a date, maybe with a time: transactions, items)
  kAmount,    // classify::ParseAmountFen (stored in fen)
  kDecimal,   // a non-negative decimal, optional unit (points, weight): ParseAmountFen too
};

struct KindField {
  std::string_view name;  // canonical field name
  ValueType type;
  std::span<const std::string_view> headers;  // extra synonyms (customers: fields.cc's)
};

// The fields of `kind`, in report order.
std::span<const KindField> ImportKindFields(ImportKind kind);
// The field of `kind` named `name`, or nullptr.
const KindField* FindKindField(ImportKind kind, std::string_view name);

// The field a header names for `kind`, or nullopt.
std::optional<std::string> HeaderToKindField(ImportKind kind, std::string_view header);

enum class MappedBy { kHeader, kValues, kMappingFile, kNone };
// "header", "values", "mapping", "none".
std::string_view MappedByName(MappedBy m);

struct ColumnMapping {
  int column = 0;             // 0-based
  std::string header;         // as written in the file
  std::string field;          // canonical field name; "" = not imported as a field
  MappedBy how = MappedBy::kNone;
};

// --mapping FILE.toml: column (header text, or "#N") -> field name or "ignore".
struct MappingOverride {
  std::vector<std::pair<std::string, std::string>> columns;  // in file order
};

// Parses the text of a mapping file (see the top comment). kInvalidArgument naming the line.
Result<MappingOverride> ParseMappingToml(std::string_view text);

// Per-column detection statistics over the value sample (for `scan`).
struct ColumnStats {
  int64_t sampled = 0;    // sample rows looked at
  int64_t non_empty = 0;  // of those, non-empty after NFKC + trim
  // Detector name ("id_number", "mobile", "email", "bank_card", "landline", "gender",
  // "address", "name") -> matching non-empty samples; only detectors with a match.
  std::map<std::string, int64_t> detectors;
};

// Statistics of one column's sample.
ColumnStats ComputeColumnStats(const std::vector<std::string>& samples, const Date& import_date);

// Proposes the mapping of `header` for `kind`: header synonyms, then value detection over
// `samples[c]` (the first rows' cells of column c) for the columns still unmapped, then
// `override`. kInvalidArgument if the override names a column the file does not have or a
// field `kind` does not have.
Result<std::vector<ColumnMapping>> ProposeMapping(ImportKind kind,
                                                  const std::vector<std::string>& header,
                                                  const std::vector<std::vector<std::string>>& samples,
                                                  const Date& import_date,
                                                  const MappingOverride* override_map);

// JSON form used in reports and in a running import's saved state:
// [{"column": 1 (1-based), "header": "...", "field": "mobile" | null, "how": "header"}, ...]
nlohmann::json MappingToJson(const std::vector<ColumnMapping>& m);
Result<std::vector<ColumnMapping>> MappingFromJson(const nlohmann::json& j);

}  // namespace jv::ingest
