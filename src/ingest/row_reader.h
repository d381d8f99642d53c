// RowReader: the rows of an imported file (CSV/TSV, XLSX, JSON Lines), one at a time.
//
// A reader streams: memory is bounded by the longest row (and, for XLSX, the workbook's
// shared-strings table), never by the file size. Cells are UTF-8 exactly as found in
// the file, NOT yet normalized (NFKC/trim is the importer's job, SPEC §5.3).
//
// Two tiers of problems (SPEC §5.4, docs/design/ingest_readers.md):
//  * Row-level: the field count differs from the header's, or a cell cannot be decoded in
//    the file's detected encoding. Next() returns true with `row.error` set ("expected 18 fields,
//    found 16", "invalid GB18030 bytes in column 3"); the importer reports and skips the
//    row, and the reader goes on with the next one.
//  * File-level: not what it claims to be (not a ZIP, truncated XLSX, binary data, a
//    missing sheet, an unclosed quote at the end, a row longer than the limit, bytes
//    invalid in the encoding ReaderOptions::encoding declared). Open() or
//    Next() returns kInvalidArgument (or kDataLoss for a damaged archive) whose message
//    says where ("line 812: ...", "xl/worksheets/sheet1.xml line 40: ..."). After a
//    file-level error the reader must not be used again.
// No message ever quotes a cell value.
//
// Thread-safety: none; one thread uses a reader at a time. Readers own their file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/common/result.h"

namespace jv::ingest {

struct Row {
  // 1-based data-row number (header excluded, skipped blank rows not counted): the
  // number users see in the import report.
  int64_t row_no = 0;
  // Where the row starts: the physical line (CSV, JSONL) or the sheet row number (XLSX).
  int64_t line_no = 0;
  // One cell per header column (XLSX pads missing trailing cells with ""). For a row with
  // an error the cells are unspecified (undecodable cells are emptied) and must not be
  // imported.
  std::vector<std::string> cells;
  // Set when the row must be rejected; names columns by 1-based number, never by value.
  std::optional<std::string> error;
};

class RowReader {
 public:
  virtual ~RowReader() = default;

  // Reads the next row into `*row` (reusing its storage). Returns false at the end of
  // the data. File-level problems: kInvalidArgument / kDataLoss (see above).
  virtual Result<bool> Next(Row* row) = 0;

  // The header cells (CSV/TSV: the first non-blank line; XLSX: the first non-empty row;
  // JSONL: the keys of the first object). Available as soon as the reader is open.
  virtual const std::vector<std::string>& Header() const = 0;

  // Fraction of the input consumed, 0..1, for progress bars.
  virtual double Progress() const = 0;

  // "utf-8", "utf-8-bom", "gb18030", "utf-16le", "utf-16be" (XLSX: "utf-8").
  virtual std::string Encoding() const = 0;

  // "csv", "tsv", "xlsx" or "jsonl".
  virtual std::string Format() const = 0;
};

struct ReaderOptions {
  // "csv", "tsv", "xlsx", "jsonl"; empty = from the file extension, then from content.
  std::string format;
  // --encoding: "" / "auto", "utf-8", "gb18030", "gbk", "utf-16", "utf-16le", "utf-16be".
  std::string encoding;
  // CSV field delimiter; 0 = '\t' for .tsv / format "tsv", else detected from the header
  // line (the more frequent of ',' and '\t' outside quotes; ',' on a tie).
  char delimiter = 0;
  // XLSX: the sheet to read (--sheet); empty = the first sheet.
  std::string sheet;
  // A row (all its physical lines) longer than this is a file-level error.
  size_t max_row_bytes = 16 << 20;
  // Read block size (tests shrink it to exercise block boundaries).
  size_t chunk_bytes = 1 << 20;
};

// The format a file name's extension names: "csv" (.csv, .txt), "tsv" (.tsv, .tab),
// "xlsx" (.xlsx, .xlsm), "jsonl" (.jsonl, .ndjson), case-insensitive; "" for any other
// name (OpenRowReader then reads the format from the first bytes). kInvalidArgument for a
// legacy .xls workbook.
Result<std::string> FormatFromFileName(const std::string& name);

// Opens `path` with the reader for its format and reads the header.
// Returns kNotFound if the file does not exist; kInvalidArgument for an unknown
// --format/--encoding, a legacy .xls file, an empty file ("empty file: no header") or any
// file-level problem of the header; kDataLoss for a damaged archive.
Result<std::unique_ptr<RowReader>> OpenRowReader(const std::string& path,
                                                 const ReaderOptions& options);

}  // namespace jv::ingest
