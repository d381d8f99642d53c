// Money amounts (SPEC §5.3 "amounts"): decimal yuan → integer fen, exactly (no
// floating point anywhere).
//
// Grammar after NFKC + trim (NFKC turns the full-width ￥ into ¥ and ，into
// ','):
//   [-] [¥] [-] spaces* NUMBER spaces* [元]      (at most one '-')
//   NUMBER = INT [ '.' 1–2 digits ]
//   INT    = 1–16 digits, or thousands groups 1–3 digits (',' 3 digits)+
//   ("1,234,567")
// So "¥1,234.50" = 123450, "12元" = 1200, "-¥3.5" = -350, "0.05" = 5. Invalid:
// more than two decimals ("1.234", also "1.230"), a bare ".5" or "12.",
// misplaced commas ("1,23"), any other text, more than 16 integer digits. Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "src/classify/checked.h"

namespace jv::classify {

Checked<int64_t> ParseAmountFen(std::string_view cell);

}  // namespace jv::classify
