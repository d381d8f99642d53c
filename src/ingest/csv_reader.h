// CsvReader: a streaming RFC 4180 reader for CSV and TSV files (SPEC §5.1).
//
// Accepts ',' or '\t' delimiters, CR, LF and CRLF line ends (mixed), fields quoted with
// '"' that may hold delimiters, line breaks and doubled quotes, and a last line without a
// line end. Lenient where RFC 4180 is silent: a '"' inside an unquoted field is literal,
// and text after a closing quote is appended to the field. Empty lines (no bytes between
// two line ends) are skipped and not counted as rows; a line of delimiters only is a row.
//
// The text is decoded to UTF-8 in large blocks (encoding.h) and parsed from a window that
// holds at least one whole row; rows are parsed straight into the caller's Row, whose
// strings are reused. Memory: one block (1 MiB by default) plus the longest row.
//
// Errors (see row_reader.h for the two tiers):
//  * row: "expected N fields, found M"; "invalid UTF-8 bytes in column C" (or GB18030 /
//    UTF-16). The field-count error wins when both apply.
//  * file (kInvalidArgument): "empty file: no header"; "line L: header is not valid
//    <encoding>"; "line L: NUL byte: binary data, not a text file"; "line L, column C:
//    quoted field not closed before the end of the file"; "line L: row longer than N
//    bytes (a missing line end or an unclosed quote?)".
// Line numbers are physical lines (CR, LF and CRLF each end one), 1-based.
//
// Thread-safety: none.
#pragma once

#include <memory>
#include <string>

#include "src/common/result.h"
#include "src/ingest/encoding.h"
#include "src/ingest/row_reader.h"

namespace jv::ingest {

class CsvReader : public RowReader {
 public:
  // Opens a file, detects encoding and delimiter, and reads the header.
  // Returns kNotFound / kInvalidArgument as described above.
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path,
                                                 const ReaderOptions& options);
  // The same over bytes in memory (tests, fuzzing).
  static Result<std::unique_ptr<CsvReader>> FromString(std::string data,
                                                       const ReaderOptions& options);

  Result<bool> Next(Row* row) override;
  const std::vector<std::string>& Header() const override { return header_; }
  double Progress() const override;
  std::string Encoding() const override;
  std::string Format() const override { return delim_ == '\t' ? "tsv" : "csv"; }

  char delimiter() const { return delim_; }
  // Bytes held by the read window (to check that memory does not grow with the file).
  size_t BufferCapacityForTest() const { return buf_->CapacityForTest(); }

 private:
  enum class Parsed { kRow, kBlank, kNeedMore, kEnd };

  CsvReader() = default;
  static Result<std::unique_ptr<CsvReader>> Init(std::unique_ptr<TextStream> stream,
                                                 const ReaderOptions& options);
  Status DetectDelimiter();
  // Reads one record (or blank line) into row->cells; handles refills and limits.
  // Sets *bad_column (1-based, 0 = none) for the first cell holding undecodable bytes.
  Result<bool> ReadRecord(Row* row, int64_t* start_line, size_t* bad_column);
  // Parses one record from [p, e). Pure function of the window.
  Parsed ParseRecord(const char* p, const char* e, bool eof, std::vector<std::string>* cells,
                     size_t* consumed, int64_t* lines, size_t* bad_column,
                     Status* error) const;
  std::string InvalidBytesWhat() const;
  Status TooLong() const;

  std::unique_ptr<TextBuffer> buf_;
  char delim_ = ',';
  bool special_[256] = {};
  std::vector<std::string> header_;
  int64_t line_ = 1;     // physical line at the window start
  int64_t rows_ = 0;     // data rows returned
  bool done_ = false;
};

}  // namespace jv::ingest
