#include "src/store/sqlite/sqlite_schema.h"

namespace jv::store {
namespace {

// Version 1: the initial schema.
//
// Portability notes (PostgreSQL 15 equivalent of each construct):
//  * INTEGER -> BIGINT; BLOB -> BYTEA; TEXT -> TEXT COLLATE "C" on ids, so that "id order"
//    is byte order on both backends.
//  * STRICT (SQLite >= 3.37) enforces the declared types, which PostgreSQL does anyway.
//  * WITHOUT ROWID clusters a table on its primary key; PostgreSQL has no equivalent and
//    needs none. Used only for tables with small rows.
//  * INTEGER PRIMARY KEY AUTOINCREMENT -> BIGINT GENERATED ALWAYS AS IDENTITY (ids are
//    never reused on either backend); plain INTEGER PRIMARY KEY (blind_index.id) may reuse
//    the id of a deleted newest row, which keeps insertion order, all it is used for.
//  * ON CONFLICT ... DO NOTHING / DO UPDATE upserts are written the same way on both.
constexpr char kV1[] = R"sql(
CREATE TABLE meta (
  key   TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE key_slots (
  id             TEXT NOT NULL PRIMARY KEY,
  kind           TEXT NOT NULL,
  params_json    TEXT NOT NULL,
  wrapped        BLOB NOT NULL,
  created_micros INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE subjects (
  id             TEXT NOT NULL PRIMARY KEY,
  state          TEXT NOT NULL,
  attrs_json     TEXT NOT NULL,
  created_micros INTEGER NOT NULL,
  updated_micros INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX subjects_by_state ON subjects (state, id);

CREATE TABLE data_keys (
  subject_id TEXT NOT NULL REFERENCES subjects (id),
  key_class  TEXT NOT NULL,
  wrapped    BLOB NOT NULL,
  PRIMARY KEY (subject_id, key_class)
) STRICT, WITHOUT ROWID;

CREATE TABLE records (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_id     TEXT NOT NULL REFERENCES subjects (id),
  key_class      TEXT NOT NULL,
  source_id      TEXT NOT NULL,
  row_no         INTEGER NOT NULL,
  fields         TEXT NOT NULL,
  ciphertext     BLOB NOT NULL,
  created_micros INTEGER NOT NULL
) STRICT;
CREATE INDEX records_by_subject ON records (subject_id, key_class);

CREATE TABLE blind_index (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  mac        BLOB NOT NULL,
  subject_id TEXT NOT NULL REFERENCES subjects (id),
  UNIQUE (kind, mac, subject_id)
) STRICT;
CREATE INDEX blind_index_by_subject ON blind_index (subject_id);

CREATE TABLE sources (
  id             TEXT NOT NULL PRIMARY KEY,
  kind           TEXT NOT NULL,
  file_hash      TEXT NOT NULL,
  status         TEXT NOT NULL,
  report_json    TEXT NOT NULL,
  created_micros INTEGER NOT NULL,
  updated_micros INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sources_by_hash ON sources (file_hash, kind);

CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
  line      TEXT NOT NULL,
  leaf_hash BLOB NOT NULL
) STRICT;

CREATE TABLE checkpoints (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  tree_size      INTEGER NOT NULL,
  root_hash      BLOB NOT NULL,
  message        BLOB NOT NULL,
  signature      BLOB NOT NULL,
  created_micros INTEGER NOT NULL
) STRICT;

CREATE TABLE objects (
  kind           TEXT NOT NULL,
  id             TEXT NOT NULL,
  subject_id     TEXT NOT NULL,
  status         TEXT NOT NULL,
  attrs_json     TEXT NOT NULL,
  sealed         BLOB NOT NULL,
  created_micros INTEGER NOT NULL,
  updated_micros INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
) STRICT;
CREATE INDEX objects_by_subject ON objects (kind, subject_id);
CREATE INDEX objects_by_status ON objects (kind, status);
)sql";

// Blind-index entries appended by bulk loads and merged into blind_index at their end
// (store.h PutIndexPending): no index, so appending stays cheap at any size.
constexpr char kV2[] = R"sql(
CREATE TABLE blind_index_pending (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  mac        BLOB NOT NULL,
  subject_id TEXT NOT NULL REFERENCES subjects (id)
) STRICT;
)sql";

// blind_index takes the pending table's shape, its uniqueness a named index: the final
// batch of an import into an empty index then makes the pending table the index
// (SqliteStore::MergePendingIndexes) and builds the two indexes by sorting, and the vault
// looks the same whichever way its index was made. Ids, and so insertion order, are kept.
// The new table has step 2's pending-table shape; the two indexes are kIndexKeySql and
// kIndexBySubjectSql (sqlite_schema.h).
constexpr char kV3[] = R"sql(
CREATE TABLE blind_index_v3 (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  mac        BLOB NOT NULL,
  subject_id TEXT NOT NULL REFERENCES subjects (id)
) STRICT;
INSERT INTO blind_index_v3 (id, kind, mac, subject_id)
  SELECT id, kind, mac, subject_id FROM blind_index ORDER BY id;
DROP TABLE blind_index;
ALTER TABLE blind_index_v3 RENAME TO blind_index;
CREATE UNIQUE INDEX blind_index_key ON blind_index (kind, mac, subject_id);
CREATE INDEX blind_index_by_subject ON blind_index (subject_id);
)sql";

constexpr Migration kSteps[] = {
    {1, "initial schema", kV1},
    {2, "pending blind-index entries", kV2},
    {3, "blind index shaped like the pending table", kV3},
};

}  // namespace

std::span<const Migration> SqliteMigrations() { return kSteps; }

const char* const kPendingTableSql = kV2;
const char kIndexKeySql[] =
    "CREATE UNIQUE INDEX blind_index_key ON blind_index (kind, mac, subject_id)";
const char kIndexBySubjectSql[] =
    "CREATE INDEX blind_index_by_subject ON blind_index (subject_id)";

}  // namespace jv::store
