// Schema migrations: a versioned vault schema, upgraded in order on open.
//
// A backend describes its schema as an ordered list of Migration steps, versions 1, 2, 3, ...
// with no gaps (sqlite/sqlite_schema.h holds SQLite's). The database records the version it
// is at in meta key "schema_version" (absent or no meta table = 0, an empty database).
// ApplyMigrations() runs, in order, each step whose version is above the database's, each
// step in its own transaction that also writes the new version, so a failed step leaves the
// database at the previous version with nothing of the failed step applied.
//
// Rule (docs/formats/vault_db.md): steps are append-only. A released step is never edited;
// a change is a new step. A database newer than the binary is refused, never downgraded.
//
// Thread-safety: the functions are stateless; the target is used by one thread. Several
// processes may migrate the same database at once: each step re-reads the version inside
// its (exclusive) transaction and skips work another process already did.
#pragma once

#include <span>
#include <string_view>

#include "src/common/result.h"
#include "src/common/status.h"

namespace jv::store {

inline constexpr std::string_view kSchemaVersionKey = "schema_version";

struct Migration {
  int version = 0;        // 1-based, dense, increasing
  std::string_view name;  // short description, e.g. "initial schema"
  std::string_view sql;   // one or more statements, run as one script
};

// What the runner needs from a backend's connection.
class MigrationTarget {
 public:
  virtual ~MigrationTarget() = default;
  // Starts a transaction that excludes other writers (SQLite: BEGIN IMMEDIATE;
  // PostgreSQL: BEGIN + pg_advisory_xact_lock).
  virtual Status BeginExclusive() = 0;
  virtual Status CommitTransaction() = 0;
  virtual Status RollbackTransaction() = 0;
  // The recorded version; 0 if the database has no schema yet. kDataLoss if the recorded
  // value is not a non-negative integer.
  virtual Result<int> ReadSchemaVersion() = 0;
  virtual Status ExecScript(std::string_view sql) = 0;
  virtual Status WriteSchemaVersion(int version) = 0;
};

// The highest version in `steps` (0 if empty). Aborts (JV_CHECK) if `steps` is not 1..N.
int LatestSchemaVersion(std::span<const Migration> steps);

// kFailedPrecondition (with a message naming both versions and what to do) if a database
// at `db_version` is newer than `latest`; OK otherwise.
Status CheckSchemaNotNewer(int db_version, int latest);

// Brings the database to LatestSchemaVersion(steps) and returns that version.
// kFailedPrecondition if the database is newer than `steps` know; a failing step's error
// (with the step's version in the message) after rolling that step back.
Result<int> ApplyMigrations(MigrationTarget& target, std::span<const Migration> steps);

}  // namespace jv::store
