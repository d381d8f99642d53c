#include "src/classify/mask.h"

#include <vector>

#include "src/classify/dates.h"
#include "src/classify/divisions.h"
#include "src/classify/landline.h"
#include "src/classify/mobile.h"
#include "src/classify/text_util.h"
#include "src/common/strings.h"

namespace jv::classify {
namespace {

std::string Norm(std::string_view v) {
  std::optional<std::string> n = internal::NormalizeOrNull(v);
  return n ? *n : std::string(TrimSpace(v));
}

std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    internal::NextCodePoint(s, &pos);
    out.push_back(s.substr(start, pos - start));
  }
  return out;
}

// Keeps `keep_head` leading and `keep_tail` trailing characters of ASCII `s`.
std::string StarMiddle(std::string_view s, size_t keep_head, size_t keep_tail) {
  if (s.size() <= keep_head + keep_tail) return std::string(s.size(), '*');
  return std::string(s.substr(0, keep_head)) +
         std::string(s.size() - keep_head - keep_tail, '*') +
         std::string(s.substr(s.size() - keep_tail));
}

bool KeptInName(std::string_view cp) {
  return cp == " " || cp == "·" || cp == "•" || cp == "・" || cp == "‧" ||
         cp == ".";
}

}  // namespace

std::string MaskGeneric(std::string_view value) {
  std::string s = Norm(value);
  std::vector<std::string_view> cps = CodePoints(s);
  if (cps.size() < 3) return std::string(cps.size(), '*');
  std::string out(cps.front());
  out.append(cps.size() - 2, '*');
  out.append(cps.back());
  return out;
}

std::string MaskName(std::string_view value) {
  std::string s = Norm(value);
  std::vector<std::string_view> cps = CodePoints(s);
  if (cps.empty()) return "";
  if (cps.size() == 1) return "*";
  std::string out(cps.front());
  for (size_t i = 1; i < cps.size(); ++i) {
    if (KeptInName(cps[i])) {
      out.append(cps[i]);
    } else {
      out.push_back('*');
    }
  }
  return out;
}

std::string MaskMobile(std::string_view value) {
  Checked<std::string> m = CheckMobile(value);
  if (!m.present()) return "";
  if (!m.valid()) return MaskGeneric(value);
  return m.value.substr(0, 3) + "****" + m.value.substr(7);
}

std::string MaskIdNumber(std::string_view value) {
  std::string s = ToUpperAscii(internal::RemoveChars(Norm(value), " "));
  if (s.empty()) return "";
  if ((s.size() != 15 && s.size() != 18) || CountCodePoints(s) != s.size()) {
    return MaskGeneric(s);  // other lengths, or not ASCII
  }
  return StarMiddle(s, 6, 4);
}

std::string MaskBankCard(std::string_view value) {
  std::string s = internal::RemoveChars(Norm(value), " -");
  if (s.empty()) return "";
  if (CountCodePoints(s) != s.size()) return MaskGeneric(value);
  return StarMiddle(s, 0, 4);
}

std::string MaskEmail(std::string_view value) {
  std::string s = ToLowerAscii(Norm(value));
  if (s.empty()) return "";
  size_t at = s.find('@');
  if (at == std::string::npos || at == 0) return MaskGeneric(value);
  std::vector<std::string_view> local =
      CodePoints(std::string_view(s).substr(0, at));
  return std::string(local.front()) + "***" + s.substr(at);
}

std::string MaskLandline(std::string_view value) {
  Checked<std::string> l = CheckLandline(value);
  if (!l.present()) return "";
  if (!l.valid()) return MaskGeneric(value);
  // Canonical "AREA-LOCAL[-EXT]".
  std::vector<std::string_view> parts = Split(l.value, '-');
  return std::string(parts[0]) + "-" + StarMiddle(parts[1], 0, 4);
}

std::string MaskAddress(std::string_view value) {
  std::string s = Norm(value);
  if (s.empty()) return "";
  AddressRegion r = MatchAddressRegion(s);
  if (r.matched_bytes == 0) return "***";
  return s.substr(0, r.matched_bytes) + "***";
}

std::string MaskValue(Field f, std::string_view value) {
  switch (f) {
    case Field::kName:
      return MaskName(value);
    case Field::kMobile:
      return MaskMobile(value);
    case Field::kIdNumber:
      return MaskIdNumber(value);
    case Field::kBankCard:
      return MaskBankCard(value);
    case Field::kEmail:
      return MaskEmail(value);
    case Field::kLandline:
      return MaskLandline(value);
    case Field::kAddress:
      return MaskAddress(value);
    case Field::kMemberNo: {
      std::string s = Norm(value);
      std::vector<std::string_view> cps = CodePoints(s);
      if (cps.size() <= 4) return std::string(cps.size(), '*');
      std::string out(cps.size() - 4, '*');
      for (size_t i = cps.size() - 4; i < cps.size(); ++i) out.append(cps[i]);
      return out;
    }
    case Field::kBirthDate:
    case Field::kLastPurchaseDate: {
      Checked<Date> d = ParseDate(value);
      if (!d.present()) return "";
      if (!d.valid()) return MaskGeneric(value);
      return d.value.ToString().substr(0, 4) + "-**-**";
    }
    case Field::kPoints:
    case Field::kPrepaidBalance:
    case Field::kTotalSpend:
    case Field::kNotes:
      return Norm(value).empty() ? "" : "***";
    case Field::kGender:
    case Field::kStore:
    case Field::kMemberLevel:
    case Field::kRingSize:
      return Norm(value);
  }
  return MaskGeneric(value);
}

}  // namespace jv::classify
