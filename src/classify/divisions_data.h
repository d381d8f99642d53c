// Internal: the GB/T 2260 division tables embedded in the library (generated;
// see scripts/gen_divisions.py and data/divisions/SOURCE.md). Use divisions.h
// instead. Immutable static data; thread-safe.
#pragma once

#include <cstddef>

namespace jv::classify::internal {

struct ProvinceRow {
  const char* code;  // 2 digits
  const char* name;  // e.g. "广东省"
};
struct CityRow {
  const char* code;  // 4 digits
  const char*
      name;  // e.g. "广州市"; "市辖区" / "县" for municipality placeholders
  const char* province_code;  // 2 digits
};
struct AreaRow {
  const char* code;  // 6 digits
  const char* name;  // e.g. "天河区"
  const char* city_code;
  const char* province_code;
};

extern const ProvinceRow kProvinceRows[];
extern const size_t kProvinceRowCount;
extern const CityRow kCityRows[];
extern const size_t kCityRowCount;
extern const AreaRow kAreaRows[];
extern const size_t kAreaRowCount;

}  // namespace jv::classify::internal
