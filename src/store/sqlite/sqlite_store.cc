#include "src/store/sqlite/sqlite_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include <sqlite3.h>

#include "src/common/check.h"
#include "src/store/sqlite/sqlite_checkpointer.h"
#include "src/store/sqlite/sqlite_connection.h"
#include "src/store/sqlite/sqlite_schema.h"

namespace jv::store {
namespace {

// Rows fetched per page by the ForEach* iterations (the statement is reset between pages,
// so callbacks may use the store).
constexpr int kPageRows = 512;

// Above this many sorted runs of pending index entries (a bulk load of 5 million rows in
// 20000-row batches makes 250), the merge lets SQLite sort them instead of reading one
// cursor per run.
constexpr size_t kMaxMergeRuns = 256;

std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace

// One use of a cached prepared statement: binds, steps, reads columns, and resets the
// statement when it goes out of scope. Bound text and blobs are SQLITE_STATIC: the caller's
// buffers outlive the Query.
class SqliteStore::Query {
 public:
  Query(const SqliteStore& store, sqlite3_stmt* stmt) : store_(store), stmt_(stmt) {}
  ~Query() { sqlite3_reset(stmt_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& Bind(int i, std::string_view v) {
    Check(sqlite3_bind_text(stmt_, i, v.data() != nullptr ? v.data() : "",
                            static_cast<int>(v.size()), SQLITE_STATIC));
    return *this;
  }
  Query& Bind(int i, const Bytes& v) {
    // A null pointer would bind SQL NULL; an empty blob must stay a (zero-length) blob.
    Check(v.empty() ? sqlite3_bind_zeroblob(stmt_, i, 0)
                    : sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()),
                                        SQLITE_STATIC));
    return *this;
  }
  Query& Bind(int i, int64_t v) {
    Check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }

  // One step: true if a row is available, false when the statement is done.
  Result<bool> Step(std::string_view what) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return store_.Error(rc, what);
  }
  // Runs a statement that returns no rows.
  Status Run(std::string_view what) {
    for (;;) {
      JV_ASSIGN_OR_RETURN(bool row, Step(what));
      if (!row) return Status::Ok();
    }
  }

  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
  }
  Bytes Blob(int col) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
    int n = sqlite3_column_bytes(stmt_, col);
    return p != nullptr ? Bytes(p, p + n) : Bytes();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  static void Check(int rc) { JV_CHECK(rc == SQLITE_OK); }  // bind errors are bugs

  const SqliteStore& store_;
  sqlite3_stmt* stmt_;
};

// The MigrationTarget over this connection.
class SqliteStore::Migrator : public MigrationTarget {
 public:
  explicit Migrator(SqliteStore& s) : s_(s) {}
  Status BeginExclusive() override { return s_.ExecSimple("BEGIN IMMEDIATE", "begin migration"); }
  Status CommitTransaction() override { return s_.ExecSimple("COMMIT", "commit migration"); }
  Status RollbackTransaction() override {
    if (sqlite3_get_autocommit(s_.db_)) return Status::Ok();
    return s_.ExecSimple("ROLLBACK", "roll back migration");
  }
  Result<int> ReadSchemaVersion() override {
    {
      JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                          s_.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                     "AND name = 'meta'"));
      Query q(s_, st);
      JV_ASSIGN_OR_RETURN(bool has_meta, q.Step("read schema"));
      if (!has_meta) return 0;
    }
    JV_ASSIGN_OR_RETURN(std::optional<std::string> v,
                        s_.GetMeta(std::string(kSchemaVersionKey)));
    if (!v.has_value()) return 0;
    int version = 0;
    if (v->empty() || v->size() > 6) return Corrupt();
    for (char c : *v) {
      if (c < '0' || c > '9') return Corrupt();
      version = version * 10 + (c - '0');
    }
    return version;
  }
  Status ExecScript(std::string_view sql) override {
    std::string script(sql);
    int rc = sqlite3_exec(s_.db_, script.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return s_.Error(rc, "run migration script");
    return Status::Ok();
  }
  Status WriteSchemaVersion(int version) override {
    return s_.PutMeta(std::string(kSchemaVersionKey), std::to_string(version));
  }

 private:
  static Status Corrupt() {
    return DataLossError("vault database: meta schema_version is not a version number");
  }
  SqliteStore& s_;
};

SqliteStore::SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

SqliteStore::~SqliteStore() {
  StopCheckpointer().IgnoreError();
  for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
  stmts_.clear();
  // Closing with a transaction open rolls it back.
  sqlite3_close(db_);
}

Status SqliteStore::Error(int rc, std::string_view what) const {
  std::string m = "sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db_);
  switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return AlreadyExistsError(std::move(m));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return FailedPreconditionError("sqlite: " + std::string(what) +
                                     ": no subject with this subject id");
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(std::move(m));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(std::move(m));
    default:
      return InternalError(std::move(m));
  }
}

Result<sqlite3_stmt*> SqliteStore::Prepare(const char* sql) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, "prepare statement");
  }
  stmts_.emplace(sql, stmt);
  return stmt;
}

Status SqliteStore::ExecSimple(const char* sql, std::string_view what) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql));
  Query q(*this, st);
  return q.Run(what);
}

