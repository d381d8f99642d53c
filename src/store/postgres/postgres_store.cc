#include "src/store/postgres/postgres_store.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "src/common/check.h"
#include "src/common/strings.h"
#include "src/store/postgres/postgres_schema.h"

namespace jv::store {
namespace {

// Rows fetched per page by the ForEach* iterations (each page is one complete query, so
// callbacks may use the store between pages).
constexpr int64_t kPageRows = 512;

// Index entries per multi-row INSERT (3 parameters each; the protocol allows 65535).
constexpr size_t kIndexBatch = 256;

// Records per multi-row INSERT (8 parameters each).
constexpr size_t kRecordBatch = 128;

// The multi-row INSERT of n records with ids drawn beforehand from records_id_seq.
const std::string& RecordBatchSql(size_t n) {
  static const std::vector<std::string> sqls = [] {
    std::vector<std::string> v(kRecordBatch + 1);
    for (size_t k = 1; k <= kRecordBatch; ++k) {
      std::string q = "INSERT INTO records (id, subject_id, key_class, source_id, row_no, "
                      "fields, ciphertext, created_micros) OVERRIDING SYSTEM VALUE VALUES ";
      for (size_t i = 0; i < k; ++i) {
        if (i > 0) q += ", ";
        q += "(";
        for (size_t c = 1; c <= 8; ++c) {
          if (c > 1) q += ", ";
          q += "$" + std::to_string(8 * i + c);
        }
        q += ")";
      }
      v[k] = std::move(q);
    }
    return v;
  }();
  return sqls[n];
}

// "INSERT INTO blind_index ... VALUES ($1, $2, $3), ... ($3n-2, $3n-1, $3n) ON CONFLICT DO
// NOTHING" for n = 1..kIndexBatch, built once; their addresses key the statement cache.
const std::string& IndexBatchSql(size_t n) {
  static const std::vector<std::string> sqls = [] {
    std::vector<std::string> v(kIndexBatch + 1);
    for (size_t k = 1; k <= kIndexBatch; ++k) {
      std::string q = "INSERT INTO blind_index (kind, mac, subject_id) VALUES ";
      for (size_t i = 0; i < k; ++i) {
        if (i > 0) q += ", ";
        q += "($" + std::to_string(3 * i + 1) + ", $" + std::to_string(3 * i + 2) + ", $" +
             std::to_string(3 * i + 3) + ")";
      }
      q += " ON CONFLICT (kind, mac, subject_id) DO NOTHING";
      v[k] = std::move(q);
    }
    return v;
  }();
  return sqls[n];
}

// Type OIDs (pg_type.h; stable since PostgreSQL 7).
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kByteaOid = 17;

// Advisory lock keys (two-int4 form): class, then object. 0x6A76 is "jv".
constexpr int32_t kAuditLockClass = 0x6A760001;
constexpr int32_t kMigrationLockClass = 0x6A760002;

// FNV-1a, 32 bits: the vault id's advisory-lock object key.
int32_t Fnv1a32(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int32_t>(h);
}

void NoNotices(void*, const char*) {}

std::string FirstLine(const char* s) {
  if (s == nullptr) return std::string();
  std::string out(s);
  size_t nl = out.find('\n');
  if (nl != std::string::npos) out.resize(nl);
  return out;
}

bool IsPostgresUrl(const std::string& s) {
  return StartsWith(s, "postgresql://") || StartsWith(s, "postgres://");
}

}  // namespace

std::string RedactPostgresUrl(const std::string& url) {
  // scheme://[user[:password]@]host... -> drop ":password".
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "<malformed PostgreSQL URL>";
  size_t start = scheme + 3;
  size_t at = url.find('@', start);
  size_t slash = url.find('/', start);
  std::string out = url;
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    size_t colon = url.find(':', start);
    if (colon != std::string::npos && colon < at) out = url.substr(0, colon) + url.substr(at);
  }
  // Query parameters may hold a password too.
  size_t q = out.find('?');
  if (q != std::string::npos) out.resize(q);
  return out;
}

// Parameters of one statement, all sent in binary format: text as its UTF-8 bytes, bytea as
// raw bytes, bigint as 8 bytes big-endian. The caller's strings and byte vectors must
// outlive the call that uses the Params.
class PostgresStore::Params {
 public:
  Params& T(const std::string& v) { return Add(kTextOid, v.data(), v.size()); }
  Params& B(const Bytes& v) {
    static const char kEmpty = 0;
    return Add(kByteaOid, v.empty() ? &kEmpty : reinterpret_cast<const char*>(v.data()),
               v.size());
  }
  Params& I(int64_t v) {
    std::array<char, 8>& b = ints_.emplace_back();
    uint64_t u = static_cast<uint64_t>(v);
    for (int i = 7; i >= 0; --i, u >>= 8) b[i] = static_cast<char>(u & 0xff);
    return Add(kInt8Oid, b.data(), 8);
  }

