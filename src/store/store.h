// Store: the vault's persistence interface. SqliteStore (store/sqlite) and PostgresStore
// (store/postgres) implement it; callers never see sqlite3* or PGconn*.
//
// Contract (every implementation; store_conformance_test.h checks it):
//  * The store never receives plaintext personal information. Identifiers and field values
//    arrive already encrypted (RecordRow::ciphertext, DataKeyRow::wrapped) or as blind
//    indexes (IndexRow::mac). Every other column is non-identifying (ids, states, counts,
//    store names, region codes, timestamps).
//  * Writes outside an explicit transaction are atomic one by one. Between Begin() and
//    Commit() they are atomic together; Rollback() (or destroying a Transaction without
//    Commit) discards them. Transactions do not nest: Begin() inside one is a bug and
//    returns kFailedPrecondition, as do Commit()/Rollback() outside one. Begin() takes the
//    write lock at once (SQLite: BEGIN IMMEDIATE), so a second writer waits up to a busy
//    timeout and then gets kUnavailable instead of failing later. A call that fails with a
//    documented code (kNotFound, kAlreadyExists, kFailedPrecondition) inside a transaction
//    leaves the transaction open and its earlier writes intact; after any other error only
//    Rollback() is meaningful. A failed Commit() rolls back and leaves no transaction open.
//  * Referential rule: a data key, record or index entry for a subject id that has no
//    subject row fails with kFailedPrecondition (subjects are never deleted; shredding
//    changes their state). Objects, records' source_id and key slots are not checked.
//  * ForEach* callbacks may call the store (even write to it): rows are fetched in pages
//    ordered by key, so a row inserted behind the cursor during iteration is not visited.
//    Outside a transaction the iteration is not a snapshot.
//  * Deletion is real: after DeleteDataKeys / DeleteIndexes / DeleteRecords and
//    Compact(), the bytes are gone from the database files (SQLite: secure_delete on,
//    WAL checkpointed and truncated; PostgreSQL: VACUUM where possible).
//  * Errors: kNotFound for a missing row where documented, kAlreadyExists for a duplicate
//    primary key, kUnavailable when the server cannot be reached or another writer holds
//    the database past the busy timeout, kDataLoss when the database is corrupt, kInternal
//    otherwise. Messages never contain column values.
//  * Byte order: "id order" is bytewise (memcmp) order of the UTF-8 ids.
// Thread-safety: a Store object is used by one thread at a time; open one per thread
// (or per server worker). Several processes may open the same database.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/common/bytes.h"
#include "src/common/result.h"

namespace jv::store {

// A wrapped copy of the master key (passphrase, key file, or custodian shares).
struct KeySlotRow {
  std::string id;           // "ks_..."
  std::string kind;         // "passphrase" | "keyfile" | "shares"
  std::string params_json;  // KDF parameters, salts (no secrets)
  Bytes wrapped;            // AEAD-sealed master key
  int64_t created_micros = 0;
};

// One customer. Only non-identifying attributes live in the clear.
struct SubjectRow {
  std::string id;  // "s_" + random; never derived from PI
  std::string state = "active";  // active|notified|objected|consented|silent|transferred|restricted|shredded
  std::string attrs_json = "{}"; // non-identifying: store, region code, minor, flags
  int64_t created_micros = 0;
  int64_t updated_micros = 0;
};

// A subject's data key for one retention class, wrapped by the master key with
// (subject id, class) as associated data.
struct DataKeyRow {
  std::string subject_id;
  std::string key_class;  // "profile" | "aml_10y" | "accounting_30y" | "prepaid_5y" | ...
  Bytes wrapped;
};

// One encrypted group of field values of one subject, from one source row.
struct RecordRow {
  int64_t id = 0;                 // assigned by InsertRecord
  std::string subject_id;
  std::string key_class;          // which data key encrypts it
  std::string source_id;          // "src_..." or "" for values entered by hand
  int64_t row_no = 0;             // 1-based data row in the source (0 if none)
  std::string fields;             // comma-separated field names inside (not values)
  Bytes ciphertext;
  int64_t created_micros = 0;
};

// Blind-index entry: kind ("mobile", "id_number", "email", "bank_card", "name", ...).
struct IndexRow {
  std::string kind;
  Bytes mac;
  std::string subject_id;
};

// One imported file.
struct SourceRow {
  std::string id;           // "src_..."
  std::string kind;         // customers | transactions | items | balances
  std::string file_hash;    // hex digest of the file's bytes
  std::string status;       // "running" | "complete"
  std::string report_json;  // the import report (counts only, no PI)
  int64_t created_micros = 0;
  int64_t updated_micros = 0;
};

// One audit entry: its exported line (the Merkle leaf bytes) and its leaf hash.
struct AuditRow {
  int64_t seq = 0;  // 1-based, dense
  std::string line;
  Bytes leaf_hash;
};

struct CheckpointRow {
  int64_t tree_size = 0;
  Bytes root_hash;
  Bytes message;    // exact bytes signed
  Bytes signature;
  int64_t created_micros = 0;
};

// A domain object of a later module (notice, response, request, claim, item, hold,
// incident, recipient, ...). `attrs_json` is non-identifying; anything personal goes in
// `sealed`, encrypted by the caller.
struct ObjectRow {
  std::string kind;
  std::string id;
  std::string subject_id;  // "" if not about one subject
  std::string status;
  std::string attrs_json = "{}";
  Bytes sealed;
  int64_t created_micros = 0;
  int64_t updated_micros = 0;
};

struct ObjectFilter {
  std::string kind;                       // required
  std::optional<std::string> subject_id;
  std::optional<std::string> status;
};

// Receives every row of a store, table by table (Store::VisitSnapshot). Used by backup.
class SnapshotVisitor {
 public:
  virtual ~SnapshotVisitor() = default;
  virtual Status OnMeta(const std::string& key, const std::string& value) = 0;
  virtual Status OnKeySlot(const KeySlotRow& row) = 0;
  virtual Status OnSubject(const SubjectRow& row) = 0;
  virtual Status OnDataKey(const DataKeyRow& row) = 0;
  virtual Status OnRecord(const RecordRow& row) = 0;
  virtual Status OnIndex(const IndexRow& row) = 0;
  virtual Status OnSource(const SourceRow& row) = 0;
  virtual Status OnAudit(const AuditRow& row) = 0;
  virtual Status OnCheckpoint(const CheckpointRow& row) = 0;
  virtual Status OnObject(const ObjectRow& row) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Which backend: "sqlite" | "postgresql".
  virtual std::string Backend() const = 0;