Status SqliteStore::Configure(const SqliteOptions& options) {
  bulk_checkpoint_frames_ = options.bulk_checkpoint_frames;
  busy_timeout_ms_ = options.busy_timeout_ms;
  {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare("PRAGMA journal_mode = WAL"));
    Query q(*this, st);
    JV_ASSIGN_OR_RETURN(bool row, q.Step("set journal_mode"));
    if (!row || q.Text(0) != "wal") {
      return InternalError("sqlite: the database cannot be put in WAL mode");
    }
  }
  const std::string pragmas = "PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; "
                              "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                              "PRAGMA cache_size = -" +
                              std::to_string(options.cache_kib) + ";";
  int rc = sqlite3_exec(db_, pragmas.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "set pragmas");
  return Status::Ok();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, OpenMode mode) {
  return Open(path, mode, SqliteOptions());
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, OpenMode mode,
                                                       const SqliteOptions& options) {
  if (path.empty()) return InvalidArgumentError("vault database path is empty");
  struct stat sb;
  bool exists = ::stat(path.c_str(), &sb) == 0;
  if (!exists && errno != ENOENT) {
    return InvalidArgumentError("cannot inspect vault database " + path + ": " +
                                ErrnoText(errno));
  }
  if (exists && !S_ISREG(sb.st_mode)) {
    return InvalidArgumentError("vault database " + path + " is not a regular file");
  }
  if (!exists) {
    if (mode == OpenMode::kExisting) return NotFoundError("no vault database at " + path);
    // Create it ourselves so that it is 0600 from the first byte; SQLite then gives the
    // -wal and -shm files the same mode.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return InvalidArgumentError("cannot create vault database " + path + ": " +
                                  ErrnoText(errno));
    }
    if (fd >= 0) {
      ::fchmod(fd, 0600);
      ::close(fd);
    }
  }

  JV_ASSIGN_OR_RETURN(sqlite3 * db, OpenSqliteConnection(path));
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);

  std::span<const Migration> steps =
      options.migrations_for_test.empty() ? SqliteMigrations() : options.migrations_for_test;
  const int latest = LatestSchemaVersion(steps);
  Migrator migrator(*store);
  JV_ASSIGN_OR_RETURN(int version, migrator.ReadSchemaVersion());
  JV_RETURN_IF_ERROR(CheckSchemaNotNewer(version, latest));

  int64_t app_id = 0;
  {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, store->Prepare("PRAGMA application_id"));
    Query q(*store, st);
    JV_ASSIGN_OR_RETURN(bool row, q.Step("read application_id"));
    if (row) app_id = q.Int(0);
  }
  const std::string foreign =
      "vault database " + path + " is an SQLite database of another program";
  if (app_id != 0 && app_id != kSqliteApplicationId) return FailedPreconditionError(foreign);
  if (version == 0) {
    if (mode == OpenMode::kExisting) {
      return NotFoundError("no vault schema in database " + path);
    }
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                        store->Prepare("SELECT COUNT(*) FROM sqlite_master "
                                       "WHERE name NOT LIKE 'sqlite_%'"));
    Query q(*store, st);
    JV_ASSIGN_OR_RETURN(bool row, q.Step("inspect schema"));
    if (row && q.Int(0) != 0) return FailedPreconditionError(foreign);
  }
  if (version == 0) {
    // A new file's page size, before its first page is written; an existing vault keeps
    // its own (changing it needs a VACUUM). 16 KiB pages against SQLite's 4 KiB: fewer
    // pages per batch to allocate, link and journal; a million-row import alternated five
    // times each way took a median 27.7 s against 31.9 s, 3.5-4.2 s of system time against
    // 5.6-6.6 s.
    JV_RETURN_IF_ERROR(store->ExecSimple("PRAGMA page_size = 16384", "set page_size"));
  }

  // Only now write to the file (WAL mode, schema): every refusal above left it untouched.
  JV_RETURN_IF_ERROR(store->Configure(options));
  // Migration steps may sort a whole table (step 3 builds two indexes over every blind-
  // index entry): SQLite's sorter spills to temporary files while they run instead of
  // keeping its runs in memory (a million-customer vault: ~900 MB of RSS otherwise). Like
  // the bulk load's merge, they sort ids and MACs, no personal data.
  JV_RETURN_IF_ERROR(store->ExecSimple("PRAGMA temp_store = FILE", "set temp_store"));
  JV_ASSIGN_OR_RETURN(store->schema_version_, ApplyMigrations(migrator, steps));
  JV_RETURN_IF_ERROR(store->ExecSimple("PRAGMA temp_store = MEMORY", "set temp_store"));
  if (app_id == 0) {
    // Not cached: PRAGMA with a literal value, run once per database.
    const std::string sql = "PRAGMA application_id = " + std::to_string(kSqliteApplicationId);
    int rc = sqlite3_exec(store->db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return store->Error(rc, "set application_id");
  }
  return store;
}

// --- transactions -----------------------------------------------------------------------

Status SqliteStore::Begin() {
  if (in_tx_) {
    return FailedPreconditionError("store: Begin inside a transaction (transactions do not nest)");
  }
  JV_RETURN_IF_ERROR(ExecSimple("BEGIN IMMEDIATE", "begin transaction"));
  in_tx_ = true;
  return Status::Ok();
}

Status SqliteStore::Commit() {
  if (!in_tx_) return FailedPreconditionError("store: Commit without a transaction");
  in_tx_ = false;
  Status st = ExecSimple("COMMIT", "commit");
  if (!st.ok() && !sqlite3_get_autocommit(db_)) {
    ExecSimple("ROLLBACK", "roll back after failed commit").IgnoreError();
  }
  return st;
}

Status SqliteStore::Rollback() {
  if (!in_tx_) return FailedPreconditionError("store: Rollback without a transaction");
  in_tx_ = false;
  if (sqlite3_get_autocommit(db_)) return Status::Ok();  // SQLite already rolled it back
  return ExecSimple("ROLLBACK", "roll back");
}

// --- meta ----------------------------------------------------------------------------------

Result<std::optional<std::string>> SqliteStore::GetMeta(const std::string& key) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare("SELECT value FROM meta WHERE key = ?1"));
  Query q(*this, st);
  q.Bind(1, key);
  JV_ASSIGN_OR_RETURN(bool row, q.Step("read meta"));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(q.Text(0));
}

Status SqliteStore::PutMeta(const std::string& key, const std::string& value) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  Query q(*this, st);
  q.Bind(1, key).Bind(2, value);
  return q.Run("write meta");
}

// --- key slots -------------------------------------------------------------------------------

Status SqliteStore::PutKeySlot(const KeySlotRow& slot) {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      Prepare("INSERT INTO key_slots (id, kind, params_json, wrapped, created_micros) "
              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
              "kind = excluded.kind, params_json = excluded.params_json, "
              "wrapped = excluded.wrapped, created_micros = excluded.created_micros"));
  Query q(*this, st);
  q.Bind(1, slot.id).Bind(2, slot.kind).Bind(3, slot.params_json).Bind(4, slot.wrapped);
  q.Bind(5, slot.created_micros);
  return q.Run("write key slot");
}

