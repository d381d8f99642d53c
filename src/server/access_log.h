// Structured access log: one JSON object per line, to a stream (stderr or a file):
//   {"time", "method", "route", "status", "user", "duration_ms", "bytes"}
// `route` is the route template ("/api/v1/subjects/{id}"), or "static" / "unmatched" —
// never the raw path or the query string, which carry ids and search values; `user` is
// the signed-in login name or null. No client address, no header, no body: the log holds
// no personal information. Thread-safe (one mutex per log).
#pragma once

#include <mutex>
#include <ostream>
#include <string>

#include "src/common/clock.h"

namespace jv::server {

struct AccessRecord {
  std::string method;
  std::string route;
  int status = 0;
  std::string user;
  double duration_ms = 0;
  size_t bytes = 0;  // response body size
};

class AccessLog {
 public:
  AccessLog(std::ostream& out, Clock& clock) : out_(out), clock_(clock) {}
  void Write(const AccessRecord& r);

 private:
  std::ostream& out_;
  Clock& clock_;
  std::mutex mu_;
};

}  // namespace jv::server
