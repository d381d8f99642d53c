// Transfer notices (SPEC §6.3; RULEBOOK T1, T2, P17): templates, planning one notice per
// allocated subject on its best channel, rendering, sending through a NoticeSink, delivery
// receipts and the public announcement list for the unreachable.
//
// Storage (docs/design/transfer_model.md): ObjectRow kind "notice", id "n_…", subject_id,
// status planned|sent|delivered|failed|announced, attrs {channel, batch, template_version,
// segments, sent_at}. The personal portal code is stored as a blind index (kind
// "portal_code", HMAC with the vault's index key) for look-up, and sealed under the
// subject's profile data key in the notice's `sealed` column so the text can be rendered
// again; it is never stored in the clear. The rendered text (which carries the customer's
// name and portal code) exists only in memory, in the outbox files and in the mail — never
// in the audit log, a Status message or attrs.
//
// Errors: kInvalidArgument for a template missing a required element (the message names
// it) or a malformed receipts file (names the row); kFailedPrecondition if the transfer is
// not set up or nothing is planned; kNotFound for an unknown subject/notice; a sink's
// error (kUnavailable when the mail server or webhook is unreachable) aborts a send after
// recording what was already sent.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

// --- templates ----------------------------------------------------------------------------
// The elements a notice must contain, as placeholder names ("transferor", "recipient_name",
// "recipient_contact", "reason", "categories", "unchanged_purpose", "how_to_object",
// "deadline", "portal_code").
const std::vector<std::string>& RequiredNoticeElements();
// kInvalidArgument "notice template is missing required element {{X}} (…)" for the first
// missing element; also rejects non-UTF-8 text.
Status CheckNoticeTemplate(std::string_view text);
// The built-in templates; identical to data/templates/notice_transfer.<lang>.txt.
// lang: "zh-CN" (default) | "en"; kInvalidArgument otherwise.
Result<std::string> DefaultNoticeTemplate(const std::string& lang);
// Replaces every {{key}} present in `values`; unknown placeholders are left as they are.
std::string RenderTemplate(std::string_view text, const std::map<std::string, std::string>& values);
// SMS segments: <= 70 characters is one; longer texts take ceil(n / 67).
int64_t SmsSegments(std::string_view text);
// A random 8-character portal code from an unambiguous alphabet (no 0/O/1/I/L).
std::string NewPortalCode(Random& random);

// --- planning -------------------------------------------------------------------------------
struct PlanCounts {
  int64_t sms = 0, email = 0, letter = 0, announcement = 0;
  int64_t sms_segments = 0;  // summed over SMS notices
  int64_t planned_now = 0;   // notices created by this call
  nlohmann::json ToJson() const;
};
// Plans one notice for every allocated subject that has none yet (objected and shredded
// subjects are skipped), using `template_text` (empty: the stored one, else the zh-CN
// default). The template is checked and stored in meta "notice_template". Returns the
// counts over all notices. Audited ("notices.plan", counts only).
Result<PlanCounts> PlanNotices(vault::Vault& v, const std::string& template_text);

struct RenderedNotice {
  std::string notice_id, subject_id, channel;
  std::string to;    // mobile / email / postal address ("" for announcement)
  std::string text;  // PI-bearing
  int64_t segments = 0;
};
// Renders the subject's (latest) planned notice; `template_override` replaces the stored
// template (checked first). kNotFound if the subject has no notice.
Result<RenderedNotice> RenderSubjectNotice(vault::Vault& v, const std::string& subject_id,
                                           const std::string& template_override = "");

// --- sending --------------------------------------------------------------------------------
// Where rendered notices go. Send() may buffer; Flush() must make everything accepted so far
// durable (written / delivered to the server) — only then are the notices marked sent.
class NoticeSink {
 public:
  virtual ~NoticeSink() = default;
  // Which planned channels this sink delivers ("sms", "email", "letter").
  virtual std::vector<std::string> Channels() const = 0;
  // kUnavailable aborts the whole send; any other error marks just this notice "failed".
  virtual Status Send(const RenderedNotice& n) = 0;
  virtual Status Flush() = 0;
  // Label for the notice's "batch" attr of the notices accepted since the last Flush.
  virtual std::string BatchLabel() const = 0;
};

struct SendResult {
  int64_t sent = 0, failed = 0;
  nlohmann::json ToJson() const;
};
// Sends every planned notice of the sink's channels; marks them sent (sent_at = now) and
// moves active subjects to "notified". `progress(done, total)` may be null. Audited
// ("notices.send", counts only).
Result<SendResult> SendNotices(vault::Vault& v, NoticeSink& sink, const std::string& label,
                               const std::function<void(int64_t, int64_t)>& progress);

// --- receipts and announcement ------------------------------------------------------------
struct ReceiptResult {
  int64_t delivered = 0, failed = 0, unknown = 0;  // unknown: notice id not found
  nlohmann::json ToJson() const;
};
// CSV rows "notice_id,status[,time]" (an optional header row starting "notice_id");
// status delivered|failed. Audited.
Result<ReceiptResult> ImportReceipts(vault::Vault& v, std::string_view csv);

struct AnnouncementResult {
  int64_t listed = 0;
  nlohmann::json ToJson() const;
};
// Writes the announcement list (counts + one line per unreachable subject: notice id and
// masked name) to `out_path` (mode 0600) and marks those notices "announced". Audited.
Result<AnnouncementResult> WriteAnnouncement(vault::Vault& v, const std::string& out_path);

}  // namespace jv::workflow
