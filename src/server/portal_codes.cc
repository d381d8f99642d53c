#include "src/server/portal_codes.h"

#include <nlohmann/json.hpp>

#include "src/common/strings.h"
#include "src/crypto/hash.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
constexpr int64_t kMicros = 1000000;
constexpr char kDigits[] = "0123456789";

bool SixDigits(const std::string& s) {
  return s.size() == 6 && s.find_first_not_of(kDigits) == std::string::npos;
}

// The number's row (a fresh one when absent) and its attrs.
Result<std::pair<store::ObjectRow, json>> LoadRow(store::Store& store, const std::string& id,
                                                  int64_t now) {
  auto got = store.GetObject(kPortalOtpKind, id);
  if (got.ok()) {
    json a = json::parse(got->attrs_json, nullptr, false);
    if (!a.is_object()) a = json::object();
    return std::make_pair(*got, a);
  }
  if (got.status().code() != StatusCode::kNotFound) return got.status();
  store::ObjectRow row;
  row.kind = kPortalOtpKind;
  row.id = id;
  row.status = "active";
  row.created_micros = now;
  return std::make_pair(row, json::object());
}

Status SaveRow(store::Store& store, store::ObjectRow& row, const json& a, int64_t now) {
  row.attrs_json = a.dump();
  row.updated_micros = now;
  return store.PutObject(row);
}

}  // namespace

std::string PortalCodes::NumberId(const std::string& mobile) const {
  return hash_("portal_otp", mobile);
}

std::string PortalCodes::CodeHash(const std::string& number_id, const std::string& code) const {
  return hash_("portal_otp_code", number_id + '\0' + code);
}

Result<IssuedCode> PortalCodes::Issue(const std::string& mobile, Random& random,
                                      int64_t now) {
  const std::string id = NumberId(mobile);
  store::Transaction txn(store_);
  JV_RETURN_IF_ERROR(txn.Start());
  JV_ASSIGN_OR_RETURN(auto loaded, LoadRow(store_, id, now));
  auto& [row, a] = loaded;
  IssuedCode out;
  // The code is drawn in every case, so both paths cost the same.
  std::string code = random.RandomString(6, kDigits);
  bool locked = now < a.value("locked_until", int64_t{0});
  int64_t sends_first = a.value("sends_first", int64_t{0});
  int sends = a.value("sends", 0);
  if (now - sends_first >= limits_.send_window_seconds * kMicros) {
    sends_first = now;
    sends = 0;
  }
  if (!locked && sends < limits_.max_sends) {
    a["code"] = CodeHash(id, code);
    a["issued"] = now;
    a["expires"] = now + limits_.ttl_seconds * kMicros;
    a["sends"] = sends + 1;
    a["sends_first"] = sends_first;
    out.code = code;
    out.send = true;
  }
  JV_RETURN_IF_ERROR(SaveRow(store_, row, a, now));
  JV_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Result<CodeCheck> PortalCodes::Verify(const std::string& mobile, const std::string& code,
                                      int64_t now) {
  const std::string id = NumberId(mobile);
  store::Transaction txn(store_);
  JV_RETURN_IF_ERROR(txn.Start());
  JV_ASSIGN_OR_RETURN(auto loaded, LoadRow(store_, id, now));
  auto& [row, a] = loaded;
  CodeCheck out;
  if (now < a.value("locked_until", int64_t{0})) {
    out.verdict = CodeVerdict::kLocked;
    JV_RETURN_IF_ERROR(txn.Commit());
    return out;
  }
  // Hash whatever came, so a malformed or absent code costs what a real one does.
  std::string given = CodeHash(id, SixDigits(code) ? code : std::string("x"));
  std::string stored = a.value("code", "");
  bool match = SixDigits(code) && !stored.empty() && now < a.value("expires", int64_t{0}) &&
               crypto::ConstantTimeEqual(AsBytes(given), AsBytes(stored));
  if (match) {
    a.erase("code");
    a.erase("expires");
    a["failures"] = 0;
    a["first"] = 0;
    out.verdict = CodeVerdict::kOk;
  } else {
    int64_t first = a.value("first", int64_t{0});
    int failures = a.value("failures", 0);
    if (now - first > limits_.window_seconds * kMicros) {
      first = now;
      failures = 0;
    }
    ++failures;
    a["first"] = first;
    a["failures"] = failures;
    if (failures >= limits_.max_failures) {
      a["locked_until"] = now + limits_.lock_seconds * kMicros;
      a.erase("code");  // burnt: the right code does not work after a lock either
      a.erase("expires");
      a["failures"] = 0;
      a["first"] = 0;
      out.locked_now = true;
    }
    out.verdict = CodeVerdict::kWrong;
  }
  JV_RETURN_IF_ERROR(SaveRow(store_, row, a, now));
  JV_RETURN_IF_ERROR(txn.Commit());
  return out;
}

}  // namespace jv::server
