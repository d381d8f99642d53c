// Administrative divisions of China (GB/T 2260): names for the 2-digit
// province, 4-digit city and 6-digit county codes, and matching of the region
// at the start of an address.
//
// The tables are embedded in the library (divisions_data.cc, generated from
// data/divisions/*.csv by scripts/gen_divisions.py), so nothing is read at run
// time. Besides the 31 mainland rows of provinces.csv, codes 71 (台湾省), 81
// (香港特别行政区) and 82 (澳门特别行政区) are known by name (they are GB/T
// 2260 codes); 83 (Taiwan residents' residence permit) is a valid ID-number
// province code but names no place, so ProvinceName("83") returns "台湾省" and
// addresses never match it.
//
// Address matching (longest prefix, after NFKC; spaces between the parts are
// skipped):
//   1. At the start: the longest province name, full ("广东省") or short
//   ("广东",
//      "内蒙古", "广西"), or the longest city name, full ("广州市") or short
//      ("广州", "延边" for 延边朝鲜族自治州, "兴安" for 兴安盟); whichever is
//      longer wins
//      ("吉林市…" is the city, "吉林省…" the province). A city short form that
//      equals a province short form (海南) or another city's is not used.
//   2. After a province: the longest city name (full or short) of that
//   province, or the
//      longest county-level name (full only, e.g. "朝阳区", "仙桃市") of that
//      province that is unique in it, which gives the city code (so
//      "北京市朝阳区" → city 1101).
// Placeholder city rows ("市辖区", "县", "省直辖县级行政区划") never match
// text. All functions are pure; the lookup tables are built once on first use
// (thread-safe).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jv::classify {

// True iff `code` is one of the 31 two-digit codes in provinces.csv.
bool IsMainlandProvinceCode(std::string_view code);

// Names by code; nullopt for an unknown code. The views point to static data.
std::optional<std::string_view> ProvinceName(std::string_view code2);
std::optional<std::string_view> CityName(std::string_view code4);
std::optional<std::string_view> AreaName(std::string_view code6);

struct AddressRegion {
  std::string province_code;  // "" when nothing matched
  std::string city_code;      // "" when no city matched
  // Bytes of the normalized text consumed by the match (province + city, incl.
  // spaces between them); 0 when nothing matched.
  size_t matched_bytes = 0;
};

// Matches the region at the start of `normalized_text` (already
// NFKC-normalized).
AddressRegion MatchAddressRegion(std::string_view normalized_text);

// Convenience wrappers: normalize `address` (NFKC, trim) and return the 2-digit
// province code / 4-digit city code, or nullopt when the address does not start
// with one.
std::optional<std::string> ProvinceFromAddress(std::string_view address);
std::optional<std::string> CityFromAddress(std::string_view address);

}  // namespace jv::classify
