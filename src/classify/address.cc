#include "src/classify/address.h"

#include <string>

#include "src/classify/divisions.h"
#include "src/classify/text_util.h"
#include "src/common/strings.h"

namespace jv::classify {

bool LooksLikeAddress(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm || CountCodePoints(*norm) < 4) return false;
  const std::string& s = *norm;
  AddressRegion region = MatchAddressRegion(s);
  if (region.matched_bytes > 0 && region.matched_bytes < s.size()) return true;

  int markers = 0;
  for (std::string_view m :
       {"省", "市", "区", "县", "镇", "乡", "村",   "路",   "街",   "道",  "巷",
        "弄", "号", "楼", "室", "栋", "幢", "单元", "小区", "大厦", "花园"}) {
    if (s.find(m) != std::string::npos && ++markers >= 2) return true;
  }
  for (std::string_view m : {"号", "栋", "幢", "楼", "室"}) {
    for (size_t p = s.find(m); p != std::string::npos; p = s.find(m, p + 1)) {
      if (p > 0 && internal::IsAsciiDigit(s[p - 1])) return true;
    }
  }
  return false;
}

}  // namespace jv::classify
