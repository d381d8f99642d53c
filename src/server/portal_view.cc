#include "src/server/portal_view.h"

#include <algorithm>
#include <map>
#include <vector>

#include "src/classify/fields.h"
#include "src/classify/mask.h"
#include "src/common/date.h"
#include "src/ingest/importer.h"
#include "src/workflow/liquidation_notices.h"
#include "src/workflow/notices.h"
#include "src/workflow/requests.h"
#include "src/workflow/subject_view.h"
#include "src/workflow/transfer.h"

namespace jv::server {

namespace {

using json = nlohmann::json;

bool NoNotice(const Status& st) {
  return st.code() == StatusCode::kNotFound || st.code() == StatusCode::kFailedPrecondition;
}

}  // namespace

std::string MaskClearValues(std::string text, const std::map<std::string, json>& clear) {
  std::vector<std::pair<std::string, std::string>> subs;  // clear -> masked
  for (const auto& [name, v] : clear) {
    if (!v.is_string()) continue;
    std::string value = v.get<std::string>();
    auto field = classify::FieldFromName(name);
    if (!field || value.size() < 2) continue;
    subs.emplace_back(value, classify::MaskValue(*field, value));
  }
  std::sort(subs.begin(), subs.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [from, to] : subs) {
    if (from == to) continue;
    size_t pos = 0;
    while ((pos = text.find(from, pos)) != std::string::npos) {
      text.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return text;
}

Result<json> PortalView(vault::Vault& v, const std::string& subject_id) {
  Date today = ChinaDateFromMicros(v.clock().NowMicros());
  JV_ASSIGN_OR_RETURN(json shown, workflow::ShowSubject(v, subject_id, "rights_request",
                                                        "portal me", today, std::nullopt));
  json doc = {{"state", shown["state"]}, {"masked", shown["masked"]}, {"notice", nullptr}};

  // The notice: rendered (PI-bearing) in memory, masked before it leaves.
  std::string kind, text;
  auto transfer = workflow::RenderSubjectNotice(v, subject_id);
  if (transfer.ok()) {
    kind = "transfer";
    text = transfer->text;
  } else if (!NoNotice(transfer.status())) {
    return transfer.status();
  } else {
    auto creditor = workflow::RenderCreditorNotice(v, subject_id);
    if (creditor.ok()) {
      kind = "liquidation";
      text = creditor->text;
    } else if (!NoNotice(creditor.status())) {
      return creditor.status();
    }
  }
  if (!kind.empty()) {
    JV_ASSIGN_OR_RETURN(auto records, v.ReadRecords(subject_id));
    std::map<std::string, json> clear;
    for (const std::string& cls : {std::string(vault::kClassProfile)}) {
      for (auto& [k, val] : ingest::CurrentValues(records, cls, today)) clear.emplace(k, val);
    }
    doc["notice"] = {{"kind", kind}, {"text", MaskClearValues(text, clear)}};
    std::fill(text.begin(), text.end(), '\0');
  }

  store::ObjectFilter f;
  f.kind = workflow::kKindResponse;
  f.subject_id = subject_id;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.created_micros < b.created_micros;
  });
  json responses = json::array();
  for (const store::ObjectRow& r : rows) {
    json a = json::parse(r.attrs_json, nullptr, false);
    if (!a.is_object()) continue;
    responses.push_back({{"type", a.value("type", "")},
                         {"via", a.value("via", "")},
                         {"at", a.value("at", "")}});
  }
  doc["objection"] = {{"objected", shown["state"] == "objected"}, {"responses", responses}};

  JV_ASSIGN_OR_RETURN(auto requests, workflow::ListRequests(v, ""));
  json mine = json::array();
  for (json& r : requests) {
    if (r.value("subject", "") != subject_id) continue;
    r.erase("subject");
    mine.push_back(std::move(r));
  }
  doc["requests"] = mine;
  return doc;
}

}  // namespace jv::server