  int size() const { return static_cast<int>(values_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  Params& Add(Oid type, const char* p, size_t n) {
    types_.push_back(type);
    values_.push_back(p);
    lengths_.push_back(static_cast<int>(n));
    formats_.push_back(1);
    return *this;
  }
  std::deque<std::array<char, 8>> ints_;  // deque: stable addresses
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// The result of one statement (binary format); owns the PGresult.
class PostgresStore::Rows {
 public:
  explicit Rows(PGresult* r) : r_(r) {}
  Rows(Rows&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Rows& operator=(Rows&& o) noexcept {
    std::swap(r_, o.r_);
    return *this;
  }
  ~Rows() { PQclear(r_); }

  int size() const { return PQntuples(r_); }
  // Rows changed by INSERT/UPDATE/DELETE.
  int64_t affected() const {
    const char* n = PQcmdTuples(r_);
    return (n != nullptr && *n != '\0') ? std::strtoll(n, nullptr, 10) : 0;
  }
  bool IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
  }
  Bytes Blob(int row, int col) const {
    const auto* p = reinterpret_cast<const uint8_t*>(PQgetvalue(r_, row, col));
    return Bytes(p, p + PQgetlength(r_, row, col));
  }
  // bigint, integer, smallint or boolean, big-endian.
  int64_t Int(int row, int col) const {
    const auto* p = reinterpret_cast<const uint8_t*>(PQgetvalue(r_, row, col));
    int n = PQgetlength(r_, row, col);
    JV_CHECK(n == 1 || n == 2 || n == 4 || n == 8);
    uint64_t u = (p[0] & 0x80) != 0 && n > 1 ? ~uint64_t{0} : 0;  // sign-extend
    for (int i = 0; i < n; ++i) u = (u << 8) | p[i];
    return static_cast<int64_t>(u);
  }

 private:
  PGresult* r_;
};

// The MigrationTarget over this connection.
class PostgresStore::Migrator : public MigrationTarget {
 public:
  explicit Migrator(PostgresStore& s) : s_(s) {}
  Status BeginExclusive() override {
    JV_RETURN_IF_ERROR(s_.Exec("BEGIN", "begin migration"));
    Params p;
    p.I(kMigrationLockClass);
    return s_.Run("SELECT pg_advisory_xact_lock(CAST($1 AS integer), 0)", p,
                  "lock for migration")
        .status();
  }
  Status CommitTransaction() override { return s_.Exec("COMMIT", "commit migration"); }
  Status RollbackTransaction() override {
    if (PQtransactionStatus(s_.conn_) == PQTRANS_IDLE) return Status::Ok();
    return s_.Exec("ROLLBACK", "roll back migration");
  }
  Result<int> ReadSchemaVersion() override {
    {
      JV_ASSIGN_OR_RETURN(Rows r, s_.Run("SELECT COUNT(*) FROM pg_catalog.pg_tables "
                                         "WHERE schemaname = current_schema() "
                                         "AND tablename = 'meta'",
                                         Params(), "read schema"));
      if (r.Int(0, 0) == 0) return 0;
    }
    JV_ASSIGN_OR_RETURN(std::optional<std::string> v,
                        s_.GetMeta(std::string(kSchemaVersionKey)));
    if (!v.has_value()) return 0;
    if (v->empty() || v->size() > 6) return Corrupt();
    int version = 0;
    for (char c : *v) {
      if (c < '0' || c > '9') return Corrupt();
      version = version * 10 + (c - '0');
    }
    return version;
  }
  Status ExecScript(std::string_view sql) override {
    return s_.Exec(std::string(sql), "run migration script");
  }
  Status WriteSchemaVersion(int version) override {
    return s_.PutMeta(std::string(kSchemaVersionKey), std::to_string(version));
  }

 private:
  static Status Corrupt() {
    return DataLossError("vault database: meta schema_version is not a version number");
  }
  PostgresStore& s_;
};

PostgresStore::PostgresStore(pg_conn* conn) : conn_(conn) {}

PostgresStore::~PostgresStore() { PQfinish(conn_); }  // the server rolls back an open txn

Status PostgresStore::Error(const pg_result* res, std::string_view what) const {
  const char* state_p = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_p != nullptr ? state_p : "";
  const std::string prefix = "postgresql: " + std::string(what) + ": ";
  if (PQstatus(conn_) == CONNECTION_BAD || state.empty() || StartsWith(state, "08")) {
    return UnavailableError(prefix + "the connection to the server failed (" +
                            FirstLine(PQerrorMessage(conn_)) + ")");
  }
  const char* constraint_p = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
  const std::string constraint =
      constraint_p != nullptr ? std::string(", constraint ") + constraint_p : "";
  if (state == "23505") {
    return AlreadyExistsError(prefix + "duplicate key (SQLSTATE 23505" + constraint + ")");
  }
  if (state == "23503") {
    return FailedPreconditionError(prefix + "no subject with this subject id (SQLSTATE 23503" +
                                   constraint + ")");
  }
  if (StartsWith(state, "22") || StartsWith(state, "23")) {
    // Data and integrity errors may quote values: name only the code and constraint.
    return InternalError(prefix + "rejected by the server (SQLSTATE " + state + constraint +
                         ")");
  }
  const std::string m =
      prefix + FirstLine(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) + " (SQLSTATE " +
      state + ")";
  if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014" ||
      state == "57P01" || state == "57P02" || state == "57P03" || state == "53300") {
    return UnavailableError(m);
  }
  if (state == "XX001" || state == "XX002") return DataLossError(m);
  return InternalError(m);
}

Result<PostgresStore::Rows> PostgresStore::Run(const char* sql, const Params& p,
                                               std::string_view what) {
  if (!flushing_ && (!pending_index_.empty() || !pending_records_.empty())) {
    JV_RETURN_IF_ERROR(FlushPending());
  }
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "jv_" + std::to_string(prepared_.size());
    PGresult* prep = PQprepare(conn_, name.c_str(), sql, p.size(), p.types());
    if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
      Status err = Error(prep, std::string(what) + " (prepare)");
      PQclear(prep);
      return err;
    }
    PQclear(prep);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  PGresult* r = PQexecPrepared(conn_, it->second.c_str(), p.size(), p.values(), p.lengths(),
                               p.formats(), /*resultFormat=*/1);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Status err = Error(r, what);
    PQclear(r);
    return err;
  }
  return Rows(r);
}

Status PostgresStore::Exec(const std::string& sql, std::string_view what) {
  if (!flushing_ && (!pending_index_.empty() || !pending_records_.empty())) {
    JV_RETURN_IF_ERROR(FlushPending());
  }
  PGresult* r = PQexec(conn_, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  Status out = Status::Ok();
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) out = Error(r, what);
  PQclear(r);
  return out;
}

Status PostgresStore::NotInSnapshot() const {
  if (in_snapshot_) {
    return FailedPreconditionError("store: the snapshot visitor must not call the store");
  }
  return Status::Ok();
}

// --- open ------------------------------------------------------------------------------------

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url,
                                                           OpenMode mode) {
  return Open(url, mode, PostgresOptions());
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url,
                                                           OpenMode mode,
                                                           const PostgresOptions& options) {
  if (!IsPostgresUrl(url)) {
    return InvalidArgumentError("a PostgreSQL store location must start with postgresql://");
  }
  const std::string where = RedactPostgresUrl(url);
  {
    char* err = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &err);
    if (parsed == nullptr) {
      PQfreemem(err);
      return InvalidArgumentError("malformed PostgreSQL URL " + where);
    }
    PQconninfoFree(parsed);
  }
  // Defaults first: the URL (expanded at "dbname") overrides them.
  const std::string timeout = std::to_string(options.connect_timeout_s);
  const char* keys[] = {"connect_timeout", "client_encoding", "application_name", "dbname",
                        nullptr};
  const char* values[] = {timeout.c_str(), "UTF8", "jadevault", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return InternalError("postgresql: out of memory connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = FirstLine(PQerrorMessage(conn));
    PQfinish(conn);
    if (msg.find("does not exist") != std::string::npos) {
      return NotFoundError("no PostgreSQL database at " + where + " (" + msg + ")");
    }
    return UnavailableError("cannot connect to PostgreSQL at " + where + ": " + msg);
  }
  PQsetNoticeProcessor(conn, NoNotices, nullptr);
  std::unique_ptr<PostgresStore> store(new PostgresStore(conn));
  JV_RETURN_IF_ERROR(store->Exec("SET lock_timeout = " + std::to_string(options.lock_timeout_ms) +
                                     "; SET statement_timeout = 0; "
                                     "SET idle_in_transaction_session_timeout = 0; "
                                     "SET client_min_messages = warning",
                                 "configure session"));

  std::span<const Migration> steps =
      options.migrations_for_test.empty() ? PostgresMigrations() : options.migrations_for_test;
  const int latest = LatestSchemaVersion(steps);
  Migrator migrator(*store);
  JV_ASSIGN_OR_RETURN(int version, migrator.ReadSchemaVersion());
  JV_RETURN_IF_ERROR(CheckSchemaNotNewer(version, latest));
  if (version == 0) {
    if (mode == OpenMode::kExisting) {
      return NotFoundError("no vault in PostgreSQL database " + where +
                           " (it has no vault schema)");
    }
    JV_ASSIGN_OR_RETURN(Rows r, store->Run("SELECT COUNT(*) FROM pg_catalog.pg_tables "
                                           "WHERE schemaname = current_schema()",
                                           Params(), "inspect schema"));
    if (r.Int(0, 0) != 0) {
      // Another opener may have just finished migrating this very database (its tables
      // appeared after our first look): wait for the migration lock and look again.
      JV_RETURN_IF_ERROR(migrator.BeginExclusive());
      Result<int> again = migrator.ReadSchemaVersion();
      migrator.RollbackTransaction().IgnoreError();
      JV_RETURN_IF_ERROR(again.status());
      if (*again != 0) version = *again;
    }
    if (version == 0 && r.Int(0, 0) != 0) {
      return FailedPreconditionError("PostgreSQL database " + where +
                                     " holds another program's tables; give jadevault an "
                                     "empty database");
    }
  }
  JV_ASSIGN_OR_RETURN(store->schema_version_, ApplyMigrations(migrator, steps));
  return store;
}