  // --- transactions -------------------------------------------------------------------
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // --- settings (non-secret) ----------------------------------------------------------
  // Returns std::nullopt if `key` is not set.
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status PutMeta(const std::string& key, const std::string& value) = 0;

  // --- key slots ------------------------------------------------------------------------
  virtual Status PutKeySlot(const KeySlotRow& slot) = 0;  // insert or replace by id
  virtual Result<std::vector<KeySlotRow>> ListKeySlots() = 0;  // by (created_micros, id)
  virtual Status DeleteKeySlot(const std::string& id) = 0;  // kNotFound if absent

  // --- subjects ---------------------------------------------------------------------------
  virtual Status InsertSubject(const SubjectRow& s) = 0;     // kAlreadyExists on duplicate id
  virtual Result<SubjectRow> GetSubject(const std::string& id) = 0;  // kNotFound
  virtual Status UpdateSubject(const SubjectRow& s) = 0;     // kNotFound if absent
  // InsertSubject for each row, in order (SQLite: many rows per statement). On an error
  // which of the rows were written is unspecified: the caller rolls its transaction back.
  virtual Status InsertSubjects(const std::vector<SubjectRow>& rows) {
    for (const SubjectRow& r : rows) JV_RETURN_IF_ERROR(InsertSubject(r));
    return Status::Ok();
  }
  // Read-modify-write of one subject: reads it inside the open transaction and keeps every
  // other writer from changing it until that transaction ends, so a decision taken on the
  // returned state cannot be overwritten by a concurrent one (SQLite: Begin() already holds
  // the database's write lock; PostgreSQL: SELECT ... FOR UPDATE, which waits for a
  // concurrent writer of the row to commit and then returns its committed version).
  // Lock order: take subject locks before LockAudit (audit appends come last in a write),
  // so two writers never wait on each other in a cycle. kNotFound; kFailedPrecondition
  // outside a transaction.
  virtual Result<SubjectRow> GetSubjectForUpdate(const std::string& id) = 0;
  // Calls `fn` for each subject in id order, optionally only those in `state`; stops early
  // and returns fn's status if fn fails.
  virtual Status ForEachSubject(const std::optional<std::string>& state,
                                const std::function<Status(const SubjectRow&)>& fn) = 0;
  virtual Result<std::map<std::string, int64_t>> CountSubjectsByState() = 0;

  // --- data keys ---------------------------------------------------------------------------
  virtual Status PutDataKey(const DataKeyRow& k) = 0;  // insert or replace
  // PutDataKey for each row, in order (a later row replaces an earlier one of the same
  // subject and class), with InsertSubjects' batching and error rule.
  virtual Status PutDataKeys(const std::vector<DataKeyRow>& rows) {
    for (const DataKeyRow& r : rows) JV_RETURN_IF_ERROR(PutDataKey(r));
    return Status::Ok();
  }
  virtual Result<DataKeyRow> GetDataKey(const std::string& subject_id,
                                        const std::string& key_class) = 0;  // kNotFound
  // A subject's keys in key_class order (empty if none).
  virtual Result<std::vector<DataKeyRow>> ListDataKeys(const std::string& subject_id) = 0;
  // Every data key in (subject_id, key_class) order; stops early like ForEachSubject.
  virtual Status ForEachDataKey(const std::function<Status(const DataKeyRow&)>& fn) = 0;
  // Deletes one class, or all of a subject's keys when key_class is nullopt. Returns the
  // number deleted.
  virtual Result<int64_t> DeleteDataKeys(const std::string& subject_id,
                                         const std::optional<std::string>& key_class) = 0;

