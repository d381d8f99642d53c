// Gender parsing, age and the under-14 rule (SPEC §5.3 "minor", PIPL Art.
// 28/31, RULEBOOK P28/P31).
//
// Gender mapping (after NFKC + trim, ASCII case-insensitive), following GB/T
// 2261.1-2003 for the digit codes:
//   kMale:        男, 男性, 男士, 先生, M, MALE, 1
//   kFemale:      女, 女性, 女士, 小姐, F, FEMALE, 2
//   kUnspecified: 未知, 保密, 未说明, 不详, 0, 9, U, UNKNOWN  (a valid answer,
//   no gender)
// Anything else is invalid.
//
// Age: whole years on the given date; the birthday itself counts as reached,
// and a 29 February birthday is reached on 1 March in common years. A subject
// is a minor under 14 iff 0 <= age < 14 (a birth date after the reference date
// is bad data, not a minor; callers validate birth dates with
// IsPlausibleBirthDate). Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "src/classify/checked.h"
#include "src/common/date.h"

namespace jv::classify {

enum class Gender { kUnspecified, kMale, kFemale };

// "unspecified", "male", "female".
std::string_view GenderName(Gender g);

Checked<Gender> ParseGender(std::string_view cell);

// Whole years from `birth` to `on` (negative if `birth` is after `on`).
int AgeOn(const Date& birth, const Date& on);

// AgeOn(birth, import_date) < 14 (SPEC §5.3 "minor"), literally: a birth date after the
// import date (age < 0, bad data) counts as a minor's, the protective reading.
bool IsMinorUnder14(const Date& birth, const Date& import_date);

// 1900-01-01 <= birth <= import_date (the range SPEC §5.3 uses for ID numbers).
bool IsPlausibleBirthDate(const Date& birth, const Date& import_date);

}  // namespace jv::classify
