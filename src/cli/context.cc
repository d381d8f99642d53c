#include "src/cli/context.h"

#include <unistd.h>

#include "src/cli/status_to_exit.h"

namespace jv::cli {

void CommandContext::Report(const nlohmann::json& doc, const std::string& human, int code) {
  if (opts.json || human.empty()) {
    *out << doc.dump(opts.json ? -1 : 2, ' ', false,
                     nlohmann::json::error_handler_t::replace)
         << "\n";
  } else {
    *out << human;
    if (!human.empty() && human.back() != '\n') *out << "\n";
  }
  out->flush();
  exit_code = code;
}

void CommandContext::Fail(const Status& status) {
  *err << "jadevault: error: " << status.message() << "\n";
  if (opts.json) {
    nlohmann::json doc = {{"ok", false},
                          {"error",
                           {{"code", std::string(StatusCodeName(status.code()))},
                            {"message", status.message()}}}};
    *out << doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out->flush();
  }
  exit_code = ExitCodeFor(status);
}

bool CommandContext::Interactive() const { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace jv::cli
