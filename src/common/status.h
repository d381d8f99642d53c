// Status: the outcome of an operation that can fail, with a code and a message.
//
// One Status type for the whole project (modelled on absl::Status and leveldb::Status).
// No exceptions cross a module boundary: functions that can fail return Status or
// Result<T> (see result.h). Messages never contain personal information: name the row,
// column, field or id, never the value.
//
// Thread-safety: a Status is a value; distinct objects may be used from distinct threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace jv {

// The short list of codes (STYLE.md). Departure: kUnauthenticated is added so that
// "locked or bad passphrase" (CLI exit 3) is distinct from "refused by policy" (exit 5).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input from a user or file
  kNotFound,            // no such subject, file, key
  kAlreadyExists,       // vault exists, file already imported
  kPermissionDenied,    // refused by policy (role, purpose, gate)
  kFailedPrecondition,  // state does not allow it (e.g. gate failing)
  kDataLoss,            // broken audit chain, failed AEAD tag, corrupted file
  kUnavailable,         // a server (PostgreSQL, SMTP) cannot be reached
  kUnauthenticated,     // wrong passphrase, key file or shares; vault locked
  kInternal,            // a bug or an unexpected library failure
};

// Returns the stable lower-case name of a code ("invalid_argument", ...).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: row 17, column \"mobile\": ..." ; "ok" for OK.
  std::string ToString() const;

  // Returns a copy whose message is "context: message". OK stays OK.
  Status WithContext(std::string_view context) const;

  // Explicitly discards a status the caller has decided not to act on.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

}  // namespace jv

#define JV_STATUS_CONCAT_INNER_(a, b) a##b
#define JV_STATUS_CONCAT_(a, b) JV_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define JV_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::jv::Status jv_status_tmp_ = (expr);        \
    if (!jv_status_tmp_.ok()) return jv_status_tmp_; \
  } while (0)
