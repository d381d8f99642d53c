// The API's routes, one list per area, each defined in its own file api_<area>.cc.
// Routes() (api.cc) concatenates them in this order. To add an area: declare its list here,
// define it in api_<area>.cc, append it in Routes().
#pragma once

#include <vector>

#include "src/server/api.h"

namespace jv::server {

std::vector<Route> SessionRoutes();   // api.cc: login, logout, me, status
std::vector<Route> SubjectRoutes();   // api_subjects.cc: search, show, reveal, responses
std::vector<Route> AuditRoutes();     // api_audit.cc: verify, checkpoints, export
std::vector<Route> ImportRoutes();    // api_imports.cc: upload -> import job
std::vector<Route> JobRoutes();       // api_jobs.cc: a background job's state
std::vector<Route> CampaignRoutes();  // api_campaign.cc: notice template, plan, send, receipts
std::vector<Route> UserRoutes();      // api_users.cc: list, add (admin)
std::vector<Route> DashboardRoutes(); // api_dashboard.cc: case overview, gate, timeline
// Case work (api_cases_<area>.cc): transfer, recipients, allocation, responses list;
// requests; liquidation deadlines, creditors, claims, items; retention plan, holds; checklist.
std::vector<Route> CaseTransferRoutes();
std::vector<Route> CaseRequestRoutes();
std::vector<Route> CaseLiquidationRoutes();
std::vector<Route> CaseRetentionRoutes();
std::vector<Route> CaseChecklistRoutes();

}  // namespace jv::server
