#include "src/store/postgres/postgres_schema.h"

namespace jv::store {
namespace {

// Version 1: the initial schema, table for table the SQLite v1 schema.
//  * Every text column is COLLATE "C": ORDER BY is then memcmp order of the UTF-8 bytes,
//    as store.h requires, whatever the database's default collation.
//  * records.id and blind_index.id are identity columns: ids increase and are never reused
//    (a sequence does not go back on rollback or delete). blind_index.id only orders
//    entries by insertion.
//  * The sequence of records.id is named so that RestoreRecord can move it past restored ids.
//  * Foreign keys as in SQLite: data keys, records and index entries need their subject.
constexpr char kV1[] = R"sql(
CREATE TABLE meta (
  key   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE key_slots (
  id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  kind           TEXT COLLATE "C" NOT NULL,
  params_json    TEXT COLLATE "C" NOT NULL,
  wrapped        BYTEA NOT NULL,
  created_micros BIGINT NOT NULL
);

CREATE TABLE subjects (
  id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  state          TEXT COLLATE "C" NOT NULL,
  attrs_json     TEXT COLLATE "C" NOT NULL,
  created_micros BIGINT NOT NULL,
  updated_micros BIGINT NOT NULL
);
CREATE INDEX subjects_by_state ON subjects (state, id);

CREATE TABLE data_keys (
  subject_id TEXT COLLATE "C" NOT NULL REFERENCES subjects (id),
  key_class  TEXT COLLATE "C" NOT NULL,
  wrapped    BYTEA NOT NULL,
  PRIMARY KEY (subject_id, key_class)
);

CREATE TABLE records (
  id             BIGINT GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME records_id_seq) PRIMARY KEY,
  subject_id     TEXT COLLATE "C" NOT NULL REFERENCES subjects (id),
  key_class      TEXT COLLATE "C" NOT NULL,
  source_id      TEXT COLLATE "C" NOT NULL,
  row_no         BIGINT NOT NULL,
  fields         TEXT COLLATE "C" NOT NULL,
  ciphertext     BYTEA NOT NULL,
  created_micros BIGINT NOT NULL
);
CREATE INDEX records_by_subject ON records (subject_id, key_class);

CREATE TABLE blind_index (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind       TEXT COLLATE "C" NOT NULL,
  mac        BYTEA NOT NULL,
  subject_id TEXT COLLATE "C" NOT NULL REFERENCES subjects (id),
  UNIQUE (kind, mac, subject_id)
);
CREATE INDEX blind_index_by_subject ON blind_index (subject_id);
CREATE INDEX blind_index_by_kind ON blind_index (kind, id);

CREATE TABLE sources (
  id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  kind           TEXT COLLATE "C" NOT NULL,
  file_hash      TEXT COLLATE "C" NOT NULL,
  status         TEXT COLLATE "C" NOT NULL,
  report_json    TEXT COLLATE "C" NOT NULL,
  created_micros BIGINT NOT NULL,
  updated_micros BIGINT NOT NULL
);
CREATE INDEX sources_by_hash ON sources (file_hash, kind);

CREATE TABLE audit (
  seq       BIGINT PRIMARY KEY CHECK (seq >= 1),
  line      TEXT COLLATE "C" NOT NULL,
  leaf_hash BYTEA NOT NULL
);

CREATE TABLE checkpoints (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tree_size      BIGINT NOT NULL,
  root_hash      BYTEA NOT NULL,
  message        BYTEA NOT NULL,
  signature      BYTEA NOT NULL,
  created_micros BIGINT NOT NULL
);

CREATE TABLE objects (
  kind           TEXT COLLATE "C" NOT NULL,
  id             TEXT COLLATE "C" NOT NULL,
  subject_id     TEXT COLLATE "C" NOT NULL,
  status         TEXT COLLATE "C" NOT NULL,
  attrs_json     TEXT COLLATE "C" NOT NULL,
  sealed         BYTEA NOT NULL,
  created_micros BIGINT NOT NULL,
  updated_micros BIGINT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX objects_by_subject ON objects (kind, subject_id);
CREATE INDEX objects_by_status ON objects (kind, status);
)sql";

// The same table as SQLite's step 2, so both backends are at one schema version (a backup
// restores across backends). PostgreSQL's PutIndexPending writes blind_index directly, so
// this table stays empty.
constexpr char kV2[] = R"sql(
CREATE TABLE blind_index_pending (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind       TEXT COLLATE "C" NOT NULL,
  mac        BYTEA NOT NULL,
  subject_id TEXT COLLATE "C" NOT NULL REFERENCES subjects (id)
);
)sql";

// SQLite's step 3 rebuilds its blind_index in the pending table's shape with its
// uniqueness as the named index blind_index_key; here the table stays as it is and the
// unique constraint takes the same name, so both backends are at one version again.
constexpr char kV3[] = R"sql(
ALTER TABLE blind_index RENAME CONSTRAINT blind_index_kind_mac_subject_id_key TO blind_index_key;
)sql";

constexpr Migration kSteps[] = {
    {1, "initial schema", kV1},
    {2, "pending blind-index entries", kV2},
    {3, "blind index shaped like the pending table", kV3},
};

}  // namespace

std::span<const Migration> PostgresMigrations() { return kSteps; }

}  // namespace jv::store
