// The one mapping from Status codes to process exit codes (SPEC §10):
//   0 ok, 1 a check failed, 2 usage, 3 locked or bad passphrase, 4 bad input,
//   5 refused by policy, 10 internal.
// "A check failed" (1) is not a Status code: commands like `check` and `audit verify`
// report their findings and set 1 themselves (kExitCheckFailed).
#pragma once

#include "src/common/status.h"

namespace jv::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLocked = 3;
inline constexpr int kExitBadInput = 4;
inline constexpr int kExitRefused = 5;
inline constexpr int kExitInternal = 10;

int ExitCodeFor(const Status& status);

}  // namespace jv::cli