// --- transactions -----------------------------------------------------------------------

Status PostgresStore::Begin() {
  JV_RETURN_IF_ERROR(NotInSnapshot());
  if (in_tx_) {
    return FailedPreconditionError("store: Begin inside a transaction (transactions do not nest)");
  }
  JV_RETURN_IF_ERROR(Exec("BEGIN", "begin transaction"));
  in_tx_ = true;
  return Status::Ok();
}

Status PostgresStore::Commit() {
  if (!in_tx_) return FailedPreconditionError("store: Commit without a transaction");
  Status flushed = FlushPending();
  EndTransaction();
  if (!flushed.ok()) {
    Exec("ROLLBACK", "roll back after failed commit").IgnoreError();
    return flushed;
  }
  PGresult* r = PQexec(conn_, "COMMIT");
  Status out = Status::Ok();
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    out = Error(r, "commit");
  } else if (std::strcmp(PQcmdStatus(r), "COMMIT") != 0) {
    // The server answers COMMIT of a failed transaction with ROLLBACK.
    out = InternalError("postgresql: commit: an earlier statement failed, so the server "
                        "rolled the transaction back");
  }
  PQclear(r);
  if (PQtransactionStatus(conn_) == PQTRANS_INERROR || PQtransactionStatus(conn_) == PQTRANS_INTRANS) {
    Exec("ROLLBACK", "roll back after failed commit").IgnoreError();
  }
  return out;
}

Status PostgresStore::Rollback() {
  if (!in_tx_) return FailedPreconditionError("store: Rollback without a transaction");
  EndTransaction();
  if (PQstatus(conn_) == CONNECTION_BAD) return Status::Ok();  // the server rolled back
  return Exec("ROLLBACK", "roll back");
}

void PostgresStore::EndTransaction() {
  in_tx_ = false;
  tx_subjects_.clear();
  tx_new_subjects_.clear();
  tx_keyed_.clear();
  pending_index_.clear();
  pending_records_.clear();
  reserved_ids_.clear();  // unused ids are skipped, never handed out later (ids increase)
}

Status PostgresStore::FlushPending() {
  flushing_ = true;
  Status st = Status::Ok();
  for (size_t done = 0; st.ok() && done < pending_records_.size();) {
    const size_t n = std::min(kRecordBatch, pending_records_.size() - done);
    Params p;
    for (size_t i = done; i < done + n; ++i) {
      const RecordRow& r = pending_records_[i];
      p.I(r.id).T(r.subject_id).T(r.key_class).T(r.source_id).I(r.row_no).T(r.fields);
      p.B(r.ciphertext).I(r.created_micros);
    }
    st = Run(RecordBatchSql(n).c_str(), p, "insert records").status();
    done += n;
  }
  pending_records_.clear();
  size_t done = 0;
  while (st.ok() && done < pending_index_.size()) {
    const size_t n = std::min(kIndexBatch, pending_index_.size() - done);
    Params p;
    for (size_t i = done; i < done + n; ++i) {
      p.T(pending_index_[i].kind).B(pending_index_[i].mac).T(pending_index_[i].subject_id);
    }
    st = Run(IndexBatchSql(n).c_str(), p, "write index entries").status();
    done += n;
  }
  flushing_ = false;
  pending_index_.clear();
  return st;
}

// --- meta ----------------------------------------------------------------------------------

Result<std::optional<std::string>> PostgresStore::GetMeta(const std::string& key) {
  Params p;
  p.T(key);
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT value FROM meta WHERE key = $1", p, "read meta"));
  if (r.size() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r.Text(0, 0));
}

Status PostgresStore::PutMeta(const std::string& key, const std::string& value) {
  Params p;
  p.T(key).T(value);
  return Run("INSERT INTO meta (key, value) VALUES ($1, $2) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
             p, "write meta")
      .status();
}

// --- key slots -------------------------------------------------------------------------------

Status PostgresStore::PutKeySlot(const KeySlotRow& slot) {
  Params p;
  p.T(slot.id).T(slot.kind).T(slot.params_json).B(slot.wrapped).I(slot.created_micros);
  return Run("INSERT INTO key_slots (id, kind, params_json, wrapped, created_micros) "
             "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET "
             "kind = excluded.kind, params_json = excluded.params_json, "
             "wrapped = excluded.wrapped, created_micros = excluded.created_micros",
             p, "write key slot")
      .status();
}

Result<std::vector<KeySlotRow>> PostgresStore::ListKeySlots() {
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT id, kind, params_json, wrapped, created_micros "
                                  "FROM key_slots ORDER BY created_micros, id",
                                  Params(), "list key slots"));
  std::vector<KeySlotRow> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back(KeySlotRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Blob(i, 3), r.Int(i, 4)});
  }
  return out;
}

Status PostgresStore::DeleteKeySlot(const std::string& id) {
  Params p;
  p.T(id);
  JV_ASSIGN_OR_RETURN(Rows r, Run("DELETE FROM key_slots WHERE id = $1", p, "delete key slot"));
  if (r.affected() == 0) return NotFoundError("store: no key slot with this id");
  return Status::Ok();
}

