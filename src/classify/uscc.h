// Unified social credit codes (统一社会信用代码, GB 32100-2015) of recipients.
//
// After NFKC + trim, ' ' removed and ASCII upper-cased: valid iff 18 characters
// from the code set 0-9 A-H J-N P-R T-U W-Y (values 0..30 in that order; I, O,
// Z, S, V are not used) and the 18th equals the check character C18 = 31 -
// MOD(Σ Ci·Wi, 31) (31 → 0), with Wi = 3^(i-1) mod 31 =
// 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 (GB 32100-2015 §4 and Annex).
// The structure of positions 1–17 (registration authority, region, organization
// code) is not checked further. Canonical form: the 18 upper-case characters.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "src/classify/checked.h"

namespace jv::classify {

Checked<std::string> CheckUscc(std::string_view cell);

// The check character for 17 characters of the code set; '\0' if `first17` has
// the wrong length or a character outside the set.
char UsccCheckChar(std::string_view first17);

}  // namespace jv::classify
