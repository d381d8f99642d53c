#include "src/classify/uscc.h"

#include "src/classify/text_util.h"
#include "src/common/strings.h"

namespace jv::classify {
namespace {

constexpr std::string_view kCharset =
    "0123456789ABCDEFGHJKLMNPQRTUWXY";  // 31 characters

int CharValue(char c) {
  size_t p = kCharset.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

}  // namespace

char UsccCheckChar(std::string_view first17) {
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    int v = CharValue(first17[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  int c = 31 - sum % 31;
  if (c == 31) c = 0;
  return kCharset[c];
}

Checked<std::string> CheckUscc(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) return Checked<std::string>::Invalid();
  if (norm->empty()) return Checked<std::string>::Absent();
  std::string s = ToUpperAscii(internal::RemoveChars(*norm, " "));
  if (s.size() != 18 || CharValue(s[17]) < 0)
    return Checked<std::string>::Invalid();
  char check = UsccCheckChar(std::string_view(s).substr(0, 17));
  if (check == '\0' || check != s[17]) return Checked<std::string>::Invalid();
  return Checked<std::string>::Valid(std::move(s));
}

}  // namespace jv::classify
