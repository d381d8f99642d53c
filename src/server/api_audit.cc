// The audit log over HTTP, as `audit verify | checkpoint | export`:
//   GET  /api/v1/audit/verify        audit.verify   the same check as `audit verify`
//   GET  /api/v1/audit/checkpoints   audit.verify   every signed checkpoint, oldest first
//   POST /api/v1/audit/checkpoints   audit.verify   sign the current tree head
//   GET  /api/v1/audit/export        audit.read     the export file's exact text (JSON lines),
//                                                   audited "audit.export" first, like the CLI
// Entries hold ids, actions and counts, never personal data, so they are shown unmasked.
#include <unistd.h>

#include <filesystem>

#include "src/audit/audit_log.h"
#include "src/common/strings.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"

namespace jv::server {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using policy::Action;

ApiResponse VerifyAudit(Call& c) {
  auto r = c.vault.audit().Verify(c.vault.signer().PublicKeyPem());
  if (!r.ok()) return ErrorResponse(r.status());
  return Ok(audit::VerifyReportToJson(*r, c.vault.suite()));
}

ApiResponse ListCheckpoints(Call& c) {
  auto list = c.vault.audit().ListCheckpoints();
  if (!list.ok()) return ErrorResponse(list.status());
  auto size = c.vault.store().AuditSize();
  if (!size.ok()) return ErrorResponse(size.status());
  json arr = json::array();
  for (const auto& cp : *list) {
    json j = audit::CheckpointToJson(cp);
    j.erase("public_key_pem");
    j.erase("message_b64");
    arr.push_back(std::move(j));
  }
  return Ok({{"checkpoints", arr}, {"audit_entries", *size}});
}

ApiResponse MakeCheckpoint(Call& c) {
  auto cp = c.vault.audit().MakeCheckpoint(c.vault.signer());
  if (!cp.ok()) return ErrorResponse(cp.status());
  json j = audit::CheckpointToJson(*cp);
  j["ok"] = true;
  return Ok(std::move(j));
}

ApiResponse ExportAudit(Call& c) {
  auto seq = c.vault.Audit("audit.export", "", "audit", json::object());
  if (!seq.ok()) return ErrorResponse(seq.status());
  fs::path tmp = fs::path(c.vault.dir()) /
                 ("audit-export-" + HexEncode(c.vault.random().RandomBytes(8)) + ".jsonl");
  auto n = c.vault.audit().Export(tmp.string());
  if (!n.ok()) return ErrorResponse(n.status());
  auto text = ReadFileToString(tmp.string());
  std::error_code ec;
  fs::remove(tmp, ec);
  if (!text.ok()) return ErrorResponse(InternalError("audit export: cannot read back"));
  return Ok({{"ok", true},
             {"entries", *n},
             {"file", "audit-" + c.vault.config().vault_id + ".jsonl"},
             {"text", *text}});
}

}  // namespace

std::vector<Route> AuditRoutes() {
  return {
      {"GET", "/api/v1/audit/verify", Action::kAuditVerify, false, VerifyAudit},
      {"GET", "/api/v1/audit/checkpoints", Action::kAuditVerify, false, ListCheckpoints},
      {"POST", "/api/v1/audit/checkpoints", Action::kAuditVerify, true, MakeCheckpoint},
      {"GET", "/api/v1/audit/export", Action::kAuditRead, false, ExportAudit},
  };
}

}  // namespace jv::server
