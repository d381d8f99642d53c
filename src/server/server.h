// `jadevault serve`: the HTTPS server around Api (api.h), the embedded static UI
// (static_assets.h) and the access log (access_log.h). See docs/design/server.md.
//
// Every response carries the security headers (SecurityHeaders()); request bodies above
// `max_body_bytes` (uploads: `max_upload_bytes`) get 413 before any handler runs; the API answers JSON only; unknown paths
// get a JSON 404. TLS 1.2 or later only. The server stops on SIGINT / SIGTERM (Serve blocks
// them in the calling thread, so call it before starting other threads).
//
// Errors: kInvalidArgument for a bad listen address; kFailedPrecondition when the
// certificate or key cannot be loaded; kUnavailable when the address cannot be bound.
// Thread-safety: one Serve per process.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "src/common/result.h"
#include "src/server/access_log.h"
#include "src/server/api.h"

namespace jv::server {

class PortalApi;

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8443;  // 0: any free port (reported through on_listening)
  std::string cert_file;
  std::string key_file;
  size_t max_body_bytes = 64 * 1024;
  // Routes with Route::raw_body (the import upload) take bodies up to this size; every
  // other route keeps max_body_bytes (checked from Content-Length before the body is read;
  // a chunked body is refused there).
  size_t max_upload_bytes = size_t{256} << 20;
  int threads = 8;
  // The customer portal (portal_api.h): /portal/api/* and the page /portal. Null: no portal
  // routes (404).
  PortalApi* portal = nullptr;
  // Called once the socket is bound, with the actual port.
  std::function<void(int port)> on_listening;
};

// The headers sent with every response (name, value).
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders();

// "127.0.0.1:8443" / "[::1]:8443" / "localhost:0" -> host, port. kInvalidArgument otherwise.
Result<std::pair<std::string, int>> ParseListen(const std::string& listen);

struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string fingerprint;  // SHA-256 of the certificate, hex
  bool created = false;     // made now
};
// The vault's own certificate: <vault_dir>/tls/server.crt and server.key (mode 0600, the
// directory 0700). Made (self-signed ECDSA P-256, CN localhost, SAN localhost, 127.0.0.1,
// ::1, valid 825 days) when absent. kFailedPrecondition if only one of the two exists.
Result<TlsFiles> EnsureVaultCertificate(const std::string& vault_dir);

Status Serve(Api& api, AccessLog& log, const ServeOptions& options);

}  // namespace jv::server
