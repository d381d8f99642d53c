// Helpers shared by the case-work API files (api_cases_<area>.cc): object ids in paths,
// optional numbers and flags in bodies and queries, the "not set up yet" answer, and ending
// the backup epoch after a shred. Messages name the field, never its content.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "src/common/result.h"
#include "src/server/api.h"

namespace jv::server {

// An object id as the workflows make them ("req_…", "cl_…", "it_…", "hold_…", "r_…"):
// lowercase letters, digits and '_', 3..64 bytes.
bool WellFormedObjectId(const std::string& id);

// An optional integer member (absent or null -> nullopt); kInvalidArgument when present but
// not an integer, or negative when `non_negative`.
Result<std::optional<int64_t>> IntField(const nlohmann::json& j, const std::string& name,
                                        bool non_negative);
// An optional boolean member (absent -> false); kInvalidArgument when not a boolean.
Result<bool> BoolField(const nlohmann::json& j, const std::string& name);
// A query flag: "1", "true" or "yes" -> true.
bool QueryFlag(const ApiRequest& r, const std::string& key);

// GET routes answer 200 with {"set_up": false, "message"} when the case step they read has
// not been set up (the CLI exits 9 there): the pages show "not set up yet" instead of an error.
ApiResponse NotSetUp(const Status& st);

// After a shred (deletion request, deletion response): ends the backup epoch like the CLI
// does, and records the outcome in `doc` (backup_needed, backup_epoch_ended, …).
void EndBackupEpochInto(vault::Vault& v, const std::string& reason, int64_t shredded,
                        nlohmann::json* doc);

}  // namespace jv::server