// --- subjects --------------------------------------------------------------------------------

Status PostgresStore::InsertSubject(const SubjectRow& s) {
  Params p;
  p.T(s.id).T(s.state).T(s.attrs_json).I(s.created_micros).I(s.updated_micros);
  JV_ASSIGN_OR_RETURN(
      Rows r, Run("INSERT INTO subjects (id, state, attrs_json, created_micros, updated_micros) "
                  "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                  p, "insert subject"));
  if (r.affected() == 0) return AlreadyExistsError("store: a subject with this id exists");
  if (in_tx_) {
    tx_subjects_.insert(s.id);
    tx_new_subjects_.insert(s.id);
  }
  return Status::Ok();
}

Result<SubjectRow> PostgresStore::GetSubject(const std::string& id) {
  Params p;
  p.T(id);
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT state, attrs_json, created_micros, updated_micros "
                                  "FROM subjects WHERE id = $1",
                                  p, "read subject"));
  if (r.size() == 0) return NotFoundError("store: no subject with this id");
  if (in_tx_) tx_subjects_.insert(id);
  return SubjectRow{id, r.Text(0, 0), r.Text(0, 1), r.Int(0, 2), r.Int(0, 3)};
}

Result<SubjectRow> PostgresStore::GetSubjectForUpdate(const std::string& id) {
  if (!in_tx_) {
    return FailedPreconditionError("store: GetSubjectForUpdate outside a transaction");
  }
  Params p;
  p.T(id);
  // READ COMMITTED + FOR UPDATE: waits for a concurrent writer of the row, then returns the
  // row as that writer committed it, and holds the row lock until this transaction ends.
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT state, attrs_json, created_micros, updated_micros "
                                  "FROM subjects WHERE id = $1 FOR UPDATE",
                                  p, "read subject for update"));
  if (r.size() == 0) return NotFoundError("store: no subject with this id");
  tx_subjects_.insert(id);
  return SubjectRow{id, r.Text(0, 0), r.Text(0, 1), r.Int(0, 2), r.Int(0, 3)};
}

Status PostgresStore::UpdateSubject(const SubjectRow& s) {
  Params p;
  p.T(s.id).T(s.state).T(s.attrs_json).I(s.created_micros).I(s.updated_micros);
  JV_ASSIGN_OR_RETURN(Rows r, Run("UPDATE subjects SET state = $2, attrs_json = $3, "
                                  "created_micros = $4, updated_micros = $5 WHERE id = $1",
                                  p, "update subject"));
  if (r.affected() == 0) return NotFoundError("store: no subject with this id");
  if (in_tx_) tx_subjects_.insert(s.id);
  return Status::Ok();
}

Status PostgresStore::ForEachSubject(const std::optional<std::string>& state,
                                     const std::function<Status(const SubjectRow&)>& fn) {
  std::string after;  // every id sorts after ""
  std::vector<SubjectRow> page;
  for (;;) {
    page.clear();
    {
      Params p;
      p.T(after).I(kPageRows);
      if (state.has_value()) p.T(*state);
      JV_ASSIGN_OR_RETURN(
          Rows r, state.has_value()
                      ? Run("SELECT id, state, attrs_json, created_micros, updated_micros "
                            "FROM subjects WHERE state = $3 AND id > $1 ORDER BY id LIMIT $2",
                            p, "list subjects")
                      : Run("SELECT id, state, attrs_json, created_micros, updated_micros "
                            "FROM subjects WHERE id > $1 ORDER BY id LIMIT $2",
                            p, "list subjects"));
      for (int i = 0; i < r.size(); ++i) {
        page.push_back(
            SubjectRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3), r.Int(i, 4)});
      }
    }
    for (const SubjectRow& s : page) JV_RETURN_IF_ERROR(fn(s));
    if (page.size() < static_cast<size_t>(kPageRows)) return Status::Ok();
    after = page.back().id;
  }
}

Result<std::map<std::string, int64_t>> PostgresStore::CountSubjectsByState() {
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT state, COUNT(*) FROM subjects GROUP BY state",
                                  Params(), "count subjects"));
  std::map<std::string, int64_t> out;
  for (int i = 0; i < r.size(); ++i) out[r.Text(i, 0)] = r.Int(i, 1);
  return out;
}

// --- data keys -------------------------------------------------------------------------------

Status PostgresStore::PutDataKey(const DataKeyRow& k) {
  Params p;
  p.T(k.subject_id).T(k.key_class).B(k.wrapped);
  JV_ASSIGN_OR_RETURN(
      Rows r, Run("INSERT INTO data_keys (subject_id, key_class, wrapped) "
                  "SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM subjects WHERE id = $1) "
                  "ON CONFLICT (subject_id, key_class) DO UPDATE SET wrapped = excluded.wrapped",
                  p, "write data key"));
  if (r.affected() == 0) {
    return FailedPreconditionError("store: write data key: no subject with this subject id");
  }
  if (in_tx_) tx_keyed_.insert(k.subject_id + '\n' + k.key_class);
  return Status::Ok();
}

Result<DataKeyRow> PostgresStore::GetDataKey(const std::string& subject_id,
                                             const std::string& key_class) {
  // A subject this transaction inserted has only the keys this transaction put (nobody else
  // can reference the uncommitted row), so the answer is known without asking.
  if (in_tx_ && tx_new_subjects_.count(subject_id) != 0 &&
      tx_keyed_.count(subject_id + '\n' + key_class) == 0) {
    return NotFoundError("store: no data key of class " + key_class + " for subject");
  }
  Params p;
  p.T(subject_id).T(key_class);
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT wrapped FROM data_keys "
                                  "WHERE subject_id = $1 AND key_class = $2",
                                  p, "read data key"));
  if (r.size() == 0) {
    return NotFoundError("store: no data key of class " + key_class + " for subject");
  }
  return DataKeyRow{subject_id, key_class, r.Blob(0, 0)};
}

Result<std::vector<DataKeyRow>> PostgresStore::ListDataKeys(const std::string& subject_id) {
  Params p;
  p.T(subject_id);
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT key_class, wrapped FROM data_keys "
                                  "WHERE subject_id = $1 ORDER BY key_class",
                                  p, "list data keys"));
  std::vector<DataKeyRow> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(DataKeyRow{subject_id, r.Text(i, 0), r.Blob(i, 1)});
  return out;
}