  // --- records -------------------------------------------------------------------------------
  // Returns the new id (r.id is ignored). Ids increase and are never reused, even after
  // DeleteRecords.
  virtual Result<int64_t> InsertRecord(const RecordRow& r) = 0;
  // InsertRecord for each row, in order (so their ids increase in that order), with
  // InsertSubjects' batching and error rule.
  virtual Status InsertRecords(const std::vector<RecordRow>& rows) {
    for (const RecordRow& r : rows) JV_RETURN_IF_ERROR(InsertRecord(r).status());
    return Status::Ok();
  }
  // All records of a subject, oldest first.
  virtual Result<std::vector<RecordRow>> ListRecords(const std::string& subject_id) = 0;
  // Calls fn(row_no, subject_id) for every record whose source_id is `source_id`, in id
  // order (a row with records of several classes is visited once per record). A forced
  // re-import of a file uses it to find the subject each of its rows went to before
  // (docs/design/import.md). Stops at and returns fn's first error. There is no index on
  // source_id: a call reads the whole records table once.
  virtual Status ForEachSourceRecord(
      const std::string& source_id,
      const std::function<Status(int64_t row_no, const std::string& subject_id)>& fn) = 0;
  // Deletes one class, or all of the subject's records when key_class is nullopt; returns
  // the number deleted.
  virtual Result<int64_t> DeleteRecords(const std::string& subject_id,
                                        const std::optional<std::string>& key_class) = 0;

  // --- blind indexes ------------------------------------------------------------------------
  virtual Status PutIndex(const IndexRow& row) = 0;  // duplicates are ignored
  // Subject ids with this (kind, mac), in insertion order.
  virtual Result<std::vector<std::string>> FindIndex(const std::string& kind,
                                                     const Bytes& mac) = 0;
  // Deletes every index entry of the subject; returns the number deleted.
  virtual Result<int64_t> DeleteIndexes(const std::string& subject_id) = 0;
  // Calls `fn` for every entry of `kind`, in insertion order (the order FindIndex uses),
  // in pages like ForEachSubject; stops early and returns fn's status if fn fails. Used to
  // load the lookup tables of an import (ingest/subject_resolver.h) in one scan.
  virtual Status ForEachIndex(const std::string& kind,
                              const std::function<Status(const IndexRow&)>& fn) = 0;
  // Pending entries, for bulk loads: PutIndexPending appends an entry without updating the
  // lookup structures (SQLite: an unindexed table, so a million-row import does not
  // rewrite a random-keyed B-tree with every batch; PostgreSQL: the same as PutIndex).
  // Until MergePendingIndexes moves them into the index, pending entries are seen by
  // FindIndex, ForEachIndex, DeleteIndexes and VisitSnapshot (found by a scan, so more
  // slowly), ordered after every indexed entry as if inserted at the merge, which then
  // keeps their order. Same referential rule as PutIndex. A repeated entry is ignored by
  // FindIndex and by the merge; ForEachIndex may visit it and DeleteIndexes count it
  // more than once. MergePendingIndexes belongs in the caller's transaction (kFailed-
  // Precondition outside one) and returns the number of entries it added.
  virtual Status PutIndexPending(const IndexRow& row) = 0;
  // The same as PutIndexPending for each row, in order (SQLite: many rows per statement).
  virtual Status PutIndexPendingRows(const std::vector<IndexRow>& rows) {
    for (const IndexRow& r : rows) JV_RETURN_IF_ERROR(PutIndexPending(r));
    return Status::Ok();
  }
  virtual Result<int64_t> MergePendingIndexes() = 0;

  // --- sources --------------------------------------------------------------------------------
  virtual Status PutSource(const SourceRow& s) = 0;  // insert or replace by id
  // The source with this file hash and kind; if several, the most recently created
  // (ties: greatest id). std::nullopt if none.
  virtual Result<std::optional<SourceRow>> FindSourceByHash(const std::string& file_hash,
                                                             const std::string& kind) = 0;
  virtual Result<std::vector<SourceRow>> ListSources() = 0;  // by (created_micros, id)

