// Result<T>: either a value of type T or a non-OK Status (modelled on absl::StatusOr).
//
// Construct from a T (success) or from a non-OK Status (failure; constructing from an OK
// Status is a bug and aborts). Access the value only after checking ok(); value() on a
// failed Result aborts with the status message (a broken invariant, not bad input).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>

#include "src/common/check.h"
#include "src/common/status.h"

namespace jv {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value) {}                 // NOLINT
  Result(T&& value) : value_(std::move(value)) {}           // NOLINT
  Result(Status status) : status_(std::move(status)) {      // NOLINT
    JV_CHECK(!status_.ok());
  }
  template <typename U,
            typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                        !std::is_same_v<std::decay_t<U>, Status> &&
                                        !std::is_same_v<std::decay_t<U>, Result>>>
  Result(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & { Check(); return *value_; }
  const T& value() const& { Check(); return *value_; }
  T&& value() && { Check(); return std::move(*value_); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void Check() const {
    if (!status_.ok()) {
      std::fprintf(stderr, "jadevault: Result::value() on error: %s\n",
                   status_.ToString().c_str());
      std::abort();
    }
  }
  Status status_;
  std::optional<T> value_;
};

}  // namespace jv

// Evaluates `rexpr` (a Result<T>); on error returns its Status, else moves the value
// into `lhs` (which may be a declaration: JV_ASSIGN_OR_RETURN(auto x, F())).
#define JV_ASSIGN_OR_RETURN(lhs, rexpr) \
  JV_ASSIGN_OR_RETURN_IMPL_(JV_STATUS_CONCAT_(jv_result_, __LINE__), lhs, rexpr)
#define JV_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
