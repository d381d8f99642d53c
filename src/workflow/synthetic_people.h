// SyntheticPeople: made-up customers for the demo and tests — never real people.
//
// Names are drawn from common surnames and given-name characters; mobiles are random
// 1[3-9]xxxxxxxxx numbers; ID numbers are built with a real province code, a random birth
// date and a correct ISO 7064 MOD 11-2 check digit, so they pass validation while
// belonging to nobody known. Deterministic for a given Random (use FakeRandom in tests).
// Thread-safety: not thread-safe (uses the caller's Random).
#pragma once

#include <string>

#include "src/common/date.h"
#include "src/common/random.h"

namespace jv::workflow {

struct SyntheticPerson {
  std::string name;
  std::string gender;  // "男" | "女"
  Date birth_date;
  std::string id_number;  // 18 characters, valid check digit
  std::string mobile;     // 11 digits
  std::string email;      // "" for about half
  std::string store;      // one of the company's stores
};

SyntheticPerson MakeSyntheticPerson(Random& random, Date today);

}  // namespace jv::workflow
