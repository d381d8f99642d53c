// Progress: a one-line progress bar on stderr, only when stderr is a terminal.
// Not thread-safe; one per long operation.
#pragma once

#include <cstdint>
#include <string>

#include "src/cli/context.h"

namespace jv::cli {

class Progress {
 public:
  Progress(const CommandContext& ctx, std::string label, int64_t total);
  void Update(int64_t done);
  void Done();

 private:
  bool enabled_;
  std::string label_;
  int64_t total_;
  int last_percent_ = -1;
};

}  // namespace jv::cli
