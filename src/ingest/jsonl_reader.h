// JsonlReader: a streaming reader for JSON Lines files (one JSON object per line).
//
// The header is the keys of the first object, in the order written (the file cannot be
// read twice, and a union over the whole file would need all of it first). Every line,
// the first one included, is a data row; a later object may omit keys (their cells are
// "") but a key that the first object does not have makes a row error ("unknown key (key
// 5 of the object) not among the first object's 18 keys"). Values: strings as is,
// numbers as written (an 18-digit ID stays exact), true/false, null -> "". Nested objects
// or arrays make a row error. Blank lines are skipped and not counted. LF or CRLF ends a
// line. The text may be UTF-8 (with BOM), GB18030 or UTF-16 like CSV (encoding.h).
//
// Errors: row-level for a line that is not a JSON object, bad JSON ("invalid JSON at byte
// 17"), nested values, unknown or duplicate keys, undecodable bytes. File-level
// (kInvalidArgument): "empty file: no header", a first line that is not a valid flat
// object, a NUL byte, a line longer than the limit.
//
// Thread-safety: none.
#pragma once

#include <memory>
#include <string>

#include "src/common/result.h"
#include "src/ingest/row_reader.h"

namespace jv::ingest {

// Opens `path` and reads the first object. Errors as above; kNotFound if missing.
Result<std::unique_ptr<RowReader>> OpenJsonlReader(const std::string& path,
                                                   const ReaderOptions& options);
// The same over bytes in memory (tests, fuzzing).
Result<std::unique_ptr<RowReader>> OpenJsonlReaderFromString(std::string data,
                                                             const ReaderOptions& options);

}  // namespace jv::ingest
