#include "src/vault/vault_config.h"

#include <map>

#include "src/common/strings.h"

namespace jv::vault {

namespace {

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string VaultConfig::ToToml() const {
  std::string t;
  t += "# jadevault vault settings (no secrets here; keys are wrapped inside the store)\n";
  t += "format_version = " + std::to_string(format_version) + "\n";
  t += "vault_id = " + Quote(vault_id) + "\n";
  t += "company = " + Quote(company) + "\n";
  t += "case = " + Quote(case_type) + "\n";
  t += "crypto = " + Quote(crypto) + "\n";
  t += "store = " + Quote(store) + "\n";
  t += "created = " + Quote(created) + "\n";
  return t;
}

Result<VaultConfig> VaultConfig::FromToml(std::string_view text) {
  std::map<std::string, std::string> kv;
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    line = TrimSpace(line);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgumentError("vault.toml line " + std::to_string(line_no) +
                                  ": expected key = value");
    }
    std::string key(TrimSpace(line.substr(0, eq)));
    std::string_view v = TrimSpace(line.substr(eq + 1));
    std::string value;
    if (!v.empty() && v[0] == '"') {
      if (v.size() < 2 || v.back() != '"') {
        return InvalidArgumentError("vault.toml line " + std::to_string(line_no) +
                                    ": unterminated string");
      }
      v = v.substr(1, v.size() - 2);
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        value += v[i];
      }
    } else {
      value = std::string(v);
    }
    kv[key] = value;
  }
  VaultConfig c;
  auto need = [&](const char* k, std::string* out) -> Status {
    auto it = kv.find(k);
    if (it == kv.end() || it->second.empty()) {
      return InvalidArgumentError(std::string("vault.toml: missing ") + k);
    }
    *out = it->second;
    return Status::Ok();
  };
  std::string version;
  JV_RETURN_IF_ERROR(need("format_version", &version));
  c.format_version = std::atoi(version.c_str());
  if (c.format_version > kVaultFormatVersion) {
    return FailedPreconditionError("vault.toml format_version " + version +
                                   " is newer than this jadevault understands");
  }
  JV_RETURN_IF_ERROR(need("vault_id", &c.vault_id));
  JV_RETURN_IF_ERROR(need("company", &c.company));
  JV_RETURN_IF_ERROR(need("case", &c.case_type));
  JV_RETURN_IF_ERROR(need("crypto", &c.crypto));
  JV_RETURN_IF_ERROR(need("store", &c.store));
  if (kv.count("created")) c.created = kv["created"];
  return c;
}

std::string StoreLocation(const std::string& dir, const VaultConfig& config) {
  if (StartsWith(config.store, "postgresql://") || StartsWith(config.store, "postgres://")) {
    return config.store;
  }
  if (!config.store.empty() && config.store[0] == '/') return config.store;
  return dir + "/" + config.store;
}

}  // namespace jv::vault
