// Helpers every API handler file (api_<area>.cc) shares: building responses and reading
// input. Messages name the field, never its content (SPEC §4: no PI in errors).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "src/common/result.h"
#include "src/policy/policy.h"
#include "src/server/api.h"

namespace jv::server {

// {"error": {"code", "message"}} with the HTTP status.
ApiResponse Error(int status, const std::string& code, const std::string& message);
ApiResponse Ok(nlohmann::json body);
// 403 with the policy's reason.
ApiResponse Refused(const policy::Decision& d);

// The body as a JSON object; kInvalidArgument otherwise.
Result<nlohmann::json> ParseBody(const std::string& body);
// A string member; "" when absent and not required; kInvalidArgument when required and
// absent or not a string.
Result<std::string> StringField(const nlohmann::json& j, const std::string& name, bool required);
// A purpose name -> Purpose; kInvalidArgument ("purpose is not a known purpose").
Result<policy::Purpose> PurposeParam(const std::string& text);
// The first value of a query parameter, "" if absent.
std::string QueryValue(const ApiRequest& r, const std::string& key);
// A path parameter ({id}), "" if absent.
std::string PathParam(const ApiRequest& r, const std::string& key);
// "s_" + lowercase letters, digits and '_', at most 64 bytes.
bool WellFormedSubjectId(const std::string& id);

}  // namespace jv::server
