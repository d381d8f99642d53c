#include "src/server/portal_sender.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "src/classify/email.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/workflow/delivery.h"

namespace jv::server {

namespace {

namespace fs = std::filesystem;

class FileCodeSender : public PortalCodeSender {
 public:
  explicit FileCodeSender(std::string dir) : dir_(std::move(dir)) {}

  Status Send(const PortalMessage& m) override {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return InternalError("portal outbox: cannot create the directory");
    ::chmod(dir_.c_str(), 0700);
    // The wall clock names the file (ordering only; the vault clock stamps the audit).
    auto now = std::chrono::system_clock::now();
    int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                     now.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(us / 1000000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char stamp[64];  // room for any int the compiler cannot bound
    std::snprintf(stamp, sizeof(stamp), "%04d%02d%02dT%02d%02d%02d.%06lld", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(us % 1000000));
    std::string name = std::string("code-") + stamp + "-" + HexEncode(random_.RandomBytes(4)) +
                       ".csv";
    workflow::RenderedNotice n;
    n.notice_id = "portal-code";
    n.subject_id = m.subject_id;
    n.channel = "sms";
    n.to = m.mobile;
    n.text = m.text;
    n.segments = workflow::SmsSegments(m.text);
    return WriteFileAtomic(dir_ + "/" + name, workflow::SmsCsvLine(n), 0600);
  }

 private:
  std::string dir_;
  SystemRandom random_;
};

class SinkCodeSender : public PortalCodeSender {
 public:
  explicit SinkCodeSender(std::unique_ptr<workflow::NoticeSink> sink) : sink_(std::move(sink)) {}

  Status Send(const PortalMessage& m) override {
    workflow::RenderedNotice n;
    n.notice_id = "portal-code";
    n.subject_id = m.subject_id;
    n.text = m.text;
    n.segments = workflow::SmsSegments(m.text);
    bool sms = false, email = false;
    for (const std::string& c : sink_->Channels()) {
      sms = sms || c == "sms";
      email = email || c == "email";
    }
    if (sms) {
      n.channel = "sms";
      n.to = m.mobile;
    } else if (email && classify::CheckEmail(m.email).valid()) {
      n.channel = "email";
      n.to = m.email;
    } else {
      return FailedPreconditionError("portal code: the customer has no address on this channel");
    }
    JV_RETURN_IF_ERROR(sink_->Send(n));
    return sink_->Flush();
  }

 private:
  std::unique_ptr<workflow::NoticeSink> sink_;
};

}  // namespace

std::unique_ptr<PortalCodeSender> MakeFileCodeSender(const std::string& dir) {
  return std::make_unique<FileCodeSender>(dir);
}

std::unique_ptr<PortalCodeSender> MakeSinkCodeSender(std::unique_ptr<workflow::NoticeSink> sink) {
  return std::make_unique<SinkCodeSender>(std::move(sink));
}

AsyncCodeSender::AsyncCodeSender(std::unique_ptr<PortalCodeSender> inner, std::ostream& log)
    : inner_(std::move(inner)), log_(log), thread_([this] { Run(); }) {}

AsyncCodeSender::~AsyncCodeSender() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void AsyncCodeSender::Enqueue(PortalMessage m) {
  {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(std::move(m));
  }
  cv_.notify_all();
}

void AsyncCodeSender::Drain() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [this] { return queue_.empty() && !busy_; });
}

int64_t AsyncCodeSender::failures() const {
  std::lock_guard<std::mutex> l(mu_);
  return failures_;
}

void AsyncCodeSender::Run() {
  // SIGINT / SIGTERM are for Serve's watcher thread (server.h), never this one.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait(l, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left
    PortalMessage m = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    l.unlock();
    Status st = inner_->Send(m);
    std::fill(m.text.begin(), m.text.end(), '\0');
    l.lock();
    busy_ = false;
    if (!st.ok()) {
      ++failures_;
      // No number, address or code: the status code and a fixed text only.
      log_ << "{\"portal\":\"code_delivery_failed\",\"status\":\""
           << StatusCodeName(st.code()) << "\"}\n";
      log_.flush();
    }
    cv_.notify_all();
  }
}

}  // namespace jv::server
