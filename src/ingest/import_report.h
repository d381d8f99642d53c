// ImportReport: the counts of one import or scan (SPEC §5.5), and their JSON form.
//
// Every key of §5.5 is always present. Definitions (docs/design/import.md):
//   rows_read        data rows the reader returned (header and blank lines excluded; a
//                    quoted field spanning lines is one row), rejected ones included.
//   rows_rejected    rows with a reader error (field count, undecodable bytes) or, for
//                    customers, with none of name, mobile, id_number, email, address,
//                    member_no present after normalization.
//   rows_imported    rows_read - rows_rejected.
//   subjects_created subjects this import created (customers only).
//   rows_merged      imported rows that joined a subject that already existed (created by
//                    an earlier row of this file or by an earlier import); for customers
//                    rows_imported = subjects_created + rows_merged. For other kinds: rows
//                    matched to a subject.
//   shared_contact   rows with a valid ID number that created a subject because their
//                    contact belongs only to subjects with other ID numbers (§5.4).
//   minors           subjects created or updated by this import whose current birth date
//                    (from the ID number if it has one, else the newest valid birth-date
//                    cell) makes them under 14 on the import date.
//   fields           per field of the kind: present / valid / invalid cells of imported
//                    rows (every column mapped to the field counts). Text fields without a
//                    rule (name, address, store, notes, ...) count every present cell
//                    valid. id_number: valid includes converted15.
//   id_number        outcomes of the present ID cells: valid (incl. converted15),
//                    converted15, bad_checksum, excel_mangled, invalid (everything not
//                    valid, so incl. bad_checksum and excel_mangled).
//   free_text_pii    notes cells holding a mobile, 18-digit ID, card number or e-mail.
//   rejected         [{row, reason}] in row order; at most kMaxListed entries (the count is
//                    always exact; "rejected_truncated" says whether the list is cut).
// Extra keys: file_hash, format, import_date, mapping, birth_date_conflicts,
// rejected_truncated; other kinds: rows_matched (= rows_merged), rows_unmatched, unmatched
// (row numbers). Deliberately absent: the source id and whether the run resumed, so that a
// resumed import prints exactly what an uninterrupted one does (apart from "seconds").
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/ingest/mapping.h"

namespace jv::ingest {

struct FieldCounts {
  int64_t present = 0;
  int64_t valid = 0;
  int64_t invalid = 0;
};

struct IdNumberCounts {
  int64_t valid = 0;  // incl. converted15
  int64_t converted15 = 0;
  int64_t bad_checksum = 0;
  int64_t excel_mangled = 0;
  int64_t invalid = 0;  // incl. bad_checksum and excel_mangled
};

struct RejectedRow {
  int64_t row = 0;
  std::string reason;  // never a cell value
};

struct ImportReport {
  static constexpr size_t kMaxListed = 10000;

  std::string source;     // the file as named on the command line
  std::string source_id;  // "src_..." ("" for scan); not in ToJson
  std::string file_hash;  // hex
  std::string format;     // csv | tsv | xlsx | jsonl
  std::string encoding;   // utf-8 | utf-8-bom | gb18030 | utf-16le | utf-16be
  std::string kind = "customers";
  std::string import_date;  // YYYY-MM-DD (China time), the date §5.3 validates against

  int64_t rows_read = 0;
  int64_t rows_rejected = 0;
  int64_t rows_imported = 0;
  int64_t subjects_created = 0;
  int64_t rows_merged = 0;
  int64_t shared_contact = 0;
  int64_t minors = 0;
  int64_t birth_date_conflicts = 0;
  int64_t rows_unmatched = 0;
  std::vector<int64_t> unmatched;  // row numbers, at most kMaxListed

  std::map<std::string, FieldCounts> fields;  // every field of the kind
  IdNumberCounts id_number;
  int64_t free_text_pii = 0;
  std::vector<RejectedRow> rejected;
  bool rejected_truncated = false;

  std::vector<ColumnMapping> mapping;
  bool resumed = false;  // not in ToJson
  double seconds = 0;

  // Adds a rejected row (listing it while fewer than kMaxListed are listed).
  void Reject(int64_t row, std::string reason);
  void Unmatched(int64_t row);

  nlohmann::json ToJson() const;
  // Inverse of ToJson (used to resume a running import). kDataLoss if malformed.
  static Result<ImportReport> FromJson(const nlohmann::json& j);
};

// A report with every field of `kind` at zero.
ImportReport EmptyReport(ImportKind kind);

}  // namespace jv::ingest
