// Internal to the SQLite store: many rows per INSERT statement (SqliteStore::InsertGrouped),
// shared by the bulk writes of subjects, data keys and records (sqlite_bulk_insert.cc) and
// of blind-index entries (sqlite_pending_merge.cc). A single-row INSERT opens its table's
// and indexes' cursors, seeks them and (AUTOINCREMENT tables) reads and rewrites
// sqlite_sequence on every step; a statement of many rows does that once per group.
//
// The statements are INSERT OR FAIL: a statement of many rows that may abort half-way
// needs a statement journal (the old contents of every page it changes, a temp file in
// bulk-load mode) to undo its own rows; FAIL keeps them, and every caller rolls its
// transaction back on an error (store.h). The error codes are those of one-row statements.
#pragma once

#include <sqlite3.h>

#include <span>
#include <string>
#include <string_view>

#include "src/store/sqlite/sqlite_store.h"

namespace jv::store {

// Rows per statement. A record has 7 parameters: 448 per statement, far below SQLite's
// limit of 32766.
inline constexpr size_t kRowsPerStatement = 64;

// "INSERT OR FAIL INTO <into> VALUES (?, …, ?), … <tail>": kRowsPerStatement tuples of
// `per_row` parameters. `into` is "table (columns)".
inline std::string GroupSql(std::string_view into, int per_row, std::string_view tail) {
  std::string tuple = "(";
  for (int i = 0; i < per_row; ++i) tuple += i == 0 ? "?" : ", ?";
  tuple += ")";
  std::string sql = "INSERT OR FAIL INTO " + std::string(into) + " VALUES ";
  for (size_t i = 0; i < kRowsPerStatement; ++i) {
    if (i > 0) sql += ", ";
    sql += tuple;
  }
  return sql + std::string(tail);
}

// SQLITE_STATIC bindings: the caller's rows outlive the step.
inline void BindGroupText(sqlite3_stmt* st, int i, std::string_view v) {
  sqlite3_bind_text(st, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()),
                    SQLITE_STATIC);
}
inline void BindGroupBlob(sqlite3_stmt* st, int i, const Bytes& v) {
  // A null pointer would bind SQL NULL; an empty blob must stay a (zero-length) blob.
  if (v.empty()) {
    sqlite3_bind_zeroblob(st, i, 0);
  } else {
    sqlite3_bind_blob(st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
}

template <typename Row, typename BindRow, typename OneRow>
Status SqliteStore::InsertGrouped(std::span<const Row> rows, const std::string& sql,
                                  int per_row, BindRow bind, OneRow one,
                                  std::string_view what) {
  size_t i = 0;
  if (rows.size() >= kRowsPerStatement) {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql.c_str()));
    for (; i + kRowsPerStatement <= rows.size(); i += kRowsPerStatement) {
      for (size_t k = 0; k < kRowsPerStatement; ++k) {
        bind(st, static_cast<int>(k) * per_row + 1, rows[i + k]);
      }
      int rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) {
        sqlite3_clear_bindings(st);
        return Error(rc, what);
      }
    }
    sqlite3_clear_bindings(st);  // no pointer into the rows outlives this call
  }
  for (; i < rows.size(); ++i) JV_RETURN_IF_ERROR(one(rows[i]));
  return Status::Ok();
}

}  // namespace jv::store
