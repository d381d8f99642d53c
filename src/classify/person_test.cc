#include "src/classify/person.h"

#include <gtest/gtest.h>

namespace jv::classify {
namespace {

TEST(GenderTest, Mapping) {
  for (const char* m : {"男", "男性", "先生", "M", "m", "Male", "MALE", "1",
                        " 男 ", "\uFF2D"}) {
    Checked<Gender> g = ParseGender(m);
    EXPECT_TRUE(g.valid()) << m;
    EXPECT_EQ(g.value, Gender::kMale) << m;
  }
  for (const char* f : {"女", "女性", "女士", "小姐", "F", "female", "2"}) {
    EXPECT_EQ(ParseGender(f).value, Gender::kFemale) << f;
  }
  for (const char* u : {"未知", "保密", "0", "9", "unknown"}) {
    Checked<Gender> g = ParseGender(u);
    EXPECT_TRUE(g.valid()) << u;
    EXPECT_EQ(g.value, Gender::kUnspecified) << u;
  }
  for (const char* bad : {"3", "男女", "X", "man", "boy"}) {
    EXPECT_EQ(ParseGender(bad).validity, Validity::kInvalid) << bad;
  }
  EXPECT_EQ(ParseGender("").validity, Validity::kAbsent);
  EXPECT_EQ(GenderName(Gender::kFemale), "female");
}

TEST(AgeTest, BirthdayCountsWhenReached) {
  EXPECT_EQ(AgeOn(Date{2000, 6, 30}, Date{2025, 6, 30}), 25);
  EXPECT_EQ(AgeOn(Date{2000, 7, 1}, Date{2025, 6, 30}), 24);
  EXPECT_EQ(AgeOn(Date{2000, 6, 29}, Date{2025, 6, 30}), 25);
  EXPECT_EQ(AgeOn(Date{2025, 7, 1}, Date{2025, 6, 30}), -1);
}

TEST(AgeTest, LeapDayBirthday) {
  // Born 29 Feb: in a common year the birthday is reached on 1 March.
  EXPECT_EQ(AgeOn(Date{2012, 2, 29}, Date{2026, 2, 28}), 13);
  EXPECT_EQ(AgeOn(Date{2012, 2, 29}, Date{2026, 3, 1}), 14);
  EXPECT_EQ(AgeOn(Date{2012, 2, 29}, Date{2028, 2, 29}), 16);
}

TEST(MinorTest, UnderFourteenOnImportDate) {
  const Date import{2025, 6, 30};
  EXPECT_FALSE(IsMinorUnder14(Date{2011, 6, 30}, import));  // 14 today
  EXPECT_TRUE(IsMinorUnder14(Date{2011, 7, 1}, import));    // 14 tomorrow
  EXPECT_TRUE(IsMinorUnder14(Date{2025, 6, 30}, import));   // born today
  EXPECT_FALSE(IsMinorUnder14(Date{1990, 1, 1}, import));
  // A birth date after the import date: §5.3's age (-1) is < 14, and treating the row as
  // a child's is the protective reading of bad data (PIPL Art. 28, 31).
  EXPECT_TRUE(IsMinorUnder14(Date{2025, 7, 1}, import));
  EXPECT_TRUE(IsMinorUnder14(Date{2090, 1, 1}, import));
  EXPECT_TRUE(IsMinorUnder14(Date{2012, 2, 29}, Date{2026, 2, 28}));
  EXPECT_FALSE(IsMinorUnder14(Date{2012, 2, 29}, Date{2026, 3, 1}));
}

TEST(BirthDateTest, Plausible) {
  const Date import{2025, 6, 30};
  EXPECT_TRUE(IsPlausibleBirthDate(Date{1900, 1, 1}, import));
  EXPECT_FALSE(IsPlausibleBirthDate(Date{1899, 12, 31}, import));
  EXPECT_TRUE(IsPlausibleBirthDate(import, import));
  EXPECT_FALSE(IsPlausibleBirthDate(Date{2025, 7, 1}, import));
}

}  // namespace
}  // namespace jv::classify