  // --- audit -----------------------------------------------------------------------------------
  // Appends; row.seq must equal AuditSize()+1 (kFailedPrecondition otherwise), so a second
  // writer that lost a race fails instead of forking the chain.
  virtual Status AppendAudit(const AuditRow& row) = 0;
  virtual Result<int64_t> AuditSize() = 0;
  // Entries with from <= seq <= to, in order (none if from > to); stops early like
  // ForEachSubject.
  virtual Status ForEachAudit(int64_t from, int64_t to,
                              const std::function<Status(const AuditRow&)>& fn) = 0;
  // Serializes audit appends across processes until the current transaction ends
  // (SQLite: the write transaction already does; PostgreSQL: an advisory lock).
  // kFailedPrecondition outside a transaction.
  virtual Status LockAudit() = 0;
  virtual Status PutCheckpoint(const CheckpointRow& c) = 0;  // appends
  virtual Result<std::vector<CheckpointRow>> ListCheckpoints() = 0;  // in PutCheckpoint order

  // --- domain objects ---------------------------------------------------------------------------
  virtual Status PutObject(const ObjectRow& o) = 0;  // insert or replace by (kind, id)
  virtual Result<ObjectRow> GetObject(const std::string& kind,
                                      const std::string& id) = 0;  // kNotFound
  // Objects of f.kind matching every given filter, in id order.
  virtual Result<std::vector<ObjectRow>> ListObjects(const ObjectFilter& f) = 0;
  virtual Status DeleteObject(const std::string& kind,
                              const std::string& id) = 0;  // kNotFound if absent

  // --- snapshot (backup and restore) -------------------------------------------------------
  // Visits every row of the store inside one consistent read snapshot (SQLite: one read
  // transaction; PostgreSQL: REPEATABLE READ, READ ONLY), so writers in other connections
  // may go on and none of their half-done work is seen. Order: meta (key order), key slots
  // ((created_micros, id)), subjects (id order), data keys ((subject_id, key_class)),
  // records (id order), indexes (per kind in insertion order, kinds in bytewise order),
  // sources ((created_micros, id)), audit (seq), checkpoints (PutCheckpoint order), objects
  // ((kind, id)). The visitor must not call this store. Stops early and returns the
  // visitor's status if it fails. kFailedPrecondition inside a transaction.
  virtual Status VisitSnapshot(SnapshotVisitor& visitor) = 0;
  // For restore into an empty store: inserts a record keeping r.id. kAlreadyExists if the
  // id is taken; InsertRecord afterwards returns ids above every restored one.
  virtual Status RestoreRecord(const RecordRow& r) = 0;

  // --- maintenance --------------------------------------------------------------------------------
  // Bulk-load mode, for a long run of large batch transactions by one writer (an import).
  // While it is on, the backend may skip the referential rule's check (the caller then
  // guarantees it: every data key, record and index entry it writes belongs to a subject
  // row written earlier or in the same transaction) and may keep a larger write-ahead log.
  // Every commit stays exactly as atomic and crash-safe as without it. SQLite: foreign
  // keys off; with no other connection to the file, a rollback journal instead of WAL
  // until Off; otherwise WAL checkpointed every 16384 pages instead of 1000 by a thread
  // and connection of the store's own rather than by the committing thread (kUnavailable
  // from Off if one of those checkpoints failed; the data is intact); temporary sort files on disk
  // instead of in memory (the merge of pending index entries sorts them: MACs and subject
  // ids, no personal data); PostgreSQL: nothing changes. Off restores the defaults. Only
  // outside a transaction (kFailedPrecondition otherwise).
  virtual Status SetBulkLoad(bool on) = 0;
  // Makes deleted bytes unrecoverable from the database files (see contract above).
  // kFailedPrecondition inside a transaction; kUnavailable if another connection's open
  // read or write keeps it from finishing within the busy timeout (retry later).
  virtual Status Compact() = 0;
};

// RAII bulk-load mode: on in Start(), off again in the destructor.
class BulkLoad {
 public:
  explicit BulkLoad(Store& s) : store_(s) {}
  ~BulkLoad() {
    if (active_) store_.SetBulkLoad(false).IgnoreError();
  }
  Status Start() {
    Status st = store_.SetBulkLoad(true);
    active_ = st.ok();
    return st;
  }
  BulkLoad(const BulkLoad&) = delete;
  BulkLoad& operator=(const BulkLoad&) = delete;

 private:
  Store& store_;
  bool active_ = false;
};

// RAII transaction: Begin() in Start(), Rollback() in the destructor unless Commit()ed.
class Transaction {
 public:
  explicit Transaction(Store& s) : store_(s) {}
  ~Transaction() {
    if (active_) store_.Rollback().IgnoreError();
  }
  Status Start() {
    Status st = store_.Begin();
    active_ = st.ok();
    return st;
  }
  Status Commit() {
    active_ = false;
    return store_.Commit();
  }

 private:
  Store& store_;
  bool active_ = false;
};

}  // namespace jv::store
