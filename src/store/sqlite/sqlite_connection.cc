#include "src/store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

namespace jv::store {

Result<sqlite3*> OpenSqliteConnection(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return InvalidArgumentError("cannot open vault database " + path + ": " + msg);
  }
  return db;
}

}  // namespace jv::store