Status PostgresStore::ForEachDataKey(const std::function<Status(const DataKeyRow&)>& fn) {
  std::string after_subject, after_class;
  std::vector<DataKeyRow> page;
  for (;;) {
    page.clear();
    {
      Params p;
      p.T(after_subject).T(after_class).I(kPageRows);
      JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT subject_id, key_class, wrapped FROM data_keys "
                                      "WHERE (subject_id, key_class) > ($1, $2) "
                                      "ORDER BY subject_id, key_class LIMIT $3",
                                      p, "list data keys"));
      for (int i = 0; i < r.size(); ++i) {
        page.push_back(DataKeyRow{r.Text(i, 0), r.Text(i, 1), r.Blob(i, 2)});
      }
    }
    for (const DataKeyRow& k : page) JV_RETURN_IF_ERROR(fn(k));
    if (page.size() < static_cast<size_t>(kPageRows)) return Status::Ok();
    after_subject = page.back().subject_id;
    after_class = page.back().key_class;
  }
}

Result<int64_t> PostgresStore::DeleteDataKeys(const std::string& subject_id,
                                              const std::optional<std::string>& key_class) {
  Params p;
  p.T(subject_id);
  if (key_class.has_value()) p.T(*key_class);
  JV_ASSIGN_OR_RETURN(
      Rows r, key_class.has_value()
                  ? Run("DELETE FROM data_keys WHERE subject_id = $1 AND key_class = $2", p,
                        "delete data keys")
                  : Run("DELETE FROM data_keys WHERE subject_id = $1", p, "delete data keys"));
  return r.affected();
}

// --- records ---------------------------------------------------------------------------------

Result<int64_t> PostgresStore::InsertRecord(const RecordRow& rec) {
  if (in_tx_ && tx_subjects_.count(rec.subject_id) != 0) {
    if (reserved_ids_.empty()) {
      Params q;
      q.I(static_cast<int64_t>(kRecordBatch));
      JV_ASSIGN_OR_RETURN(Rows ids, Run("SELECT nextval('records_id_seq') "
                                        "FROM generate_series(1, $1) ORDER BY 1",
                                        q, "reserve record ids"));
      for (int i = 0; i < ids.size(); ++i) reserved_ids_.push_back(ids.Int(i, 0));
    }
    RecordRow queued = rec;
    queued.id = reserved_ids_.front();
    reserved_ids_.pop_front();
    const int64_t id = queued.id;
    pending_records_.push_back(std::move(queued));
    if (pending_records_.size() >= kRecordBatch) JV_RETURN_IF_ERROR(FlushPending());
    return id;
  }
  reserved_ids_.clear();  // a later queued record must not get a smaller id than this one
  Params p;
  p.T(rec.subject_id).T(rec.key_class).T(rec.source_id).I(rec.row_no).T(rec.fields);
  p.B(rec.ciphertext).I(rec.created_micros);
  JV_ASSIGN_OR_RETURN(
      Rows r, Run("INSERT INTO records (subject_id, key_class, source_id, row_no, fields, "
                  "ciphertext, created_micros) SELECT $1, $2, $3, $4, $5, $6, $7 "
                  "WHERE EXISTS (SELECT 1 FROM subjects WHERE id = $1) RETURNING id",
                  p, "insert record"));
  if (r.size() == 0) {
    return FailedPreconditionError("store: insert record: no subject with this subject id");
  }
  return r.Int(0, 0);
}

Result<std::vector<RecordRow>> PostgresStore::ListRecords(const std::string& subject_id) {
  Params p;
  p.T(subject_id);
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT id, key_class, source_id, row_no, fields, ciphertext, "
                                  "created_micros FROM records WHERE subject_id = $1 ORDER BY id",
                                  p, "list records"));
  std::vector<RecordRow> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back(RecordRow{r.Int(i, 0), subject_id, r.Text(i, 1), r.Text(i, 2), r.Int(i, 3),
                            r.Text(i, 4), r.Blob(i, 5), r.Int(i, 6)});
  }
  return out;
}

Status PostgresStore::ForEachSourceRecord(
    const std::string& source_id,
    const std::function<Status(int64_t row_no, const std::string& subject_id)>& fn) {
  return ForEachById("SELECT id, row_no, subject_id FROM records "
                     "WHERE source_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                     source_id, "list source records",
                     [&](const Rows& r, int i) { return fn(r.Int(i, 1), r.Text(i, 2)); });
}

Result<int64_t> PostgresStore::DeleteRecords(const std::string& subject_id,
                                             const std::optional<std::string>& key_class) {
  Params p;
  p.T(subject_id);
  if (key_class.has_value()) p.T(*key_class);
  JV_ASSIGN_OR_RETURN(
      Rows r, key_class.has_value()
                  ? Run("DELETE FROM records WHERE subject_id = $1 AND key_class = $2", p,
                        "delete records")
                  : Run("DELETE FROM records WHERE subject_id = $1", p, "delete records"));
  return r.affected();
}

Status PostgresStore::RestoreRecord(const RecordRow& rec) {
  JV_RETURN_IF_ERROR(NotInSnapshot());
  Params p;
  p.I(rec.id).T(rec.subject_id).T(rec.key_class).T(rec.source_id).I(rec.row_no).T(rec.fields);
  p.B(rec.ciphertext).I(rec.created_micros);
  JV_ASSIGN_OR_RETURN(
      Rows r, Run("INSERT INTO records (id, subject_id, key_class, source_id, row_no, fields, "
                  "ciphertext, created_micros) OVERRIDING SYSTEM VALUE "
                  "SELECT $1, $2, $3, $4, $5, $6, $7, $8 "
                  "WHERE EXISTS (SELECT 1 FROM subjects WHERE id = $2) "
                  "ON CONFLICT (id) DO NOTHING",
                  p, "restore record"));
  if (r.affected() == 0) {
    Params q;
    q.I(rec.id);
    JV_ASSIGN_OR_RETURN(Rows taken, Run("SELECT 1 FROM records WHERE id = $1", q,
                                        "restore record"));
    if (taken.size() != 0) return AlreadyExistsError("store: a record with this id exists");
    return FailedPreconditionError("store: restore record: no subject with this subject id");
  }
  // Move the identity sequence past the restored id (never back: ids are never reused).
  Params q;
  q.I(rec.id);
  return Run("SELECT setval('records_id_seq', GREATEST($1, "
             "(SELECT last_value FROM records_id_seq)))",
             q, "advance record ids")
      .status();
}

// --- blind indexes ---------------------------------------------------------------------------

