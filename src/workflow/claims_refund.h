// The prepaid refund calculator of RULEBOOK PP3 (SPC prepaid-consumption interpretation,
// 法释〔2025〕4号, Arts. 14–18 [V]):
//  * refund = what the consumer paid minus the value of what was consumed;
//  * when the refund is NOT the consumer's fault (the operator closes, moves, stops the
//    service — every liquidation), consumed value is priced at the discounted ratio
//    paid ÷ (paid + bonus): a card bought for ¥1,000 with ¥250 bonus that has ¥500 of face
//    value left refunds 500 × 1000/1250 = ¥400;
//  * when the consumer asks for a refund for their own reasons, consumed value is priced at
//    face value (no discount): paid − consumed face, never below zero;
//  * when the operator caused the refund, interest on the refund runs at the one-year LPR
//    in force on the contract date, for the days from payment to refund (simple interest,
//    actual/365).
// All amounts are integer fen; rates in basis points (3.45 % = 345). Rounding: the consumed
// value is rounded DOWN to the fen and interest half up, so a rounding fen never goes
// against the consumer (documented in docs/design/liquidation.md).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "src/common/result.h"

namespace jv::workflow {

struct PrepaidRefundInput {
  int64_t paid_fen = 0;            // money the consumer paid in (principal)
  int64_t bonus_fen = 0;           // value the operator added free (赠送)
  int64_t remaining_face_fen = 0;  // balance left on the card, at face value
  bool consumer_fault = false;     // the consumer asks for a refund for their own reasons
  bool operator_caused = true;     // the operator's conduct caused it (liquidation: yes)
  int64_t lpr_bp = 0;              // 1-year LPR at the contract date, basis points
  int64_t interest_days = 0;       // days from payment to refund
};

struct PrepaidRefund {
  int64_t consumed_face_fen = 0;   // paid + bonus − remaining
  int64_t consumed_value_fen = 0;  // what the consumption is priced at
  int64_t principal_fen = 0;       // paid − consumed value, >= 0
  int64_t interest_fen = 0;
  int64_t total_fen = 0;  // principal + interest
};

// kInvalidArgument for a negative amount, rate or day count, or a remaining balance above
// paid + bonus.
Result<PrepaidRefund> ComputePrepaidRefund(const PrepaidRefundInput& in);

}  // namespace jv::workflow
