// Instants with their UTC offset, for the incident clock (RULEBOOK K4: report within 4 hours
// of detection). The report deadline is shown in the offset the operator gave, so
// "2026-11-26T10:00:00+08:00" + 4 h is "2026-11-26T14:00:00+08:00", not a UTC instant.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/common/result.h"

namespace jv::workflow {

struct OffsetTime {
  int64_t micros = 0;      // since the Unix epoch, UTC
  int offset_minutes = 0;  // -1439..1439; the offset the text was written in
  bool zulu = false;       // written with "Z"
};

// Parses "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)". kInvalidArgument otherwise, or for a
// date or time that does not exist.
Result<OffsetTime> ParseOffsetTime(std::string_view s);
// Formats `t` in its own offset: "YYYY-MM-DDTHH:MM:SS±HH:MM" ("Z" if it was written so);
// fractional seconds only when non-zero.
std::string FormatOffsetTime(const OffsetTime& t);
// t + hours, keeping the offset.
OffsetTime AddHours(const OffsetTime& t, int64_t hours);

}  // namespace jv::workflow
