#include "src/common/clock.h"

#include <chrono>
#include <cstdio>

#include "src/common/date.h"

namespace jv {

int64_t SystemClock::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SystemClock& SystemClock::Get() {
  static SystemClock clock;
  return clock;
}

namespace {
void SplitMicros(int64_t micros, Date* date, int* h, int* m, int* s, int* us) {
  int64_t secs = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    days -= 1;
  }
  *date = Date::FromDays(days);
  *h = static_cast<int>(sod / 3600);
  *m = static_cast<int>((sod / 60) % 60);
  *s = static_cast<int>(sod % 60);
  *us = static_cast<int>(rem);
}
}  // namespace

std::string FormatRfc3339Micros(int64_t micros) {
  Date d;
  int h, m, s, us;
  SplitMicros(micros, &d, &h, &m, &s, &us);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06dZ", d.ToString().c_str(), h, m, s, us);
  return buf;
}

std::string FormatRfc3339Seconds(int64_t micros) {
  Date d;
  int h, m, s, us;
  SplitMicros(micros, &d, &h, &m, &s, &us);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", d.ToString().c_str(), h, m, s);
  return buf;
}

}  // namespace jv