Result<std::vector<KeySlotRow>> SqliteStore::ListKeySlots() {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT id, kind, params_json, wrapped, created_micros "
                              "FROM key_slots ORDER BY created_micros, id"));
  Query q(*this, st);
  std::vector<KeySlotRow> out;
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool row, q.Step("list key slots"));
    if (!row) break;
    out.push_back(KeySlotRow{q.Text(0), q.Text(1), q.Text(2), q.Blob(3), q.Int(4)});
  }
  return out;
}

Status SqliteStore::DeleteKeySlot(const std::string& id) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare("DELETE FROM key_slots WHERE id = ?1"));
  Query q(*this, st);
  q.Bind(1, id);
  JV_RETURN_IF_ERROR(q.Run("delete key slot"));
  if (sqlite3_changes(db_) == 0) return NotFoundError("store: no key slot with this id");
  return Status::Ok();
}

// --- subjects --------------------------------------------------------------------------------

Status SqliteStore::InsertSubject(const SubjectRow& s) {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      Prepare("INSERT INTO subjects (id, state, attrs_json, created_micros, updated_micros) "
              "VALUES (?1, ?2, ?3, ?4, ?5)"));
  Query q(*this, st);
  q.Bind(1, s.id).Bind(2, s.state).Bind(3, s.attrs_json).Bind(4, s.created_micros);
  q.Bind(5, s.updated_micros);
  return q.Run("insert subject");
}

Result<SubjectRow> SqliteStore::GetSubject(const std::string& id) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT state, attrs_json, created_micros, updated_micros "
                              "FROM subjects WHERE id = ?1"));
  Query q(*this, st);
  q.Bind(1, id);
  JV_ASSIGN_OR_RETURN(bool row, q.Step("read subject"));
  if (!row) return NotFoundError("store: no subject with this id");
  return SubjectRow{id, q.Text(0), q.Text(1), q.Int(2), q.Int(3)};
}

Result<SubjectRow> SqliteStore::GetSubjectForUpdate(const std::string& id) {
  // BEGIN IMMEDIATE already excludes every other writer until Commit/Rollback.
  if (!in_tx_) return FailedPreconditionError("store: GetSubjectForUpdate outside a transaction");
  return GetSubject(id);
}

Status SqliteStore::UpdateSubject(const SubjectRow& s) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("UPDATE subjects SET state = ?2, attrs_json = ?3, "
                              "created_micros = ?4, updated_micros = ?5 WHERE id = ?1"));
  Query q(*this, st);
  q.Bind(1, s.id).Bind(2, s.state).Bind(3, s.attrs_json).Bind(4, s.created_micros);
  q.Bind(5, s.updated_micros);
  JV_RETURN_IF_ERROR(q.Run("update subject"));
  if (sqlite3_changes(db_) == 0) return NotFoundError("store: no subject with this id");
  return Status::Ok();
}

Status SqliteStore::ForEachSubject(const std::optional<std::string>& state,
                                   const std::function<Status(const SubjectRow&)>& fn) {
  std::string after;  // every id sorts after ""
  std::vector<SubjectRow> page;
  for (;;) {
    page.clear();
    {
      JV_ASSIGN_OR_RETURN(
          sqlite3_stmt * st,
          state.has_value()
              ? Prepare("SELECT id, state, attrs_json, created_micros, updated_micros "
                        "FROM subjects WHERE state = ?3 AND id > ?1 ORDER BY id LIMIT ?2")
              : Prepare("SELECT id, state, attrs_json, created_micros, updated_micros "
                        "FROM subjects WHERE id > ?1 ORDER BY id LIMIT ?2"));
      Query q(*this, st);
      q.Bind(1, after).Bind(2, int64_t{kPageRows});
      if (state.has_value()) q.Bind(3, *state);
      for (;;) {
        JV_ASSIGN_OR_RETURN(bool row, q.Step("list subjects"));
        if (!row) break;
        page.push_back(SubjectRow{q.Text(0), q.Text(1), q.Text(2), q.Int(3), q.Int(4)});
      }
    }
    for (const SubjectRow& s : page) JV_RETURN_IF_ERROR(fn(s));
    if (page.size() < static_cast<size_t>(kPageRows)) return Status::Ok();
    after = page.back().id;
  }
}

Result<std::map<std::string, int64_t>> SqliteStore::CountSubjectsByState() {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT state, COUNT(*) FROM subjects GROUP BY state"));
  Query q(*this, st);
  std::map<std::string, int64_t> out;
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool row, q.Step("count subjects"));
    if (!row) break;
    out[q.Text(0)] = q.Int(1);
  }
  return out;
}

// --- data keys -------------------------------------------------------------------------------

Status SqliteStore::PutDataKey(const DataKeyRow& k) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("INSERT INTO data_keys (subject_id, key_class, wrapped) "
                              "VALUES (?1, ?2, ?3) ON CONFLICT (subject_id, key_class) "
                              "DO UPDATE SET wrapped = excluded.wrapped"));
  Query q(*this, st);
  q.Bind(1, k.subject_id).Bind(2, k.key_class).Bind(3, k.wrapped);
  return q.Run("write data key");
}

Result<DataKeyRow> SqliteStore::GetDataKey(const std::string& subject_id,
                                           const std::string& key_class) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT wrapped FROM data_keys "
                              "WHERE subject_id = ?1 AND key_class = ?2"));
  Query q(*this, st);
  q.Bind(1, subject_id).Bind(2, key_class);
  JV_ASSIGN_OR_RETURN(bool row, q.Step("read data key"));
  if (!row) return NotFoundError("store: no data key of class " + key_class + " for subject");
  return DataKeyRow{subject_id, key_class, q.Blob(0)};
}

Result<std::vector<DataKeyRow>> SqliteStore::ListDataKeys(const std::string& subject_id) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT key_class, wrapped FROM data_keys "
                              "WHERE subject_id = ?1 ORDER BY key_class"));
  Query q(*this, st);
  q.Bind(1, subject_id);
  std::vector<DataKeyRow> out;
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool row, q.Step("list data keys"));
    if (!row) break;
    out.push_back(DataKeyRow{subject_id, q.Text(0), q.Blob(1)});
  }
  return out;
}

