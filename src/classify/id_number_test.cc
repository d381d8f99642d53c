#include "src/classify/id_number.h"

#include <gtest/gtest.h>

#include "src/classify/test_util.h"

namespace jv::classify {
namespace {

using testing::kImportDate;
using testing::MakeId;
using testing::WrongCheck;

// Known answers: the sample numbers printed in GB 11643-1999 (公民身份号码) §8
// / Annex, "11010519491231002X" and "440524188001010014"; both carry correct
// ISO 7064 MOD 11-2 check characters.
TEST(IdNumberTest, CheckDigitKnownAnswers) {
  EXPECT_EQ(IdCheckDigit("11010519491231002"), 'X');
  EXPECT_EQ(IdCheckDigit("44052418800101001"), '4');
}

TEST(IdNumberTest, StandardSampleIsValid) {
  IdNumber id = CheckIdNumber("11010519491231002X", kImportDate);
  ASSERT_EQ(id.outcome, IdOutcome::kValid);
  EXPECT_TRUE(id.valid());
  EXPECT_FALSE(id.invalid());
  EXPECT_EQ(id.canonical, "11010519491231002X");
  EXPECT_EQ(id.birth_date, (Date{1949, 12, 31}));
  EXPECT_EQ(id.gender, Gender::kFemale);  // digit 17 = 2 (even)
  EXPECT_EQ(id.region_code, "110105");
}

TEST(IdNumberTest, BirthBefore1900IsInvalidEvenWithGoodChecksum) {
  // The second GB 11643 sample is born in 1880: outside [1900-01-01, import
  // date].
  EXPECT_EQ(CheckIdNumber("440524188001010014", kImportDate).outcome,
            IdOutcome::kInvalid);
}

TEST(IdNumberTest, OddSeventeenthDigitIsMale) {
  const std::string id = MakeId("44010619900101123");  // digit 17 = 3
  IdNumber r = CheckIdNumber(id, kImportDate);
  ASSERT_EQ(r.outcome, IdOutcome::kValid);
  EXPECT_EQ(r.gender, Gender::kMale);
  EXPECT_EQ(r.region_code, "440106");
  EXPECT_EQ(r.birth_date, (Date{1990, 1, 1}));
}

TEST(IdNumberTest, LowerCaseXSpacesAndFullWidth) {
  EXPECT_EQ(CheckIdNumber("11010519491231002x", kImportDate).canonical,
            "11010519491231002X");
  EXPECT_EQ(CheckIdNumber(" 110105 19491231 002X ", kImportDate).outcome,
            IdOutcome::kValid);
  // Full-width digits and Ｘ (U+FF38).
  EXPECT_EQ(CheckIdNumber(
                "\uFF11\uFF11\uFF10\uFF11\uFF10\uFF15\uFF11\uFF19\uFF14\uFF19"
                "\uFF11\uFF12\uFF13\uFF11\uFF10\uFF10\uFF12\uFF38",
                kImportDate)
                .canonical,
            "11010519491231002X");
}

TEST(IdNumberTest, WrongCheckDigitAloneIsBadChecksum) {
  IdNumber r = CheckIdNumber("110105194912310021", kImportDate);
  EXPECT_EQ(r.outcome, IdOutcome::kBadChecksum);
  EXPECT_TRUE(r.invalid());
  EXPECT_FALSE(r.valid());
  EXPECT_TRUE(r.canonical.empty());
  // Tamper with one body digit instead: the check digit no longer matches.
  EXPECT_EQ(CheckIdNumber("11010519491231003X", kImportDate).outcome,
            IdOutcome::kBadChecksum);
}

TEST(IdNumberTest, BadChecksumWithBadProvinceOrDateIsPlainInvalid) {
  EXPECT_EQ(CheckIdNumber(WrongCheck(MakeId("99010519900101123")), kImportDate)
                .outcome,
            IdOutcome::kInvalid);
  EXPECT_EQ(CheckIdNumber(WrongCheck(MakeId("11010519900230123")), kImportDate)
                .outcome,
            IdOutcome::kInvalid);
}

TEST(IdNumberTest, ProvinceCodes) {
  for (const char* p : {"11", "44", "65", "71", "81", "82", "83"}) {
    EXPECT_EQ(
        CheckIdNumber(MakeId(std::string(p) + "000019900101123"), kImportDate)
            .outcome,
        IdOutcome::kValid)
        << p;
  }
  for (const char* p : {"99", "00", "10", "66", "72", "84", "91"}) {
    EXPECT_EQ(
        CheckIdNumber(MakeId(std::string(p) + "000019900101123"), kImportDate)
            .outcome,
        IdOutcome::kInvalid)
        << p;
  }
  EXPECT_TRUE(IsIdProvinceCode("83"));
  EXPECT_FALSE(IsIdProvinceCode("8"));
  EXPECT_FALSE(IsIdProvinceCode("110"));
}

TEST(IdNumberTest, DateRange) {
  auto outcome = [](const std::string& yyyymmdd) {
    return CheckIdNumber(MakeId("110105" + yyyymmdd + "123"), kImportDate)
        .outcome;
  };
  EXPECT_EQ(outcome("19000101"), IdOutcome::kValid);
  EXPECT_EQ(outcome("18991231"), IdOutcome::kInvalid);
  EXPECT_EQ(outcome("20250630"), IdOutcome::kValid);  // the import date itself
  EXPECT_EQ(outcome("20250701"), IdOutcome::kInvalid);  // the day after
  EXPECT_EQ(outcome("20300101"), IdOutcome::kInvalid);  // future
  EXPECT_EQ(outcome("20000229"), IdOutcome::kValid);    // leap year
  EXPECT_EQ(outcome("19000229"),
            IdOutcome::kInvalid);  // 1900 is not a leap year
  EXPECT_EQ(outcome("20010229"), IdOutcome::kInvalid);
  EXPECT_EQ(outcome("19901301"), IdOutcome::kInvalid);
  EXPECT_EQ(outcome("19900100"), IdOutcome::kInvalid);
  EXPECT_EQ(outcome("19900431"), IdOutcome::kInvalid);
}

TEST(IdNumberTest, ExcelMangled) {
  for (const char* v : {"4.40106E+17", "4.40106e17", "4.40106E17", "4E+17",
                        "1.1E+017", " 4.40106E+17 ", "\uFF14.40106E+17"}) {
    IdNumber r = CheckIdNumber(v, kImportDate);
    EXPECT_EQ(r.outcome, IdOutcome::kExcelMangled) << v;
    EXPECT_TRUE(r.invalid());
  }
  // Not the pattern: two leading digits, negative exponent, missing exponent
  // digits.
  for (const char* v :
       {"44E+17", "4.4E-17", "4.4E+", "4.E+17", "E+17", "4.4E+17X"}) {
    EXPECT_EQ(CheckIdNumber(v, kImportDate).outcome, IdOutcome::kInvalid) << v;
  }
  EXPECT_TRUE(IsExcelScientific("4.40106E+17"));
  EXPECT_FALSE(
      IsExcelScientific("4.40106e+17"));  // no upper-casing at this level
}

TEST(IdNumberTest, FifteenDigitsConverted) {
  // GB 11643's sample in its pre-1999 15-digit form.
  IdNumber r = CheckIdNumber("110105491231002", kImportDate);
  ASSERT_EQ(r.outcome, IdOutcome::kConverted15);
  EXPECT_TRUE(r.valid());
  EXPECT_EQ(r.canonical, "11010519491231002X");
  EXPECT_EQ(r.birth_date, (Date{1949, 12, 31}));
  EXPECT_EQ(r.gender, Gender::kFemale);
  EXPECT_EQ(r.region_code, "110105");

  IdNumber m = CheckIdNumber("440106900101123", kImportDate);
  ASSERT_EQ(m.outcome, IdOutcome::kConverted15);
  EXPECT_EQ(m.canonical, MakeId("44010619900101123"));
  EXPECT_EQ(m.gender, Gender::kMale);
}

TEST(IdNumberTest, FifteenDigitsWithBadDateOrProvinceIsInvalid) {
  EXPECT_EQ(CheckIdNumber("110105490231002", kImportDate).outcome,
            IdOutcome::kInvalid);
  EXPECT_EQ(CheckIdNumber("110105000229002", kImportDate).outcome,
            IdOutcome::kInvalid);  // 1900
  EXPECT_EQ(CheckIdNumber("990105491231002", kImportDate).outcome,
            IdOutcome::kInvalid);
  EXPECT_EQ(CheckIdNumber("110105960229002", kImportDate).outcome,
            IdOutcome::kConverted15);  // 1996-02-29
}

TEST(IdNumberTest, OtherShapesAreInvalid) {
  for (const char* v :
       {"1101051949123100", "11010519491231002", "11010519491231002XX",
        "1101051949123100X2", "11010519491231002Y", "110105-19491231-002X",
        "11010549123100X", "abc", "身份证"}) {
    EXPECT_EQ(CheckIdNumber(v, kImportDate).outcome, IdOutcome::kInvalid) << v;
  }
}

TEST(IdNumberTest, AbsentAndUnreadable) {
  EXPECT_EQ(CheckIdNumber("", kImportDate).outcome, IdOutcome::kAbsent);
  EXPECT_EQ(CheckIdNumber("\u3000", kImportDate).outcome, IdOutcome::kAbsent);
  EXPECT_FALSE(CheckIdNumber("", kImportDate).invalid());
  EXPECT_EQ(CheckIdNumber("\xC0\xAF", kImportDate).outcome,
            IdOutcome::kInvalid);
}

TEST(IdNumberTest, OutcomeNames) {
  EXPECT_EQ(IdOutcomeName(IdOutcome::kValid), "valid");
  EXPECT_EQ(IdOutcomeName(IdOutcome::kConverted15), "converted15");
  EXPECT_EQ(IdOutcomeName(IdOutcome::kBadChecksum), "bad_checksum");
  EXPECT_EQ(IdOutcomeName(IdOutcome::kExcelMangled), "excel_mangled");
  EXPECT_EQ(IdOutcomeName(IdOutcome::kInvalid), "invalid");
  EXPECT_EQ(IdOutcomeName(IdOutcome::kAbsent), "absent");
}

}  // namespace
}  // namespace jv::classify
