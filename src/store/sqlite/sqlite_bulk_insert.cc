// Many-row writes of SqliteStore: subjects, data keys and records inserted in groups of
// rows per statement, for the import's batches (sqlite_grouped_insert.h).
// docs/design/import_storage.md, "Sixth round".
#include <span>
#include <string>
#include <vector>

#include "src/store/sqlite/sqlite_grouped_insert.h"
#include "src/store/sqlite/sqlite_store.h"

namespace jv::store {

Status SqliteStore::InsertSubjects(const std::vector<SubjectRow>& rows) {
  static const std::string kSql = GroupSql(
      "subjects (id, state, attrs_json, created_micros, updated_micros)", 5, "");
  return InsertGrouped(
      std::span<const SubjectRow>(rows), kSql, 5,
      [](sqlite3_stmt* st, int p, const SubjectRow& r) {
        BindGroupText(st, p, r.id);
        BindGroupText(st, p + 1, r.state);
        BindGroupText(st, p + 2, r.attrs_json);
        sqlite3_bind_int64(st, p + 3, r.created_micros);
        sqlite3_bind_int64(st, p + 4, r.updated_micros);
      },
      [this](const SubjectRow& r) { return InsertSubject(r); }, "insert subject");
}

Status SqliteStore::PutDataKeys(const std::vector<DataKeyRow>& rows) {
  static const std::string kSql =
      GroupSql("data_keys (subject_id, key_class, wrapped)", 3,
               " ON CONFLICT (subject_id, key_class) DO UPDATE SET wrapped = excluded.wrapped");
  return InsertGrouped(
      std::span<const DataKeyRow>(rows), kSql, 3,
      [](sqlite3_stmt* st, int p, const DataKeyRow& r) {
        BindGroupText(st, p, r.subject_id);
        BindGroupText(st, p + 1, r.key_class);
        BindGroupBlob(st, p + 2, r.wrapped);
      },
      [this](const DataKeyRow& r) { return PutDataKey(r); }, "write data key");
}

Status SqliteStore::InsertRecords(const std::vector<RecordRow>& rows) {
  static const std::string kSql = GroupSql(
      "records (subject_id, key_class, source_id, row_no, fields, ciphertext, created_micros)",
      7, "");
  return InsertGrouped(
      std::span<const RecordRow>(rows), kSql, 7,
      [](sqlite3_stmt* st, int p, const RecordRow& r) {
        BindGroupText(st, p, r.subject_id);
        BindGroupText(st, p + 1, r.key_class);
        BindGroupText(st, p + 2, r.source_id);
        sqlite3_bind_int64(st, p + 3, r.row_no);
        BindGroupText(st, p + 4, r.fields);
        BindGroupBlob(st, p + 5, r.ciphertext);
        sqlite3_bind_int64(st, p + 6, r.created_micros);
      },
      [this](const RecordRow& r) { return InsertRecord(r).status(); }, "insert record");
}

}  // namespace jv::store
