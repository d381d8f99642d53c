// Every spelling the generator writes means what it claims under SPEC §5.3, checked with
// classify's validators (the generator itself never runs them).
#include "src/datagen/cells.h"

#include <gtest/gtest.h>

#include "src/classify/amount.h"
#include "src/classify/bank_card.h"
#include "src/classify/dates.h"
#include "src/classify/id_number.h"
#include "src/classify/mobile.h"
#include "src/common/strings.h"
#include "src/datagen/population.h"

namespace jv::datagen {
namespace {

const Date kImport{2025, 6, 30};

TEST(CellsTest, MobileSpellingsAreValidAndInvalidOnesAreNot) {
  Rng rng(11);
  PersonFactory f(11, kImport);
  for (int i = 0; i < 3000; ++i) {
    std::string m = f.MobileOf(i);
    auto good = classify::CheckMobile(MobileSpelling(rng, m));
    ASSERT_TRUE(good.valid()) << "spelling " << i;
    EXPECT_EQ(good.value, m);
    EXPECT_TRUE(classify::CheckMobile(FullWidth(MobileSpelling(rng, m))).valid());
    EXPECT_EQ(classify::CheckMobile(InvalidMobile(rng, m)).validity,
              classify::Validity::kInvalid)
        << "invalid spelling " << i;
  }
}

TEST(CellsTest, ExcelMangledMatchesThePattern) {
  Rng rng(5);
  for (const char* id : {"440106199001011234", "110101200001010010", "510104198512300021"}) {
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(classify::CheckIdNumber(ExcelMangled(rng, id), kImport).outcome,
                classify::IdOutcome::kExcelMangled);
    }
  }
  EXPECT_EQ(ExcelMangled(rng, "110101200001010010").substr(0, 4), "1.10");
}

TEST(CellsTest, DateSpellingsParseToTheDate) {
  Rng rng(9);
  for (int i = 0; i < 3000; ++i) {
    Date d = Date{1930, 1, 1}.AddDays(static_cast<int64_t>(rng.Uniform(35000)));
    auto c = classify::ParseDate(DateSpelling(rng, d));
    ASSERT_TRUE(c.valid()) << "spelling " << i;
    EXPECT_EQ(c.value, d);
    EXPECT_EQ(classify::ParseDate(FullWidth(DateSpelling(rng, d))).value, d);
    EXPECT_EQ(classify::ParseDate(InvalidDate(rng, d.year)).validity,
              classify::Validity::kInvalid);
    EXPECT_EQ(classify::ParseTimestampDate(InvalidDate(rng, d.year, true)).validity,
              classify::Validity::kInvalid);
  }
}

TEST(CellsTest, AmountSpellingsParseToTheSameFen) {
  Rng rng(13);
  for (int i = 0; i < 5000; ++i) {
    int64_t fen = static_cast<int64_t>(rng.Uniform(i % 3 == 0 ? 1000 : 2000000000));
    std::string s = AmountSpelling(rng, fen);
    auto c = classify::ParseAmountFen(s);
    ASSERT_TRUE(c.valid()) << "amount spelling " << i;
    EXPECT_EQ(c.value, fen);
    EXPECT_EQ(classify::ParseAmountFen(FullWidth(s)).value, fen);
    EXPECT_EQ(classify::ParseAmountFen(InvalidAmount(rng)).validity,
              classify::Validity::kInvalid);
  }
}

TEST(CellsTest, CardSpellingsKeepTheDigits) {
  Rng rng(17);
  for (int i = 0; i < 2000; ++i) {
    std::string card = PersonFactory::RandomCard(rng);
    auto c = classify::CheckBankCard(CardSpelling(rng, card));
    ASSERT_TRUE(c.valid());
    EXPECT_EQ(c.value, card);
  }
}

TEST(CellsTest, PaddingAndBlanksNormalizeAway) {
  Rng rng(19);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(*NormalizeCell(Pad(rng, "张伟")), "张伟");
    EXPECT_EQ(*NormalizeCell(BlankSpaces(rng)), "");
  }
  EXPECT_EQ(*NormalizeCell(FullWidth("A1@b.c-+()")), "A1@b.c-+()");
}

}  // namespace
}  // namespace jv::datagen
