#include "src/classify/bank_card.h"

#include "src/classify/text_util.h"

namespace jv::classify {

bool LuhnValid(std::string_view digits) {
  if (!internal::AllDigits(digits)) return false;
  int sum = 0;
  bool dbl = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

char LuhnCheckDigit(std::string_view payload) {
  int sum = 0;
  bool dbl = true;  // the rightmost payload digit is doubled once the check
                    // digit follows
  for (size_t i = payload.size(); i-- > 0;) {
    int d = payload[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

Checked<std::string> CheckBankCard(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) return Checked<std::string>::Invalid();
  if (norm->empty()) return Checked<std::string>::Absent();
  std::string s = internal::RemoveChars(*norm, " -");
  if (s.size() < 13 || s.size() > 19 || !LuhnValid(s))
    return Checked<std::string>::Invalid();
  return Checked<std::string>::Valid(std::move(s));
}

}  // namespace jv::classify
