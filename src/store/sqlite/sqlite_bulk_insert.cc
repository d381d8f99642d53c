// Many-row writes of SqliteStore: subjects, data keys and records inserted in groups of
// rows per statement, for the import's batches. A single-row INSERT opens its table's and
// indexes' cursors, seeks them and (records: AUTOINCREMENT) reads and rewrites
// sqlite_sequence on every step; a statement of many rows does that once per group.
// The statements are INSERT OR FAIL: a statement of many rows that may abort half-way
// needs a statement journal (the old contents of every page it changes, written to a temp
// file in bulk-load mode) to undo its own rows; FAIL keeps them, and the caller rolls the
// transaction back on any error anyway (store.h). The error codes are the same.
// docs/design/import_storage.md, "Sixth round".
#include <sqlite3.h>

#include <string>
#include <vector>

#include "src/store/sqlite/sqlite_store.h"

namespace jv::store {
namespace {

// Rows per statement, as the pending index entries use (sqlite_pending_merge.cc). A
// record has 7 parameters: 448 per statement, far below SQLite's 32766.
constexpr size_t kRowsPerStatement = 64;

// "head (?, …, ?), (?, …, ?) … tail" with kRowsPerStatement tuples of `per_row`.
std::string GroupSql(const char* head, int per_row, const char* tail) {
  std::string tuple = "(";
  for (int i = 0; i < per_row; ++i) tuple += i == 0 ? "?" : ", ?";
  tuple += ")";
  std::string sql = head;
  for (size_t i = 0; i < kRowsPerStatement; ++i) {
    if (i > 0) sql += ", ";
    sql += tuple;
  }
  return sql + tail;
}

void BindText(sqlite3_stmt* st, int i, const std::string& v) {
  sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

void BindBlob(sqlite3_stmt* st, int i, const Bytes& v) {
  // A null pointer would bind SQL NULL; an empty blob must stay a (zero-length) blob.
  if (v.empty()) {
    sqlite3_bind_zeroblob(st, i, 0);
  } else {
    sqlite3_bind_blob(st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
}

}  // namespace

template <typename Row, typename BindRow, typename OneRow>
Status SqliteStore::InsertGrouped(const std::vector<Row>& rows, const std::string& sql,
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

Status SqliteStore::InsertSubjects(const std::vector<SubjectRow>& rows) {
  static const std::string kSql = GroupSql(
      "INSERT OR FAIL INTO subjects (id, state, attrs_json, created_micros, updated_micros) "
      "VALUES ",
      5, "");
  return InsertGrouped(
      rows, kSql, 5,
      [](sqlite3_stmt* st, int p, const SubjectRow& r) {
        BindText(st, p, r.id);
        BindText(st, p + 1, r.state);
        BindText(st, p + 2, r.attrs_json);
        sqlite3_bind_int64(st, p + 3, r.created_micros);
        sqlite3_bind_int64(st, p + 4, r.updated_micros);
      },
      [this](const SubjectRow& r) { return InsertSubject(r); }, "insert subject");
}

Status SqliteStore::PutDataKeys(const std::vector<DataKeyRow>& rows) {
  static const std::string kSql =
      GroupSql("INSERT OR FAIL INTO data_keys (subject_id, key_class, wrapped) VALUES ", 3,
               " ON CONFLICT (subject_id, key_class) DO UPDATE SET wrapped = excluded.wrapped");
  return InsertGrouped(
      rows, kSql, 3,
      [](sqlite3_stmt* st, int p, const DataKeyRow& r) {
        BindText(st, p, r.subject_id);
        BindText(st, p + 1, r.key_class);
        BindBlob(st, p + 2, r.wrapped);
      },
      [this](const DataKeyRow& r) { return PutDataKey(r); }, "write data key");
}

Status SqliteStore::InsertRecords(const std::vector<RecordRow>& rows) {
  static const std::string kSql = GroupSql(
      "INSERT OR FAIL INTO records (subject_id, key_class, source_id, row_no, fields, ciphertext, "
      "created_micros) VALUES ",
      7, "");
  return InsertGrouped(
      rows, kSql, 7,
      [](sqlite3_stmt* st, int p, const RecordRow& r) {
        BindText(st, p, r.subject_id);
        BindText(st, p + 1, r.key_class);
        BindText(st, p + 2, r.source_id);
        sqlite3_bind_int64(st, p + 3, r.row_no);
        BindText(st, p + 4, r.fields);
        BindBlob(st, p + 5, r.ciphertext);
        sqlite3_bind_int64(st, p + 6, r.created_micros);
      },
      [this](const RecordRow& r) { return InsertRecord(r).status(); }, "insert record");
}

}  // namespace jv::store
