// One-time login codes for the customer portal (SPEC §8, §11; docs/design/portal.md), kept
// in the Store so that every `serve` node over one database sees the same codes, attempts
// and locks.
//
// One ObjectRow per mobile number: kind "portal_otp", id = keyed hash (HMAC with the vault's
// index key, through KeyedHash) of the canonical mobile — never the number itself. attrs:
//   {"code": keyed hash of (number id, code) hex | absent, "expires", "issued",
//    "sends", "sends_first", "failures", "first", "locked_until"}   (times in microseconds)
// The code itself is never stored, logged or audited; a database dump cannot test the 10^6
// codes offline without the vault's key.
//
// Rules (PortalCodeLimits): a code lives `ttl_seconds` (10 min) and works once; a new code
// replaces the previous one. `max_failures` (5) wrong or expired codes within
// `window_seconds` (15 min) lock the number for `lock_seconds` (15 min): while locked every
// attempt is refused (kLocked), the right code too, and the pending code is burnt. At most
// `max_sends` codes go out per number per `send_window_seconds` (SMS bombing); beyond that,
// or while locked, Issue says send = false. Unknown numbers get exactly the same treatment
// (a row, a code hash, counted failures), so nothing here tells known from unknown.
//
// Errors: store errors pass through. Thread-safety: as the Store (one thread at a time);
// each call is one write transaction, so concurrent servers serialize on the row.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "src/common/random.h"
#include "src/common/result.h"
#include "src/store/store.h"

namespace jv::server {

inline constexpr char kPortalOtpKind[] = "portal_otp";

struct PortalCodeLimits {
  int64_t ttl_seconds = 10 * 60;
  int max_failures = 5;
  int64_t window_seconds = 15 * 60;
  int64_t lock_seconds = 15 * 60;
  int max_sends = 5;
  int64_t send_window_seconds = 15 * 60;
};

// Keyed hash (hex) of `value` in the domain `kind`; the server passes the vault's blind
// index (Keyring::BlindIndex), tests a fixed-key HMAC.
using KeyedHash = std::function<std::string(std::string_view kind, std::string_view value)>;

struct IssuedCode {
  std::string code;   // six digits; "" when send is false
  bool send = false;  // false: locked or over the send cap (the caller answers the same)
};

enum class CodeVerdict { kOk, kWrong, kLocked };

struct CodeCheck {
  CodeVerdict verdict = CodeVerdict::kWrong;
  bool locked_now = false;  // this failure locked the number
};

class PortalCodes {
 public:
  PortalCodes(store::Store& store, KeyedHash hash, PortalCodeLimits limits)
      : store_(store), hash_(std::move(hash)), limits_(limits) {}

  // The row id for a canonical mobile.
  std::string NumberId(const std::string& mobile) const;
  // Makes a new code for `mobile` (replacing any earlier one) unless locked or capped.
  Result<IssuedCode> Issue(const std::string& mobile, Random& random, int64_t now_micros);
  // Checks `code` for `mobile` (any string; malformed counts as wrong).
  Result<CodeCheck> Verify(const std::string& mobile, const std::string& code,
                           int64_t now_micros);

 private:
  std::string CodeHash(const std::string& number_id, const std::string& code) const;

  store::Store& store_;
  KeyedHash hash_;
  PortalCodeLimits limits_;
};

}  // namespace jv::server
