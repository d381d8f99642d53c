// SqliteStore: the Store (store.h) on one SQLite database file in WAL mode.
//
// Open() makes or opens the file (a new one with 16 KiB pages), sets the pragmas
// (journal_mode=WAL, synchronous=NORMAL, secure_delete=ON, foreign_keys=ON,
// temp_store=MEMORY, a busy timeout) and brings the schema up to date
// (sqlite/sqlite_schema.h, migrations.h). A new file is created with mode 0600; SQLite
// gives its -wal and -shm files the database file's mode.
//
// Ownership: the object owns its sqlite3 connection and the prepared statements it caches
// (one per SQL text, prepared on first use, finalized in the destructor). Destroying it with
// a transaction open rolls the transaction back.
// Thread-safety: one thread at a time (the connection is opened SQLITE_OPEN_NOMUTEX). Open
// one object per thread; several objects and processes may share the file. Readers never
// block the writer; a second writer waits up to `busy_timeout_ms`, then gets kUnavailable.
//
// SetBulkLoad(true) switches to a rollback journal when no other connection has the file
// open (new pages are then written once, not to the WAL and again by a checkpoint);
// otherwise it turns the automatic checkpoint off and checkpoints on a thread and
// connection of its own (PASSIVE: committed frames only, never blocking the writer).
// SetBulkLoad(false) goes back to WAL, or stops that thread and turns the automatic
// checkpoint back on.
//
// Compact() is PRAGMA wal_checkpoint(TRUNCATE): with secure_delete on, deleted content has
// already been overwritten with zeros in the pages, and the checkpoint copies those pages
// into vault.db and empties the -wal file, so the old bytes survive in neither file. (It
// does not VACUUM; freed pages stay in the file, zeroed.)
#pragma once

#include <memory>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "src/store/migrations.h"
#include "src/store/open_store.h"
#include "src/store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace jv::store {

class WalCheckpointer;

struct SqliteOptions {
  // How long a writer waits for another connection's write lock before kUnavailable.
  int busy_timeout_ms = 10000;
  // Page cache per connection, in KiB.
  int cache_kib = 64 * 1024;
  // In bulk-load mode, a background checkpoint starts once a commit leaves this many WAL
  // frames (one page each: 64 MiB with 4 KiB pages, 256 MiB with a new vault's 16 KiB);
  // tests lower it. sqlite_checkpointer.h.
  int bulk_checkpoint_frames = 16384;
  // Schema steps to apply instead of SqliteMigrations(); for migration tests only.
  std::span<const Migration> migrations_for_test;
};

