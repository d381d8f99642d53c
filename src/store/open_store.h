// Opening a vault's store by location.
#pragma once

#include <memory>
#include <string>

#include "src/common/result.h"
#include "src/store/store.h"

namespace jv::store {

enum class OpenMode { kCreate, kExisting };

// `location` is a SQLite file path, or a "postgresql://..." (or "postgres://") libpq URL,
// opened as a PostgresStore (postgres/postgres_store.h); messages name the URL without its
// password. For PostgreSQL, kExisting on a database without the vault schema, or a database
// that does not exist, is kNotFound; an unreachable server is kUnavailable.
// A database "holds a vault" when its meta key "vault_id" is set (`jadevault init` sets it
// right after OpenStore(kCreate)).
// kCreate creates the SQLite file (mode 0600) if missing and fails with kAlreadyExists if the
// database already holds a vault; kExisting fails with kNotFound if the file is missing or
// does not hold a vault. Migrations run on open; a database newer than this binary gives
// kFailedPrecondition; a file that is not a vault database gives kDataLoss (not SQLite or
// corrupt) or kFailedPrecondition (another program's SQLite database).
Result<std::unique_ptr<Store>> OpenStore(const std::string& location, OpenMode mode);

}  // namespace jv::store
