// The import pipeline (SPEC §5): file -> reader -> mapping -> normalization and validation
// (§5.3) -> subject resolution (§5.4) -> encrypted records and blind indexes in the vault
// -> the report (§5.5). Also `scan`, the same pipeline with nothing stored.
//
// ImportFile, step by step (docs/design/import.md):
//  1. Hash the file (the vault suite's hash). If a source with this hash and kind is
//     "complete", refuse with kAlreadyExists unless `force`; if one is "running" (an
//     interrupted import), resume it (its saved mapping, import date and counts are used).
//  2. Read the whole file once without storing anything: any file-level problem (not a
//     workbook, truncated, binary, a row over the size limit, a header that cannot be
//     decoded) fails here with kInvalidArgument / kDataLoss naming the file and where, and
//     the vault is not touched. The first `sample_rows` rows are the sample for columns
//     whose header is unknown.
//  3. Read it again and import in batches of `batch_rows` rows. Each batch is one store
//     transaction holding its subjects, data keys, records, blind indexes, and the
//     source's progress (rows consumed, running counts, status "running"); the last one
//     also sets status "complete" and appends the one audit entry of the import ("import",
//     counts and file hash, no personal data). A crash loses at most the open batch; the
//     next run resumes after the last committed row and ends with the same report.
//
// What is stored: one AEAD record per row and key class (customers: class "profile"; see
// KeyClassForKind) holding every present cell — valid values in canonical form (mobile 11
// digits, ID 18 characters, e-mail lower-case, dates YYYY-MM-DD, amounts integer fen),
// other values as normalized (NFKC, trimmed), their field names listed under "_invalid";
// extra columns of an already-filled field as "<field>.c<N>", unmapped columns as "c<N>"
// (N = 1-based column). Blind indexes over the canonical forms: id_number, mobile, email,
// bank_card (valid values only), name and member_no (CanonicalName / CanonicalMemberNo).
// Subject attributes in the clear are non-identifying only: store, province and city
// code (from the ID number's region, else from the address), minor flag, categories,
// has_id, the last source that touched it.
//
// Other kinds attach rows to existing subjects (SubjectResolver::Match); rows that match
// nobody are kept as records of one placeholder subject per source (state "unmatched")
// and listed in the report's "unmatched".
//
// Errors: kNotFound (no such file), kInvalidArgument (bad options, a bad mapping file, a
// file-level problem), kDataLoss (damaged archive), kAlreadyExists (already imported),
// store errors (kUnavailable, kInternal) and kDataLoss for a vault record that fails
// authentication while resuming. Messages name the file, row and column, never a value.
// Thread-safety: none; one import at a time per vault (batches take the write lock).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/date.h"
#include "src/common/result.h"
#include "src/ingest/import_report.h"
#include "src/ingest/mapping.h"
#include "src/store/store.h"
#include "src/vault/vault.h"

namespace jv::ingest {

// Data-key class of the records of each kind: customers "profile", transactions
// "accounting_30y", balances "prepaid_5y", items "customer_items".
std::string_view KeyClassForKind(ImportKind kind);

struct ImportOptions {
  std::string path;
  // What the report ("source") and error messages call the file; "" = `path`. The server
  // reads an upload from memory (/proc/self/fd/N) and names it by the browser's file name.
  std::string name;
  ImportKind kind = ImportKind::kCustomers;
  std::string format;    // "" = from the extension / content
  std::string encoding;  // --encoding ("" = detect)
  std::string sheet;     // --sheet (XLSX)
  std::optional<MappingOverride> mapping;  // --mapping
  bool force = false;
  int64_t batch_rows = 20000;
  size_t sample_rows = 1000;
  // The date §5.3 validates against; default: today in China (UTC+8) from the clock.
  std::optional<Date> import_date;
  // Called now and then with (rows done, rows in the file); the last call is (n, n).
  std::function<void(int64_t, int64_t)> progress;
  // Called once, after the last progress call, when every row has been read and the last
  // batch starts: it also builds the blind index on a vault's first import, which takes
  // seconds per million rows with no row left to count. May be empty.
  std::function<void()> finishing;
  // Tests: called after each committed batch with the rows consumed so far; an error
  // stops the import there, as a crash would.
  std::function<Status(int64_t)> after_batch_for_test;
};

// Imports into an open vault; returns the report (counts of the whole import, also when
// it was resumed).
Result<ImportReport> ImportFile(vault::Vault& v, const ImportOptions& options);

// The completed import of the same file (hash) and kind, if any: what a refused re-import
// can show.
Result<std::optional<store::SourceRow>> FindCompletedImport(vault::Vault& v,
                                                            const ImportOptions& options);

struct ScanResult {
  ImportReport report;  // the counts an import into an empty vault would give
  std::vector<ColumnStats> columns;  // per column, for the sample
};

// `scan`: the proposed mapping, per-column statistics and the counts, nothing stored.
Result<ScanResult> ScanFile(const ImportOptions& options, Clock& clock);

// Blind-index canonical forms of the fields without a validator: NFKC, trimmed, every
// white space removed, ASCII lower-case (name) / upper-case (member number). "" if the
// cell is empty or not valid UTF-8.
std::string CanonicalName(std::string_view cell);
std::string CanonicalMemberNo(std::string_view cell);

// The current value of every field of a subject from its records (oldest first, as
// Vault::ReadRecords returns them), considering only records of `key_class`: the newest
// non-empty VALID value of each field (SPEC §5.4 "the newest non-empty value is current";
// a later invalid value — an Excel-mangled ID, a mistyped mobile — does not displace a
// valid one), else the newest non-empty value. Keys starting with '_' are skipped. A valid
// current ID number supplies birth_date (an ID-derived birth date wins over the
// birth-date column, §5.3) and, if there is none, gender.
std::map<std::string, nlohmann::json> CurrentValues(
    const std::vector<vault::DecryptedRecord>& records, std::string_view key_class,
    const Date& today);

}  // namespace jv::ingest
