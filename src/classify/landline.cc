#include "src/classify/landline.h"

#include "src/classify/text_util.h"
#include "src/common/strings.h"

namespace jv::classify {
namespace {

using internal::AllDigits;

// Returns the canonical "AREA-LOCAL" of a digits-only (or +86/0086-prefixed)
// string, or "" if it is not a valid fixed-line number.
std::string CanonicalNumber(std::string d) {
  for (std::string_view prefix : {"+86", "0086"}) {
    if (StartsWith(d, prefix)) {
      d.erase(0, prefix.size());
      if (d.empty() || d[0] != '0') d.insert(d.begin(), '0');
      break;
    }
  }
  if (!AllDigits(d) || d.size() < 3 || d[0] != '0') return "";
  size_t area_len;
  if (d[1] == '1') {
    if (d[2] != '0') return "";
    area_len = 3;  // 010
  } else if (d[1] == '2') {
    area_len = 3;  // 02X
  } else if (d[1] >= '3' && d[1] <= '9') {
    area_len = 4;  // 0[3-9]XX
  } else {
    return "";
  }
  if (d.size() <= area_len) return "";
  std::string_view local = std::string_view(d).substr(area_len);
  if (local.size() < 7 || local.size() > 8 || local[0] < '2') return "";
  return d.substr(0, area_len) + "-" + std::string(local);
}

bool IsExtension(std::string_view e) {
  return !e.empty() && e.size() <= 6 && AllDigits(e);
}

}  // namespace

Checked<std::string> CheckLandline(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) return Checked<std::string>::Invalid();
  if (norm->empty()) return Checked<std::string>::Absent();
  const std::string& s = *norm;
  const std::string lower = ToLowerAscii(s);

  // 1. Explicit extension marker.
  std::string main_part = s;
  std::string ext;
  size_t best = std::string::npos, marker_len = 0;
  for (std::string_view m : {"转", "分机", "ext.", "ext", "x", "#"}) {
    size_t p = lower.find(m);
    if (p != std::string::npos &&
        (p < best || (p == best && m.size() > marker_len))) {
      best = p;
      marker_len = m.size();
    }
  }
  if (best != std::string::npos) {
    std::string_view tail =
        TrimSpace(std::string_view(s).substr(best + marker_len));
    if (!IsExtension(tail)) return Checked<std::string>::Invalid();
    ext = std::string(tail);
    main_part = std::string(TrimSpace(std::string_view(s).substr(0, best)));
    // Allow "010-12345678-转801" style: drop one trailing separator.
    while (!main_part.empty() &&
           (main_part.back() == '-' || main_part.back() == ' ')) {
      main_part.pop_back();
    }
  }
  std::string number =
      CanonicalNumber(internal::RemoveChars(main_part, " -()"));
  if (number.empty() && ext.empty()) {
    // 2. A trailing "-EXT" group.
    size_t dash = main_part.rfind('-');
    if (dash != std::string::npos) {
      std::string_view tail =
          TrimSpace(std::string_view(main_part).substr(dash + 1));
      std::string head =
          internal::RemoveChars(main_part.substr(0, dash), " -()");
      std::string n = CanonicalNumber(head);
      if (IsExtension(tail) && !n.empty()) {
        number = n;
        ext = std::string(tail);
      }
    }
  }
  if (number.empty()) return Checked<std::string>::Invalid();
  if (!ext.empty()) number += "-" + ext;
  return Checked<std::string>::Valid(std::move(number));
}

}  // namespace jv::classify
