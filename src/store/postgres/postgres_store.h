// PostgresStore: the Store (store.h) on a PostgreSQL 15 database, through libpq.
//
// Open() connects with a libpq connection URI ("postgresql://USER@HOST:PORT/DB"; a password
// belongs in ~/.pgpass or $PGPASSWORD, not in the URL, which is written to vault.toml),
// sets the session (UTF-8, lock_timeout) and brings the schema up to date
// (postgres/postgres_schema.h, migrations.h; concurrent openers serialize on an advisory
// lock). The vault's tables live in the connection's current schema (normally "public").
//
// How the contract maps onto PostgreSQL:
//  * Statements are prepared once per connection (named after their SQL's address) and run
//    with binary parameters and binary results: BYTEA travels as raw bytes, never escaped.
//  * Begin() is BEGIN (READ COMMITTED). PostgreSQL has no database-wide write lock, so two
//    connections' transactions run at once; LockAudit() is pg_advisory_xact_lock on a key
//    derived from the vault id, held to the end of the transaction, and AppendAudit's
//    "seq = size + 1" check is one INSERT ... SELECT ... WHERE, so a writer that lost a race
//    gets kFailedPrecondition instead of forking the chain.
//  * A failed statement aborts a PostgreSQL transaction. The documented in-transaction
//    failures (duplicate id, missing subject, audit seq) are therefore detected without an
//    SQL error (ON CONFLICT DO NOTHING, INSERT ... SELECT ... WHERE EXISTS) and the
//    transaction stays usable; the foreign keys remain as a backstop.
//  * Bulk writes: inside a transaction, PutIndex() and InsertRecord() for a subject this
//    transaction has already inserted, read or updated (so it exists: subjects are never
//    deleted) are queued and sent as multi-row INSERTs (256 index entries, 128 records),
//    before the next statement of any other kind or at Commit(). InsertRecord() takes its id
//    from a block of 128 drawn from the records sequence in one round trip, so ids still
//    increase per connection and are never reused (unused ones are skipped when the
//    transaction ends). A queued row cannot fail with a documented code (duplicates ignored,
//    the subject exists, ids unique); a server failure while sending it is reported by the
//    call that sent it, after which only Rollback() is meaningful, as for any other error.
//    GetDataKey() for a subject this transaction inserted answers kNotFound without a round
//    trip unless this transaction put that key. Other calls run at once.
//  * VisitSnapshot() runs in BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY.
//  * Errors: unique_violation -> kAlreadyExists; foreign_key_violation -> kFailedPrecondition;
//    connection failures, serialization failures, deadlocks, lock and statement timeouts ->
//    kUnavailable; data_corrupted / index_corrupted -> kDataLoss; anything else kInternal.
//    Messages carry the SQLSTATE and the server's primary message, except for data and
//    integrity errors (classes 22, 23), whose messages may quote values: those carry only
//    the SQLSTATE and constraint name.
//  * Compact() runs VACUUM (FULL) on the tables that hold key material, ciphertext and blind
//    indexes, then asks for a CHECKPOINT. VACUUM FULL writes each table anew and unlinks the
//    old files, so deleted rows are gone from the live table files. It CANNOT guarantee the
//    bytes are gone from: WAL segments not yet recycled (recycled segments are renamed, not
//    zeroed), WAL archives and base backups, streaming replicas' WAL, or filesystem blocks
//    freed by the unlink. docs/scale.md says what an operator must do about each.
//
// Ownership: the object owns its PGconn. Destroying it with a transaction open rolls back
// (the server does so when the connection closes).
// Thread-safety: one thread at a time. Open one object per thread; any number of objects and
// processes may share the database.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "src/store/migrations.h"
#include "src/store/open_store.h"
#include "src/store/store.h"

struct pg_conn;
struct pg_result;

