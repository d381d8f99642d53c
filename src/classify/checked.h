// Checked<T>: the outcome of validating one cell against one rule of SPEC §5.3.
//
// Every validator in jv::classify takes a cell as read from a file (raw or
// already normalized; normalization is idempotent), applies jv::NormalizeCell
// (NFKC, then trim incl. U+3000) itself, and returns:
//   kAbsent  - the cell is empty after normalization ("not present"); value is
//   default; kValid   - the rule accepts it; `value` holds the canonical form;
//   kInvalid - present but rejected (including cells that are not valid UTF-8).
// Validation outcomes are data, not errors, so validators never return a Status
// and never allocate messages (hence nothing can leak a value into a log).
// Thread-safety: a value type.
#pragma once

#include <string_view>
#include <utility>

namespace jv::classify {

enum class Validity { kAbsent, kValid, kInvalid };

// "absent", "valid", "invalid".
std::string_view ValidityName(Validity v);

template <typename T>
struct Checked {
  Validity validity = Validity::kAbsent;
  T value{};  // meaningful only when validity == kValid

  bool valid() const { return validity == Validity::kValid; }
  bool present() const { return validity != Validity::kAbsent; }

  static Checked Absent() { return Checked{Validity::kAbsent, T{}}; }
  static Checked Invalid() { return Checked{Validity::kInvalid, T{}}; }
  static Checked Valid(T v) { return Checked{Validity::kValid, std::move(v)}; }
};

}  // namespace jv::classify
