#include "src/classify/checked.h"

namespace jv::classify {

std::string_view ValidityName(Validity v) {
  switch (v) {
    case Validity::kAbsent:
      return "absent";
    case Validity::kValid:
      return "valid";
    case Validity::kInvalid:
      return "invalid";
  }
  return "invalid";
}

}  // namespace jv::classify
