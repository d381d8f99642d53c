// Notices to customer-creditors (SPEC §7; RULEBOOK L2 "notify known creditors", B1, B5,
// C3, P17), sent through the transfer issue's channels (delivery.h: file outbox, SMTP,
// webhook) but kept apart from the transfer notices: their own template, their own objects.
//
// Template elements (placeholders, each required; a template missing one is refused like
// the transfer template): company, claim_amount, how_to_declare, declare_by, items_where,
// items_until, liquidator_contact, data_handling. {{customer_name}} is optional.
// Built-in templates: data/templates/notice_creditor.<zh-CN|en>.txt (a test keeps them
// equal to the compiled-in copies).
//
// Storage: meta "liquidation.notice" {text, version, liquidator_contact, items_where,
// items_until} (the liquidator's business contact and a place: nothing about customers);
// ObjectRow kind "creditor_notice", id "cn_…", subject_id, status planned|sent|failed,
// attrs {channel, template_version, batch, sent_at}. Rendered texts (name, amounts) exist
// only in memory and in what the sink writes; audit entries carry counts.
//
// Dates in the text: declare_by = dissolution: the later of claims_deadline_notified and
// today + 30 days (CL 235 counts 30 days from receipt; Art. 203-adjusted); bankruptcy: the
// court's claims_period_end (adjusted). items_until = --items-until, else items_return_by
// (the creditors' meeting, B5), else declare_by.
//
// Errors: kInvalidArgument (template missing an element, bad flags); kFailedPrecondition
// (liquidation not set up, nothing planned); kNotFound (subject without a creditor
// notice); a sink's kUnavailable aborts a send after recording what was sent.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "src/common/date.h"
#include "src/common/result.h"
#include "src/vault/vault.h"
#include "src/workflow/notices.h"

namespace jv::workflow {

inline constexpr char kKindCreditorNotice[] = "creditor_notice";
inline constexpr char kMetaCreditorNotice[] = "liquidation.notice";

const std::vector<std::string>& RequiredCreditorNoticeElements();
// kInvalidArgument "creditor notice template is missing required element {{X}} (…)".
Status CheckCreditorNoticeTemplate(std::string_view text);
// lang "zh-CN" (default) | "en".
Result<std::string> DefaultCreditorNoticeTemplate(const std::string& lang);

struct CreditorNoticeOptions {
  std::string template_text;       // "" = stored, else built-in zh-CN
  std::string liquidator_contact;  // required on the first plan
  std::string items_where;         // required on the first plan
  std::optional<Date> items_until;
};

struct CreditorPlanCounts {
  int64_t sms = 0, email = 0, letter = 0, announcement = 0;
  int64_t planned_now = 0;
  nlohmann::json ToJson() const;
};
// Plans one notice for every customer-creditor (ListCreditors) without one. Audited
// "liquidation.notices.plan" (counts).
Result<CreditorPlanCounts> PlanCreditorNotices(vault::Vault& v, const CreditorNoticeOptions& o);

// Renders a subject's creditor notice (PI-bearing; the caller audits).
Result<RenderedNotice> RenderCreditorNotice(vault::Vault& v, const std::string& subject_id);

// Sends every planned creditor notice of the sink's channels. Audited per batch
// ("liquidation.notices.send", counts).
Result<SendResult> SendCreditorNotices(vault::Vault& v, NoticeSink& sink, const std::string& label,
                                       const std::function<void(int64_t, int64_t)>& progress);

// "¥1,234.56" from fen.
std::string YuanText(int64_t fen);

}  // namespace jv::workflow
