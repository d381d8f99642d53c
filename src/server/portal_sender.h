// How a portal login code reaches the customer (serve --portal-channel; docs/design/portal.md).
//
//   * MakeFileCodeSender(dir): one file per message, DIR/code-<UTC yyyymmddThhmmss.uuuuuu>-
//     <8 hex>.csv (0600, the directory 0700), holding one SMS-gateway CSV line
//     "mobile,text,notice_id" (workflow::SmsCsvLine; notice_id is "portal-code"), the same
//     format as the notice outbox's sms-NNNN.csv. Names sort by time; several servers can
//     share the directory.
//   * MakeSinkCodeSender(sink): through a notice sink (workflow/delivery.h): "sms" to the
//     mobile for a webhook, "email" to the customer's e-mail on file for SMTP (no e-mail on
//     file: not sent, reported as kFailedPrecondition).
//   * AsyncCodeSender: sends on its own thread, so the HTTP answer to "send me a code" does
//     not wait for (and its timing does not depend on) the delivery; failures are counted
//     and written to `log` without the number, the address or the code. Its thread blocks
//     SIGINT / SIGTERM, so it may be made before Serve (which takes those signals).
//
// Errors: kInternal for a file that cannot be written; a sink's errors pass through.
// Thread-safety: the file and sink senders are used by one thread (AsyncCodeSender's);
// AsyncCodeSender::Enqueue may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "src/common/result.h"
#include "src/workflow/notices.h"

namespace jv::server {

struct PortalMessage {
  std::string subject_id;
  std::string mobile;  // canonical, 11 digits
  std::string email;   // the customer's e-mail on file, "" if none
  std::string text;    // carries the code
};

class PortalCodeSender {
 public:
  virtual ~PortalCodeSender() = default;
  virtual Status Send(const PortalMessage& m) = 0;
};

std::unique_ptr<PortalCodeSender> MakeFileCodeSender(const std::string& dir);
// `channels`: what the sink delivers ("sms" for a webhook, "email" for SMTP).
std::unique_ptr<PortalCodeSender> MakeSinkCodeSender(std::unique_ptr<workflow::NoticeSink> sink);

class AsyncCodeSender {
 public:
  AsyncCodeSender(std::unique_ptr<PortalCodeSender> inner, std::ostream& log);
  ~AsyncCodeSender();  // sends what is queued, then stops
  void Enqueue(PortalMessage m);
  // Blocks until the queue is empty (tests).
  void Drain();
  int64_t failures() const;

 private:
  void Run();

  std::unique_ptr<PortalCodeSender> inner_;
  std::ostream& log_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PortalMessage> queue_;
  bool stop_ = false;
  bool busy_ = false;
  int64_t failures_ = 0;
  std::thread thread_;
};

}  // namespace jv::server