Status SqliteStore::ForEachDataKey(const std::function<Status(const DataKeyRow&)>& fn) {
  std::string after_subject, after_class;
  std::vector<DataKeyRow> page;
  for (;;) {
    page.clear();
    {
      JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                          Prepare("SELECT subject_id, key_class, wrapped FROM data_keys "
                                  "WHERE (subject_id, key_class) > (?1, ?2) "
                                  "ORDER BY subject_id, key_class LIMIT ?3"));
      Query q(*this, st);
      q.Bind(1, after_subject).Bind(2, after_class).Bind(3, int64_t{kPageRows});
      for (;;) {
        JV_ASSIGN_OR_RETURN(bool row, q.Step("list data keys"));
        if (!row) break;
        page.push_back(DataKeyRow{q.Text(0), q.Text(1), q.Blob(2)});
      }
    }
    for (const DataKeyRow& k : page) JV_RETURN_IF_ERROR(fn(k));
    if (page.size() < static_cast<size_t>(kPageRows)) return Status::Ok();
    after_subject = page.back().subject_id;
    after_class = page.back().key_class;
  }
}

Result<int64_t> SqliteStore::DeleteDataKeys(const std::string& subject_id,
                                            const std::optional<std::string>& key_class) {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      key_class.has_value()
          ? Prepare("DELETE FROM data_keys WHERE subject_id = ?1 AND key_class = ?2")
          : Prepare("DELETE FROM data_keys WHERE subject_id = ?1"));
  Query q(*this, st);
  q.Bind(1, subject_id);
  if (key_class.has_value()) q.Bind(2, *key_class);
  JV_RETURN_IF_ERROR(q.Run("delete data keys"));
  return int64_t{sqlite3_changes(db_)};
}

// --- records ---------------------------------------------------------------------------------

Result<int64_t> SqliteStore::InsertRecord(const RecordRow& r) {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      Prepare("INSERT INTO records (subject_id, key_class, source_id, row_no, fields, "
              "ciphertext, created_micros) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  Query q(*this, st);
  q.Bind(1, r.subject_id).Bind(2, r.key_class).Bind(3, r.source_id).Bind(4, r.row_no);
  q.Bind(5, r.fields).Bind(6, r.ciphertext).Bind(7, r.created_micros);
  JV_RETURN_IF_ERROR(q.Run("insert record"));
  return int64_t{sqlite3_last_insert_rowid(db_)};
}

Result<std::vector<RecordRow>> SqliteStore::ListRecords(const std::string& subject_id) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT id, key_class, source_id, row_no, fields, ciphertext, "
                              "created_micros FROM records WHERE subject_id = ?1 ORDER BY id"));
  Query q(*this, st);
  q.Bind(1, subject_id);
  std::vector<RecordRow> out;
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool row, q.Step("list records"));
    if (!row) break;
    out.push_back(RecordRow{q.Int(0), subject_id, q.Text(1), q.Text(2), q.Int(3), q.Text(4),
                            q.Blob(5), q.Int(6)});
  }
  return out;
}

Status SqliteStore::ForEachSourceRecord(
    const std::string& source_id,
    const std::function<Status(int64_t row_no, const std::string& subject_id)>& fn) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT row_no, subject_id FROM records WHERE source_id = ?1 "
                              "ORDER BY id"));
  Query q(*this, st);
  q.Bind(1, source_id);
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool row, q.Step("list source records"));
    if (!row) return Status::Ok();
    JV_RETURN_IF_ERROR(fn(q.Int(0), q.Text(1)));
  }
}

Result<int64_t> SqliteStore::DeleteRecords(const std::string& subject_id,
                                           const std::optional<std::string>& key_class) {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      key_class.has_value()
          ? Prepare("DELETE FROM records WHERE subject_id = ?1 AND key_class = ?2")
          : Prepare("DELETE FROM records WHERE subject_id = ?1"));
  Query q(*this, st);
  q.Bind(1, subject_id);
  if (key_class.has_value()) q.Bind(2, *key_class);
  JV_RETURN_IF_ERROR(q.Run("delete records"));
  return int64_t{sqlite3_changes(db_)};
}

// --- blind indexes ---------------------------------------------------------------------------

Status SqliteStore::PutIndex(const IndexRow& row) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("INSERT INTO blind_index (kind, mac, subject_id) "
                              "VALUES (?1, ?2, ?3) "
                              "ON CONFLICT (kind, mac, subject_id) DO NOTHING"));
  Query q(*this, st);
  q.Bind(1, row.kind).Bind(2, row.mac).Bind(3, row.subject_id);
  return q.Run("write index entry");
}

Status SqliteStore::PutIndexPending(const IndexRow& row) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("INSERT INTO blind_index_pending (kind, mac, subject_id) "
                              "VALUES (?1, ?2, ?3)"));
  Query q(*this, st);
  q.Bind(1, row.kind).Bind(2, row.mac).Bind(3, row.subject_id);
  return q.Run("write pending index entry");
}

