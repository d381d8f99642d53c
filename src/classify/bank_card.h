// Bank card numbers (SPEC §5.3 "bank_card"): after NFKC + trim, remove every '
// ' and '-'; valid iff ^[0-9]{13,19}$ and the Luhn check (ISO/IEC 7812-1 Annex
// B) passes. Canonical form: the digits. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "src/classify/checked.h"

namespace jv::classify {

Checked<std::string> CheckBankCard(std::string_view cell);

// Luhn (mod 10) check over a string of ASCII digits; false if empty or a
// non-digit occurs.
bool LuhnValid(std::string_view digits);

// The Luhn check digit to append to `payload` (ASCII digits). Used to build
// test data.
char LuhnCheckDigit(std::string_view payload);

}  // namespace jv::classify
