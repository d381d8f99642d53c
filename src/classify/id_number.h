// PRC resident identity card numbers (居民身份证号码, GB 11643-1999) — SPEC
// §5.3 "id_number".
//
// Rule, applied literally after NFKC + trim:
//   1. Remove every ' ', upper-case ASCII (so a trailing 'x' becomes 'X').
//   2. ^[0-9](\.[0-9]+)?E\+?[0-9]+$  (Excel's scientific notation, e.g.
//   "4.40106E+17";
//      lower-case 'e' is upper-cased first)  → kExcelMangled.
//   3. ^[0-9]{17}[0-9X]$ → the province (digits 1–2) must be in provinces.csv
//   or one of
//      71, 81, 82, 83, and digits 7–14 must be a real date in [1900-01-01,
//      import_date]; if either fails → kInvalid. Otherwise, if the ISO 7064 MOD
//      11-2 check digit matches → kValid, else → kBadChecksum (a wrong check
//      digit *alone*).
//   4. ^[0-9]{15}$ → the province code and the date 19YYMMDD must be valid
//   (same rules);
//      if so → kConverted15 with the 18-digit form (insert "19" after digit 6,
//      append the check digit); otherwise kInvalid (a 15-digit number has no
//      check digit, so never kBadChecksum).
//   5. Anything else → kInvalid.
// Valid numbers (kValid, kConverted15) also yield the birth date, the gender
// (digit 17 of the 18-digit form: odd = male) and the 6-digit region code
// (digits 1–6; it may be a code that no longer exists, which is not an error —
// see data/divisions/SOURCE.md). Report counting (SPEC §5.5): `invalid`
// includes kBadChecksum and kExcelMangled. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "src/classify/person.h"
#include "src/common/date.h"

namespace jv::classify {

enum class IdOutcome {
  kAbsent,
  kValid,
  kConverted15,
  kBadChecksum,
  kExcelMangled,
  kInvalid
};

// "absent", "valid", "converted15", "bad_checksum", "excel_mangled", "invalid"
// (the report's key names).
std::string_view IdOutcomeName(IdOutcome o);

struct IdNumber {
  IdOutcome outcome = IdOutcome::kAbsent;
  std::string canonical;  // the 18-character form; set only when valid()
  Date birth_date;        // set only when valid()
  Gender gender = Gender::kUnspecified;  // kMale / kFemale when valid()
  std::string region_code;               // 6 digits; set only when valid()

  bool present() const { return outcome != IdOutcome::kAbsent; }
  // kValid or kConverted15.
  bool valid() const {
    return outcome == IdOutcome::kValid || outcome == IdOutcome::kConverted15;
  }
  // kBadChecksum, kExcelMangled or kInvalid.
  bool invalid() const { return present() && !valid(); }
};

// Validates an ID-number cell against the rules above. `import_date` bounds the
// birth date (a later date is invalid).
IdNumber CheckIdNumber(std::string_view cell, const Date& import_date);

// The ISO 7064 MOD 11-2 check character ('0'–'9' or 'X') of 17 ASCII digits.
// Precondition (JV_CHECK): `first17` is exactly 17 digits.
char IdCheckDigit(std::string_view first17);

// True iff `code` (2 digits) is a province code accepted at the start of an ID
// number: provinces.csv plus 71, 81, 82, 83.
bool IsIdProvinceCode(std::string_view code);

// True iff `s` matches ^[0-9](\.[0-9]+)?E\+?[0-9]+$ exactly (no normalization).
bool IsExcelScientific(std::string_view s);

}  // namespace jv::classify