Status PostgresStore::PutIndex(const IndexRow& row) {
  if (in_tx_ && tx_subjects_.count(row.subject_id) != 0) {
    pending_index_.push_back(row);
    if (pending_index_.size() >= kIndexBatch) return FlushPending();
    return Status::Ok();
  }
  Params p;
  p.T(row.kind).B(row.mac).T(row.subject_id);
  JV_ASSIGN_OR_RETURN(
      Rows r, Run("INSERT INTO blind_index (kind, mac, subject_id) SELECT $1, $2, $3 "
                  "WHERE EXISTS (SELECT 1 FROM subjects WHERE id = $3) "
                  "ON CONFLICT (kind, mac, subject_id) DO NOTHING",
                  p, "write index entry"));
  if (r.affected() == 1) return Status::Ok();
  // Nothing inserted: a duplicate (fine) or no such subject.
  Params q;
  q.T(row.subject_id);
  JV_ASSIGN_OR_RETURN(Rows s, Run("SELECT 1 FROM subjects WHERE id = $1", q, "write index entry"));
  if (s.size() == 0) {
    return FailedPreconditionError("store: write index entry: no subject with this subject id");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> PostgresStore::FindIndex(const std::string& kind,
                                                          const Bytes& mac) {
  Params p;
  p.T(kind).B(mac);
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT subject_id FROM blind_index "
                                  "WHERE kind = $1 AND mac = $2 ORDER BY id",
                                  p, "find index entry"));
  std::vector<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
  return out;
}

Result<int64_t> PostgresStore::DeleteIndexes(const std::string& subject_id) {
  Params p;
  p.T(subject_id);
  JV_ASSIGN_OR_RETURN(Rows r, Run("DELETE FROM blind_index WHERE subject_id = $1", p,
                                  "delete index entries"));
  return r.affected();
}

Status PostgresStore::ForEachIndex(const std::string& kind,
                                   const std::function<Status(const IndexRow&)>& fn) {
  return ForEachById("SELECT id, mac, subject_id FROM blind_index "
                     "WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3",
                     kind, "list index entries", [&](const Rows& r, int i) {
                       return fn(IndexRow{kind, r.Blob(i, 1), r.Text(i, 2)});
                     });
}

Status PostgresStore::ForEachById(const char* sql, const std::string& key,
                                  std::string_view what,
                                  const std::function<Status(const Rows& rows, int i)>& row) {
  int64_t after = 0;  // identity values start at 1
  const int64_t page_rows = kPageRows * 8;
  for (;;) {
    Params p;
    p.T(key).I(after).I(page_rows);
    JV_ASSIGN_OR_RETURN(Rows r, Run(sql, p, what));
    for (int i = 0; i < r.size(); ++i) JV_RETURN_IF_ERROR(row(r, i));
    if (r.size() < page_rows) return Status::Ok();
    after = r.Int(r.size() - 1, 0);
  }
}

// --- sources ---------------------------------------------------------------------------------

Status PostgresStore::PutSource(const SourceRow& s) {
  Params p;
  p.T(s.id).T(s.kind).T(s.file_hash).T(s.status).T(s.report_json).I(s.created_micros);
  p.I(s.updated_micros);
  return Run("INSERT INTO sources (id, kind, file_hash, status, report_json, created_micros, "
             "updated_micros) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE "
             "SET kind = excluded.kind, file_hash = excluded.file_hash, "
             "status = excluded.status, report_json = excluded.report_json, "
             "created_micros = excluded.created_micros, "
             "updated_micros = excluded.updated_micros",
             p, "write source")
      .status();
}

Result<std::optional<SourceRow>> PostgresStore::FindSourceByHash(const std::string& file_hash,
                                                                 const std::string& kind) {
  Params p;
  p.T(file_hash).T(kind);
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT id, kind, file_hash, status, report_json, "
                                  "created_micros, updated_micros FROM sources "
                                  "WHERE file_hash = $1 AND kind = $2 "
                                  "ORDER BY created_micros DESC, id DESC LIMIT 1",
                                  p, "find source"));
  if (r.size() == 0) return std::optional<SourceRow>();
  return std::optional<SourceRow>(SourceRow{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2),
                                            r.Text(0, 3), r.Text(0, 4), r.Int(0, 5),
                                            r.Int(0, 6)});
}

Result<std::vector<SourceRow>> PostgresStore::ListSources() {
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT id, kind, file_hash, status, report_json, "
                                  "created_micros, updated_micros FROM sources "
                                  "ORDER BY created_micros, id",
                                  Params(), "list sources"));
  std::vector<SourceRow> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back(SourceRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),
                            r.Text(i, 4), r.Int(i, 5), r.Int(i, 6)});
  }
  return out;
}

// --- audit -----------------------------------------------------------------------------------

Status PostgresStore::AppendAudit(const AuditRow& row) {
  {
    // One statement: the check and the insert are atomic even outside a transaction. Two
    // writers without LockAudit may both pass the check; the primary key then makes the
    // second wait for the first and insert nothing (ON CONFLICT), so it fails below.
    Params p;
    p.I(row.seq).T(row.line).B(row.leaf_hash);
    JV_ASSIGN_OR_RETURN(
        Rows r, Run("INSERT INTO audit (seq, line, leaf_hash) SELECT $1, $2, $3 "
                    "WHERE $1 = (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit) "
                    "ON CONFLICT (seq) DO NOTHING",
                    p, "append audit entry"));
    if (r.affected() == 1) return Status::Ok();
  }
  JV_ASSIGN_OR_RETURN(int64_t size, AuditSize());
  return FailedPreconditionError("store: audit entry seq " + std::to_string(row.seq) +
                                 " is not the next one (the log holds " +
                                 std::to_string(size) + " entries)");
}

Result<int64_t> PostgresStore::AuditSize() {
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT COALESCE(MAX(seq), 0) FROM audit", Params(),
                                  "read audit size"));
  return r.size() == 0 ? int64_t{0} : r.Int(0, 0);
}

Status PostgresStore::ForEachAudit(int64_t from, int64_t to,
                                   const std::function<Status(const AuditRow&)>& fn) {
  std::vector<AuditRow> page;
  while (from <= to) {
    page.clear();
    {
      Params p;
      p.I(from).I(to).I(kPageRows);
      JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT seq, line, leaf_hash FROM audit "
                                      "WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3",
                                      p, "read audit entries"));
      for (int i = 0; i < r.size(); ++i) {
        page.push_back(AuditRow{r.Int(i, 0), r.Text(i, 1), r.Blob(i, 2)});
      }
    }
    for (const AuditRow& a : page) JV_RETURN_IF_ERROR(fn(a));
    if (page.size() < static_cast<size_t>(kPageRows)) break;
    from = page.back().seq + 1;
  }
  return Status::Ok();
}

Status PostgresStore::LockAudit() {
  if (!in_tx_) return FailedPreconditionError("store: LockAudit outside a transaction");
  if (!audit_lock_key_.has_value()) {
    // Keyed by the vault id, so vaults that share a database cluster never wait on each
    // other. Before init writes the id, every writer uses the empty id's key.
    JV_ASSIGN_OR_RETURN(std::optional<std::string> id, GetMeta("vault_id"));
    if (!id.has_value()) {
      Params p;
      p.I(kAuditLockClass).I(Fnv1a32(""));
      return Run("SELECT pg_advisory_xact_lock(CAST($1 AS integer), CAST($2 AS integer))", p,
                 "lock the audit log")
          .status();
    }
    audit_lock_key_ = Fnv1a32(*id);
  }
  Params p;
  p.I(kAuditLockClass).I(*audit_lock_key_);
  return Run("SELECT pg_advisory_xact_lock(CAST($1 AS integer), CAST($2 AS integer))", p,
             "lock the audit log")
      .status();
}

