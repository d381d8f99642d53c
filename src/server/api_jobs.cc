// Background jobs over HTTP: GET /api/v1/jobs/{id} -> the job's state (jobs.h). Only the
// user who started a job sees it (404 for anyone else, as for an unknown id).
#include "src/server/api_routes.h"
#include "src/server/api_util.h"

namespace jv::server {

namespace {

bool WellFormedJobId(const std::string& id) {
  if (id.size() != 34 || id.rfind("j_", 0) != 0) return false;
  return id.find_first_not_of("0123456789abcdef", 2) == std::string::npos;
}

ApiResponse GetJob(Call& c) {
  std::string id = PathParam(c.req, "id");
  if (!WellFormedJobId(id)) return Error(400, "invalid_argument", "id is malformed");
  auto doc = c.jobs.Get(id, c.user);
  if (!doc) return Error(404, "not_found", "no such job");
  return Ok(std::move(*doc));
}

}  // namespace

std::vector<Route> JobRoutes() {
  return {
      {"GET", "/api/v1/jobs/{id}", policy::Action::kSessionSelf, false, GetJob},
  };
}

}  // namespace jv::server
