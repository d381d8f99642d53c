// The SQLite vault schema as an ordered list of migration steps (see migrations.h and
// docs/formats/vault_db.md, which describes every table and column).
//
// The logical tables and columns are the ones a PostgresStore uses too; the SQL differs only
// where the dialects do (noted in sqlite_schema.cc and the doc). Append-only: never edit a
// released step, add one.
#pragma once

#include <cstdint>
#include <span>

#include "src/store/migrations.h"

namespace jv::store {

// Steps 1..N for SQLite.
std::span<const Migration> SqliteMigrations();

// The DDL of the blind-index tables as of step 3, for the merge that makes the pending
// table the index (SqliteStore::MergePendingIndexes): it drops the empty blind_index,
// renames blind_index_pending to blind_index, creates a new pending table and builds the
// two indexes. kPendingTableSql is step 2's script itself.
extern const char* const kPendingTableSql;
extern const char kIndexKeySql[];
extern const char kIndexBySubjectSql[];

// PRAGMA application_id of a vault database: "JVDB" in ASCII.
inline constexpr int32_t kSqliteApplicationId = 0x4A564442;

}  // namespace jv::store
