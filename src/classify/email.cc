#include "src/classify/email.h"

#include "src/classify/text_util.h"
#include "src/common/strings.h"

namespace jv::classify {

using internal::IsAsciiAlnum;
using internal::IsAsciiAlpha;

bool IsEmailLocalChar(char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-';
}

bool IsEmailDomainChar(char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '-';
}

bool IsEmailSyntax(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  for (size_t i = 0; i < at; ++i) {
    if (!IsEmailLocalChar(s[i])) return false;
  }
  std::string_view domain = s.substr(at + 1);
  for (char c : domain) {
    if (!IsEmailDomainChar(c)) return false;  // also rejects a second '@'
  }
  // [A-Za-z0-9.-]+ \. [A-Za-z]{2,}  : the TLD has no '.', so it follows the
  // last '.'.
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  std::string_view tld = domain.substr(dot + 1);
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!IsAsciiAlpha(c)) return false;
  }
  return true;
}

Checked<std::string> CheckEmail(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) return Checked<std::string>::Invalid();
  if (norm->empty()) return Checked<std::string>::Absent();
  std::string s = ToLowerAscii(*norm);
  if (!IsEmailSyntax(s)) return Checked<std::string>::Invalid();
  return Checked<std::string>::Valid(std::move(s));
}

}  // namespace jv::classify
