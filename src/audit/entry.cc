#include "src/audit/entry.h"

#include <cctype>
#include <cstdint>
#include <utility>

#include "src/common/strings.h"
#include "src/crypto/hash.h"

namespace jv::audit {
namespace {

constexpr std::string_view kHashKey = ",\"hash\":\"";

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// "YYYY-MM-DDTHH:MM:SS.ffffffZ"
bool IsRfc3339Micros(std::string_view s) {
  static constexpr std::string_view kPattern = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (s.size() != kPattern.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (kPattern[i] == 'd') {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    } else if (s[i] != kPattern[i]) {
      return false;
    }
  }
  return true;
}

// Floats are refused so that every implementation serializes details identically.
bool HasFloat(const nlohmann::json& j) {
  if (j.is_number_float()) return true;
  if (j.is_structured()) {
    for (const auto& v : j) {
      if (HasFloat(v)) return true;
    }
  }
  return false;
}

Status ValidateEntry(const AuditEntry& e) {
  if (e.seq < 1) return InvalidArgumentError("audit entry: seq must be >= 1");
  if (!IsRfc3339Micros(e.time)) {
    return InvalidArgumentError("audit entry: time is not RFC 3339 UTC with microseconds");
  }
  const std::pair<const char*, const std::string*> strings[] = {
      {"actor", &e.actor}, {"action", &e.action}, {"subject", &e.subject},
      {"purpose", &e.purpose}};
  for (const auto& [name, value] : strings) {
    if (!IsValidUtf8(*value)) {
      return InvalidArgumentError(std::string("audit entry: field \"") + name +
                                  "\" is not valid UTF-8");
    }
  }
  if (e.action.empty()) return InvalidArgumentError("audit entry: action is empty");
  if (!e.details.is_object()) {
    return InvalidArgumentError("audit entry: details must be a JSON object");
  }
  if (HasFloat(e.details)) {
    return InvalidArgumentError("audit entry: details must not contain floating-point numbers");
  }
  if (!IsLowerHex64(e.prev)) {
    return InvalidArgumentError("audit entry: prev must be 64 lower-case hex digits");
  }
  return Status::Ok();
}

// Compact, UTF-8, no ASCII escaping; throws on invalid UTF-8.
std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::strict);
}

// The body: the entry without `hash`. Written member by member (each value serialized by
// nlohmann::json), which is byte-identical to dumping an ordered_json with these keys and
// avoids copying `details`.
Result<std::string> SerializeBody(const AuditEntry& e) {
  try {
    std::string out;
    out.reserve(256);
    out += "{\"seq\":";
    out += std::to_string(e.seq);
    out += ",\"time\":";
    out += Dump(e.time);
    out += ",\"actor\":";
    out += Dump(e.actor);
    out += ",\"action\":";
    out += Dump(e.action);
    out += ",\"subject\":";
    out += Dump(e.subject);
    out += ",\"purpose\":";
    out += Dump(e.purpose);
    out += ",\"details\":";
    out += Dump(e.details);  // std::map-backed: keys sorted at every depth
    out += ",\"prev\":";
    out += Dump(e.prev);
    out += "}";
    return out;
  } catch (const nlohmann::json::exception&) {
    return InvalidArgumentError("audit entry: details contain invalid UTF-8");
  }
}

}  // namespace

std::string EntryHashHex(crypto::Suite suite, std::string_view body) {
  return HexEncode(crypto::Hash(suite, AsBytes(body)));
}

Result<std::string> MakeEntryLine(crypto::Suite suite, AuditEntry& entry) {
  JV_RETURN_IF_ERROR(ValidateEntry(entry));
  JV_ASSIGN_OR_RETURN(std::string body, SerializeBody(entry));
  entry.hash = EntryHashHex(suite, body);
  std::string line = body.substr(0, body.size() - 1);
  line.append(kHashKey);
  line.append(entry.hash);
  line.append("\"}");
  return line;
}

Result<std::string> EntryBodyOfLine(std::string_view line) {
  if (line.size() < kHashTailSize + 2) return DataLossError("audit line: too short");
  std::string_view tail = line.substr(line.size() - kHashTailSize);
  if (tail.substr(0, kHashKey.size()) != kHashKey || tail.substr(kHashTailSize - 2) != "\"}" ||
      !IsLowerHex64(tail.substr(kHashKey.size(), 64))) {
    return DataLossError("audit line: does not end with the hash member");
  }
  std::string body(line.substr(0, line.size() - kHashTailSize));
  body.push_back('}');
  return body;
}

Result<AuditEntry> ParseEntryLine(std::string_view line) {
  // One parse into the sorted-key type; member order, spacing, escapes and duplicates are
  // then checked by comparing the line with the canonical serialization of its content.
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line.begin(), line.end());
  } catch (const nlohmann::json::exception&) {
    return DataLossError("audit line: not valid JSON");
  }
  if (!j.is_object()) return DataLossError("audit line: not a JSON object");
  static constexpr const char* kKeys[] = {"seq",     "time",    "actor", "action", "subject",
                                          "purpose", "details", "prev",  "hash"};
  for (const char* k : kKeys) {
    if (!j.contains(k)) return DataLossError(std::string("audit line: no \"") + k + "\" member");
  }
  if (j.size() != std::size(kKeys)) return DataLossError("audit line: unexpected member");
  const auto& seq = j["seq"];
  if (!seq.is_number_integer()) return DataLossError("audit line: seq is not an integer");
  for (const char* k : {"time", "actor", "action", "subject", "purpose", "prev", "hash"}) {
    if (!j[k].is_string()) {
      return DataLossError(std::string("audit line: \"") + k + "\" is not a string");
    }
  }
  if (!j["details"].is_object()) return DataLossError("audit line: details is not an object");
  if (seq.is_number_unsigned() &&
      seq.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return DataLossError("audit line: seq out of range");
  }
  AuditEntry e;
  try {
    e.seq = seq.get<int64_t>();
    e.time = std::move(j["time"].get_ref<std::string&>());
    e.actor = std::move(j["actor"].get_ref<std::string&>());
    e.action = std::move(j["action"].get_ref<std::string&>());
    e.subject = std::move(j["subject"].get_ref<std::string&>());
    e.purpose = std::move(j["purpose"].get_ref<std::string&>());
    e.details = std::move(j["details"]);
    e.prev = std::move(j["prev"].get_ref<std::string&>());
    e.hash = std::move(j["hash"].get_ref<std::string&>());
  } catch (const nlohmann::json::exception&) {
    return DataLossError("audit line: unreadable member");
  }

  Status valid = ValidateEntry(e);
  if (!valid.ok()) return DataLossError("audit line: " + valid.message());
  if (!IsLowerHex64(e.hash)) {
    return DataLossError("audit line: hash must be 64 lower-case hex digits");
  }
  // Byte-for-byte canonical: re-serialize and compare.
  Result<std::string> body = SerializeBody(e);
  if (!body.ok()) return DataLossError("audit line: " + body.status().message());
  std::string expected = body->substr(0, body->size() - 1);
  expected.append(kHashKey);
  expected.append(e.hash);
  expected.append("\"}");
  if (line != expected) return DataLossError("audit line: not in canonical form");
  return e;
}

Result<AuditEntry> CheckEntryLine(crypto::Suite suite, std::string_view line) {
  JV_ASSIGN_OR_RETURN(AuditEntry e, ParseEntryLine(line));
  JV_ASSIGN_OR_RETURN(std::string body, EntryBodyOfLine(line));
  if (EntryHashHex(suite, body) != e.hash) return DataLossError("audit line: hash mismatch");
  return e;
}

}  // namespace jv::audit
