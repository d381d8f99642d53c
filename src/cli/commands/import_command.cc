// jadevault import FILE | scan FILE (SPEC §5; ingest/importer.h does the work).
//
//   import FILE [--kind customers|transactions|items|balances] [--encoding E] [--sheet S]
//               [--mapping M.toml] [--force] [--json]
//   scan FILE   [--kind ...] [--encoding E] [--sheet S] [--mapping M.toml] [--json]
//
// import prints the §5.5 report (plus "ok": true). A file already imported is refused with
// exit 4 (kAlreadyExists); with --json the refusal also carries the earlier import's
// report as "previous_report". An interrupted import is resumed by running the same
// command again. scan needs no vault: it prints the proposed mapping, per-column detection
// statistics and the counts an import into an empty vault would give; nothing is stored.
#include <cstdio>
#include <memory>

#include "src/cli/commands/commands.h"
#include "src/cli/progress.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/ingest/importer.h"

namespace jv::cli {

namespace {

struct ImportArgs {
  std::string file;
  std::string kind = "customers";
  std::string encoding;
  std::string sheet;
  std::string format;
  std::string mapping;
  bool force = false;
  int64_t batch_rows = 20000;
  std::string import_date;
};

Result<ingest::ImportOptions> MakeOptions(const ImportArgs& a) {
  ingest::ImportOptions o;
  o.path = a.file;
  JV_ASSIGN_OR_RETURN(o.kind, ingest::ParseImportKind(a.kind));
  o.encoding = a.encoding;
  o.sheet = a.sheet;
  o.format = a.format;
  o.force = a.force;
  o.batch_rows = a.batch_rows;
  if (a.batch_rows <= 0) return InvalidArgumentError("--batch-rows must be positive");
  if (!a.mapping.empty()) {
    auto text = ReadFileToString(a.mapping);
    if (!text.ok()) return NotFoundError("cannot read the mapping file " + a.mapping);
    auto m = ingest::ParseMappingToml(*text);
    if (!m.ok()) return Status(m.status().code(), a.mapping + ": " + std::string(m.status().message()));
    o.mapping = std::move(m).value();
  }
  if (!a.import_date.empty()) {
    auto d = Date::Parse(a.import_date);
    if (!d.ok()) return InvalidArgumentError("--import-date must be YYYY-MM-DD");
    o.import_date = *d;
  }
  return o;
}

std::string Human(const ingest::ImportReport& r, bool scan) {
  std::string s = scan ? "扫描 (scan) " : "导入 (import) ";
  s += r.source + " [" + r.format + ", " + r.encoding + ", " + r.kind + "]\n";
  s += "  rows read " + std::to_string(r.rows_read) + ", rejected " +
       std::to_string(r.rows_rejected) + ", imported " + std::to_string(r.rows_imported) + "\n";
  if (r.kind == "customers") {
    s += "  subjects created " + std::to_string(r.subjects_created) + ", rows merged " +
         std::to_string(r.rows_merged) + ", shared contact " + std::to_string(r.shared_contact) +
         ", minors " + std::to_string(r.minors) + "\n";
    s += "  ID numbers valid " + std::to_string(r.id_number.valid) + " (converted15 " +
         std::to_string(r.id_number.converted15) + "), invalid " +
         std::to_string(r.id_number.invalid) + " (bad checksum " +
         std::to_string(r.id_number.bad_checksum) + ", Excel-mangled " +
         std::to_string(r.id_number.excel_mangled) + ")\n";
    s += "  notes with personal information " + std::to_string(r.free_text_pii) + "\n";
  } else {
    s += "  rows matched " + std::to_string(r.rows_merged) + ", unmatched " +
         std::to_string(r.rows_unmatched) + "\n";
  }
  for (const auto& [name, c] : r.fields) {
    if (c.present == 0) continue;
    s += "  " + name + ": present " + std::to_string(c.present) + ", valid " +
         std::to_string(c.valid) + ", invalid " + std::to_string(c.invalid) + "\n";
  }
  size_t shown = 0;
  for (const auto& rej : r.rejected) {
    if (++shown > 20) {
      s += "  ... (" + std::to_string(r.rows_rejected - 20) + " more rejected rows; see --json)\n";
      break;
    }
    s += "  rejected row " + std::to_string(rej.row) + ": " + rej.reason + "\n";
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", r.seconds);
  s += std::string("  ") + secs + " s\n";
  return s;
}

void RunImport(CommandContext& ctx, const ImportArgs& a) {
  auto o = MakeOptions(a);
  if (ctx.FailIfError(o.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  std::unique_ptr<Progress> bar;
  o->progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<Progress>(ctx, "导入 (import)", total);
    bar->Update(done);
  };
  o->finishing = [&] {
    if (bar) bar->Done();
    bar.reset();
    if (ctx.Interactive()) {
      std::fputs("写入最后一批并建立索引 (writing the last batch and building the index)…\n",
                  stderr);
    }
  };
  auto r = ingest::ImportFile(**v, *o);
  if (bar) bar->Done();
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kAlreadyExists && ctx.opts.json) {
      auto prev = ingest::FindCompletedImport(**v, *o);
      nlohmann::json doc = {{"ok", false},
                            {"error",
                             {{"code", std::string(StatusCodeName(r.status().code()))},
                              {"message", std::string(r.status().message())}}}};
      if (prev.ok() && prev->has_value()) {
        nlohmann::json rep = nlohmann::json::parse((*prev)->report_json, nullptr, false);
        if (rep.is_object()) {
          rep.erase("source_id");
          rep.erase("progress");
          doc["previous_report"] = rep;
        }
      }
      *ctx.err << "jadevault: error: " << r.status().message() << "\n";
      *ctx.out << doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      ctx.out->flush();
      ctx.exit_code = ExitCodeFor(r.status());
      return;
    }
    ctx.Fail(r.status());
    return;
  }
  if (r->resumed && !ctx.opts.json) {
    *ctx.err << "jadevault: resumed an interrupted import of this file\n";
  }
  nlohmann::json doc = r->ToJson();
  doc["ok"] = true;
  ctx.Report(doc, Human(*r, false));
}

void RunScan(CommandContext& ctx, const ImportArgs& a) {
  auto o = MakeOptions(a);
  if (ctx.FailIfError(o.status())) return;
  auto r = ingest::ScanFile(*o, *ctx.clock);
  if (ctx.FailIfError(r.status())) return;
  nlohmann::json doc = r->report.ToJson();
  nlohmann::json cols = nlohmann::json::array();
  for (size_t c = 0; c < r->report.mapping.size(); ++c) {
    const ingest::ColumnMapping& m = r->report.mapping[c];
    nlohmann::json col = {
        {"column", m.column + 1},
        {"header", m.header},
        {"field", m.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.field)},
        {"how", std::string(ingest::MappedByName(m.how))}};
    if (c < r->columns.size()) {
      const ingest::ColumnStats& st = r->columns[c];
      col["sampled"] = st.sampled;
      col["non_empty"] = st.non_empty;
      nlohmann::json det = nlohmann::json::object();
      for (const auto& [name, n] : st.detectors) {
        det[name] = {{"matches", n},
                     {"ratio", st.non_empty > 0 ? static_cast<double>(n) /
                                                      static_cast<double>(st.non_empty)
                                                : 0.0}};
      }
      col["detectors"] = det;
    }
    cols.push_back(std::move(col));
  }
  doc["columns"] = std::move(cols);
  doc["stored"] = false;
  doc["ok"] = true;
  std::string human = Human(r->report, true) + "  proposed mapping:\n";
  for (const ingest::ColumnMapping& m : r->report.mapping) {
    human += "    " + std::to_string(m.column + 1) + " \"" + m.header + "\" -> " +
             (m.field.empty() ? std::string("(none)") : m.field) + " [" +
             std::string(ingest::MappedByName(m.how)) + "]\n";
  }
  ctx.Report(doc, human);
}

void AddCommonOptions(CLI::App* cmd, ImportArgs& a) {
  cmd->add_option("FILE", a.file, "CSV, TSV, XLSX or JSON Lines file")->required();
  cmd->add_option("--kind", a.kind, "customers (default), transactions, items, balances")
      ->check(CLI::IsMember({"customers", "transactions", "items", "balances"}));
  cmd->add_option("--encoding", a.encoding, "utf-8, gb18030 (gbk), utf-16 (default: detect)");
  cmd->add_option("--sheet", a.sheet, "XLSX sheet name (default: the first)");
  cmd->add_option("--format", a.format, "csv, tsv, xlsx, jsonl (default: from the file)");
  cmd->add_option("--mapping", a.mapping, "TOML file overriding the column mapping");
  cmd->add_option("--import-date", a.import_date, "validate as of this date (YYYY-MM-DD)")
      ->group("");
}

}  // namespace

void RegisterImportCommands(CLI::App& app, CommandContext& ctx) {
  auto ia = std::make_shared<ImportArgs>();
  CLI::App* imp = app.add_subcommand("import", "import a customer / transaction / item / "
                                               "balance export into the vault");
  AddCommonOptions(imp, *ia);
  imp->add_flag("--force", ia->force, "import a file whose content was already imported");
  imp->add_option("--batch-rows", ia->batch_rows, "rows per committed batch")->group("");
  imp->callback([&ctx, ia] { RunImport(ctx, *ia); });

  auto sa = std::make_shared<ImportArgs>();
  CLI::App* scan = app.add_subcommand(
      "scan", "propose the column mapping and count what an import would do (stores nothing)");
  AddCommonOptions(scan, *sa);
  scan->callback([&ctx, sa] { RunScan(ctx, *sa); });
}

}  // namespace jv::cli
