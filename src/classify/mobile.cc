#include "src/classify/mobile.h"

#include "src/classify/text_util.h"

namespace jv::classify {

using internal::AllDigits;

bool IsMobileDigits(std::string_view d) {
  return d.size() == 11 && AllDigits(d) && d[0] == '1' && d[1] >= '3' &&
         d[1] <= '9';
}

Checked<std::string> CheckMobile(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) return Checked<std::string>::Invalid();
  if (norm->empty()) return Checked<std::string>::Absent();
  std::string s = internal::RemoveChars(*norm, " -()");
  std::string_view v = s;
  for (std::string_view prefix : {"+86", "0086", "86"}) {
    if (v.size() == prefix.size() + 11 &&
        v.substr(0, prefix.size()) == prefix &&
        AllDigits(v.substr(prefix.size()))) {
      v.remove_prefix(prefix.size());
      break;
    }
  }
  if (!IsMobileDigits(v)) return Checked<std::string>::Invalid();
  return Checked<std::string>::Valid(std::string(v));
}

}  // namespace jv::classify
