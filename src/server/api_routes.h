// The API's routes, one list per area, each defined in its own file api_<area>.cc.
// Routes() (api.cc) concatenates them in this order. To add an area: declare its list here,
// define it in api_<area>.cc, append it in Routes().
#pragma once

#include <vector>

#include "src/server/api.h"

namespace jv::server {

std::vector<Route> SessionRoutes();   // api.cc: login, logout, me, status
std::vector<Route> SubjectRoutes();   // api_subjects.cc: search, show, reveal, responses
std::vector<Route> AuditRoutes();     // api_audit.cc: verify

}  // namespace jv::server
