#include "src/store/migrations.h"

#include <string>

#include "src/common/check.h"

namespace jv::store {

int LatestSchemaVersion(std::span<const Migration> steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    JV_CHECK(steps[i].version == static_cast<int>(i) + 1);
  }
  return static_cast<int>(steps.size());
}

Status CheckSchemaNotNewer(int db_version, int latest) {
  if (db_version > latest) {
    return FailedPreconditionError(
        "vault database schema version " + std::to_string(db_version) +
        " is newer than this jadevault supports (" + std::to_string(latest) +
        "); use the jadevault release that wrote it, or a newer one");
  }
  return Status::Ok();
}

Result<int> ApplyMigrations(MigrationTarget& target, std::span<const Migration> steps) {
  const int latest = LatestSchemaVersion(steps);
  {
    // Quick check outside a transaction: refuse a newer database without taking a lock.
    JV_ASSIGN_OR_RETURN(int current, target.ReadSchemaVersion());
    JV_RETURN_IF_ERROR(CheckSchemaNotNewer(current, latest));
    if (current == latest) return latest;
  }
  for (const Migration& step : steps) {
    JV_RETURN_IF_ERROR(target.BeginExclusive());
    Status st = [&]() -> Status {
      JV_ASSIGN_OR_RETURN(int current, target.ReadSchemaVersion());
      JV_RETURN_IF_ERROR(CheckSchemaNotNewer(current, latest));
      if (current >= step.version) return Status::Ok();  // done (maybe by another process)
      if (current != step.version - 1) {
        return InternalError("schema migration out of order at version " +
                             std::to_string(step.version));
      }
      JV_RETURN_IF_ERROR(target.ExecScript(step.sql));
      return target.WriteSchemaVersion(step.version);
    }();
    if (!st.ok()) {
      target.RollbackTransaction().IgnoreError();
      return st.WithContext("schema migration to version " + std::to_string(step.version) +
                            " (" + std::string(step.name) + ")");
    }
    JV_RETURN_IF_ERROR(target.CommitTransaction());
  }
  return latest;
}

}  // namespace jv::store
