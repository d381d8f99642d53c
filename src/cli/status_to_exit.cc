#include "src/cli/status_to_exit.h"

namespace jv::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kDataLoss: return kExitBadInput;
    case StatusCode::kUnauthenticated: return kExitLocked;
    case StatusCode::kPermissionDenied:
    case StatusCode::kFailedPrecondition: return kExitRefused;
    case StatusCode::kUnavailable:
    case StatusCode::kInternal: return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace jv::cli
