// The audit log over HTTP: verify (the same check as `audit verify`).
#include "src/audit/audit_log.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"

namespace jv::server {

namespace {

ApiResponse VerifyAudit(Call& c) {
  auto r = c.vault.audit().Verify(c.vault.signer().PublicKeyPem());
  if (!r.ok()) return ErrorResponse(r.status());
  return Ok(audit::VerifyReportToJson(*r, c.vault.suite()));
}

}  // namespace

std::vector<Route> AuditRoutes() {
  return {
      {"GET", "/api/v1/audit/verify", policy::Action::kAuditVerify, false, VerifyAudit},
  };
}

}  // namespace jv::server