namespace jv::store {

struct PostgresOptions {
  // How long a statement waits for a lock (advisory, row or table) before kUnavailable.
  int lock_timeout_ms = 10000;
  // Seconds to wait for the server when connecting.
  int connect_timeout_s = 10;
  // Schema steps to apply instead of PostgresMigrations(); for migration tests only.
  std::span<const Migration> migrations_for_test;
};

// `url` with any password removed, for messages ("postgresql://user@host:port/db").
std::string RedactPostgresUrl(const std::string& url);

class PostgresStore : public Store {
 public:
  // Connects and migrates. kCreate: an empty database is given the schema. kExisting:
  // kNotFound if the database has no vault schema. Both: kUnavailable if the server cannot
  // be reached; kNotFound if the database does not exist; kFailedPrecondition if the schema
  // is newer than this binary's or the database holds another program's tables;
  // kInvalidArgument for a malformed URL.
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url, OpenMode mode);
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url, OpenMode mode,
                                                     const PostgresOptions& options);

  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  int schema_version() const { return schema_version_; }

  std::string Backend() const override { return "postgresql"; }

  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;

  Result<std::optional<std::string>> GetMeta(const std::string& key) override;
  Status PutMeta(const std::string& key, const std::string& value) override;

  Status PutKeySlot(const KeySlotRow& slot) override;
  Result<std::vector<KeySlotRow>> ListKeySlots() override;
  Status DeleteKeySlot(const std::string& id) override;

  Status InsertSubject(const SubjectRow& s) override;
  Result<SubjectRow> GetSubject(const std::string& id) override;
  Result<SubjectRow> GetSubjectForUpdate(const std::string& id) override;
  Status UpdateSubject(const SubjectRow& s) override;
  Status ForEachSubject(const std::optional<std::string>& state,
                        const std::function<Status(const SubjectRow&)>& fn) override;
  Result<std::map<std::string, int64_t>> CountSubjectsByState() override;

  Status PutDataKey(const DataKeyRow& k) override;
  Result<DataKeyRow> GetDataKey(const std::string& subject_id,
                                const std::string& key_class) override;
  Result<std::vector<DataKeyRow>> ListDataKeys(const std::string& subject_id) override;
  Status ForEachDataKey(const std::function<Status(const DataKeyRow&)>& fn) override;
  Result<int64_t> DeleteDataKeys(const std::string& subject_id,
                                 const std::optional<std::string>& key_class) override;

  Result<int64_t> InsertRecord(const RecordRow& r) override;
  Result<std::vector<RecordRow>> ListRecords(const std::string& subject_id) override;
  Status ForEachSourceRecord(
      const std::string& source_id,
      const std::function<Status(int64_t row_no, const std::string& subject_id)>& fn) override;
  Result<int64_t> DeleteRecords(const std::string& subject_id,
                                const std::optional<std::string>& key_class) override;

  Status PutIndex(const IndexRow& row) override;
  Result<std::vector<std::string>> FindIndex(const std::string& kind, const Bytes& mac) override;
  Result<int64_t> DeleteIndexes(const std::string& subject_id) override;
  Status ForEachIndex(const std::string& kind,
                      const std::function<Status(const IndexRow&)>& fn) override;

  Status PutSource(const SourceRow& s) override;
  Result<std::optional<SourceRow>> FindSourceByHash(const std::string& file_hash,
                                                    const std::string& kind) override;
  Result<std::vector<SourceRow>> ListSources() override;

  Status AppendAudit(const AuditRow& row) override;
  Result<int64_t> AuditSize() override;
  Status ForEachAudit(int64_t from, int64_t to,
                      const std::function<Status(const AuditRow&)>& fn) override;
  Status LockAudit() override;
  Status PutCheckpoint(const CheckpointRow& c) override;
  Result<std::vector<CheckpointRow>> ListCheckpoints() override;

  Status PutObject(const ObjectRow& o) override;
  Result<ObjectRow> GetObject(const std::string& kind, const std::string& id) override;
  Result<std::vector<ObjectRow>> ListObjects(const ObjectFilter& f) override;
  Status DeleteObject(const std::string& kind, const std::string& id) override;

  Status VisitSnapshot(SnapshotVisitor& visitor) override;
  Status RestoreRecord(const RecordRow& r) override;
  Status PutIndexPending(const IndexRow& row) override { return PutIndex(row); }
  Result<int64_t> MergePendingIndexes() override;  // nothing pending: 0
  Status SetBulkLoad(bool on) override;  // nothing changes (store.h)
  Status Compact() override;

 private:
  class Params;
  class Rows;
  class Migrator;

  explicit PostgresStore(pg_conn* conn);

  // Sends the queued records and index entries (see the header comment); no-op if none.
  Status FlushPending();
  void EndTransaction();
  // Runs a cached prepared statement (prepared on first use with the parameter types in
  // `p`) and returns its rows (binary format).
  Result<Rows> Run(const char* sql, const Params& p, std::string_view what);
  // Runs `sql` page after page — $1 = `key`, $2 = the last id seen (0 at first), $3 = the
  // page size; its first column is the id, ascending — and calls `row(rows, i)` for every
  // row, until a page comes back short. Stops at and returns `row`'s first error.
  Status ForEachById(const char* sql, const std::string& key, std::string_view what,
                     const std::function<Status(const Rows& rows, int i)>& row);
  // Runs SQL text without parameters (BEGIN, COMMIT, VACUUM, scripts).
  Status Exec(const std::string& sql, std::string_view what);
  Status Error(const pg_result* res, std::string_view what) const;
  Status NotInSnapshot() const;

  pg_conn* conn_;
  std::unordered_map<const char*, std::string> prepared_;  // SQL address -> statement name
  bool in_tx_ = false;
  bool in_snapshot_ = false;
  std::optional<int32_t> audit_lock_key_;
  // Subjects known to exist in the current transaction, and the queued index entries.
  std::unordered_set<std::string> tx_subjects_;
  std::unordered_set<std::string> tx_new_subjects_;  // inserted by this transaction
  std::unordered_set<std::string> tx_keyed_;         // "subject\nclass" put by it
  std::vector<IndexRow> pending_index_;
  std::vector<RecordRow> pending_records_;
  std::deque<int64_t> reserved_ids_;  // drawn from records_id_seq, in increasing order
  bool flushing_ = false;
  int schema_version_ = 0;
};

}  // namespace jv::store
