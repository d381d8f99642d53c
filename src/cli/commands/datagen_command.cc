// jadevault datagen: writes a synthetic, messy jewelry-company export and the import
// report the importer must produce for it (FILE.expected.json). See src/datagen/datagen.h
// and docs/design/datagen.md. Needs no vault.
#include <chrono>
#include <cstdlib>

#include "src/cli/commands/commands.h"
#include "src/common/date.h"
#include "src/datagen/datagen.h"

namespace jv::cli {

namespace {

struct DatagenArgs {
  int64_t rows = 1000;
  std::string out;
  std::string format;
  std::string encoding = "utf-8";
  std::string kind = "customers";
  uint64_t seed = 1;
  std::string xlsx_strings = "shared";
  std::string line_ending = "crlf";
  std::string import_date;
  int profile = -1;
  std::vector<std::string> rates;
};

void RunDatagen(CommandContext& ctx, const DatagenArgs& a) {
  datagen::Options o;
  o.rows = a.rows;
  o.out = a.out;
  o.format = a.format;
  o.encoding = a.encoding;
  o.kind = a.kind;
  o.seed = a.seed;
  o.xlsx_strings = a.xlsx_strings;
  o.line_ending = a.line_ending;
  o.profile = a.profile;
  if (a.import_date.empty()) {
    o.import_date = ChinaDateFromMicros(ctx.clock->NowMicros());
  } else {
    auto d = Date::Parse(a.import_date);
    if (!d.ok()) return ctx.Fail(InvalidArgumentError("--import-date must be YYYY-MM-DD"));
    o.import_date = *d;
  }
  for (const std::string& r : a.rates) {
    auto eq = r.find('=');
    char* end = nullptr;
    double v = eq == std::string::npos ? -1 : std::strtod(r.c_str() + eq + 1, &end);
    if (eq == std::string::npos || end == r.c_str() + eq + 1 || *end != '\0') {
      return ctx.Fail(InvalidArgumentError("--rate takes NAME=VALUE"));
    }
    if (ctx.FailIfError(datagen::SetQuirkRate(&o.rates, r.substr(0, eq), v))) return;
  }
  auto t0 = std::chrono::steady_clock::now();
  auto e = datagen::Generate(o);
  if (ctx.FailIfError(e.status())) return;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json doc = {{"ok", true},
                        {"out", o.out},
                        {"expected", o.out + ".expected.json"},
                        {"seconds", seconds},
                        {"rows_per_second", seconds > 0 ? e->rows_read / seconds : 0.0},
                        {"report", datagen::ExpectedToJson(*e)}};
  std::string human = "wrote " + o.out + " (" + std::to_string(e->rows_read) + " rows, " +
                      e->format + ", " + e->encoding + ", " + e->kind + ") and " + o.out +
                      ".expected.json\n" + "  rows_imported " +
                      std::to_string(e->rows_imported) + ", rows_rejected " +
                      std::to_string(e->rows_rejected) + ", subjects_created " +
                      std::to_string(e->subjects_created) + ", rows_merged " +
                      std::to_string(e->rows_merged) + ", shared_contact " +
                      std::to_string(e->shared_contact) + ", minors " +
                      std::to_string(e->minors) + ", free_text_pii " +
                      std::to_string(e->free_text_pii) + "\n  import date " +
                      e->import_date.ToString() + ", seed " + std::to_string(e->seed) +
                      ", " + std::to_string(static_cast<int64_t>(doc["rows_per_second"])) +
                      " rows/s\n";
  ctx.Report(doc, human);
}

}  // namespace

void RegisterDatagenCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<DatagenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "datagen", "write a synthetic messy POS/CRM export and its expected import report");
  cmd->add_option("--rows", args->rows, "data rows (default 1000)")->required();
  cmd->add_option("--out", args->out, "output file; FILE.expected.json is written beside it")
      ->required();
  cmd->add_option("--format", args->format, "csv | tsv | xlsx | jsonl (default: from --out)");
  cmd->add_option("--encoding", args->encoding, "utf-8 | utf-8-bom | gb18030 | utf-16le");
  cmd->add_option("--kind", args->kind, "customers | transactions | items | balances");
  cmd->add_option("--seed", args->seed, "random seed (default 1): same seed, same file");
  cmd->add_option("--xlsx-strings", args->xlsx_strings, "shared | inline");
  cmd->add_option("--line-ending", args->line_ending, "crlf | lf");
  cmd->add_option("--import-date", args->import_date,
                  "YYYY-MM-DD the expected report is for (default: today, China time)");
  cmd->add_option("--profile", args->profile, "POS vendor header profile 0..2 (default: seed)");
  cmd->add_option("--rate", args->rates, "NAME=VALUE quirk rate override (repeatable)");
  cmd->callback([&ctx, args] { RunDatagen(ctx, *args); });
}

}  // namespace jv::cli
