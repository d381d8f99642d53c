#include "src/cli/progress.h"

#include <cstdio>

namespace jv::cli {

Progress::Progress(const CommandContext& ctx, std::string label, int64_t total)
    : enabled_(ctx.Interactive()), label_(std::move(label)), total_(total > 0 ? total : 1) {}

void Progress::Update(int64_t done) {
  if (!enabled_) return;
  int percent = static_cast<int>(done * 100 / total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  int filled = percent * 30 / 100;
  std::fprintf(stderr, "\r%s [%.*s%*s] %3d%%", label_.c_str(), filled,
               "##############################", 30 - filled, "", percent);
  std::fflush(stderr);
}

void Progress::Done() {
  if (!enabled_) return;
  Update(total_);
  std::fputs("\n", stderr);
}

}  // namespace jv::cli
