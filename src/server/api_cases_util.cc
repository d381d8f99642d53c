#include "src/server/api_cases_util.h"

#include "src/server/api_util.h"
#include "src/vault/backup_epoch.h"

namespace jv::server {

using json = nlohmann::json;

bool WellFormedObjectId(const std::string& id) {
  if (id.size() < 3 || id.size() > 64) return false;
  return id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

Result<std::optional<int64_t>> IntField(const json& j, const std::string& name, bool non_negative) {
  if (!j.contains(name) || j[name].is_null()) return std::optional<int64_t>();
  if (!j[name].is_number_integer()) return InvalidArgumentError(name + " must be an integer");
  int64_t n = j[name].get<int64_t>();
  if (non_negative && n < 0) return InvalidArgumentError(name + " must not be negative");
  return std::optional<int64_t>(n);
}

Result<bool> BoolField(const json& j, const std::string& name) {
  if (!j.contains(name) || j[name].is_null()) return false;
  if (!j[name].is_boolean()) return InvalidArgumentError(name + " must be true or false");
  return j[name].get<bool>();
}

bool QueryFlag(const ApiRequest& r, const std::string& key) {
  std::string v = QueryValue(r, key);
  return v == "1" || v == "true" || v == "yes";
}

ApiResponse NotSetUp(const Status& st) {
  return Ok({{"set_up", false}, {"message", st.message()}});
}

void EndBackupEpochInto(vault::Vault& v, const std::string& reason, int64_t shredded, json* doc) {
  (*doc)["backup_needed"] = true;
  auto end = vault::EndBackupEpochWithReport(v, reason, shredded);
  if (!end.ok()) {
    (*doc)["backup_epoch_error"] = end.status().message();
  } else if (end->had_epoch) {
    (*doc)["backup_epoch_ended"] = end->ended;
    (*doc)["backup_epoch"] = end->current;
    (*doc)["backup_keyring_updated"] = end->keyring_updated;
  }
}

}  // namespace jv::server
