#include "src/workflow/delivery.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "src/common/strings.h"

namespace jv::workflow {

namespace {

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string StripTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

Status MakeDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InternalError("cannot create the outbox directory");
  ::chmod(dir.c_str(), 0700);
  return Status::Ok();
}

class FileOutbox : public NoticeSink {
 public:
  FileOutbox(std::string dir, int64_t batch_size)
      : dir_(std::move(dir)), batch_size_(batch_size > 0 ? batch_size : 1000) {}

  std::vector<std::string> Channels() const override { return {"sms", "letter"}; }

  Status Send(const RenderedNotice& n) override {
    if (n.channel == "sms") {
      if (sms_rows_ == 0) sms_ = "mobile,text,notice_id\n";
      sms_ += SmsCsvLine(n);
      if (++sms_rows_ >= batch_size_) return FlushSms();
    } else {
      if (!letters_.empty()) letters_ += "\f";
      letters_ += n.to + "\n\n" + StripTrailingNewlines(n.text) + "\n\n(" + n.notice_id + ")\n";
    }
    return Status::Ok();
  }

  Status Flush() override {
    JV_RETURN_IF_ERROR(FlushSms());
    if (!letters_.empty()) {
      JV_RETURN_IF_ERROR(MakeDir(dir_));
      char name[32];
      std::snprintf(name, sizeof(name), "letters-%04d.txt", ++letter_files_);
      JV_RETURN_IF_ERROR(WriteFileAtomic(dir_ + "/" + name, letters_, 0600));
      letters_.clear();
    }
    return Status::Ok();
  }

  std::string BatchLabel() const override {
    char name[32];
    std::snprintf(name, sizeof(name), "sms-%04d", sms_files_ + 1);
    return name;
  }

 private:
  Status FlushSms() {
    if (sms_rows_ == 0) return Status::Ok();
    JV_RETURN_IF_ERROR(MakeDir(dir_));
    char name[32];
    std::snprintf(name, sizeof(name), "sms-%04d.csv", ++sms_files_);
    JV_RETURN_IF_ERROR(WriteFileAtomic(dir_ + "/" + name, sms_, 0600));
    sms_.clear();
    sms_rows_ = 0;
    return Status::Ok();
  }

  std::string dir_;
  int64_t batch_size_;
  std::string sms_, letters_;
  int64_t sms_rows_ = 0;
  int sms_files_ = 0, letter_files_ = 0;
};

struct ReadState {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadCallback(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* st = static_cast<ReadState*>(userdata);
  size_t room = size * nitems;
  size_t n = std::min(room, st->data->size() - st->pos);
  std::memcpy(buffer, st->data->data() + st->pos, n);
  st->pos += n;
  return n;
}

size_t DiscardCallback(char*, size_t size, size_t nmemb, void*) { return size * nmemb; }

bool IsConnectError(CURLcode c) {
  return c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST ||
         c == CURLE_OPERATION_TIMEDOUT || c == CURLE_URL_MALFORMAT ||
         c == CURLE_UNSUPPORTED_PROTOCOL || c == CURLE_SEND_ERROR || c == CURLE_RECV_ERROR;
}

void GlobalInit() {
  static const bool once = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)once;
}

class SmtpSink : public NoticeSink {
 public:
  SmtpSink(std::string url, std::string from, std::string subject)
      : url_(std::move(url)), from_(std::move(from)), subject_(std::move(subject)) {
    GlobalInit();
    curl_ = curl_easy_init();
  }
  ~SmtpSink() override {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }
  std::vector<std::string> Channels() const override { return {"email"}; }

  Status Send(const RenderedNotice& n) override {
    if (curl_ == nullptr) return InternalError("libcurl could not be initialized");
    std::string msg = BuildMail(from_, n.to, subject_, n.text, "<" + n.notice_id + "@jadevault>");
    ReadState st{&msg};
    std::string from_env = "<" + from_ + ">";
    std::string rcpt_env = "<" + n.to + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, rcpt_env.c_str());
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, from_env.c_str());
    curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl_, CURLOPT_READFUNCTION, ReadCallback);
    curl_easy_setopt(curl_, CURLOPT_READDATA, &st);
    curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 60L);
    CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK) return Status::Ok();
    std::string why = std::string("mail server: ") + curl_easy_strerror(rc);
    if (IsConnectError(rc)) return UnavailableError(why);
    return FailedPreconditionError(why);
  }
  Status Flush() override { return Status::Ok(); }
  std::string BatchLabel() const override { return "smtp"; }

 private:
  std::string url_, from_, subject_;
  CURL* curl_ = nullptr;
};

class WebhookSink : public NoticeSink {
 public:
  explicit WebhookSink(std::string url) : url_(std::move(url)) {
    GlobalInit();
    curl_ = curl_easy_init();
  }
  ~WebhookSink() override {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }
  std::vector<std::string> Channels() const override { return {"sms"}; }

  Status Send(const RenderedNotice& n) override {
    if (curl_ == nullptr) return InternalError("libcurl could not be initialized");
    std::string body = nlohmann::json({{"notice_id", n.notice_id},
                                       {"to", n.to},
                                       {"text", StripTrailingNewlines(n.text)},
                                       {"segments", n.segments}})
                           .dump();
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, DiscardCallback);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 60L);
    CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      std::string why = std::string("webhook: ") + curl_easy_strerror(rc);
      if (IsConnectError(rc)) return UnavailableError(why);
      return FailedPreconditionError(why);
    }
    long code = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code < 300) return Status::Ok();
    if (code >= 500 || code == 401 || code == 403 || code == 404) {
      return UnavailableError("webhook answered HTTP " + std::to_string(code));
    }
    return FailedPreconditionError("webhook answered HTTP " + std::to_string(code));
  }
  Status Flush() override { return Status::Ok(); }
  std::string BatchLabel() const override { return "webhook"; }

 private:
  std::string url_;
  CURL* curl_ = nullptr;
};

}  // namespace

std::string SmsCsvLine(const RenderedNotice& n) {
  return CsvField(n.to) + "," + CsvField(StripTrailingNewlines(n.text)) + "," +
         CsvField(n.notice_id) + "\n";
}

std::string BuildMail(const std::string& from, const std::string& to,
                      const std::string& subject, const std::string& body,
                      const std::string& message_id) {
  std::string m;
  m += "From: <" + from + ">\r\n";
  m += "To: <" + to + ">\r\n";
  m += "Subject: =?UTF-8?B?" + Base64Encode(AsBytes(subject)) + "?=\r\n";
  m += "Message-ID: " + message_id + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string b64 = Base64Encode(AsBytes(body));
  for (size_t i = 0; i < b64.size(); i += 76) m += b64.substr(i, 76) + "\r\n";
  return m;
}

std::unique_ptr<NoticeSink> MakeFileOutbox(const std::string& dir, int64_t batch_size) {
  return std::make_unique<FileOutbox>(dir, batch_size);
}
std::unique_ptr<NoticeSink> MakeSmtpSink(const std::string& smtp_url, const std::string& from,
                                         const std::string& mail_subject) {
  return std::make_unique<SmtpSink>(smtp_url, from, mail_subject);
}
std::unique_ptr<NoticeSink> MakeWebhookSink(const std::string& url) {
  return std::make_unique<WebhookSink>(url);
}

}  // namespace jv::workflow
