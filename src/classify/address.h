// Postal-address detector, used to classify a column from its values (SPEC
// §5.2) and by masking. Like the name detector it answers "does this look like
// an address".
//
// After NFKC + trim, a value looks like an address iff it has at least 4 code
// points and
//   - it starts with a province or city name (divisions.h MatchAddressRegion,
//   full or
//     short form) and something follows the name ("广东省广州市…",
//     "北京朝阳区…"), or
//   - it contains at least two different address markers from
//     省 市 区 县 镇 乡 村 路 街 道 巷 弄 号 楼 室 栋 幢 单元 小区 大厦 花园
//     ("天河区体育西路" has 区 and 路), or
//   - it contains a number written with a house-number marker: ASCII digits
//   directly
//     followed by 号, 栋, 幢, 楼 or 室 ("88号").
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace jv::classify {

bool LooksLikeAddress(std::string_view cell);

}  // namespace jv::classify
