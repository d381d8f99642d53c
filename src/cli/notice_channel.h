// The notice channels on the command line: `--channel file|smtp|webhook` and the flags each
// needs, shared by `notices send`, `liquidation notices send` and `incident send`.
//
// MakeNoticeSink checks that the flags the channel needs are there and well formed and makes
// the workflow sink (workflow/delivery.h). kInvalidArgument naming the missing or malformed
// flag (never a value); a channel the command does not offer ("webhook" with
// allow_webhook false) is kInvalidArgument too.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "src/common/result.h"
#include "src/workflow/delivery.h"

namespace jv::cli {

struct ChannelFlags {
  std::string channel;       // file | smtp | webhook
  std::string out;           // file: outbox directory
  int64_t batch_size = 1000;  // file: rows per outbox file
  std::string smtp_url;      // smtp: smtp://HOST:PORT or smtps://
  std::string from;          // smtp: sender address
  std::string mail_subject;  // smtp: subject line
  std::string url;           // webhook: http(s):// URL
};

Result<std::unique_ptr<workflow::NoticeSink>> MakeNoticeSink(const ChannelFlags& f,
                                                             bool allow_webhook);

}  // namespace jv::cli