Status PostgresStore::PutCheckpoint(const CheckpointRow& c) {
  Params p;
  p.I(c.tree_size).B(c.root_hash).B(c.message).B(c.signature).I(c.created_micros);
  return Run("INSERT INTO checkpoints (tree_size, root_hash, message, signature, "
             "created_micros) VALUES ($1, $2, $3, $4, $5)",
             p, "write checkpoint")
      .status();
}

Result<std::vector<CheckpointRow>> PostgresStore::ListCheckpoints() {
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT tree_size, root_hash, message, signature, "
                                  "created_micros FROM checkpoints ORDER BY id",
                                  Params(), "list checkpoints"));
  std::vector<CheckpointRow> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back(CheckpointRow{r.Int(i, 0), r.Blob(i, 1), r.Blob(i, 2), r.Blob(i, 3), r.Int(i, 4)});
  }
  return out;
}

// --- objects ---------------------------------------------------------------------------------

Status PostgresStore::PutObject(const ObjectRow& o) {
  Params p;
  p.T(o.kind).T(o.id).T(o.subject_id).T(o.status).T(o.attrs_json).B(o.sealed);
  p.I(o.created_micros).I(o.updated_micros);
  return Run("INSERT INTO objects (kind, id, subject_id, status, attrs_json, sealed, "
             "created_micros, updated_micros) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
             "ON CONFLICT (kind, id) DO UPDATE SET subject_id = excluded.subject_id, "
             "status = excluded.status, attrs_json = excluded.attrs_json, "
             "sealed = excluded.sealed, created_micros = excluded.created_micros, "
             "updated_micros = excluded.updated_micros",
             p, "write object")
      .status();
}

Result<ObjectRow> PostgresStore::GetObject(const std::string& kind, const std::string& id) {
  Params p;
  p.T(kind).T(id);
  JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT subject_id, status, attrs_json, sealed, "
                                  "created_micros, updated_micros FROM objects "
                                  "WHERE kind = $1 AND id = $2",
                                  p, "read object"));
  if (r.size() == 0) return NotFoundError("store: no " + kind + " object with this id");
  return ObjectRow{kind, id, r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Blob(0, 3),
                   r.Int(0, 4), r.Int(0, 5)};
}

Result<std::vector<ObjectRow>> PostgresStore::ListObjects(const ObjectFilter& f) {
  Params p;
  p.T(f.kind);
  const char* sql;
  if (f.subject_id.has_value() && f.status.has_value()) {
    p.T(*f.subject_id).T(*f.status);
    sql = "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
          "updated_micros FROM objects WHERE kind = $1 AND subject_id = $2 AND status = $3 "
          "ORDER BY id";
  } else if (f.subject_id.has_value()) {
    p.T(*f.subject_id);
    sql = "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
          "updated_micros FROM objects WHERE kind = $1 AND subject_id = $2 ORDER BY id";
  } else if (f.status.has_value()) {
    p.T(*f.status);
    sql = "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
          "updated_micros FROM objects WHERE kind = $1 AND status = $2 ORDER BY id";
  } else {
    sql = "SELECT kind, id, subject_id, status, attrs_json, sealed, created_micros, "
          "updated_micros FROM objects WHERE kind = $1 ORDER BY id";
  }
  JV_ASSIGN_OR_RETURN(Rows r, Run(sql, p, "list objects"));
  std::vector<ObjectRow> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back(ObjectRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),
                            r.Text(i, 4), r.Blob(i, 5), r.Int(i, 6), r.Int(i, 7)});
  }
  return out;
}

Status PostgresStore::DeleteObject(const std::string& kind, const std::string& id) {
  Params p;
  p.T(kind).T(id);
  JV_ASSIGN_OR_RETURN(Rows r, Run("DELETE FROM objects WHERE kind = $1 AND id = $2", p,
                                  "delete object"));
  if (r.affected() == 0) return NotFoundError("store: no " + kind + " object with this id");
  return Status::Ok();
}

// --- snapshot and maintenance ----------------------------------------------------------------

Status PostgresStore::VisitSnapshot(SnapshotVisitor& visitor) {
  JV_RETURN_IF_ERROR(NotInSnapshot());
  if (in_tx_) return FailedPreconditionError("store: VisitSnapshot inside a transaction");
  JV_RETURN_IF_ERROR(
      Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "begin snapshot"));
  // The read-only paged queries below reuse the ForEach* methods, which check in_tx_ nowhere;
  // in_snapshot_ makes Begin() and writes through RestoreRecord refuse meanwhile.
  in_snapshot_ = true;
  Status st = [&]() -> Status {
    {
      JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT key, value FROM meta ORDER BY key", Params(),
                                      "snapshot meta"));
      for (int i = 0; i < r.size(); ++i) {
        JV_RETURN_IF_ERROR(visitor.OnMeta(r.Text(i, 0), r.Text(i, 1)));
      }
    }
    JV_ASSIGN_OR_RETURN(std::vector<KeySlotRow> slots, ListKeySlots());
    for (const KeySlotRow& k : slots) JV_RETURN_IF_ERROR(visitor.OnKeySlot(k));
    JV_RETURN_IF_ERROR(ForEachSubject(
        std::nullopt, [&](const SubjectRow& s) { return visitor.OnSubject(s); }));
    JV_RETURN_IF_ERROR(ForEachDataKey([&](const DataKeyRow& k) { return visitor.OnDataKey(k); }));
    for (int64_t after = 0;;) {
      Params p;
      p.I(after).I(kPageRows);
      JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT id, subject_id, key_class, source_id, row_no, "
                                      "fields, ciphertext, created_micros FROM records "
                                      "WHERE id > $1 ORDER BY id LIMIT $2",
                                      p, "snapshot records"));
      for (int i = 0; i < r.size(); ++i) {
        JV_RETURN_IF_ERROR(visitor.OnRecord(RecordRow{r.Int(i, 0), r.Text(i, 1), r.Text(i, 2),
                                                      r.Text(i, 3), r.Int(i, 4), r.Text(i, 5),
                                                      r.Blob(i, 6), r.Int(i, 7)}));
      }
      if (r.size() < kPageRows) break;
      after = r.Int(r.size() - 1, 0);
    }
    {
      JV_ASSIGN_OR_RETURN(Rows kinds, Run("SELECT DISTINCT kind FROM blind_index ORDER BY kind",
                                          Params(), "snapshot index kinds"));
      for (int i = 0; i < kinds.size(); ++i) {
        JV_RETURN_IF_ERROR(ForEachIndex(kinds.Text(i, 0),
                                        [&](const IndexRow& x) { return visitor.OnIndex(x); }));
      }
    }
    JV_ASSIGN_OR_RETURN(std::vector<SourceRow> sources, ListSources());
    for (const SourceRow& s : sources) JV_RETURN_IF_ERROR(visitor.OnSource(s));
    JV_ASSIGN_OR_RETURN(int64_t size, AuditSize());
    JV_RETURN_IF_ERROR(ForEachAudit(1, size, [&](const AuditRow& a) { return visitor.OnAudit(a); }));
    JV_ASSIGN_OR_RETURN(std::vector<CheckpointRow> cps, ListCheckpoints());
    for (const CheckpointRow& c : cps) JV_RETURN_IF_ERROR(visitor.OnCheckpoint(c));
    std::string after_kind, after_id;
    for (;;) {
      Params p;
      p.T(after_kind).T(after_id).I(kPageRows);
      JV_ASSIGN_OR_RETURN(Rows r, Run("SELECT kind, id, subject_id, status, attrs_json, sealed, "
                                      "created_micros, updated_micros FROM objects "
                                      "WHERE (kind, id) > ($1, $2) ORDER BY kind, id LIMIT $3",
                                      p, "snapshot objects"));
      for (int i = 0; i < r.size(); ++i) {
        JV_RETURN_IF_ERROR(visitor.OnObject(ObjectRow{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2),
                                                      r.Text(i, 3), r.Text(i, 4), r.Blob(i, 5),
                                                      r.Int(i, 6), r.Int(i, 7)}));
      }
      if (r.size() < kPageRows) break;
      after_kind = r.Text(r.size() - 1, 0);
      after_id = r.Text(r.size() - 1, 1);
    }
    return Status::Ok();
  }();
  in_snapshot_ = false;
  Status end = Exec(st.ok() ? "COMMIT" : "ROLLBACK", "end snapshot");
  if (!st.ok()) return st;
  return end;
}

