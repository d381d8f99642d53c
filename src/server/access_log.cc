#include "src/server/access_log.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace jv::server {

void AccessLog::Write(const AccessRecord& r) {
  nlohmann::json j = {{"time", FormatRfc3339Micros(clock_.NowMicros())},
                      {"method", r.method},
                      {"route", r.route},
                      {"status", r.status},
                      {"user", r.user.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.user)},
                      {"duration_ms", std::round(r.duration_ms * 1000) / 1000},
                      {"bytes", r.bytes}};
  std::string line = j.dump() + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  out_ << line;
  out_.flush();
}

}  // namespace jv::server
