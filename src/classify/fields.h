// The canonical customer fields of SPEC §5.2 as data: name, sensitivity,
// category and header synonyms; the header matcher; the value-based column
// detector; the sensitivity helper for minors (PIPL Art. 28/31, RULEBOOK G1/G2,
// P28/P31).
//
// Header matching: the header and every synonym are compared after NFKC
// (full-width forms become ASCII), ASCII lower-casing, and removal of white
// space, '_', '-', '*' (a "required" mark) and a trailing ':'; so "Member No",
// "MEMBER_NO", "ｍｏｂｉｌｅ", "手机 号码" and "姓名：" all match. Synonyms are
// those of the SPEC table plus a few common ones (see fields.cc).
//
// Value-based detection (for a column whose header is unknown): each non-empty
// sample (after NFKC + trim) is tested with the detectors below, and a field
// wins when its detector matches >= 80 % of the non-empty samples; when several
// do, the one matching most samples wins, ties broken in this order:
//   id_number  (CheckIdNumber outcome kValid, kConverted15 or kBadChecksum: an
//   ID-shaped
//               value, even with a wrong check digit)
//   mobile     (CheckMobile valid)
//   email      (CheckEmail valid)
//   bank_card  (CheckBankCard valid)
//   landline   (CheckLandline valid)
//   gender     (ParseGender valid, but only the words
//   男/女/男性/女性/M/F/MALE/FEMALE…,
//               not the digit codes, which any numeric column would match)
//   address    (LooksLikeAddress)
//   name       (LooksLikePersonName)
// Dates and amounts are not guessed (birth date vs last purchase, points vs
// balance are indistinguishable by value); nor are member_no, store,
// member_level, ring_size, notes. All functions are pure; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/date.h"

namespace jv::classify {

enum class Field {
  kMemberNo,
  kName,
  kGender,
  kBirthDate,
  kIdNumber,
  kMobile,
  kLandline,
  kEmail,
  kAddress,
  kBankCard,
  kStore,
  kMemberLevel,
  kPoints,
  kPrepaidBalance,
  kTotalSpend,
  kLastPurchaseDate,
  kRingSize,
  kNotes,
};

enum class FieldCategory {
  kIdentifier,        // member_no
  kIdentity,          // name, gender, birth_date, id_number
  kContact,           // mobile, landline, email, address
  kFinancialAccount,  // bank_card
  kMembership,        // store, member_level
  kProperty,     // points, prepaid_balance (PIPL 28 "financial accounts"; G1
                 // property)
  kConsumption,  // total_spend, last_purchase_date (G1 consumption records)
  kPreference,   // ring_size
  kFreeText,     // notes (scanned for PI)
};

struct FieldInfo {
  Field field;
  std::string_view name;  // canonical name, e.g. "id_number"
  bool sensitive;         // SPEC §5.2 "sensitive" column
  bool scanned;           // free text scanned for PI (notes)
  FieldCategory category;
  std::span<const std::string_view> headers;  // synonyms, SPEC's first
};

// All fields, in SPEC §5.2 order.
std::span<const FieldInfo> AllFields();
const FieldInfo& GetFieldInfo(Field f);
std::string_view FieldName(Field f);
// "identifier", "identity", "contact", "financial_account", "membership",
// "property", "consumption", "preference", "free_text".
std::string_view FieldCategoryName(FieldCategory c);
// Canonical name → field; nullopt if unknown (exact match, e.g. "mobile").
std::optional<Field> FieldFromName(std::string_view name);

// Header → field by synonym (see the top comment); nullopt if no synonym
// matches.
std::optional<Field> HeaderToField(std::string_view header);

// The field whose detector matches >= 80 % of the non-empty `samples` (see
// above), or nullopt (also when every sample is empty). `import_date` bounds ID
// birth dates.
std::optional<Field> DetectFieldFromValues(
    const std::vector<std::string>& samples, const Date& import_date);

// Sensitivity of a field (SPEC §5.2): id_number, bank_card, points,
// prepaid_balance, total_spend.
bool IsSensitiveField(Field f);
// Sensitivity of one subject's field: every field of a minor under 14 is
// sensitive (PIPL Art. 28; RULEBOOK P31, G1), otherwise IsSensitiveField.
bool IsSensitiveFor(Field f, bool subject_is_minor_under_14);

}  // namespace jv::classify
