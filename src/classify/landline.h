// Mainland China fixed-line numbers (座机). SPEC §5.3 has no rule for them;
// this is ours:
//
// After NFKC + trim:
//   1. An extension may follow the number, introduced by 转, 分机, "ext",
//   "ext.", 'x' or
//      '#' (ASCII case-insensitive, optional spaces after the marker), or as a
//      last
//      '-'-separated group when the rest is already a complete number; it is
//      1–6 digits.
//   2. In the number, ' ', '-', '(' and ')' are removed. A leading "+86" or
//   "0086" is
//      removed and the trunk prefix '0' restored ("+86 10 6512 3456" → 010…).
//   3. Valid iff the digits are an area code plus a local number:
//        area  = 010 or 02X (3 digits, the big-city codes) or 0[3-9]XX (4
//        digits); local = 7 or 8 digits, the first one 2–9.
//      So an area code is required; mobiles (1…), 400/800 service numbers and
//      bare local numbers are invalid here.
// Canonical form: "AREA-LOCAL" or "AREA-LOCAL-EXT", e.g. "010-65123456-801".
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "src/classify/checked.h"

namespace jv::classify {

Checked<std::string> CheckLandline(std::string_view cell);

}  // namespace jv::classify
