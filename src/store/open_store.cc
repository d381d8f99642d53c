#include "src/store/open_store.h"

#include <utility>

#include "src/common/strings.h"
#include "src/store/postgres/postgres_store.h"
#include "src/store/sqlite/sqlite_store.h"

namespace jv::store {
namespace {

constexpr char kVaultIdKey[] = "vault_id";

bool IsPostgresUrl(const std::string& location) {
  return StartsWith(location, "postgresql://") || StartsWith(location, "postgres://");
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& location, OpenMode mode) {
  std::unique_ptr<Store> store;
  std::string where = location;
  if (IsPostgresUrl(location)) {
    JV_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> pg, PostgresStore::Open(location, mode));
    store = std::move(pg);
    where = RedactPostgresUrl(location);  // never print a password
  } else {
    JV_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> sqlite, SqliteStore::Open(location, mode));
    store = std::move(sqlite);
  }
  JV_ASSIGN_OR_RETURN(std::optional<std::string> vault_id, store->GetMeta(kVaultIdKey));
  if (mode == OpenMode::kCreate && vault_id.has_value()) {
    return AlreadyExistsError("a vault already exists in " + where);
  }
  if (mode == OpenMode::kExisting && !vault_id.has_value()) {
    return NotFoundError("no vault in " + where + " (database has no vault_id)");
  }
  return store;
}

}  // namespace jv::store
