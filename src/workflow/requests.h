// Customer-rights requests (PIPL 44–50; RULEBOOK P44–P50; SPEC §8): the register, the
// 15-working-day deadline, fulfilment and refusal. Used by `requests …` (CLI) and the staff API
// (server/api_cases_requests.cc).
//
// Stored as ObjectRow{kind "request", id "req_…", subject_id, status open|fulfilled|refused,
// attrs {type, via, received, due, fulfilled_at?, note?, files?, refused_at?, has_reason?}}.
// Attrs hold no personal data; the refusal reason (free text) is sealed in `sealed` as
// {"reason"} under the subject's data key of class "requests" (AAD "jadevault request\0<id>\0
// <subject>"), so it goes with a shred. The subject's data only leaves the vault in the files
// fulfilment writes. Audit entries name the request, type and outcome, never a value.
//
// Deadline: `due` = the 15th PRC working day after `received` (the day received is not
// counted, Civil Code Art. 201; WorkdayCalendar handles 调休 and holidays).
//
// Fulfilment by type: copy -> <id>.json + <id>.csv + <id>.html (zh-CN) in `out_dir`, 0600;
// portability, access, explanation -> <id>.json; deletion -> ShredSubject (shred.h), result
// "shredded" > 0 tells the caller to end the backup epoch; other types -> a note only.
//
// Errors: kInvalidArgument for a bad type/via/date or an empty refusal reason; kNotFound for
// an unknown request or subject; kFailedPrecondition for a request no longer open; store,
// decryption and file errors as they come.
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "src/common/calendar.h"
#include "src/common/date.h"
#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

inline constexpr char kKindRequest[] = "request";
inline constexpr char kClassRequests[] = "requests";  // data-key class of sealed reasons
inline constexpr int kRequestWorkdays = 15;

// The 15th working day after `received`.
Date RequestDue(Date received, const WorkdayCalendar& cal);
bool IsRequestType(const std::string& t);
bool IsRequestVia(const std::string& v);

struct RequestOpen {
  std::string subject;   // subject id
  std::string type;      // access|copy|portability|correction|deletion|restriction|
                         // explanation|withdraw|deceased
  std::string via;       // phone|letter|email|portal
  std::string received;  // YYYY-MM-DD; empty = today (China date of the vault clock)
};

Result<nlohmann::json> OpenRequest(vault::Vault& v, const RequestOpen& in);
// {id, subject, type, via, received, due, status, overdue}; `status` empty = all.
Result<std::vector<nlohmann::json>> ListRequests(vault::Vault& v, const std::string& status);
Result<nlohmann::json> FulfilRequest(vault::Vault& v, const std::string& id,
                                     const std::string& out_dir);
Result<nlohmann::json> RefuseRequest(vault::Vault& v, const std::string& id,
                                     const std::string& reason);

}  // namespace jv::workflow
