#include "src/classify/text_util.h"

#include "src/common/strings.h"

namespace jv::classify::internal {

std::optional<std::string> NormalizeOrNull(std::string_view cell) {
  Result<std::string> n = NormalizeCell(cell);
  if (!n.ok()) return std::nullopt;
  return std::move(n).value();
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsAsciiDigit(c)) return false;
  }
  return true;
}

std::string RemoveChars(std::string_view s, std::string_view chars) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (chars.find(c) == std::string_view::npos) out.push_back(c);
  }
  return out;
}

char32_t NextCodePoint(std::string_view s, size_t* pos) {
  const unsigned char c = static_cast<unsigned char>(s[*pos]);
  size_t len = 1;
  char32_t cp;
  if (c < 0x80) {
    cp = c;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    ++*pos;
    return 0xFFFD;
  }
  if (*pos + len > s.size()) {
    ++*pos;
    return 0xFFFD;
  }
  for (size_t k = 1; k < len; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[*pos + k]);
    if ((cc & 0xC0) != 0x80) {
      ++*pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  *pos += len;
  return cp;
}

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

}  // namespace jv::classify::internal
