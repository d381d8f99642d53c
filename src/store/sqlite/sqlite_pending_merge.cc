// Bulk blind-index writes of SqliteStore: pending entries appended many rows per
// statement (IndexRowWriter, PutIndexPendingRows; sqlite_grouped_insert.h), and merged into blind_index from the
// sorted runs they were appended in instead of sorted again by SQLite (MergePendingRuns).
// docs/design/import_storage.md, "Third round". Into an empty index the pending table
// becomes the index instead (AdoptPendingAsIndex; "Fifth round").
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <queue>
#include <span>
#include <string>
#include <vector>

#include "src/store/sqlite/sqlite_grouped_insert.h"
#include "src/store/sqlite/sqlite_schema.h"
#include "src/store/sqlite/sqlite_store.h"

namespace jv::store {
namespace {

// The (kind, mac) of one pending entry, ordered as SQLite orders TEXT and BLOB values
// under the BINARY collation: bytes compared unsigned, then the shorter first.
struct Key {
  std::string kind;
  std::string mac;
};

int CompareBytes(const void* a, size_t na, const void* b, size_t nb) {
  int c = std::memcmp(a, b, std::min(na, nb));
  if (c != 0) return c;
  return na < nb ? -1 : (na > nb ? 1 : 0);
}

int CompareKeys(const Key& a, const Key& b) {
  int c = CompareBytes(a.kind.data(), a.kind.size(), b.kind.data(), b.kind.size());
  return c != 0 ? c : CompareBytes(a.mac.data(), a.mac.size(), b.mac.data(), b.mac.size());
}

// Column `col` as bytes (a zero-length value reads as a null pointer).
void ReadColumn(sqlite3_stmt* st, int col, bool blob, std::string* out) {
  const void* p = blob ? sqlite3_column_blob(st, col) : sqlite3_column_text(st, col);
  int n = sqlite3_column_bytes(st, col);
  if (p == nullptr || n <= 0) {
    out->clear();
  } else {
    out->assign(static_cast<const char*>(p), static_cast<size_t>(n));
  }
}

void ReadKey(sqlite3_stmt* st, int kind_col, Key* k) {
  ReadColumn(st, kind_col, false, &k->kind);
  ReadColumn(st, kind_col + 1, true, &k->mac);
}

// One run being read: its statement and its current entry.
struct Cursor {
  sqlite3_stmt* st = nullptr;
  int64_t id = 0;
  Key key;
  std::string subject_id;
};

struct Finalizer {
  std::vector<Cursor>& cursors;
  ~Finalizer() {
    for (Cursor& c : cursors) sqlite3_finalize(c.st);
  }
};

}  // namespace

class SqliteStore::IndexRowWriter {
 public:
  IndexRowWriter(SqliteStore& s, bool into_index) : s_(s), into_index_(into_index) {}

  Status Add(std::string_view kind, std::string_view mac, std::string_view subject_id) {
    if (n_ == rows_.size()) rows_.emplace_back();
    IndexRow& r = rows_[n_++];
    r.kind.assign(kind);
    r.mac.assign(mac.begin(), mac.end());
    r.subject_id.assign(subject_id);
    return n_ == kRowsPerStatement ? Flush() : Status::Ok();
  }

  Status Flush() {
    const size_t n = n_;
    n_ = 0;
    return Insert(std::span<const IndexRow>(rows_.data(), n));
  }

  // Inserts `rows` (unbuffered): each kRowsPerStatement in one statement, the rest one by
  // one through PutIndex / PutIndexPending (the single-row statements live there).
  Status Insert(std::span<const IndexRow> rows) {
    static const std::string kPending =
        GroupSql("blind_index_pending (kind, mac, subject_id)", 3, "");
    static const std::string kIndex = GroupSql("blind_index (kind, mac, subject_id)", 3,
                                               " ON CONFLICT (kind, mac, subject_id) DO NOTHING");
    const int64_t before = sqlite3_total_changes64(s_.db_);
    Status st = s_.InsertGrouped(
        rows, into_index_ ? kIndex : kPending, 3,
        [](sqlite3_stmt* stmt, int p, const IndexRow& r) {
          BindGroupText(stmt, p, r.kind);
          BindGroupBlob(stmt, p + 1, r.mac);
          BindGroupText(stmt, p + 2, r.subject_id);
        },
        [this](const IndexRow& r) {
          return into_index_ ? s_.PutIndex(r) : s_.PutIndexPending(r);
        },
        into_index_ ? "merge pending index entries" : "write pending index entry");
    changes_ += sqlite3_total_changes64(s_.db_) - before;  // rows inserted, not skipped
    return st;
  }

  int64_t changes() const { return changes_; }

