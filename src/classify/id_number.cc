#include "src/classify/id_number.h"

#include "src/classify/divisions.h"
#include "src/classify/text_util.h"
#include "src/common/check.h"
#include "src/common/strings.h"

namespace jv::classify {
namespace {

using internal::AllDigits;
using internal::IsAsciiDigit;

int Num(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// Validates the province code and the 8-digit date; fills the birth date.
bool ProvinceAndDateOk(std::string_view province, std::string_view yyyymmdd,
                       const Date& import_date, Date* birth) {
  if (!IsIdProvinceCode(province)) return false;
  int y = Num(yyyymmdd.substr(0, 4));
  int m = Num(yyyymmdd.substr(4, 2));
  int d = Num(yyyymmdd.substr(6, 2));
  if (!Date::IsValid(y, m, d)) return false;
  Date date{y, m, d};
  if (date < Date{1900, 1, 1} || date > import_date) return false;
  *birth = date;
  return true;
}

void FillValid(IdNumber* id, std::string canonical, const Date& birth,
               IdOutcome outcome) {
  id->outcome = outcome;
  id->birth_date = birth;
  id->gender =
      ((canonical[16] - '0') % 2 == 1) ? Gender::kMale : Gender::kFemale;
  id->region_code = canonical.substr(0, 6);
  id->canonical = std::move(canonical);
}

}  // namespace

std::string_view IdOutcomeName(IdOutcome o) {
  switch (o) {
    case IdOutcome::kAbsent:
      return "absent";
    case IdOutcome::kValid:
      return "valid";
    case IdOutcome::kConverted15:
      return "converted15";
    case IdOutcome::kBadChecksum:
      return "bad_checksum";
    case IdOutcome::kExcelMangled:
      return "excel_mangled";
    case IdOutcome::kInvalid:
      return "invalid";
  }
  return "invalid";
}

char IdCheckDigit(std::string_view first17) {
  JV_CHECK(first17.size() == 17 && AllDigits(first17));
  // GB 11643-1999 §6.3 / ISO 7064 MOD 11-2: weights 2^(17-i) mod 11 for i =
  // 0..16.
  static constexpr int kWeights[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                       3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7',
                                      '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

bool IsIdProvinceCode(std::string_view code) {
  if (code.size() != 2) return false;
  if (code == "71" || code == "81" || code == "82" || code == "83") return true;
  return IsMainlandProvinceCode(code);
}

bool IsExcelScientific(std::string_view s) {
  size_t i = 0;
  if (i >= s.size() || !IsAsciiDigit(s[i])) return false;
  ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && IsAsciiDigit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i >= s.size() || s[i] != 'E') return false;
  ++i;
  if (i < s.size() && s[i] == '+') ++i;
  return AllDigits(s.substr(i));
}

IdNumber CheckIdNumber(std::string_view cell, const Date& import_date) {
  IdNumber id;
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm) {
    id.outcome = IdOutcome::kInvalid;
    return id;
  }
  if (norm->empty()) return id;  // kAbsent
  const std::string s = ToUpperAscii(internal::RemoveChars(*norm, " "));
  id.outcome = IdOutcome::kInvalid;
  if (IsExcelScientific(s)) {
    id.outcome = IdOutcome::kExcelMangled;
    return id;
  }
  Date birth;
  if (s.size() == 18 && AllDigits(std::string_view(s).substr(0, 17)) &&
      (IsAsciiDigit(s[17]) || s[17] == 'X')) {
    if (!ProvinceAndDateOk(std::string_view(s).substr(0, 2),
                           std::string_view(s).substr(6, 8), import_date,
                           &birth)) {
      return id;  // kInvalid
    }
    if (IdCheckDigit(std::string_view(s).substr(0, 17)) != s[17]) {
      id.outcome = IdOutcome::kBadChecksum;
      return id;
    }
    FillValid(&id, s, birth, IdOutcome::kValid);
    return id;
  }
  if (s.size() == 15 && AllDigits(s)) {
    std::string date = "19" + s.substr(6, 6);
    if (!ProvinceAndDateOk(std::string_view(s).substr(0, 2), date, import_date,
                           &birth)) {
      return id;  // kInvalid
    }
    std::string full = s.substr(0, 6) + "19" + s.substr(6);
    full.push_back(IdCheckDigit(full));
    FillValid(&id, std::move(full), birth, IdOutcome::kConverted15);
    return id;
  }
  return id;  // kInvalid
}

}  // namespace jv::classify
