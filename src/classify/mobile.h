// Mainland China mobile numbers (SPEC §5.3 "mobile").
//
// Rule, applied literally: normalize the cell (NFKC, trim); remove every ' ',
// '-', '(' and
// ')'; then, only if exactly 11 digits would remain, remove one leading "+86",
// "0086" or "86" (checked in that order); the result is valid iff it matches
// ^1[3-9][0-9]{9}$. So "8613812345678" is valid, while "86" + 10 digits is not
// stripped and is invalid. The canonical form is the 11 digits (the value blind
// indexes are computed over). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "src/classify/checked.h"

namespace jv::classify {

// Validates a mobile cell; value = the canonical 11 digits.
Checked<std::string> CheckMobile(std::string_view cell);

// True iff `digits` (already stripped of separators and prefix) matches
// ^1[3-9][0-9]{9}$.
bool IsMobileDigits(std::string_view digits);

}  // namespace jv::classify
