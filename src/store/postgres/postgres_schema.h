// The PostgreSQL vault schema, as migration steps (migrations.h). Same tables, columns and
// meaning as the SQLite schema (sqlite/sqlite_schema.cc, docs/formats/vault_db.md), in
// PostgreSQL 15 types: BIGINT for integers and microsecond times, BYTEA for ciphertext,
// wrapped keys and blind-index MACs, TEXT COLLATE "C" so that "id order" is byte order.
// Steps are append-only: a released step is never edited, a change is a new step.
#pragma once

#include <span>

#include "src/store/migrations.h"

namespace jv::store {

std::span<const Migration> PostgresMigrations();

}  // namespace jv::store
