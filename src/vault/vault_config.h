// VaultConfig: the non-secret settings of a vault, kept in <vault dir>/vault.toml.
//
// vault.toml is written once by `init` and read on every open. It never holds a secret:
// keys live wrapped in the store. The file is a small TOML subset (one `key = "value"`
// or `key = 123` per line, `#` comments) so operators can read it; format_version lets a
// later binary migrate it.
// Thread-safety: a value type.
#pragma once

#include <string>

#include "src/common/result.h"

namespace jv::vault {

inline constexpr int kVaultFormatVersion = 1;

struct VaultConfig {
  int format_version = kVaultFormatVersion;
  std::string vault_id;       // "v_..."
  std::string company;        // the transferor / debtor company's name (a legal person)
  std::string case_type;      // "transfer" | "liquidation" | "transfer+liquidation"
  std::string crypto;         // "std" | "gm"
  std::string store;          // "vault.db" (relative to the dir) or "postgresql://..."
  std::string created;        // RFC 3339 UTC

  std::string ToToml() const;
  // kInvalidArgument naming the line for a malformed file or a missing required key;
  // kFailedPrecondition if format_version is newer than this binary understands.
  static Result<VaultConfig> FromToml(std::string_view text);
};

// The store location for `dir`: an absolute path for SQLite, the URL for PostgreSQL.
std::string StoreLocation(const std::string& dir, const VaultConfig& config);

}  // namespace jv::vault
