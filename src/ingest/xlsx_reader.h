// XlsxReader: a streaming reader for one worksheet of an XLSX (Office Open XML) workbook.
//
// The archive is opened with libzip; xl/workbook.xml, its relationships, xl/styles.xml and
// xl/sharedStrings.xml are parsed with expat, then the worksheet XML is decompressed and
// parsed in 64 KiB chunks as rows are asked for (it is never extracted whole). The
// shared-strings table is held in memory (cells refer to it by index, so this is inherent
// to the format); everything else is bounded by one chunk and the longest row.
//
// Cells (ECMA-376 Part 1 §18.3.1.4): shared strings (t="s"), inline strings
// (t="inlineStr", plain <t> or rich-text runs <r><t>; phonetic <rPh> runs are dropped),
// formula strings (t="str"), booleans ("TRUE"/"FALSE"), errors ("#N/A" as written),
// ISO dates (t="d", the date part) and numbers, kept as the text stored in the file (an
// ID number stored as a number comes out as its exact digits; "4.40106E+17" stays so).
// A number whose cell style is a date format (built-in 14-17, 22, 27-31, 36, 50-54,
// 57, 58, or a custom format with y/d/m outside quotes and brackets) becomes "YYYY-MM-DD"
// (1900 system with Excel's fictitious 1900-02-29, or the date1904 system); a time-only
// format becomes "HH:MM:SS". In string cells (shared, inline, formula) the escapes
// "_xHHHH_" of ST_Xstring (Part 1 §22.9.2.19) are decoded: Excel and XlsxWriter write a
// carriage return as "_x000D_", so a CSV and an XLSX of the same data read the same.
//
// Rows: cells land in the column of their r="C5" reference (sparse rows keep their
// place). The header is the first non-empty row; its width is its last cell element, an
// empty one too (openpyxl writes <c r="C1" t="inlineStr"></c> for an empty header cell; a
// CSV writer writes the same header "a,b," with three columns).
// Data rows are padded with "" to that width; a non-empty cell beyond it makes a row error
// "expected N fields, found M". After the header every <row> element is a data row, an
// empty one too, and so is a row number that no <row> element has before a later one: a
// row of empty cells, which is what a CSV writer makes of the same row (",,,"), so the
// same data counts the same in both formats (openpyxl writes <row r="5"></row> for a row
// of None, XlsxWriter no element). Rows after the last <row> element do not exist.
// Row.line_no is the sheet row number.
//
// File-level errors: kInvalidArgument for a file that is not a ZIP archive (an encrypted
// workbook or a legacy .xls is named as such), a missing part, a missing sheet, malformed
// XML (with part and line), a DOCTYPE (refused: no entity expansion), "empty sheet: no
// header"; kDataLoss for a damaged archive entry (CRC or truncation).
//
// Thread-safety: none.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "src/common/result.h"
#include "src/ingest/row_reader.h"

namespace jv::ingest {

// Opens the workbook at `path` and reads the header of `options.sheet` (or the first
// sheet). Errors as above; kNotFound if the file does not exist.
Result<std::unique_ptr<RowReader>> OpenXlsxReader(const std::string& path,
                                                  const ReaderOptions& options);
// The same over the bytes of a workbook in memory (tests, fuzzing).
Result<std::unique_ptr<RowReader>> OpenXlsxReaderFromBuffer(std::string data,
                                                            const ReaderOptions& options);

// Exposed for tests.
enum class NumberFormatKind { kNumber, kDate, kTime };
// Classifies a number format by its id and (for custom formats) its format code.
NumberFormatKind ClassifyNumberFormat(int num_fmt_id, std::string_view format_code);
// "YYYY-MM-DD" for an Excel serial day number, or nullopt-like failure
// (kInvalidArgument) for serials that are no date (< 1, 60 in the 1900 system, > 9999).
Result<std::string> ExcelSerialToDate(double serial, bool date1904);
// "HH:MM:SS" of the fractional part of a serial.
std::string ExcelSerialToTime(double serial);
// 0-based column of a cell reference ("A1" -> 0, "AB12" -> 27); -1 if malformed or
// beyond XFD (16384 columns).
int ColumnFromCellRef(std::string_view ref);

}  // namespace jv::ingest