 private:
  SqliteStore& s_;
  const bool into_index_;
  std::vector<IndexRow> rows_;  // the buffer; rows_[0, n_) are waiting
  size_t n_ = 0;
  int64_t changes_ = 0;
};

Status SqliteStore::PutIndexPendingRows(const std::vector<IndexRow>& rows) {
  return IndexRowWriter(*this, /*into_index=*/false).Insert(rows);
}

Result<std::optional<int64_t>> SqliteStore::MergePendingRuns(size_t max_runs) {
  // Pass 1: where each run starts (ids in order; a run ends where (kind, mac) decreases).
  std::vector<int64_t> starts;
  {
    JV_ASSIGN_OR_RETURN(sqlite3_stmt * st,
                        Prepare("SELECT id, kind, mac FROM blind_index_pending ORDER BY id"));
    struct Reset {
      sqlite3_stmt* st;
      ~Reset() { sqlite3_reset(st); }
    } reset{st};
    Key prev, cur;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Error(rc, "find the runs of pending index entries");
      ReadKey(st, 1, &cur);
      if (starts.empty() || CompareKeys(cur, prev) < 0) {
        starts.push_back(sqlite3_column_int64(st, 0));
        if (starts.size() > max_runs) return std::optional<int64_t>();
      }
      std::swap(prev, cur);
    }
  }
  if (starts.empty()) return std::optional<int64_t>(0);

  // Pass 2: one cursor per run, the smallest (kind, mac, id) inserted first, which is the
  // order of "ORDER BY kind, mac, id".
  std::vector<Cursor> cursors(starts.size());
  Finalizer finalizer{cursors};
  auto advance = [&](Cursor& c) -> Result<bool> {
    int rc = sqlite3_step(c.st);
    if (rc == SQLITE_DONE) return false;
    if (rc != SQLITE_ROW) return Error(rc, "read a run of pending index entries");
    c.id = sqlite3_column_int64(c.st, 0);
    ReadKey(c.st, 1, &c.key);
    ReadColumn(c.st, 3, false, &c.subject_id);
    return true;
  };
  auto later = [&](size_t a, size_t b) {  // std::priority_queue keeps the greatest on top
    int c = CompareKeys(cursors[a].key, cursors[b].key);
    return c != 0 ? c > 0 : cursors[a].id > cursors[b].id;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < starts.size(); ++i) {
    static constexpr char kRun[] =
        "SELECT id, kind, mac, subject_id FROM blind_index_pending "
        "WHERE id >= ?1 AND id < ?2 ORDER BY id";
    int rc = sqlite3_prepare_v2(db_, kRun, -1, &cursors[i].st, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "read a run of pending index entries");
    sqlite3_bind_int64(cursors[i].st, 1, starts[i]);
    sqlite3_bind_int64(cursors[i].st, 2, i + 1 < starts.size() ? starts[i + 1] : INT64_MAX);
    JV_ASSIGN_OR_RETURN(bool row, advance(cursors[i]));
    if (row) heap.push(i);
  }
  // "ON CONFLICT DO NOTHING": a repeated entry is ignored, as the SQL merge does.
  IndexRowWriter out(*this, /*into_index=*/true);
  while (!heap.empty()) {
    size_t i = heap.top();
    heap.pop();
    Cursor& c = cursors[i];
    JV_RETURN_IF_ERROR(out.Add(c.key.kind, c.key.mac, c.subject_id));
    JV_ASSIGN_OR_RETURN(bool row, advance(c));
    if (row) heap.push(i);
  }
  JV_RETURN_IF_ERROR(out.Flush());
  const int64_t added = out.changes();
  return std::optional<int64_t>(added);
}

Result<int64_t> SqliteStore::AdoptPendingAsIndex() {
  JV_RETURN_IF_ERROR(ExecSimple("DROP TABLE blind_index", "drop the empty index"));
  JV_RETURN_IF_ERROR(ExecSimple("ALTER TABLE blind_index_pending RENAME TO blind_index",
                                "adopt pending entries"));
  JV_RETURN_IF_ERROR(ExecSimple(kPendingTableSql, "create the pending index table"));
  // A UNIQUE index cannot be built over repeated entries. The importer does not append
  // any (ingest/importer.cc), but store.h allows them: delete all but the earliest and
  // build again. A failed CREATE INDEX leaves the transaction open and the table as it was.
  int rc = sqlite3_exec(db_, kIndexKeySql, nullptr, nullptr, nullptr);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    JV_RETURN_IF_ERROR(ExecSimple("DELETE FROM blind_index WHERE id IN (SELECT id FROM ("
                                  "SELECT id, row_number() OVER (PARTITION BY kind, mac, "
                                  "subject_id ORDER BY id) AS n FROM blind_index) WHERE n > 1)",
                                  "delete repeated pending index entries"));
    rc = sqlite3_exec(db_, kIndexKeySql, nullptr, nullptr, nullptr);
  }
  if (rc != SQLITE_OK) return Error(rc, "index the adopted entries");
  JV_RETURN_IF_ERROR(ExecSimple(kIndexBySubjectSql, "index the adopted entries by subject"));
  sqlite3_stmt* st = nullptr;
  rc = sqlite3_prepare_v2(db_, "SELECT count(*) FROM blind_index", -1, &st, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "count the index");
  rc = sqlite3_step(st);
  const int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return Error(rc, "count the index");
  return n;
}

}  // namespace jv::store
