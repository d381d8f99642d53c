#include "src/datagen/population.h"

#include <set>

#include <gtest/gtest.h>

#include "src/classify/address.h"
#include "src/classify/bank_card.h"
#include "src/classify/email.h"
#include "src/classify/id_number.h"
#include "src/classify/mobile.h"
#include "src/classify/name.h"
#include "src/classify/person.h"

namespace jv::datagen {
namespace {

const Date kImport{2025, 6, 30};

TEST(PersonFactoryTest, KeysAreValidAndDistinct) {
  PersonFactory f(7, kImport);
  Rng rng(7);
  std::set<std::string> mobiles, ids, emails;
  for (int i = 0; i < 20000; ++i) {
    Person p = f.Make(rng, i % 50 == 0, true, true);
    std::string m = f.MobileOf(p.index);
    EXPECT_TRUE(classify::CheckMobile(m).valid()) << "person " << i;
    classify::IdNumber id = classify::CheckIdNumber(p.id18, kImport);
    ASSERT_EQ(id.outcome, classify::IdOutcome::kValid) << "person " << i;
    EXPECT_EQ(id.birth_date, p.birth);
    EXPECT_EQ(id.gender, p.male ? classify::Gender::kMale : classify::Gender::kFemale);
    EXPECT_EQ(classify::IsMinorUnder14(p.birth, kImport), p.minor) << "person " << i;
    EXPECT_TRUE(classify::CheckEmail(p.email).valid());
    EXPECT_TRUE(classify::LooksLikePersonName(p.name)) << "person " << i;
    EXPECT_TRUE(classify::LooksLikeAddress(p.address)) << "person " << i;
    if (!p.bank_card.empty()) {
      EXPECT_TRUE(classify::CheckBankCard(p.bank_card).valid());
    }
    EXPECT_TRUE(mobiles.insert(m).second);
    EXPECT_TRUE(ids.insert(p.id18).second);
    EXPECT_TRUE(emails.insert(p.email).second);
  }
}

TEST(PersonFactoryTest, IdsStayDistinctBeyondTheRealCounties) {
  // Indexes past the real-county space use synthetic "PP99XX" regions; still valid, still
  // distinct (every person below gets the same birth date, so only the map separates them).
  PersonFactory f(3, kImport);
  std::set<std::string> ids;
  const Date birth{1990, 1, 1};
  for (int64_t i = 1'400'000; i < 1'600'000; ++i) {
    std::string id = f.IdOf(i, birth, i % 2 == 0);
    if (i % 97 == 0) {
      ASSERT_EQ(classify::CheckIdNumber(id, kImport).outcome, classify::IdOutcome::kValid);
    }
    EXPECT_TRUE(ids.insert(id.substr(0, 17)).second) << "index " << i;
  }
  for (int64_t i = kMaxPersons - 1000; i < kMaxPersons; ++i) {
    std::string id = f.IdOf(i, birth, true);
    ASSERT_EQ(classify::CheckIdNumber(id, kImport).outcome, classify::IdOutcome::kValid);
  }
}

TEST(PersonFactoryTest, RandomValuesForFreeTextAreValid) {
  PersonFactory f(1, kImport);
  Rng rng(1);
  for (int i = 0; i < 2000; ++i) {
    EXPECT_EQ(classify::CheckIdNumber(f.RandomValidId(rng), kImport).outcome,
              classify::IdOutcome::kValid);
    std::string card = PersonFactory::RandomCard(rng);
    EXPECT_GE(card.size(), 16u);
    EXPECT_LE(card.size(), 19u);
    EXPECT_TRUE(classify::LuhnValid(card));
  }
}

// SPEC §5.4, case by case, on HouseholdSim.
TEST(HouseholdSimTest, SameIdMerges) {
  HouseholdSim s;
  EXPECT_EQ(s.Apply({0, true, -1}), RowOutcome::kCreated);
  EXPECT_EQ(s.Apply({0, false, -1}), RowOutcome::kMerged);
  EXPECT_EQ(s.subjects(), 1u);
}

TEST(HouseholdSimTest, IdLessRowFirstThenTheIdRowTakesIt) {
  HouseholdSim s;
  EXPECT_EQ(s.Apply({-1, true, -1}), RowOutcome::kCreated);
  EXPECT_EQ(s.Apply({0, true, -1}), RowOutcome::kMerged);  // takes the ID number
  EXPECT_EQ(s.Apply({0, false, -1}), RowOutcome::kMerged);
  EXPECT_EQ(s.subjects(), 1u);
}

TEST(HouseholdSimTest, FamilySharingAMobileIsSharedContact) {
  HouseholdSim s;
  EXPECT_EQ(s.Apply({0, true, -1}), RowOutcome::kCreated);
  EXPECT_EQ(s.Apply({1, true, -1}), RowOutcome::kCreatedSharedContact);
  EXPECT_EQ(s.Apply({2, true, -1}), RowOutcome::kCreatedSharedContact);
  // A row without an ID joins the earliest holder of the mobile.
  EXPECT_EQ(s.Apply({-1, true, -1}), RowOutcome::kMerged);
  EXPECT_EQ(s.Apply({1, true, -1}), RowOutcome::kMerged);
  EXPECT_EQ(s.subjects(), 3u);
}

TEST(HouseholdSimTest, IdLessSubjectTakenByAFamilyMemberThenHeadIsSharedContact) {
  HouseholdSim s;
  EXPECT_EQ(s.Apply({-1, true, -1}), RowOutcome::kCreated);  // head, ID not readable
  EXPECT_EQ(s.Apply({1, true, -1}), RowOutcome::kMerged);    // member takes that subject
  EXPECT_EQ(s.Apply({0, true, -1}), RowOutcome::kCreatedSharedContact);
  EXPECT_EQ(s.subjects(), 2u);
}

TEST(HouseholdSimTest, EmailIsTheKeyWithoutMobile) {
  HouseholdSim s;
  EXPECT_EQ(s.Apply({-1, false, 0}), RowOutcome::kCreated);
  EXPECT_EQ(s.Apply({-1, false, 0}), RowOutcome::kMerged);
  EXPECT_EQ(s.Apply({0, false, 0}), RowOutcome::kMerged);  // takes the ID number
  EXPECT_EQ(s.subjects(), 1u);
}

TEST(HouseholdSimTest, KeylessRowsEachCreateASubject) {
  HouseholdSim s;
  EXPECT_EQ(s.Apply({}), RowOutcome::kCreated);
  EXPECT_EQ(s.Apply({}), RowOutcome::kCreated);
  EXPECT_EQ(s.Apply({-1, true, -1}), RowOutcome::kCreated);
  EXPECT_EQ(s.subjects(), 3u);
}

}  // namespace
}  // namespace jv::datagen
