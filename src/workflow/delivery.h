// NoticeSinks (notices.h) for the three send channels of SPEC §6.3:
//   * FileOutbox: SMS-gateway CSV batches "mobile,text,notice_id" (one file per batch of
//     `batch_size` rows, sms-0001.csv …) and letters (letters-0001.txt, one letter per
//     page separated by form feeds), every file written 0600 into a 0700 directory.
//   * SmtpSink: one UTF-8 mail per email notice through libcurl (smtp://HOST:PORT), with a
//     base64 body and an RFC 2047 encoded subject.
//   * WebhookSink: one HTTP POST of {"notice_id","to","text","segments"} per SMS notice
//     through libcurl; a 2xx answer is success.
// Errors: kUnavailable when the server cannot be reached (aborts the send); kInternal for
// a file that cannot be written; a rejection of one message (a 5xx, a refused recipient) is
// kFailedPrecondition and mark only that notice failed. Messages never hold the text,
// the address or the number.
// Thread-safety: one sink per send, one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/workflow/notices.h"

namespace jv::workflow {

// Builds the CSV line "mobile,text,notice_id\n" (RFC 4180 quoting when needed).
std::string SmsCsvLine(const RenderedNotice& n);
// Builds a complete RFC 5322 message (headers + base64 UTF-8 body).
std::string BuildMail(const std::string& from, const std::string& to,
                      const std::string& subject, const std::string& body,
                      const std::string& message_id);

std::unique_ptr<NoticeSink> MakeFileOutbox(const std::string& dir, int64_t batch_size);
std::unique_ptr<NoticeSink> MakeSmtpSink(const std::string& smtp_url, const std::string& from,
                                         const std::string& mail_subject);
std::unique_ptr<NoticeSink> MakeWebhookSink(const std::string& url);

}  // namespace jv::workflow
