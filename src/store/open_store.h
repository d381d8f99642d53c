// Opening a vault's store by location.
#pragma once

#include <memory>
#include <string>

#include "src/common/result.h"
#include "src/store/store.h"

namespace jv::store {

enum class OpenMode { kCreate, kExisting };

// `location` is a SQLite file path, or a "postgresql://..." URL (once PostgresStore lands).
// kCreate fails with kAlreadyExists if the database already holds a vault; kExisting fails
// with kNotFound if it does not. Migrations run on open; a database newer than this binary
// gives kFailedPrecondition.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location, OpenMode mode);

}  // namespace jv::store