Result<int64_t> SqliteStore::MergePendingIndexes() {
  if (!in_tx_) return FailedPreconditionError("store: MergePendingIndexes outside a transaction");
  bool empty_index = false;
  {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                        Prepare("SELECT EXISTS (SELECT 1 FROM blind_index_pending), "
                                "EXISTS (SELECT 1 FROM blind_index)"));
    Query q(*this, st);
    JV_ASSIGN_OR_RETURN(bool row, q.Step("check the index"));
    if (!row || q.Int(0) == 0) return int64_t{0};  // nothing pending
    empty_index = q.Int(1) == 0;
  }
  // SQLite's sorter keeps up to cache_size bytes in memory besides the page cache itself;
  // a smaller cache for the merge keeps a million-customer import under 400 MiB (the
  // sorter spills runs to temporary files instead).
  int64_t cache = 0;
  {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare("PRAGMA cache_size"));
    Query q(*this, st);
    JV_ASSIGN_OR_RETURN(bool row, q.Step("read the cache size"));
    if (row) cache = q.Int(0);
  }
  // One helper thread for SQLite's sorter (the by-subject index, or the sort of an
  // adopted table's two indexes): the import's other thread is idle by now. Measured at a
  // million customers: the final batch 10.4 s -> 7.6 s; the peak is the main pass's.
  const std::string restore = "PRAGMA threads = 0; PRAGMA cache_size = " + std::to_string(cache);
  int rc = sqlite3_exec(db_, "PRAGMA cache_size = -32768; PRAGMA threads = 1", nullptr, nullptr,
                        nullptr);
  if (rc != SQLITE_OK) return Error(rc, "merge pending index entries");
  struct RestoreCache {
    sqlite3* db;
    const std::string& sql;
    ~RestoreCache() { sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }
  } restore_cache{db_, restore};
  // Into an empty index (a vault's first import) the pending table becomes the index.
  if (empty_index) return AdoptPendingAsIndex();
  // In (kind, mac) order the unique index grows at its right edge or in runs instead of at
  // random pages; `id` keeps the pending order among holders of one (kind, mac). A bulk
  // load appends each batch's entries sorted, so they are merged run by run; entries
  // appended in no particular order are sorted by SQLite.
  JV_ASSIGN_OR_RETURN(std::optional<int64_t> added, MergePendingRuns(kMaxMergeRuns));
  if (!added) {
    // "WHERE true": SQLite's rule for an upsert on INSERT ... SELECT.
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * ins,
                        Prepare("INSERT INTO blind_index (kind, mac, subject_id) "
                                "SELECT kind, mac, subject_id FROM blind_index_pending "
                                "WHERE true ORDER BY kind, mac, id "
                                "ON CONFLICT (kind, mac, subject_id) DO NOTHING"));
    Query q(*this, ins);
    JV_RETURN_IF_ERROR(q.Run("merge pending index entries"));
    added = sqlite3_changes(db_);
  }
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * del, Prepare("DELETE FROM blind_index_pending"));
  Query q(*this, del);
  JV_RETURN_IF_ERROR(q.Run("clear pending index entries"));
  return *added;
}

Result<std::vector<std::string>> SqliteStore::FindIndex(const std::string& kind,
                                                        const Bytes& mac) {
  std::vector<std::string> out;
  // Indexed entries first, then pending ones (a scan; the table is empty but during and
  // after an interrupted bulk load), each subject once.
  for (const char* sql : {"SELECT subject_id FROM blind_index "
                          "WHERE kind = ?1 AND mac = ?2 ORDER BY id",
                          "SELECT subject_id FROM blind_index_pending "
                          "WHERE kind = ?1 AND mac = ?2 ORDER BY id"}) {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql));
    Query q(*this, st);
    q.Bind(1, kind).Bind(2, mac);
    for (;;) {
      JV_ASSIGN_OR_RETURN(bool row, q.Step("find index entry"));
      if (!row) break;
      std::string id = q.Text(0);
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    }
  }
  return out;
}

Result<int64_t> SqliteStore::DeleteIndexes(const std::string& subject_id) {
  int64_t n = 0;
  for (const char* sql : {"DELETE FROM blind_index WHERE subject_id = ?1",
                          "DELETE FROM blind_index_pending WHERE subject_id = ?1"}) {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql));
    Query q(*this, st);
    q.Bind(1, subject_id);
    JV_RETURN_IF_ERROR(q.Run("delete index entries"));
    n += sqlite3_changes(db_);
  }
  return n;
}

Status SqliteStore::ForEachIndex(const std::string& kind,
                                 const std::function<Status(const IndexRow&)>& fn) {
  // The indexed entries, then the pending ones (store.h), each table in id order.
  for (const char* sql : {"SELECT id, mac, subject_id FROM blind_index "
                          "WHERE kind = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
                          "SELECT id, mac, subject_id FROM blind_index_pending "
                          "WHERE kind = ?1 AND id > ?2 ORDER BY id LIMIT ?3"}) {
    int64_t after = -1;  // ids are INTEGER PRIMARY KEYs >= 1
    std::vector<std::pair<int64_t, IndexRow>> page;
    for (;;) {
      page.clear();
      {
        JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql));
        Query q(*this, st);
        q.Bind(1, kind).Bind(2, after).Bind(3, int64_t{kPageRows} * 8);
        for (;;) {
          JV_ASSIGN_OR_RETURN(bool row, q.Step("list index entries"));
          if (!row) break;
          page.emplace_back(q.Int(0), IndexRow{kind, q.Blob(1), q.Text(2)});
        }
      }
      for (const auto& [id, row] : page) JV_RETURN_IF_ERROR(fn(row));
      if (page.size() < static_cast<size_t>(kPageRows) * 8) break;
      after = page.back().first;
    }
  }
  return Status::Ok();
}

// --- sources ---------------------------------------------------------------------------------

Status SqliteStore::PutSource(const SourceRow& s) {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      Prepare("INSERT INTO sources (id, kind, file_hash, status, report_json, created_micros, "
              "updated_micros) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE "
              "SET kind = excluded.kind, file_hash = excluded.file_hash, "
              "status = excluded.status, report_json = excluded.report_json, "
              "created_micros = excluded.created_micros, "
              "updated_micros = excluded.updated_micros"));
  Query q(*this, st);
  q.Bind(1, s.id).Bind(2, s.kind).Bind(3, s.file_hash).Bind(4, s.status);
  q.Bind(5, s.report_json).Bind(6, s.created_micros).Bind(7, s.updated_micros);
  return q.Run("write source");
}

Result<std::optional<SourceRow>> SqliteStore::FindSourceByHash(const std::string& file_hash,
                                                               const std::string& kind) {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      Prepare("SELECT id, kind, file_hash, status, report_json, created_micros, "
              "updated_micros FROM sources WHERE file_hash = ?1 AND kind = ?2 "
              "ORDER BY created_micros DESC, id DESC LIMIT 1"));
  Query q(*this, st);
  q.Bind(1, file_hash).Bind(2, kind);
  JV_ASSIGN_OR_RETURN(bool row, q.Step("find source"));
  if (!row) return std::optional<SourceRow>();
  return std::optional<SourceRow>(SourceRow{q.Text(0), q.Text(1), q.Text(2), q.Text(3),
                                            q.Text(4), q.Int(5), q.Int(6)});
}

