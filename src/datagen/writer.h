// TableWriter: writes the generated rows as CSV/TSV (in UTF-8, UTF-8 with BOM, GB18030 or
// UTF-16LE with BOM), JSON Lines, or XLSX (libxlsxwriter), streaming.
//
// Cells are UTF-8 text, or, for XLSX only, a number or a date cell (number format
// yyyy-mm-dd); other formats write a number/date cell's `text`.
// CSV/TSV quote a field that holds the delimiter, a quote, CR or LF (quotes doubled), or
// every field when `quote_all`. Rows may have any number of cells (the generator writes
// rows with a wrong field count on purpose; JSONL and XLSX refuse them with kInternal).
// Text is encoded in blocks of about 1 MiB (ICU ucnv for GB18030 and UTF-16LE), so memory
// does not grow with the file, except XLSX with shared strings, where libxlsxwriter keeps
// the whole sheet in memory until Close (inline strings use its constant_memory mode).
//
// Errors: Open/WriteRow/Close return kInvalidArgument for an unknown format, encoding or
// line ending, kNotFound if the file cannot be created, kInternal for an I/O or library
// failure (messages name the file, never a cell).
// Thread-safety: none; one owner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/common/date.h"
#include "src/common/result.h"

namespace jv::datagen {

struct Cell {
  enum class Kind { kText, kNumber, kDate };
  Kind kind = Kind::kText;
  std::string text;   // kText; also the fallback spelling for non-XLSX formats
  double number = 0;  // kNumber
  Date date;          // kDate

  void SetText(std::string s) {
    kind = Kind::kText;
    text = std::move(s);
  }
};

struct WriterOptions {
  std::string format = "csv";         // csv | tsv | xlsx | jsonl
  std::string encoding = "utf-8";     // utf-8 | utf-8-bom | gb18030 | utf-16le (text formats)
  std::string line_ending = "crlf";   // crlf | lf (text formats)
  std::string xlsx_strings = "shared";  // shared | inline
  bool quote_all = false;             // CSV/TSV
};

class TableWriter {
 public:
  virtual ~TableWriter() = default;
  // Writes the header (text cells) — must be called once, first.
  virtual Status WriteHeader(const std::vector<std::string>& header) = 0;
  virtual Status WriteRow(const std::vector<Cell>& cells) = 0;
  // Flushes and closes the file; the writer must not be used afterwards.
  virtual Status Close() = 0;
};

Result<std::unique_ptr<TableWriter>> OpenTableWriter(const std::string& path,
                                                     const WriterOptions& options);

}  // namespace jv::datagen
