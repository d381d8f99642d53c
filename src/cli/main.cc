// jadevault: the one main(). Parses global options, registers every subcommand, runs it.
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include <CLI/CLI.hpp>

#include "src/cli/app.h"
#include "src/cli/context.h"
#include "src/cli/status_to_exit.h"

namespace {

// No personal information in core dumps (SPEC §4): not dumpable, no core files.
void DisableCoreDumps() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct rlimit rl = {0, 0};
  ::setrlimit(RLIMIT_CORE, &rl);
}

// JADEVAULT_FAKE_NOW=2026-01-02T03:04:05Z (hidden, for tests): the vault clock reads this
// instant instead of the system time. Returns false if unset or malformed. Either way a set
// variable is announced on stderr: audit times and legal deadlines follow this clock, so an
// operator must never be unaware that it is not the system's.
bool FakeNowMicros(int64_t* micros) {
  const char* env = std::getenv("JADEVAULT_FAKE_NOW");
  if (env == nullptr || *env == '\0') return false;
  std::tm tm{};
  const char* end = ::strptime(env, "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr || (std::string(end) != "Z" && std::string(end) != "+00:00")) {
    std::fprintf(stderr,
                 "jadevault: warning: JADEVAULT_FAKE_NOW is set but is not "
                 "YYYY-MM-DDTHH:MM:SSZ; ignored, the system clock is used\n");
    return false;
  }
  *micros = static_cast<int64_t>(::timegm(&tm)) * 1000000;
  std::fprintf(stderr,
               "jadevault: warning: JADEVAULT_FAKE_NOW is set: the clock reads %s, not the "
               "system time (a test hook: audit entries and legal deadlines use it)\n",
               env);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  DisableCoreDumps();
  jv::cli::CommandContext ctx;
  static jv::FakeClock fake_clock;
  if (int64_t now = 0; FakeNowMicros(&now)) {
    fake_clock.SetMicros(now);
    ctx.clock = &fake_clock;
  }
  CLI::App app{"jadevault (玉匣): customer personal information through a transfer or liquidation",
               "jadevault"};
  jv::cli::BuildApp(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return jv::cli::kExitUsage;
  }
  return ctx.exit_code;
}
