// Test-only helpers for the classify tests: synthetic identifiers with computed
// check digits (never a real person's number).
#pragma once

#include <string>

#include "src/classify/bank_card.h"
#include "src/classify/id_number.h"

namespace jv::classify::testing {

// `first17` + its ISO 7064 MOD 11-2 check character.
inline std::string MakeId(const std::string& first17) {
  return first17 + IdCheckDigit(first17);
}

// `payload` + its Luhn check digit.
inline std::string MakeLuhn(const std::string& payload) {
  return payload + LuhnCheckDigit(payload);
}

// Changes the check character of a valid ID to another valid-looking one.
inline std::string WrongCheck(const std::string& id) {
  std::string s = id;
  s[17] = (s[17] == '0') ? '1' : '0';
  return s;
}

inline const Date kImportDate{2025, 6, 30};

}  // namespace jv::classify::testing
