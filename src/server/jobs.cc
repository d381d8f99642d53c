#include "src/server/jobs.h"

#include "src/common/strings.h"
#include "src/server/api.h"

namespace jv::server {

Jobs::~Jobs() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Jobs::Start(const std::string& user, const std::string& kind, JobWork work,
                        Random& random) {
  auto job = std::make_shared<Job>();
  job->id = "j_" + HexEncode(random.RandomBytes(16));
  job->kind = kind;
  job->user = user;
  job->work = std::move(work);
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_[job->id] = job;
    queue_.push_back(job);
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }
  cv_.notify_all();
  return job->id;
}

std::optional<nlohmann::json> Jobs::Get(const std::string& id, const std::string& user) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->user != user) return std::nullopt;
  const Job& j = *it->second;
  nlohmann::json doc = {{"id", j.id},
                        {"kind", j.kind},
                        {"state", j.state},
                        {"progress", {{"done", j.done}, {"total", j.total}}}};
  if (j.state == "running" && !j.phase.empty()) doc["progress"]["phase"] = j.phase;
  if (j.state == "done") doc["result"] = j.result;
  if (j.state == "failed") doc["error"] = j.error;
  return doc;
}

bool Jobs::Busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_ || !queue_.empty();
}

void Jobs::Loop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      job = queue_.front();
      queue_.pop_front();
      job->state = "running";
      running_ = true;
    }
    RunOne(job);
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
    job->work = nullptr;
    finished_.push_back(job->id);
    while (finished_.size() > kKeep) {
      jobs_.erase(finished_.front());
      finished_.pop_front();
    }
  }
}

void Jobs::RunOne(const std::shared_ptr<Job>& job) {
  auto fail = [&](const Status& st) {
    ApiResponse r = ErrorResponse(st);
    std::lock_guard<std::mutex> lock(mu_);
    job->state = "failed";
    job->error = r.body["error"];
    job->error["http_status"] = r.status;
  };
  if (!job_vault_) {
    auto v = open_vault_
                 ? open_vault_()
                 : Result<std::unique_ptr<vault::Vault>>(InternalError("jobs: no vault opener"));
    if (!v.ok()) return fail(v.status());
    job_vault_ = std::move(*v);
  }
  job_vault_->set_actor("user:" + job->user);
  JobProgress progress;
  progress.count = [this, job](int64_t done, int64_t total) {
    std::lock_guard<std::mutex> lock(mu_);
    job->done = done;
    job->total = total;
  };
  progress.phase = [this, job](const std::string& phase) {
    std::lock_guard<std::mutex> lock(mu_);
    job->phase = phase;
  };
  Result<nlohmann::json> r = InternalError("jobs: the work threw");
  try {
    r = job->work(*job_vault_, progress);
  } catch (...) {
    r = InternalError("jobs: the work threw");
  }
  job_vault_->DropKeyCache();
  if (!r.ok()) return fail(r.status());
  std::lock_guard<std::mutex> lock(mu_);
  job->state = "done";
  job->result = std::move(*r);
  if (job->total > 0) job->done = job->total;
}

}  // namespace jv::server