Result<std::vector<SourceRow>> SqliteStore::ListSources() {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      Prepare("SELECT id, kind, file_hash, status, report_json, created_micros, "
              "updated_micros FROM sources ORDER BY created_micros, id"));
  Query q(*this, st);
  std::vector<SourceRow> out;
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool row, q.Step("list sources"));
    if (!row) break;
    out.push_back(SourceRow{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Int(5),
                            q.Int(6)});
  }
  return out;
}

// --- audit -----------------------------------------------------------------------------------

Status SqliteStore::AppendAudit(const AuditRow& row) {
  {
    // One statement, so the check and the insert are atomic even outside a transaction.
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                        Prepare("INSERT INTO audit (seq, line, leaf_hash) "
                                "SELECT ?1, ?2, ?3 "
                                "WHERE ?1 = (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit)"));
    Query q(*this, st);
    q.Bind(1, row.seq).Bind(2, row.line).Bind(3, row.leaf_hash);
    JV_RETURN_IF_ERROR(q.Run("append audit entry"));
  }
  if (sqlite3_changes(db_) == 1) return Status::Ok();
  JV_ASSIGN_OR_RETURN(int64_t size, AuditSize());
  return FailedPreconditionError("store: audit entry seq " + std::to_string(row.seq) +
                                 " is not the next one (the log holds " +
                                 std::to_string(size) + " entries)");
}

Result<int64_t> SqliteStore::AuditSize() {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare("SELECT COALESCE(MAX(seq), 0) FROM audit"));
  Query q(*this, st);
  JV_ASSIGN_OR_RETURN(bool row, q.Step("read audit size"));
  return row ? q.Int(0) : int64_t{0};
}

Status SqliteStore::ForEachAudit(int64_t from, int64_t to,
                                 const std::function<Status(const AuditRow&)>& fn) {
  std::vector<AuditRow> page;
  while (from <= to) {
    page.clear();
    {
      JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                          Prepare("SELECT seq, line, leaf_hash FROM audit "
                                  "WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3"));
      Query q(*this, st);
      q.Bind(1, from).Bind(2, to).Bind(3, int64_t{kPageRows});
      for (;;) {
        JV_ASSIGN_OR_RETURN(bool row, q.Step("read audit entries"));
        if (!row) break;
        page.push_back(AuditRow{q.Int(0), q.Text(1), q.Blob(2)});
      }
    }
    for (const AuditRow& r : page) JV_RETURN_IF_ERROR(fn(r));
    if (page.size() < static_cast<size_t>(kPageRows)) break;
    from = page.back().seq + 1;
  }
  return Status::Ok();
}

Status SqliteStore::LockAudit() {
  // BEGIN IMMEDIATE already holds the database's single write lock.
  if (!in_tx_) return FailedPreconditionError("store: LockAudit outside a transaction");
  return Status::Ok();
}

Status SqliteStore::PutCheckpoint(const CheckpointRow& c) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("INSERT INTO checkpoints (tree_size, root_hash, message, "
                              "signature, created_micros) VALUES (?1, ?2, ?3, ?4, ?5)"));
  Query q(*this, st);
  q.Bind(1, c.tree_size).Bind(2, c.root_hash).Bind(3, c.message).Bind(4, c.signature);
  q.Bind(5, c.created_micros);
  return q.Run("write checkpoint");
}

Result<std::vector<CheckpointRow>> SqliteStore::ListCheckpoints() {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT tree_size, root_hash, message, signature, created_micros "
                              "FROM checkpoints ORDER BY id"));
  Query q(*this, st);
  std::vector<CheckpointRow> out;
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool row, q.Step("list checkpoints"));
    if (!row) break;
    out.push_back(CheckpointRow{q.Int(0), q.Blob(1), q.Blob(2), q.Blob(3), q.Int(4)});
  }
  return out;
}

// --- objects ---------------------------------------------------------------------------------

Status SqliteStore::PutObject(const ObjectRow& o) {
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      Prepare("INSERT INTO objects (kind, id, subject_id, status, attrs_json, sealed, "
              "created_micros, updated_micros) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
              "ON CONFLICT (kind, id) DO UPDATE SET subject_id = excluded.subject_id, "
              "status = excluded.status, attrs_json = excluded.attrs_json, "
              "sealed = excluded.sealed, created_micros = excluded.created_micros, "
              "updated_micros = excluded.updated_micros"));
  Query q(*this, st);
  q.Bind(1, o.kind).Bind(2, o.id).Bind(3, o.subject_id).Bind(4, o.status);
  q.Bind(5, o.attrs_json).Bind(6, o.sealed).Bind(7, o.created_micros);
  q.Bind(8, o.updated_micros);
  return q.Run("write object");
}

Result<ObjectRow> SqliteStore::GetObject(const std::string& kind, const std::string& id) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("SELECT subject_id, status, attrs_json, sealed, created_micros, "
                              "updated_micros FROM objects WHERE kind = ?1 AND id = ?2"));
  Query q(*this, st);
  q.Bind(1, kind).Bind(2, id);
  JV_ASSIGN_OR_RETURN(bool row, q.Step("read object"));
  if (!row) return NotFoundError("store: no " + kind + " object with this id");
  return ObjectRow{kind, id, q.Text(0), q.Text(1), q.Text(2), q.Blob(3), q.Int(4), q.Int(5)};
}

Result<std::vector<ObjectRow>> SqliteStore::ListObjects(const ObjectFilter& f) {
  const char* sql;
  if (f.subject_id.has_value() && f.status.has_value()) {
    sql = "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
          "updated_micros FROM objects WHERE kind = ?1 AND subject_id = ?2 AND status = ?3 "
          "ORDER BY id";
  } else if (f.subject_id.has_value()) {
    sql = "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
          "updated_micros FROM objects WHERE kind = ?1 AND subject_id = ?2 ORDER BY id";
  } else if (f.status.has_value()) {
    sql = "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
          "updated_micros FROM objects WHERE kind = ?1 AND status = ?3 ORDER BY id";
  } else {
    sql = "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
          "updated_micros FROM objects WHERE kind = ?1 ORDER BY id";
  }
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql));
  Query q(*this, st);
  q.Bind(1, f.kind);
  if (f.subject_id.has_value()) q.Bind(2, *f.subject_id);
  if (f.status.has_value()) q.Bind(3, *f.status);
  std::vector<ObjectRow> out;
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool row, q.Step("list objects"));
    if (!row) break;
    out.push_back(ObjectRow{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Blob(5),
                            q.Int(6), q.Int(7)});
  }
  return out;
}

