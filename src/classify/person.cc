#include "src/classify/person.h"

#include <string>

#include "src/classify/text_util.h"
#include "src/common/strings.h"

namespace jv::classify {

std::string_view GenderName(Gender g) {
  switch (g) {
    case Gender::kMale:
      return "male";
    case Gender::kFemale:
      return "female";
    case Gender::kUnspecified:
      return "unspecified";
  }
  return "unspecified";
}

Checked<Gender> ParseGender(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) return Checked<Gender>::Invalid();
  if (norm->empty()) return Checked<Gender>::Absent();
  const std::string v = ToUpperAscii(*norm);
  for (std::string_view m : {"男", "男性", "男士", "先生", "M", "MALE", "1"}) {
    if (v == m) return Checked<Gender>::Valid(Gender::kMale);
  }
  for (std::string_view f :
       {"女", "女性", "女士", "小姐", "F", "FEMALE", "2"}) {
    if (v == f) return Checked<Gender>::Valid(Gender::kFemale);
  }
  for (std::string_view u :
       {"未知", "保密", "未说明", "不详", "0", "9", "U", "UNKNOWN"}) {
    if (v == u) return Checked<Gender>::Valid(Gender::kUnspecified);
  }
  return Checked<Gender>::Invalid();
}

int AgeOn(const Date& birth, const Date& on) {
  int age = on.year - birth.year;
  // Birthday not yet reached this year (29 Feb compares after 28 Feb, so it is
  // reached on 1 March in a common year).
  if (on.month < birth.month || (on.month == birth.month && on.day < birth.day))
    --age;
  return age;
}

bool IsMinorUnder14(const Date& birth, const Date& import_date) {
  return AgeOn(birth, import_date) < 14;
}

bool IsPlausibleBirthDate(const Date& birth, const Date& import_date) {
  return birth >= Date{1900, 1, 1} && birth <= import_date;
}

}  // namespace jv::classify
