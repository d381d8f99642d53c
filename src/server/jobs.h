// Background jobs of the API (imports, notice sends): long work that must not hold the
// Api's mutex, so that every other API call keeps answering while it runs.
//
// A job runs on its own thread against the job Vault: a second Vault over the same vault
// directory and credentials (Vault::OpenAgain), hence its own store connection, made once
// by `open_vault` in the first job's thread and reused. Jobs run one at a time (in the order
// started); the Api's Vault is never touched by a job. The database serializes the two
// connections' writes (SQLite: one writer at a time, the other waits up to the busy
// timeout; PostgreSQL: row and advisory locks); the audit chain's single-writer rule is
// the store's (Store::LockAudit), so both connections append safely.
//
// A job is visible only to the user who started it. The last kKeep finished jobs are kept
// (in memory: a restarted server forgets them; an interrupted import resumes when the same
// file is imported again, ingest/importer.h).
//
// Thread-safety: every method may be called from any thread. The destructor waits for the
// running and queued jobs to end.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "src/common/random.h"
#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::server {

// What a job's work reports while it runs (from the job thread or any other).
struct JobProgress {
  // `done` of `total` units (rows, notices).
  std::function<void(int64_t done, int64_t total)> count;
  // What the work is doing that the count does not show: "finishing" (an import's last
  // batch and index build, after its last row); "" = nothing.
  std::function<void(const std::string& phase)> phase;
};
// The work: runs on the job thread with the job Vault (its actor already set to the
// starter's). Returns the job's result document, or an error (reported as ErrorResponse
// would: code and message, 500s generic).
using JobWork = std::function<Result<nlohmann::json>(vault::Vault& v, const JobProgress&)>;
using JobVaultOpener = std::function<Result<std::unique_ptr<vault::Vault>>()>;

class Jobs {
 public:
  static constexpr size_t kKeep = 100;

  explicit Jobs(JobVaultOpener open_vault) : open_vault_(std::move(open_vault)) {}
  ~Jobs();
  Jobs(const Jobs&) = delete;
  Jobs& operator=(const Jobs&) = delete;

  // Queues `work` for `user` (audit actor "user:<user>"); returns the job id "j_<32 hex>".
  // `kind` names the job ("import", "notices.send") in its JSON.
  std::string Start(const std::string& user, const std::string& kind, JobWork work, Random& random);
  // {"id", "kind", "state": "queued"|"running"|"done"|"failed", "progress": {"done",
  // "total", "phase" (while running, if the work set one)}, "result" (done) | "error":
  // {"code", "message"} (failed)}; nullopt if there is no such job or `user` did not start
  // it.
  std::optional<nlohmann::json> Get(const std::string& id, const std::string& user) const;
  // Whether a job is queued or running (tests, shutdown).
  bool Busy() const;

 private:
  struct Job {
    std::string id, kind, user;
    std::string state = "queued";
    int64_t done = 0, total = 0;
    std::string phase;
    nlohmann::json result, error;
    JobWork work;
  };
  void Loop();
  void RunOne(const std::shared_ptr<Job>& job);

  JobVaultOpener open_vault_;
  std::unique_ptr<vault::Vault> job_vault_;  // the job thread only
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::deque<std::string> finished_;  // ids, oldest first
  bool stopping_ = false;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace jv::server
