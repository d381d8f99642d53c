#include "src/workflow/claims_refund.h"

namespace jv::workflow {

namespace {
constexpr int64_t kMaxFen = 1'000'000'000'000LL;  // ¥10 billion: far above any card
}  // namespace

Result<PrepaidRefund> ComputePrepaidRefund(const PrepaidRefundInput& in) {
  if (in.paid_fen < 0 || in.bonus_fen < 0 || in.remaining_face_fen < 0 || in.lpr_bp < 0 ||
      in.interest_days < 0) {
    return InvalidArgumentError("refund inputs must not be negative");
  }
  if (in.paid_fen > kMaxFen || in.bonus_fen > kMaxFen || in.lpr_bp > 100'000 ||
      in.interest_days > 36'500) {
    return InvalidArgumentError("refund inputs are out of range");
  }
  const int64_t face = in.paid_fen + in.bonus_fen;
  if (in.remaining_face_fen > face) {
    return InvalidArgumentError("the remaining balance exceeds what was paid plus the bonus");
  }
  PrepaidRefund r;
  r.consumed_face_fen = face - in.remaining_face_fen;
  if (in.consumer_fault || face == 0) {
    r.consumed_value_fen = r.consumed_face_fen;
  } else {
    // Discounted ratio paid / (paid + bonus), rounded down (in the consumer's favour).
    // Both factors are <= 2e12, so use 128-bit arithmetic for the product.
    __int128 v = static_cast<__int128>(r.consumed_face_fen) * in.paid_fen / face;
    r.consumed_value_fen = static_cast<int64_t>(v);
  }
  r.principal_fen = in.paid_fen - r.consumed_value_fen;
  if (r.principal_fen < 0) r.principal_fen = 0;
  if (in.operator_caused && !in.consumer_fault && in.lpr_bp > 0 && in.interest_days > 0) {
    // principal × rate × days / 365, half up.
    __int128 num = static_cast<__int128>(r.principal_fen) * in.lpr_bp * in.interest_days;
    __int128 den = static_cast<__int128>(10'000) * 365;
    r.interest_fen = static_cast<int64_t>((num * 2 + den) / (den * 2));
  }
  r.total_fen = r.principal_fen + r.interest_fen;
  return r;
}

}  // namespace jv::workflow
