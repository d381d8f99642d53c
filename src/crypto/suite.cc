#include "src/crypto/suite.h"

namespace jv::crypto {

std::string_view SuiteName(Suite s) {
  switch (s) {
    case Suite::kStd:
      return "std";
    case Suite::kGm:
      return "gm";
  }
  return "unknown";
}

Result<Suite> ParseSuite(std::string_view name) {
  if (name == "std") return Suite::kStd;
  if (name == "gm") return Suite::kGm;
  return InvalidArgumentError(
      "unknown crypto suite (expected \"std\" or \"gm\")");
}

}  // namespace jv::crypto
