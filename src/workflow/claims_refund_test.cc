// PP3 refund calculator. Expected values are worked by hand from the rule in
// claims_refund.h (SPC 法释〔2025〕4号 Arts. 14–18 as summarised in RULEBOOK PP3).
#include "src/workflow/claims_refund.h"

#include <gtest/gtest.h>

namespace jv::workflow {
namespace {

PrepaidRefund Calc(PrepaidRefundInput in) {
  auto r = ComputePrepaidRefund(in);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : PrepaidRefund{};
}

TEST(PrepaidRefundTest, OperatorCausedRefundUsesTheDiscountedRatio) {
  // ¥1,000 paid + ¥250 bonus, ¥500 face left: consumed ¥750 face = ¥600 at 1000/1250.
  PrepaidRefund r = Calc({.paid_fen = 100000, .bonus_fen = 25000, .remaining_face_fen = 50000});
  EXPECT_EQ(r.consumed_face_fen, 75000);
  EXPECT_EQ(r.consumed_value_fen, 60000);
  EXPECT_EQ(r.principal_fen, 40000);
  EXPECT_EQ(r.interest_fen, 0);
  EXPECT_EQ(r.total_fen, 40000);
}

TEST(PrepaidRefundTest, ConsumerFaultPricesConsumptionAtFaceValue) {
  PrepaidRefund r = Calc({.paid_fen = 100000,
                          .bonus_fen = 25000,
                          .remaining_face_fen = 50000,
                          .consumer_fault = true,
                          .operator_caused = false});
  EXPECT_EQ(r.consumed_value_fen, 75000);
  EXPECT_EQ(r.principal_fen, 25000);
  // More consumed at face than was paid: nothing to refund, never negative.
  r = Calc({.paid_fen = 100000,
            .bonus_fen = 100000,
            .remaining_face_fen = 50000,
            .consumer_fault = true,
            .operator_caused = false});
  EXPECT_EQ(r.principal_fen, 0);
  EXPECT_EQ(r.total_fen, 0);
}

TEST(PrepaidRefundTest, NoBonusRefundsTheBalance) {
  PrepaidRefund r = Calc({.paid_fen = 100000, .bonus_fen = 0, .remaining_face_fen = 30000});
  EXPECT_EQ(r.principal_fen, 30000);
}

TEST(PrepaidRefundTest, RoundingFavoursTheConsumer) {
  // Consumed 299 face at 100/300 = 99.67 -> 99 (down), so 1 fen comes back, not 0.
  PrepaidRefund r = Calc({.paid_fen = 100, .bonus_fen = 200, .remaining_face_fen = 1});
  EXPECT_EQ(r.consumed_value_fen, 99);
  EXPECT_EQ(r.principal_fen, 1);
}

TEST(PrepaidRefundTest, InterestAtLprWhenTheOperatorCausedIt) {
  // 40000 × 3.45 % × 365/365 = 1380.
  PrepaidRefund r = Calc({.paid_fen = 100000,
                          .bonus_fen = 25000,
                          .remaining_face_fen = 50000,
                          .lpr_bp = 345,
                          .interest_days = 365});
  EXPECT_EQ(r.interest_fen, 1380);
  EXPECT_EQ(r.total_fen, 41380);
  // 40000 × 3.45 % × 100/365 = 378.08 -> 378.
  r = Calc({.paid_fen = 100000,
            .bonus_fen = 25000,
            .remaining_face_fen = 50000,
            .lpr_bp = 345,
            .interest_days = 100});
  EXPECT_EQ(r.interest_fen, 378);
  // Exactly half a fen rounds up: 1 × 182.5 % × 100/365 = 0.5.
  r = Calc({.paid_fen = 1, .remaining_face_fen = 1, .lpr_bp = 18250, .interest_days = 100});
  EXPECT_EQ(r.interest_fen, 1);
  // Not the operator's doing: no interest.
  r = Calc({.paid_fen = 100000,
            .remaining_face_fen = 50000,
            .operator_caused = false,
            .lpr_bp = 345,
            .interest_days = 365});
  EXPECT_EQ(r.interest_fen, 0);
}

TEST(PrepaidRefundTest, RejectsImpossibleInputs) {
  EXPECT_EQ(ComputePrepaidRefund({.paid_fen = -1}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputePrepaidRefund({.paid_fen = 100, .bonus_fen = 0, .remaining_face_fen = 101})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputePrepaidRefund({.paid_fen = 100, .interest_days = -3}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace jv::workflow