Result<int64_t> PostgresStore::MergePendingIndexes() {
  if (!in_tx_) return FailedPreconditionError("store: MergePendingIndexes outside a transaction");
  return int64_t{0};
}

Status PostgresStore::SetBulkLoad(bool on) {
  if (in_tx_) return FailedPreconditionError("store: SetBulkLoad inside a transaction");
  return Status::Ok();
}

Status PostgresStore::Compact() {
  JV_RETURN_IF_ERROR(NotInSnapshot());
  if (in_tx_) return FailedPreconditionError("store: Compact inside a transaction");
  // VACUUM FULL copies a dead row into the new file while any transaction that may still
  // see it is running: an ANALYZE by autovacuum, another server's open transaction, and,
  // seen while other databases of the same server were busy, a horizon held by something
  // pg_stat_activity does not show as a backend of this database (not identified; it was
  // gone 0.1 s later in the cases seen). So: wait, bounded, until no other
  // backend here holds a snapshot (plain autovacuum VACUUMs do not hold the horizon back);
  // rewrite; read VERBOSE's report of the dead rows each table had to keep; and rewrite
  // again only those tables, after a growing pause (0.1 s doubling to 2 s, twelve passes,
  // ≈ 17 s in all). After that, compact anyway: what an old snapshot kept is removed by the
  // next Compact (docs/scale.md).
  static constexpr const char* kTables[] = {"data_keys", "key_slots",           "meta",
                                            "records",   "blind_index",         "objects",
                                            "subjects",  "blind_index_pending"};
  struct Kept {
    std::string table;             // the table VERBOSE is reporting on
    std::set<std::string> tables;  // tables that kept dead rows in this pass
    static void Receive(void* arg, const PGresult* res) {
      auto* k = static_cast<Kept*>(arg);
      // PostgreSQL 15 copy_table_data: "\"public.data_keys\": found 3 removable, ...",
      // detail "N dead row versions cannot be removed yet."
      const char* msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
      const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
      if (msg != nullptr && msg[0] == '"') {
        std::string_view m(msg + 1);
        size_t dot = m.find('.'), quote = m.find('"');
        if (dot != std::string_view::npos && quote != std::string_view::npos && dot < quote) {
          k->table.assign(m.substr(dot + 1, quote - dot - 1));
        }
      }
      double n = 0;
      if (detail != nullptr && std::strstr(detail, "dead row versions cannot be removed") &&
          std::sscanf(detail, "%lf", &n) == 1 && n > 0) {
        k->tables.insert(k->table);
      }
    }
  } kept;
  std::vector<std::string> tables(std::begin(kTables), std::end(kTables));
  auto pause = std::chrono::milliseconds(100);
  for (int pass = 0; pass < 12 && !tables.empty(); ++pass) {
    if (pass > 0) {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(2000));
    }
    for (int i = 0; i < 600; ++i) {
      PGresult* busy = PQexec(conn_,
                              "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                              "current_database() AND pid <> pg_backend_pid() AND "
                              "(backend_xmin IS NOT NULL OR backend_xid IS NOT NULL) AND "
                              "NOT (query LIKE 'autovacuum: VACUUM%' AND query NOT LIKE "
                              "'%ANALYZE%')");
      bool clear = PQresultStatus(busy) != PGRES_TUPLES_OK ||
                   std::strcmp(PQgetvalue(busy, 0, 0), "0") == 0;
      PQclear(busy);
      if (clear) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kept.table.clear();
    kept.tables.clear();
    // Every table whose rows are deleted or overwritten with key material, ciphertext or
    // blind indexes: rewritten without the dead rows, old files unlinked (postgres_store.h).
    std::string sql = "VACUUM (FULL, VERBOSE) ";
    for (size_t i = 0; i < tables.size(); ++i) sql += (i > 0 ? ", " : "") + tables[i];
    PQnoticeReceiver previous = PQsetNoticeReceiver(conn_, &Kept::Receive, &kept);
    Status vacuum = Exec(sql, "vacuum");
    PQsetNoticeReceiver(conn_, previous, nullptr);
    JV_RETURN_IF_ERROR(vacuum);
    // Again only the tables (of ours: the names come from the server) that kept rows.
    std::vector<std::string> again;
    for (const std::string& t : tables) {
      if (kept.tables.count(t) > 0) again.push_back(t);
    }
    tables = std::move(again);
  }
  // Start recycling WAL that still holds the old rows. Needs superuser or pg_checkpoint; a
  // role without it leaves that to the server's own checkpoints (docs/scale.md).
  PGresult* r = PQexec(conn_, "CHECKPOINT");
  Status out = Status::Ok();
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state == nullptr || std::strcmp(state, "42501") != 0) out = Error(r, "checkpoint");
  }
  PQclear(r);
  return out;
}

}  // namespace jv::store
