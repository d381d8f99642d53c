#include "src/store/open_store.h"

#include <utility>

#include "src/common/strings.h"
#include "src/store/sqlite/sqlite_store.h"

namespace jv::store {
namespace {

constexpr char kVaultIdKey[] = "vault_id";

bool IsPostgresUrl(const std::string& location) {
  return StartsWith(location, "postgresql://") || StartsWith(location, "postgres://");
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& location, OpenMode mode) {
  if (IsPostgresUrl(location)) {
    return FailedPreconditionError("PostgreSQL support is not built yet");
  }
  JV_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> sqlite, SqliteStore::Open(location, mode));
  std::unique_ptr<Store> store = std::move(sqlite);
  JV_ASSIGN_OR_RETURN(std::optional<std::string> vault_id, store->GetMeta(kVaultIdKey));
  if (mode == OpenMode::kCreate && vault_id.has_value()) {
    return AlreadyExistsError("a vault already exists in " + location);
  }
  if (mode == OpenMode::kExisting && !vault_id.has_value()) {
    return NotFoundError("no vault in " + location + " (database has no vault_id)");
  }
  return store;
}

}  // namespace jv::store
