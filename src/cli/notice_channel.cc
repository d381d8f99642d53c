#include "src/cli/notice_channel.h"

#include "src/common/strings.h"

namespace jv::cli {

Result<std::unique_ptr<workflow::NoticeSink>> MakeNoticeSink(const ChannelFlags& f,
                                                             bool allow_webhook) {
  if (f.channel == "file") {
    if (f.out.empty()) return InvalidArgumentError("--channel file needs --out DIR");
    return workflow::MakeFileOutbox(f.out, f.batch_size);
  }
  if (f.channel == "smtp") {
    if (!StartsWith(f.smtp_url, "smtp://") && !StartsWith(f.smtp_url, "smtps://")) {
      return InvalidArgumentError("--channel smtp needs --smtp-url smtp://HOST:PORT");
    }
    if (f.from.find('@') == std::string::npos) {
      return InvalidArgumentError("--channel smtp needs --from ADDRESS");
    }
    return workflow::MakeSmtpSink(f.smtp_url, f.from, f.mail_subject);
  }
  if (f.channel == "webhook" && allow_webhook) {
    if (!StartsWith(f.url, "http://") && !StartsWith(f.url, "https://")) {
      return InvalidArgumentError("--channel webhook needs --url http(s)://…");
    }
    return workflow::MakeWebhookSink(f.url);
  }
  return InvalidArgumentError(allow_webhook ? "--channel must be file, smtp or webhook"
                                            : "--channel must be file or smtp");
}

}  // namespace jv::cli
