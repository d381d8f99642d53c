#include "src/classify/divisions.h"

#include <algorithm>
#include <bitset>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "src/classify/divisions_data.h"
#include "src/classify/text_util.h"

namespace jv::classify {
namespace {

using internal::kAreaRowCount;
using internal::kAreaRows;
using internal::kCityRowCount;
using internal::kCityRows;
using internal::kProvinceRowCount;
using internal::kProvinceRows;

struct ExtraProvince {
  const char* code;
  const char* name;
  const char* short_name;
};
// GB/T 2260 codes outside provinces.csv (see header comment).
constexpr ExtraProvince kExtraProvinces[] = {
    {"71", "台湾省", "台湾"},
    {"81", "香港特别行政区", "香港"},
    {"82", "澳门特别行政区", "澳门"},
};

bool EndsWithStr(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

// Strips `suffix` if at least two Han characters (6 bytes) remain.
bool StripSuffix(std::string* s, std::string_view suffix) {
  if (EndsWithStr(*s, suffix) && s->size() - suffix.size() >= 6) {
    s->resize(s->size() - suffix.size());
    return true;
  }
  return false;
}

std::string ProvinceShortForm(std::string name) {
  if (StripSuffix(&name, "自治区")) {
    for (std::string_view e : {"壮族", "回族", "维吾尔"}) {
      if (StripSuffix(&name, e)) break;
    }
    return name;
  }
  if (StripSuffix(&name, "省")) return name;
  StripSuffix(&name, "市");
  return name;
}

std::string CityShortForm(std::string name) {
  if (StripSuffix(&name, "自治州")) {
    static const char* const kEthnic[] = {
        "朝鲜族", "土家族", "布依族", "哈尼族",   "景颇族", "傈僳族", "蒙古族",
        "苗族",   "藏族",   "羌族",   "彝族",     "壮族",   "傣族",   "白族",
        "回族",   "侗族",   "蒙古",   "柯尔克孜", "哈萨克"};
    bool stripped = true;
    while (stripped) {
      stripped = false;
      for (const char* e : kEthnic) {
        if (StripSuffix(&name, e)) {
          stripped = true;
          break;
        }
      }
    }
    return name;
  }
  if (StripSuffix(&name, "地区")) return name;
  if (StripSuffix(&name, "盟")) return name;
  StripSuffix(&name, "市");
  return name;
}

bool IsPlaceholderCity(std::string_view name) {
  return name == "市辖区" || name == "县" || name == "省直辖县级行政区划" ||
         name == "自治区直辖县级行政区划";
}

// Hashes std::string and std::string_view alike, so that a prefix of the text is looked
// up without copying it into a string (C++20 heterogeneous lookup).
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using NameMap = std::unordered_map<std::string, std::string, TextHash, std::equal_to<>>;

// The byte lengths of a map's names (bit n: some name is n bytes long; names of
// kMaxIndexedLength bytes or more are not recorded and always probed), so that
// LongestPrefix looks up only prefixes that could be a name.
constexpr size_t kMaxIndexedLength = 256;
using LengthSet = std::bitset<kMaxIndexedLength>;

LengthSet NameLengths(const NameMap& map, size_t key_prefix_bytes) {
  LengthSet set;
  for (const auto& [key, value] : map) {
    size_t n = key.size() - key_prefix_bytes;
    if (n < kMaxIndexedLength) set.set(n);
  }
  return set;
}

struct Tables {
  std::unordered_map<std::string, std::string>
      province_by_code;  // code -> name
  std::unordered_map<std::string, const char*> city_name_by_code;
  std::unordered_map<std::string, const char*> area_name_by_code;
  // Text name (full or short) -> province code.
  NameMap province_by_name;
  // Text name (full or short) -> city code; names shared by several cities are
  // removed.
  NameMap city_by_name;
  // province code + name -> city code, for cities (full/short) and unique
  // county names.
  NameMap city_in_province;
  LengthSet province_name_lengths, city_name_lengths, in_province_name_lengths;
  size_t max_name_bytes = 0;
};

const Tables& GetTables() {
  static const Tables* tables = [] {
    auto* t = new Tables;
    auto note_len = [t](const std::string& n) {
      t->max_name_bytes = std::max(t->max_name_bytes, n.size());
    };
    for (size_t i = 0; i < kProvinceRowCount; ++i) {
      const auto& r = kProvinceRows[i];
      t->province_by_code[r.code] = r.name;
      t->province_by_name[r.name] = r.code;
      t->province_by_name[ProvinceShortForm(r.name)] = r.code;
      note_len(r.name);
    }
    for (const auto& e : kExtraProvinces) {
      t->province_by_code[e.code] = e.name;
      t->province_by_name[e.name] = e.code;
      t->province_by_name[e.short_name] = e.code;
      note_len(e.name);
    }
    t->province_by_code["83"] = "台湾省";

    std::unordered_map<std::string, std::vector<std::string>> city_names;
    std::unordered_map<std::string, std::vector<std::string>> in_province;
    for (size_t i = 0; i < kCityRowCount; ++i) {
      const auto& r = kCityRows[i];
      t->city_name_by_code[r.code] = r.name;
      if (IsPlaceholderCity(r.name)) continue;
      note_len(r.name);
      std::string full = r.name;
      std::string short_form = CityShortForm(full);
      city_names[full].push_back(r.code);
      in_province[std::string(r.province_code) + full].push_back(r.code);
      if (short_form != full && !t->province_by_name.count(short_form)) {
        city_names[short_form].push_back(r.code);
        in_province[std::string(r.province_code) + short_form].push_back(
            r.code);
      }
    }
    std::unordered_set<std::string> city_keys;
    for (const auto& [key, codes] : in_province) city_keys.insert(key);
    for (size_t i = 0; i < kAreaRowCount; ++i) {
      const auto& r = kAreaRows[i];
      t->area_name_by_code[r.code] = r.name;
      std::string key = std::string(r.province_code) + r.name;
      // A county name never shadows a city name of the same province.
      if (city_keys.count(key)) continue;
      in_province[key].push_back(r.city_code);
      note_len(r.name);
    }
    for (auto& [name, codes] : city_names) {
      std::sort(codes.begin(), codes.end());
      codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
      if (codes.size() == 1) t->city_by_name[name] = codes.front();
    }
    for (auto& [key, codes] : in_province) {
      std::sort(codes.begin(), codes.end());
      codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
      if (codes.size() == 1) t->city_in_province[key] = codes.front();
    }
    t->province_name_lengths = NameLengths(t->province_by_name, 0);
    t->city_name_lengths = NameLengths(t->city_by_name, 0);
    t->in_province_name_lengths = NameLengths(t->city_in_province, 2);  // 2-digit codes
    return t;
  }();
  return *tables;
}

size_t SkipSpaces(std::string_view s, size_t pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
  return pos;
}

// The longest code-point prefix of `text`, up to `max_bytes`, that `map` has under
// `key_prefix` + the prefix (only lengths in `lengths` are looked up); its length in
// *len. `lengths` must have been made with NameLengths(map, key_prefix.size()).
const std::string* LongestPrefix(const NameMap& map, const LengthSet& lengths,
                                 std::string_view key_prefix, std::string_view text,
                                 size_t max_bytes, size_t* len) {
  size_t ends[kMaxIndexedLength];  // code-point boundaries, shortest first
  size_t count = 0, pos = 0;
  while (pos < text.size() && pos < max_bytes && count < kMaxIndexedLength) {
    internal::NextCodePoint(text, &pos);
    if (pos <= max_bytes) ends[count++] = pos;
  }
  std::string key(key_prefix);  // key_prefix + the prefix, when key_prefix is not ""
  while (count > 0) {
    const size_t n = ends[--count];
    if (n < kMaxIndexedLength && !lengths.test(n)) continue;
    std::string_view probe = text.substr(0, n);
    if (!key_prefix.empty()) {
      key.resize(key_prefix.size());
      key.append(probe);
      probe = key;
    }
    auto it = map.find(probe);
    if (it != map.end()) {
      *len = n;
      return &it->second;
    }
  }
  return nullptr;
}

}  // namespace

bool IsMainlandProvinceCode(std::string_view code) {
  for (size_t i = 0; i < kProvinceRowCount; ++i) {
    if (code == kProvinceRows[i].code) return true;
  }
  return false;
}

std::optional<std::string_view> ProvinceName(std::string_view code2) {
  const Tables& t = GetTables();
  auto it = t.province_by_code.find(std::string(code2));
  if (it == t.province_by_code.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string_view> CityName(std::string_view code4) {
  const Tables& t = GetTables();
  auto it = t.city_name_by_code.find(std::string(code4));
  if (it == t.city_name_by_code.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string_view> AreaName(std::string_view code6) {
  const Tables& t = GetTables();
  auto it = t.area_name_by_code.find(std::string(code6));
  if (it == t.area_name_by_code.end()) return std::nullopt;
  return std::string_view(it->second);
}

AddressRegion MatchAddressRegion(std::string_view text) {
  const Tables& t = GetTables();
  AddressRegion region;
  size_t plen = 0, clen = 0;
  const std::string* province =
      LongestPrefix(t.province_by_name, t.province_name_lengths, "", text, t.max_name_bytes,
                    &plen);
  const std::string* city =
      LongestPrefix(t.city_by_name, t.city_name_lengths, "", text, t.max_name_bytes, &clen);
  if (city != nullptr && (province == nullptr || clen > plen)) {
    region.city_code = *city;
    region.province_code = city->substr(0, 2);
    region.matched_bytes = clen;
    return region;
  }
  if (province == nullptr) return region;
  region.province_code = *province;
  region.matched_bytes = plen;
  size_t rest = SkipSpaces(text, plen);
  size_t len = 0;
  const std::string* in = LongestPrefix(
      t.city_in_province, t.in_province_name_lengths, *province, text.substr(rest),
      t.max_name_bytes, &len);
  if (in != nullptr) {
    region.city_code = *in;
    region.matched_bytes = rest + len;
  }
  return region;
}

std::optional<std::string> ProvinceFromAddress(std::string_view address) {
  std::optional<std::string> norm = internal::NormalizeOrNull(address);
  if (!norm) return std::nullopt;
  AddressRegion r = MatchAddressRegion(*norm);
  if (r.province_code.empty()) return std::nullopt;
  return r.province_code;
}

std::optional<std::string> CityFromAddress(std::string_view address) {
  std::optional<std::string> norm = internal::NormalizeOrNull(address);
  if (!norm) return std::nullopt;
  AddressRegion r = MatchAddressRegion(*norm);
  if (r.city_code.empty()) return std::nullopt;
  return r.city_code;
}

}  // namespace jv::classify
