// Reports (SPEC §9): one model — titled tables of counts, some drawn as bar charts — built
// from the vault, and four renderers that print the same numbers: JSON, CSV, printable HTML
// (zh-CN by default, English with lang "en", charts as inline SVG) and XLSX (libxlsxwriter,
// one worksheet per table). Reports hold counts, ids, codes and dates: no personal
// information, so any role may read them.
//
// Builders: checklist, summary, inventory, campaign, ropa (builders.cc); claims, retention,
// certificate, audit (builders_claims.cc, builders_records.cc); requests (builders_requests.cc:
// the rights-requests queue, subject ids masked). Errors: store errors from the
// builders; kInternal when an XLSX file cannot be written; kInvalidArgument for an unknown report,
// format or language. The claims report decrypts claim amounts and items (audited "claims.list",
// "items.list", "liquidation.creditors"); the retention report plans (audited
// "retention.plan"); the others only read.
// Thread-safety: builders use the vault (one thread); renderers are pure.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "src/common/date.h"
#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::report {

struct Column {
  std::string key;  // JSON key, "status"
  std::string zh, en;
};

struct Table {
  std::string id;  // JSON key and worksheet name (<= 31 chars)
  std::string zh, en;
  std::vector<Column> columns;
  std::vector<std::vector<nlohmann::json>> rows;  // each cell a string or an integer
  int chart_value_column = -1;  // >= 0: draw a bar chart of this column against column 0
};

struct Report {
  std::string kind;  // "checklist" | "summary" | …
  std::string zh, en;
  std::string generated_at;
  std::string vault_company;
  std::vector<Table> tables;
};

// The report kinds `report` knows.
const std::vector<std::string>& ReportKinds();
struct ReportOptions {
  std::optional<Date> as_of;  // retention: the plan's date (default: today, China time)
};
Result<Report> BuildReport(vault::Vault& v, const std::string& kind,
                           const ReportOptions& options = {});

// {"report": kind, "title": {zh,en}, "generated_at", "tables": {id: [{key: cell}]}}
nlohmann::json RenderJson(const Report& r);
// Per table: "# id" line, header row (keys), data rows; RFC 4180 quoting; tables separated
// by a blank line.
std::string RenderCsv(const Report& r);
std::string RenderHtml(const Report& r, const std::string& lang);
Status WriteXlsx(const Report& r, const std::string& path, const std::string& lang);

// Renders `r` in `format` (json|csv|html|xlsx) to `path` (0644).
Status WriteReport(const Report& r, const std::string& format, const std::string& lang,
                   const std::string& path);

}  // namespace jv::report
