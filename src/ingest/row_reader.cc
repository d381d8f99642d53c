#include "src/ingest/row_reader.h"

#include <fstream>

#include "src/common/strings.h"
#include "src/ingest/csv_reader.h"
#include "src/ingest/jsonl_reader.h"
#include "src/ingest/xlsx_reader.h"

namespace jv::ingest {

namespace {

std::string Extension(const std::string& path) {
  size_t slash = path.find_last_of('/');
  size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return ToLowerAscii(path.substr(dot + 1));
}

// The format from the first bytes, for files whose extension says nothing.
std::string SniffFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[64] = {};
  in.read(head, sizeof head);
  std::string_view h(head, static_cast<size_t>(in.gcount()));
  if (h.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return "xlsx";
  if (h.substr(0, 3) == "\xEF\xBB\xBF") h.remove_prefix(3);
  size_t i = h.find_first_not_of(" \t\r\n");
  if (i != std::string_view::npos && h[i] == '{') return "jsonl";
  return "csv";
}

}  // namespace

Result<std::string> FormatFromFileName(const std::string& name) {
  std::string ext = Extension(name);
  if (ext == "csv" || ext == "txt") return std::string("csv");
  if (ext == "tsv" || ext == "tab") return std::string("tsv");
  if (ext == "xlsx" || ext == "xlsm") return std::string("xlsx");
  if (ext == "jsonl" || ext == "ndjson") return std::string("jsonl");
  if (ext == "xls") {
    return InvalidArgumentError(
        "legacy .xls workbooks are not supported; save the file as .xlsx or CSV");
  }
  return std::string();
}

Result<std::unique_ptr<RowReader>> OpenRowReader(const std::string& path,
                                                 const ReaderOptions& options) {
  std::string format = ToLowerAscii(options.format);
  if (format.empty()) {
    JV_ASSIGN_OR_RETURN(format, FormatFromFileName(path));
    if (format.empty()) format = SniffFormat(path);
  }
  ReaderOptions opts = options;
  opts.format = format;
  if (format == "csv" || format == "tsv") {
    JV_ASSIGN_OR_RETURN(auto r, CsvReader::Open(path, opts));
    return std::unique_ptr<RowReader>(std::move(r));
  }
  if (format == "xlsx") return OpenXlsxReader(path, opts);
  if (format == "jsonl") return OpenJsonlReader(path, opts);
  return InvalidArgumentError("unknown format (use csv, tsv, xlsx or jsonl)");
}

}  // namespace jv::ingest