Status SqliteStore::DeleteObject(const std::string& kind, const std::string& id) {
  JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                      Prepare("DELETE FROM objects WHERE kind = ?1 AND id = ?2"));
  Query q(*this, st);
  q.Bind(1, kind).Bind(2, id);
  JV_RETURN_IF_ERROR(q.Run("delete object"));
  if (sqlite3_changes(db_) == 0) return NotFoundError("store: no " + kind + " object with this id");
  return Status::Ok();
}

// --- maintenance -----------------------------------------------------------------------------

// --- snapshot ------------------------------------------------------------------------------

Status SqliteStore::VisitSnapshot(SnapshotVisitor& v) {
  if (in_tx_) return FailedPreconditionError("store: VisitSnapshot inside a transaction");
  // A deferred BEGIN: the read snapshot is fixed by the first SELECT below and held until
  // the end, while other connections go on writing to the WAL.
  JV_RETURN_IF_ERROR(ExecSimple("BEGIN", "begin snapshot"));
  Status st = VisitSnapshotInTxn(v);
  Status end = ExecSimple(st.ok() ? "COMMIT" : "ROLLBACK", "end snapshot");
  if (!st.ok()) return st;
  return end;
}

Status SqliteStore::VisitSnapshotInTxn(SnapshotVisitor& v) {
  // Runs `sql` and calls `row` for every result row; statements stay open while the
  // visitor runs (it must not call this store).
  auto scan = [&](const char* sql, std::string_view what,
                  const std::function<Status(const Query&)>& row) -> Status {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql));
    Query q(*this, st);
    for (;;) {
      JV_ASSIGN_OR_RETURN(bool more, q.Step(what));
      if (!more) return Status::Ok();
      JV_RETURN_IF_ERROR(row(q));
    }
  };
  JV_RETURN_IF_ERROR(scan("SELECT key, value FROM meta ORDER BY key", "snapshot meta",
                          [&](const Query& q) { return v.OnMeta(q.Text(0), q.Text(1)); }));
  JV_RETURN_IF_ERROR(scan(
      "SELECT id, kind, params_json, wrapped, created_micros FROM key_slots "
      "ORDER BY created_micros, id",
      "snapshot key slots", [&](const Query& q) {
        return v.OnKeySlot(KeySlotRow{q.Text(0), q.Text(1), q.Text(2), q.Blob(3), q.Int(4)});
      }));
  JV_RETURN_IF_ERROR(scan(
      "SELECT id, state, attrs_json, created_micros, updated_micros FROM subjects ORDER BY id",
      "snapshot subjects", [&](const Query& q) {
        return v.OnSubject(SubjectRow{q.Text(0), q.Text(1), q.Text(2), q.Int(3), q.Int(4)});
      }));
  JV_RETURN_IF_ERROR(scan(
      "SELECT subject_id, key_class, wrapped FROM data_keys ORDER BY subject_id, key_class",
      "snapshot data keys", [&](const Query& q) {
        return v.OnDataKey(DataKeyRow{q.Text(0), q.Text(1), q.Blob(2)});
      }));
  JV_RETURN_IF_ERROR(scan(
      "SELECT id, subject_id, key_class, source_id, row_no, fields, ciphertext, "
      "created_micros FROM records ORDER BY id",
      "snapshot records", [&](const Query& q) {
        return v.OnRecord(RecordRow{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4),
                                    q.Text(5), q.Blob(6), q.Int(7)});
      }));
  JV_RETURN_IF_ERROR(scan("SELECT kind, mac, subject_id FROM ("
                          "SELECT kind, mac, subject_id, 0 AS pending, id FROM blind_index "
                          "UNION ALL SELECT kind, mac, subject_id, 1, id "
                          "FROM blind_index_pending) ORDER BY kind, pending, id",
                          "snapshot index entries", [&](const Query& q) {
                            return v.OnIndex(IndexRow{q.Text(0), q.Blob(1), q.Text(2)});
                          }));
  JV_RETURN_IF_ERROR(scan(
      "SELECT id, kind, file_hash, status, report_json, created_micros, updated_micros "
      "FROM sources ORDER BY created_micros, id",
      "snapshot sources", [&](const Query& q) {
        return v.OnSource(SourceRow{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4),
                                    q.Int(5), q.Int(6)});
      }));
  JV_RETURN_IF_ERROR(scan("SELECT seq, line, leaf_hash FROM audit ORDER BY seq",
                          "snapshot audit", [&](const Query& q) {
                            return v.OnAudit(AuditRow{q.Int(0), q.Text(1), q.Blob(2)});
                          }));
  JV_RETURN_IF_ERROR(scan(
      "SELECT tree_size, root_hash, message, signature, created_micros FROM checkpoints "
      "ORDER BY id",
      "snapshot checkpoints", [&](const Query& q) {
        return v.OnCheckpoint(
            CheckpointRow{q.Int(0), q.Blob(1), q.Blob(2), q.Blob(3), q.Int(4)});
      }));
  return scan(
      "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
      "updated_micros FROM objects ORDER BY kind, id",
      "snapshot objects", [&](const Query& q) {
        return v.OnObject(ObjectRow{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4),
                                    q.Blob(5), q.Int(6), q.Int(7)});
      });
}

