#include "src/store/sqlite/sqlite_checkpointer.h"

#include <sqlite3.h>

#include "src/store/sqlite/sqlite_connection.h"

namespace jv::store {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                int threshold_frames) {
  Result<sqlite3*> opened = OpenSqliteConnection(path);
  if (!opened.ok()) {
    return UnavailableError("checkpoint connection: " + std::string(opened.status().message()));
  }
  sqlite3* db = *opened;
  // A connection learns that the database is in WAL mode when it first reads it; until
  // then sqlite3_wal_checkpoint_v2 does nothing and says so (log size -1).
  int rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_close(db);
    return UnavailableError("vault database: cannot read from a checkpoint connection: " + msg);
  }
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(db, threshold_frames));
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

WalCheckpointer::WalCheckpointer(sqlite3* db, int threshold_frames)
    : db_(db), threshold_frames_(threshold_frames) {}

WalCheckpointer::~WalCheckpointer() { Stop().IgnoreError(); }

void WalCheckpointer::Committed(int frames) {
  if (frames < threshold_frames_) return;
  std::lock_guard<std::mutex> l(mu_);
  wanted_ = true;
  cv_.notify_one();
}

void WalCheckpointer::Run() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    cv_.wait(l, [&] { return stop_ || wanted_; });
    if (!wanted_) return;  // stopped, and no commit is waiting for a checkpoint
    wanted_ = false;
    l.unlock();
    int log_frames = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                       &copied);
    l.lock();
    if (rc == SQLITE_OK && log_frames >= 0) {
      ++checkpoints_;
    } else if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED && status_.ok()) {
      status_ = UnavailableError(std::string("vault database: background checkpoint: ") +
                                 sqlite3_errstr(rc));
    }
  }
}

Status WalCheckpointer::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  if (db_ != nullptr) {
    sqlite3_close(db_);
    db_ = nullptr;
  }
  std::lock_guard<std::mutex> l(mu_);
  return status_;
}

int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard<std::mutex> l(mu_);
  return checkpoints_;
}

}  // namespace jv::store
