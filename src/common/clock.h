// Clock: the one source of "now" (Envoy's TimeSource, keepassxc's Clock).
//
// Everything that needs the time takes a Clock&; tests pass a FakeClock and advance it
// instead of sleeping. Times are microseconds since the Unix epoch, UTC.
// Thread-safety: SystemClock is thread-safe; FakeClock is safe for concurrent reads
// and writes (atomic).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace jv {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMicros() const = 0;
  int64_t NowSeconds() const { return NowMicros() / 1000000; }
};

class SystemClock : public Clock {
 public:
  int64_t NowMicros() const override;
  // A process-wide instance.
  static SystemClock& Get();
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t micros = 0) : now_(micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void SetMicros(int64_t micros) { now_.store(micros); }
  void AdvanceSeconds(int64_t s) { now_.fetch_add(s * 1000000); }

 private:
  std::atomic<int64_t> now_;
};

// "2026-11-26T22:49:24.123456Z" (UTC, microseconds).
std::string FormatRfc3339Micros(int64_t micros);
// "2026-11-26T22:49:24Z".
std::string FormatRfc3339Seconds(int64_t micros);

}  // namespace jv
