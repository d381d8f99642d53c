// PgTestDatabase: a fresh PostgreSQL database for one test, dropped when the object is
// destroyed. Header-only; for tests only.
//
// The server is the one of $JV_TEST_PG_URL (scripts/test-services.sh starts one on
// 127.0.0.1:55432 and exports it). The database is created through that URL's connection as
// "jv_t_<16 hex>" and dropped WITH (FORCE), so connections a failed test left open do not
// keep it alive. When $JV_TEST_PG_URL is unset: Required() tells whether the run demands
// PostgreSQL ($JV_REQUIRE_PG=1, set by scripts/test.sh), in which case tests must fail, not
// skip. Not thread-safe; one object per test.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <string>

#include <libpq-fe.h>

#include "src/common/random.h"
#include "src/common/result.h"
#include "src/common/strings.h"

namespace jv::store::testing {

class PgTestDatabase {
 public:
  // The server URL, or "" if $JV_TEST_PG_URL is unset or empty.
  static std::string ServerUrl() {
    const char* u = std::getenv("JV_TEST_PG_URL");
    return u != nullptr ? std::string(u) : std::string();
  }
  static bool Required() {
    const char* r = std::getenv("JV_REQUIRE_PG");
    return r != nullptr && std::string(r) == "1";
  }
  static constexpr const char* kUnsetMessage =
      "JV_TEST_PG_URL is not set: the PostgreSQL tests need a server (scripts/test.sh starts "
      "one; or source scripts/test-services.sh && start_test_services)";

  // `url` with its database name (the path) replaced by `db`.
  static std::string WithDatabase(const std::string& url, const std::string& db) {
    size_t scheme = url.find("://");
    size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    size_t slash = url.find('/', start);
    size_t query = url.find('?', start);
    std::string head = url.substr(0, std::min(slash, query));
    std::string tail = query == std::string::npos ? "" : url.substr(query);
    return head + "/" + db + tail;
  }

  PgTestDatabase() = default;
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;
  ~PgTestDatabase() {
    if (!name_.empty()) AdminExec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").IgnoreError();
  }

  // Creates the database (once) and returns its URL.
  Result<std::string> Create() {
    if (!name_.empty()) return url_;
    const std::string server = ServerUrl();
    if (server.empty()) return FailedPreconditionError(kUnsetMessage);
    std::string name = "jv_t_" + HexEncode(SystemRandom::Get().RandomBytes(8));
    JV_RETURN_IF_ERROR(AdminExec("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0"));
    name_ = name;
    url_ = WithDatabase(server, name_);
    return url_;
  }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // Runs one SQL command on this test's database (or the server's, before Create()) through
  // a separate connection; returns the first column of the first row, or "" if none.
  Result<std::string> Query(const std::string& sql) const {
    return RunOn(url_.empty() ? ServerUrl() : url_, sql);
  }

 private:
  Status AdminExec(const std::string& sql) const { return RunOn(ServerUrl(), sql).status(); }

  static Result<std::string> RunOn(const std::string& url, const std::string& sql) {
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::string m = PQerrorMessage(c);
      PQfinish(c);
      return UnavailableError("test PostgreSQL: " + m);
    }
    PGresult* r = PQexec(c, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    std::string out;
    Status status = Status::Ok();
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      status = InternalError("test PostgreSQL: " + std::string(PQresultErrorMessage(r)));
    } else if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) {
      out = std::string(PQgetvalue(r, 0, 0), PQgetlength(r, 0, 0));
    }
    PQclear(r);
    PQfinish(c);
    if (!status.ok()) return status;
    return out;
  }

  std::string name_;
  std::string url_;
};

}  // namespace jv::store::testing
