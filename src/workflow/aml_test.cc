#include "src/workflow/aml.h"

#include <gtest/gtest.h>

namespace jv::workflow {
namespace {

using json = nlohmann::json;

json Txn(const char* date, json amount, const char* method) {
  json t = {{"amount", amount}, {"payment_method", method}};
  if (date != nullptr) t["date"] = date;
  return t;
}

TEST(AmlCash, RecognisesCashSpellings) {
  for (const char* m : {"现金", " 现金 ", "CASH", "Cash", "現金", "人民币现金", "现金+刷卡",
                        "微信/现金", "ｃａｓｈ"}) {
    EXPECT_TRUE(IsCashPayment(m)) << m;
  }
  for (const char* m : {"", "刷卡", "微信", "支付宝", "现金券", "储值卡", "cashback", "银行转账"}) {
    EXPECT_FALSE(IsCashPayment(m)) << m;
  }
}

TEST(AmlCash, SingleCashPurchaseAtTheThresholdIsFlagged) {
  CashDays d = FlagCashDays({Txn("2025-03-01", 10000000, "现金")});
  ASSERT_EQ(d.flagged.size(), 1u);
  EXPECT_EQ(d.flagged[0].date->ToString(), "2025-03-01");
  EXPECT_EQ(d.flagged[0].total_fen, 10000000);
  EXPECT_TRUE(FlagCashDays({Txn("2025-03-01", 9999999, "现金")}).flagged.empty());
}

TEST(AmlCash, SameDayPurchasesAreSummed) {
  CashDays d = FlagCashDays({Txn("2025-05-02", 6000000, "现金"),
                             Txn("2025-05-02", 4000000, "cash"),
                             Txn("2025-05-03", 9000000, "现金")});
  ASSERT_EQ(d.flagged.size(), 1u);
  EXPECT_EQ(d.flagged[0].date->ToString(), "2025-05-02");
  EXPECT_EQ(d.flagged[0].total_fen, 10000000);
  EXPECT_EQ(d.flagged[0].transactions, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(d.cash_transactions, 3);
}

TEST(AmlCash, OnlyCashCountsAndRefundsAreNotSubtracted) {
  CashDays d = FlagCashDays({Txn("2025-05-02", 6000000, "现金"),
                             Txn("2025-05-02", 5000000, "刷卡"),
                             Txn("2025-05-02", -2000000, "现金")});
  EXPECT_TRUE(d.flagged.empty());
  CashDays e = FlagCashDays({Txn("2025-05-02", 10000000, "现金"),
                             Txn("2025-05-02", -2000000, "现金")});
  ASSERT_EQ(e.flagged.size(), 1u);
  EXPECT_EQ(e.flagged[0].total_fen, 10000000);
}

TEST(AmlCash, DaysAreCalendarDays) {
  // 23:59 and 00:01 are different days: the importer stores the date only.
  CashDays d = FlagCashDays({Txn("2025-12-31", 5000000, "现金"),
                             Txn("2026-01-01", 5000000, "现金")});
  EXPECT_TRUE(d.flagged.empty());
}

TEST(AmlCash, UnreadableAmountsAreCountedAndUndatedRowsStandAlone) {
  CashDays d = FlagCashDays({Txn("2025-05-02", "¥十万", "现金"),
                             Txn(nullptr, 10000000, "现金"),
                             Txn(nullptr, 6000000, "现金"),
                             Txn(nullptr, 6000000, "现金")});
  EXPECT_EQ(d.unreadable, 1);
  ASSERT_EQ(d.flagged.size(), 1u);  // undated rows are never summed
  EXPECT_FALSE(d.flagged[0].date.has_value());
  EXPECT_EQ(d.flagged[0].total_fen, 10000000);
}

vault::DecryptedRecord Rec(const char* cls, json fields) {
  vault::DecryptedRecord r;
  r.key_class = cls;
  r.fields = std::move(fields);
  return r;
}

TEST(AmlSubject, CopiesTheCddFieldsAndTheFlaggedTransactions) {
  // Synthetic person.
  std::vector<vault::DecryptedRecord> recs = {
      Rec("profile", {{"name", "测试甲"}, {"mobile", "13900000001"}, {"ring_size", "12"},
                      {"email", "a@example.invalid"}}),
      Rec("accounting_30y", Txn("2025-05-02", 6000000, "现金")),
      Rec("accounting_30y", Txn("2025-05-02", 4000000, "现金")),
      Rec("accounting_30y", Txn("2025-06-01", 100, "刷卡")),
  };
  RetentionSettings s;
  SubjectAml a = EvaluateSubjectAml(recs, s, *Date::Parse("2026-01-01"));
  ASSERT_TRUE(a.flagged);
  EXPECT_FALSE(a.recorded);
  EXPECT_EQ(a.latest_day->ToString(), "2025-05-02");
  EXPECT_EQ(a.record["name"], "测试甲");
  EXPECT_EQ(a.record["mobile"], "13900000001");
  EXPECT_FALSE(a.record.contains("ring_size"));  // not a CDD field
  EXPECT_EQ(a.record["_aml_transactions"].size(), 2u);
  EXPECT_EQ(a.record["_aml"]["days"][0]["total_fen"], 10000000);

  // Once written, the same evaluation finds it recorded.
  recs.push_back(Rec("aml_10y", a.record));
  SubjectAml again = EvaluateSubjectAml(recs, s, *Date::Parse("2026-01-02"));
  EXPECT_TRUE(again.flagged);
  EXPECT_TRUE(again.recorded);

  // A new flagged day makes it out of date.
  recs.push_back(Rec("accounting_30y", Txn("2025-09-09", 12000000, "现金")));
  SubjectAml newer = EvaluateSubjectAml(recs, s, *Date::Parse("2026-01-02"));
  EXPECT_FALSE(newer.recorded);
  EXPECT_EQ(newer.latest_day->ToString(), "2025-09-09");
}

TEST(AmlSubject, BelowTheThresholdIsNotFlagged) {
  std::vector<vault::DecryptedRecord> recs = {
      Rec("profile", {{"name", "测试乙"}}),
      Rec("accounting_30y", Txn("2025-05-02", 9999999, "现金")),
  };
  SubjectAml a = EvaluateSubjectAml(recs, RetentionSettings(), *Date::Parse("2026-01-01"));
  EXPECT_FALSE(a.flagged);
  EXPECT_TRUE(a.record.is_null());
}

}  // namespace
}  // namespace jv::workflow
