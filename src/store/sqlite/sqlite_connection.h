// Opening a raw connection to a vault database file: what SqliteStore::Open and the
// bulk-load checkpointer (sqlite_checkpointer.h) share.
#pragma once

#include <string>

#include "src/common/result.h"

struct sqlite3;

namespace jv::store {

// A read-write connection (SQLITE_OPEN_NOMUTEX: one thread at a time) to the database at
// `path`, which must exist. kInvalidArgument "cannot open vault database PATH: WHY" with
// nothing left open otherwise. The caller closes it with sqlite3_close.
Result<sqlite3*> OpenSqliteConnection(const std::string& path);

}  // namespace jv::store
