// Subject search and view, shared by `subjects find|show` (cli) and the HTTP API (server):
// the same result shapes, the same masking, the same audit entries.
//
//   SubjectSearchKey(kind, value, today) -> the blind-index kind and canonical value of one
//       search term; kind is "mobile" | "id_number" | "email" | "name" | "member_no".
//   FindSubjects -> {"subjects": [{"id", "state", "masked": {field: masked value}}]}
//   ShowSubject  -> {"id", "state", "attrs", "masked", "records": [...], "created",
//                    "updated", "revealed"?: {FIELD: value}}
//
// Values are masked (classify/mask.h). Every subject whose records were decrypted gets an
// audit entry "subject.read" (details {"command": via}); a reveal adds "subject.reveal"
// with the field name and the reason, never the value. Authorization is the caller's job
// (policy::Authorize); ShowSubject still refuses a reveal without a reason.
// Errors: kInvalidArgument for a malformed search value (message names the search kind,
// never the value) or an unknown field; kNotFound for an unknown subject id;
// kPermissionDenied for a reveal without a reason; store / decryption errors as they come.
// An empty purpose means "customer_service".
// A subject in state "restricted" (a retention run destroyed its deletable classes and a
// legal lock keeps the rest, RULEBOOK P47 / §10) is storage-only: FindSubjects lists it with
// "restricted": true and no masked values, without decrypting; ShowSubject lists its
// records' classes and field names only, and a reveal needs an explicit purpose and a
// reason (kPermissionDenied otherwise); the value comes from whichever kept class holds it.
// Thread-safety: as the Vault (one thread at a time).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "src/common/date.h"
#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

Result<std::pair<std::string, std::string>> SubjectSearchKey(const std::string& kind,
                                                             const std::string& value, Date today);

Result<nlohmann::json> FindSubjects(vault::Vault& vault, const std::string& index_kind,
                                    const std::string& canonical_value, const std::string& purpose,
                                    const std::string& via, Date today);

struct RevealRequest {
  std::string field;
  std::string reason;
};

Result<nlohmann::json> ShowSubject(vault::Vault& vault, const std::string& id,
                                   const std::string& purpose, const std::string& via, Date today,
                                   const std::optional<RevealRequest>& reveal);

}  // namespace jv::workflow
