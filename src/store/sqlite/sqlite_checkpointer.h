// WalCheckpointer: copies committed WAL frames into the database file on a thread and a
// connection of its own, while a bulk load writes (SqliteStore::SetBulkLoad).
//
// Why: with SQLite's automatic checkpoint, the committing thread itself copies the WAL
// into the database once the WAL passes the threshold. In an import that thread is the
// writer, the busiest one; a 1M-row import's main pass took 33.8 s with the automatic
// checkpoint and 28.2 s with none (docs/performance.md). A PASSIVE checkpoint from another
// connection runs beside the writer without blocking it or any reader, and copies only
// committed frames, so what a crash leaves is exactly what it would leave otherwise.
//
// Use: Start() after turning the automatic checkpoint off on the writer's connection;
// call Committed() from that connection's WAL hook (sqlite3_wal_hook, after each commit,
// on the committing thread); Stop() before turning the automatic checkpoint back on.
// Thread-safety: Committed() from the one writing thread; Start/Stop/checkpoints from the
// thread that owns the object.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "src/common/result.h"

struct sqlite3;

namespace jv::store {

class WalCheckpointer {
 public:
  // Opens a second connection to the database at `path` and starts the thread. A
  // checkpoint starts when a commit leaves at least `threshold_frames` frames in the WAL.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path,
                                                        int threshold_frames);
  ~WalCheckpointer();  // Stop(), ignoring its status
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // A commit left `frames` frames in the WAL. Wakes the thread; never calls SQLite.
  void Committed(int frames);
  // Runs the checkpoint a commit is still waiting for, if any, then stops the thread and
  // closes the connection. Returns the first checkpoint error, if any (another checkpoint
  // holding the lock is not one).
  Status Stop();
  // Checkpoints completed so far (tests).
  int64_t checkpoints() const;

 private:
  WalCheckpointer(sqlite3* db, int threshold_frames);
  void Run();

  sqlite3* db_;
  const int threshold_frames_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stop_ = false;
  int64_t checkpoints_ = 0;
  Status status_;
  std::thread thread_;
};

}  // namespace jv::store