Status SqliteStore::RestoreRecord(const RecordRow& r) {
  // AUTOINCREMENT keeps sqlite_sequence at the largest id ever inserted, explicit ones
  // included, so later InsertRecord ids stay above every restored one.
  JV_ASSIGN_OR_RETURN(
      sqlite3_stmt * st,
      Prepare("INSERT INTO records (id, subject_id, key_class, source_id, row_no, fields, "
              "ciphertext, created_micros) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  Query q(*this, st);
  q.Bind(1, r.id).Bind(2, r.subject_id).Bind(3, r.key_class).Bind(4, r.source_id);
  q.Bind(5, r.row_no).Bind(6, r.fields).Bind(7, r.ciphertext).Bind(8, r.created_micros);
  return q.Run("restore record");
}

namespace {

// The writer connection's WAL hook during a bulk load (sqlite3_wal_hook): runs after each
// commit, on the committing thread.
int BulkWalHook(void* checkpointer, sqlite3*, const char*, int frames) {
  static_cast<WalCheckpointer*>(checkpointer)->Committed(frames);
  return SQLITE_OK;
}

// The connection's settings in and out of bulk-load mode (SetBulkLoad). Setting
// wal_autocheckpoint also replaces the connection's WAL hook with SQLite's own.
constexpr char kBulkOnPragmas[] =
    "PRAGMA foreign_keys = OFF; PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = FILE;";
constexpr char kBulkOffPragmas[] =
    "PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 1000; PRAGMA temp_store = MEMORY;";

}  // namespace

Status SqliteStore::StopCheckpointer() {
  if (checkpointer_ == nullptr) return Status::Ok();
  sqlite3_wal_hook(db_, nullptr, nullptr);
  Status stopped = checkpointer_->Stop();
  bulk_checkpoints_ = checkpointer_->checkpoints();
  checkpointer_.reset();
  return stopped;
}

Result<std::string> SqliteStore::SetJournalMode(const char* mode) {
  const std::string sql = std::string("PRAGMA journal_mode = ") + mode;
  std::string now;
  int rc = sqlite3_exec(
      db_, sql.c_str(),
      [](void* out, int n, char** values, char**) {
        if (n > 0 && values[0] != nullptr) *static_cast<std::string*>(out) = values[0];
        return 0;
      },
      &now, nullptr);
  if ((rc & 0xff) == SQLITE_BUSY) return std::string("wal");  // another connection is open
  if (rc != SQLITE_OK) return Error(rc, "set the journal mode");
  return now;
}

Status SqliteStore::SetBulkLoad(bool on) {
  if (in_tx_) return FailedPreconditionError("store: SetBulkLoad inside a transaction");
  // Journal: when this is the only connection to the file, the bulk load runs with a
  // rollback journal (journal_mode DELETE, synchronous FULL), and goes back to WAL at its
  // end. A page new in a batch (nearly every page an import writes) is then written once,
  // into the database, where WAL writes it to the -wal file and a checkpoint copies it
  // again; the journal holds only the old contents of the pages a batch changes, and a
  // crash is rolled back from it on the next open, before the switch back to WAL. Leaving
  // WAL needs every other connection closed: with one open (the server, a reader), the
  // switch fails at once (no busy wait) and the load keeps WAL.
  // Checkpoints, in WAL: not on this connection (wal_autocheckpoint = 0) but on the
  // checkpointer's, once bulk_checkpoint_frames_ frames (64 MiB of 4 KiB pages) are in the
  // WAL: a page changed by several batches is copied into the database once per
  // checkpoint, not once per batch, and not by the writing thread. Leaving the mode puts
  // SQLite's automatic checkpoint back (1000 frames, its default).
  // temp_store FILE: the merge of pending index entries sorts them (MACs and subject ids,
  // no personal data); in memory that sort would add its size to the process.
  if (!on) {
    if (!bulk_on_) return Status::Ok();
    bulk_on_ = false;
    Status stopped = StopCheckpointer();
    int rc = sqlite3_exec(db_, kBulkOffPragmas, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "leave bulk load");
    if (bulk_rollback_journal_) {
      bulk_rollback_journal_ = false;
      JV_ASSIGN_OR_RETURN(std::string mode, SetJournalMode("WAL"));
      if (mode != "wal") {
        return InternalError("sqlite: the database cannot be put back in WAL mode");
      }
      rc = sqlite3_exec(db_, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK) return Error(rc, "leave bulk load");
    }
    return stopped;
  }
  if (bulk_on_) return Status::Ok();  // already on
  bulk_checkpoints_ = 0;
  int rc = sqlite3_exec(db_, kBulkOnPragmas, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "enter bulk load");
  // The journal for the load: a rollback journal if the switch succeeds, else WAL and the
  // checkpointer. Any failure leaves the connection as it was.
  auto journal = [&]() -> Status {
    sqlite3_busy_timeout(db_, 0);
    Result<std::string> mode = SetJournalMode("DELETE");
    sqlite3_busy_timeout(db_, busy_timeout_ms_);
    if (!mode.ok()) return mode.status();
    if (*mode == "delete") {
      int src = sqlite3_exec(db_, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
      if (src != SQLITE_OK) {
        Status failed = Error(src, "enter bulk load");
        SetJournalMode("WAL").status().IgnoreError();
        return failed;
      }
      bulk_rollback_journal_ = true;
      return Status::Ok();
    }
    JV_ASSIGN_OR_RETURN(checkpointer_, WalCheckpointer::Start(path_, bulk_checkpoint_frames_));
    sqlite3_wal_hook(db_, &BulkWalHook, checkpointer_.get());
    return Status::Ok();
  };
  Status st = journal();
  if (!st.ok()) {
    sqlite3_exec(db_, kBulkOffPragmas, nullptr, nullptr, nullptr);
    return st;
  }
  bulk_on_ = true;
  return Status::Ok();
}

bool SqliteStore::bulk_rollback_journal_for_test() const { return bulk_rollback_journal_; }

int64_t SqliteStore::bulk_checkpoints_for_test() const {
  return checkpointer_ != nullptr ? checkpointer_->checkpoints() : bulk_checkpoints_;
}

Status SqliteStore::Compact() {
  if (in_tx_) return FailedPreconditionError("store: Compact inside a transaction");
  int log_frames = 0, checkpointed = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames,
                                     &checkpointed);
  if (rc != SQLITE_OK) return Error(rc, "checkpoint and truncate the WAL");
  return Status::Ok();
}

}  // namespace jv::store
