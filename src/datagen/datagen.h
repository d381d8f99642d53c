// datagen: realistic, messy, synthetic jewelry-company POS/CRM exports (issue 3), written
// together with the exact import report (SPEC §5.5) the importer must produce for them.
//
// Generate() writes `options.out` and `options.out + ".expected.json"`. Every value is
// synthetic (population.h). Every row is built from an intended state per cell (absent,
// valid in one of many spellings, invalid in a known way; a notes cell with or without
// personal information; a row to reject), and the expected counts are accumulated from
// those intentions — never by running the classify validators over the output (the unit
// tests do that, as an independent second view). Subjects, merges and shared contacts
// come from HouseholdSim (SPEC §5.4 replayed per household).
//
// Streaming: rows are written as they are made; memory holds the households whose rows
// are still pending (bounded by the repeat window, not by `rows`) and the list of
// rejected rows (their number and reason, as the report lists them). XLSX with shared
// strings is the exception: libxlsxwriter keeps that sheet in memory.
//
// The meaning of every count, and the decisions where SPEC §5 leaves room, are written
// down in docs/design/datagen.md.
//
// Thread-safety: Generate is reentrant (no global state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/date.h"
#include "src/common/result.h"

namespace jv::datagen {

// The rates of the quirks, each a probability in [0, 1] (see docs/design/datagen.md for
// what each one does). Defaults give a small share of every quirk at any size >= 5,000.
struct QuirkRates {
  // Rows.
  double reject_field_count = 0.002;   // CSV/TSV only: a row with a field too many / few
  double reject_no_identifier = 0.002;  // a row without name/mobile/id/email/address/member_no
  // Households and persons.
  double family = 0.04;       // 2–3 persons sharing one mobile, each with an ID number
  double email_only = 0.02;   // a person without a mobile, known by e-mail
  double minor = 0.01;        // a child under 14 (one row)
  double has_id = 0.8;        // a person whose ID number the company recorded
  double has_email = 0.35;
  // ID number cells of a person who has one.
  double id_absent = 0.08;
  double id_absent_first_row = 0.3;  // first row of a repeat customer: the §5.4 "takes" case
  double id_converted15 = 0.02;
  double id_bad_checksum = 0.01;
  double id_excel_mangled = 0.01;
  double id_invalid = 0.005;         // wrong province or impossible date (check digit fine)
  double id_spaced = 0.01;
  double id_lower_x = 0.5;           // of IDs ending in X
  double id_garbage = 0.05;          // ID cell of a person without one: "无", "/" …
  // Mobile and e-mail.
  double mobile_absent = 0.03;
  double mobile_invalid = 0.02;
  double mobile_prefixed = 0.05;     // +86 / 0086 / 86 …, with - and spaces
  double mobile_spaced = 0.02;
  double email_absent = 0.2;
  double email_upper = 0.1;
  double email_invalid = 0.02;
  // Other cells.
  double fullwidth = 0.01;           // digits and letters as full-width forms
  double padded = 0.01;              // leading/trailing spaces or U+3000
  double blank_spaces = 0.005;       // a cell holding only spaces (absent after trim)
  double date_invalid = 0.01;
  double xlsx_date_cell = 0.3;       // XLSX: a date written as a real date cell
  double bank_card_invalid = 0.05;
  double amount_invalid = 0.005;
  double notes = 0.25;               // share of rows with a note
  double notes_pii = 0.3;            // of notes: a mobile / ID / card / e-mail inside
  double notes_digits = 0.2;         // of notes: long digit runs that are NOT PII
  double notes_multiline = 0.1;      // of notes: embedded line break and quotes
};

// Sets the rate called `name` (a field name above, e.g. "family"). Returns
// kInvalidArgument for an unknown name or a value outside [0, 1].
Status SetQuirkRate(QuirkRates* rates, std::string_view name, double value);
// The names SetQuirkRate accepts.
std::vector<std::string> QuirkRateNames();

struct Options {
  int64_t rows = 1000;               // data rows, header excluded (1 .. 4,000,000)
  std::string out;                   // output path
  std::string format;                // csv | tsv | xlsx | jsonl; "" = from `out`'s extension
  std::string encoding = "utf-8";    // utf-8 | utf-8-bom | gb18030 | utf-16le (not XLSX)
  std::string kind = "customers";    // customers | transactions | items | balances
  uint64_t seed = 1;
  std::string xlsx_strings = "shared";  // shared | inline
  std::string line_ending = "crlf";  // crlf | lf
  Date import_date;                  // the date the expected report is valid for
  int profile = -1;                  // POS vendor header profile 0..2; -1 = from the seed
  QuirkRates rates;
};

struct FieldCount {
  int64_t present = 0, valid = 0, invalid = 0;
};

struct IdCounts {
  // valid includes converted15; invalid includes bad_checksum and excel_mangled, so
  // valid + invalid = fields.id_number.present.
  int64_t valid = 0, converted15 = 0, bad_checksum = 0, excel_mangled = 0, invalid = 0;
};

struct RejectedRow {
  int64_t row;        // 1-based data row number
  std::string reason;
};

// What the import report (SPEC §5.5) must say for the generated file, imported into a
// vault that holds no subject yet.
struct ExpectedReport {
  std::string source;    // file name (no directory)
  std::string format;    // csv | tsv | xlsx | jsonl
  std::string encoding;  // as the reader reports it: utf-8, utf-8-bom, gb18030, utf-16le
  std::string kind;
  Date import_date;
  int64_t rows_read = 0, rows_rejected = 0, rows_imported = 0;
  int64_t subjects_created = 0, rows_merged = 0, shared_contact = 0, minors = 0;
  std::vector<std::string> field_names;  // canonical names, in column order
  std::vector<FieldCount> fields;        // parallel to field_names
  IdCounts id_number;
  int64_t free_text_pii = 0;
  std::vector<RejectedRow> rejected;  // at most kMaxListedRejected
  bool rejected_truncated = false;
  // Kinds other than customers: imported rows that match no subject (all of them, for a
  // vault without matching subjects); "rows_matched" = rows_merged.
  int64_t rows_unmatched = 0;
  // Not part of the report: what was generated.
  std::vector<std::string> header;
  int profile = 0;
  uint64_t seed = 0;
  int64_t persons = 0, households = 0;
};

// The expected.json document: the §5.5 keys, plus "import_date" and a "datagen" object
// (seed, profile, header, persons, households) that the report does not have.
nlohmann::json ExpectedToJson(const ExpectedReport& e);

// The reason the importer gives for a row without any identifying field (src/ingest/
// importer.cc; the reader's "expected N fields, found M" is the other reason).
inline constexpr std::string_view kNoIdentifierReason =
    "none of name, mobile, id_number, email, address, member_no is present";
// The importer lists at most this many rejected rows (the count stays exact).
inline constexpr size_t kMaxListedRejected = 10000;

// Writes the file and its .expected.json. Returns kInvalidArgument for bad options
// (rows out of range, unknown format/encoding/kind, a non-UTF-8 encoding with XLSX, more
// than 1,048,575 XLSX rows), kNotFound if the output cannot be created, kInternal for an
// I/O or library failure.
Result<ExpectedReport> Generate(const Options& options);

}  // namespace jv::datagen
