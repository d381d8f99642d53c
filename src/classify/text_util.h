// Internal helpers shared by the classify detectors: cell normalization that
// maps bad UTF-8 to "not parseable", ASCII character tests and a UTF-8 code
// point reader. Pure functions; thread-safe. Not part of the module's public
// API.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jv::classify::internal {

// jv::NormalizeCell (NFKC, then trim incl. U+3000); nullopt if `cell` is not
// valid UTF-8.
std::optional<std::string> NormalizeOrNull(std::string_view cell);

inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
inline bool IsAsciiAlnum(char c) { return IsAsciiDigit(c) || IsAsciiAlpha(c); }
bool AllDigits(std::string_view s);  // false for ""

// Copy of `s` without any of the bytes in `chars` (ASCII only).
std::string RemoveChars(std::string_view s, std::string_view chars);

// Decodes the code point at *pos (valid UTF-8 assumed; a stray byte decodes as
// U+FFFD and advances by one) and advances *pos past it.
char32_t NextCodePoint(std::string_view s, size_t* pos);

// CJK Unified Ideographs (basic block, extension A, compatibility, extensions
// B+).
bool IsHan(char32_t c);

}  // namespace jv::classify::internal
