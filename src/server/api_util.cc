#include "src/server/api_util.h"

namespace jv::server {

using json = nlohmann::json;

ApiResponse Error(int status, const std::string& code, const std::string& message) {
  ApiResponse r;
  r.status = status;
  r.body = {{"error", {{"code", code}, {"message", message}}}};
  return r;
}

ApiResponse Ok(json body) {
  ApiResponse r;
  r.body = std::move(body);
  return r;
}

ApiResponse Refused(const policy::Decision& d) { return Error(403, "permission_denied", d.reason); }

Result<json> ParseBody(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgumentError("the request body must be a JSON object");
  }
  return j;
}

Result<std::string> StringField(const json& j, const std::string& name, bool required) {
  if (!j.contains(name) || j[name].is_null()) {
    if (required) return InvalidArgumentError(name + " is required");
    return std::string();
  }
  if (!j[name].is_string()) return InvalidArgumentError(name + " must be a string");
  return j[name].get<std::string>();
}

Result<policy::Purpose> PurposeParam(const std::string& text) {
  auto p = policy::ParsePurpose(text);
  if (!p.ok()) return InvalidArgumentError("purpose is not a known purpose");
  return p;
}

std::string QueryValue(const ApiRequest& r, const std::string& key) {
  auto it = r.query.find(key);
  return it == r.query.end() ? std::string() : it->second;
}

std::string PathParam(const ApiRequest& r, const std::string& key) {
  auto it = r.path_params.find(key);
  return it == r.path_params.end() ? std::string() : it->second;
}

bool WellFormedSubjectId(const std::string& id) {
  if (id.size() < 3 || id.size() > 64 || id.rfind("s_", 0) != 0) return false;
  return id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

ApiResponse ErrorResponse(const Status& st) {
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
      return Error(400, "invalid_argument", st.message());
    case StatusCode::kUnauthenticated:
      return Error(401, "unauthenticated", st.message());
    case StatusCode::kPermissionDenied:
      return Error(403, "permission_denied", st.message());
    case StatusCode::kNotFound:
      return Error(404, "not_found", st.message());
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return Error(409, "failed_precondition", st.message());
    case StatusCode::kUnavailable:
      return Error(503, "unavailable", "the vault is busy; try again");
    default:
      return Error(500, "internal", "internal error");
  }
}

}  // namespace jv::server