class SqliteStore : public Store {
 public:
  // kCreate: creates `path` (mode 0600) if missing, else opens it; an empty file is given
  //   the schema. kExisting: kNotFound if `path` does not exist or holds no vault schema.
  // Both: kFailedPrecondition if the schema version is newer than this binary's, or if the
  // file is another program's SQLite database; kDataLoss if it is not an SQLite database
  // or is corrupt; kUnavailable if a migration cannot get the write lock in time.
  // (Whether the database holds a vault, i.e. meta "vault_id", is OpenStore's business.)
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, OpenMode mode);
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, OpenMode mode,
                                                   const SqliteOptions& options);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // The schema version the database is at after Open().
  int schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }

  std::string Backend() const override { return "sqlite"; }

  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;

  Result<std::optional<std::string>> GetMeta(const std::string& key) override;
  Status PutMeta(const std::string& key, const std::string& value) override;

  Status PutKeySlot(const KeySlotRow& slot) override;
  Result<std::vector<KeySlotRow>> ListKeySlots() override;
  Status DeleteKeySlot(const std::string& id) override;

  Status InsertSubject(const SubjectRow& s) override;
  Status InsertSubjects(const std::vector<SubjectRow>& rows) override;
  Result<SubjectRow> GetSubject(const std::string& id) override;
  Result<SubjectRow> GetSubjectForUpdate(const std::string& id) override;
  Status UpdateSubject(const SubjectRow& s) override;
  Status ForEachSubject(const std::optional<std::string>& state,
                        const std::function<Status(const SubjectRow&)>& fn) override;
  Result<std::map<std::string, int64_t>> CountSubjectsByState() override;

  Status PutDataKey(const DataKeyRow& k) override;
  Status PutDataKeys(const std::vector<DataKeyRow>& rows) override;
  Result<DataKeyRow> GetDataKey(const std::string& subject_id,
                                const std::string& key_class) override;
  Result<std::vector<DataKeyRow>> ListDataKeys(const std::string& subject_id) override;
  Status ForEachDataKey(const std::function<Status(const DataKeyRow&)>& fn) override;
  Result<int64_t> DeleteDataKeys(const std::string& subject_id,
                                 const std::optional<std::string>& key_class) override;

  Result<int64_t> InsertRecord(const RecordRow& r) override;
  Status InsertRecords(const std::vector<RecordRow>& rows) override;
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
  Status PutIndexPending(const IndexRow& row) override;
  Status PutIndexPendingRows(const std::vector<IndexRow>& rows) override;
  Result<int64_t> MergePendingIndexes() override;
  // Bulk-load mode: a rollback journal when alone on the file, else checkpoints on a thread
  // and connection of their own (sqlite_checkpointer.h), whose first error, if any,
  // leaving the mode returns. See the top comment.
  Status SetBulkLoad(bool on) override;
  Status Compact() override;
  // Background checkpoints completed in the current bulk load, or in the last one; tests.
  int64_t bulk_checkpoints_for_test() const;
  // True while a bulk load runs with a rollback journal (SetBulkLoad); tests.
  bool bulk_rollback_journal_for_test() const;

 private:
  class Query;
  class Migrator;

  SqliteStore(sqlite3* db, std::string path);

  Status Configure(const SqliteOptions& options);
  Status VisitSnapshotInTxn(SnapshotVisitor& visitor);
  // Unhooks and stops the bulk-load checkpointer, if one runs; its first error, if any.
  Status StopCheckpointer();
  // PRAGMA journal_mode = `mode`; the mode the database is in afterwards ("wal" also when
  // another connection's lock kept it from changing).
  Result<std::string> SetJournalMode(const char* mode);
  // The pending blind-index entries inserted into blind_index in (kind, mac, id) order by
  // merging the sorted runs they were appended in (a run: consecutive ids whose (kind, mac)
  // never decreases; sqlite_pending_merge.cc). Returns the number of entries added, or
  // std::nullopt, having written nothing, when there are more than `max_runs` runs.
  Result<std::optional<int64_t>> MergePendingRuns(size_t max_runs);
  // Precondition: in a transaction, blind_index empty. Makes blind_index_pending the index
  // (ids, and so insertion order, kept; a repeated entry deleted but its earliest), a new
  // empty table the pending one, and builds the index's two indexes by sorting
  // (sqlite_schema.h). Returns the number of entries the index now holds.
  Result<int64_t> AdoptPendingAsIndex();
  // Inserts index rows into blind_index_pending, or into blind_index ignoring repeated
  // entries, through InsertGrouped; buffered (Add, Flush) or not (Insert).
  // sqlite_pending_merge.cc.
  class IndexRowWriter;
  // Many rows per statement (sqlite_grouped_insert.h, which defines it): `sql` is a
  // statement of kRowsPerStatement tuples of `per_row` parameters each (GroupSql);
  // bind(st, first, row) binds one row from parameter `first` (SQLITE_STATIC: the rows
  // outlive the step). Each full group of rows is one step; the rest go through one(row),
  // the single-row statement.
  template <typename Row, typename BindRow, typename OneRow>
  Status InsertGrouped(std::span<const Row> rows, const std::string& sql, int per_row,
                       BindRow bind, OneRow one, std::string_view what);
  // Returns the cached statement for `sql` (keyed by the literal's address).
  Result<sqlite3_stmt*> Prepare(const char* sql);
  Status ExecSimple(const char* sql, std::string_view what);
  Status Error(int rc, std::string_view what) const;

  sqlite3* db_;
  std::string path_;
  int bulk_checkpoint_frames_ = 16384;
  int busy_timeout_ms_ = 10000;
  bool bulk_on_ = false;
  bool bulk_rollback_journal_ = false;             // this bulk load left WAL
  std::unique_ptr<WalCheckpointer> checkpointer_;  // during a bulk load in WAL
  int64_t bulk_checkpoints_ = 0;                   // of the last bulk load
  std::unordered_map<const char*, sqlite3_stmt*> stmts_;
  bool in_tx_ = false;
  int schema_version_ = 0;
};

}  // namespace jv::store
