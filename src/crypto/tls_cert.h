// A self-signed TLS server certificate for `jadevault serve` when the operator supplies
// none (SPEC §4 "Server"; docs/design/server.md).
//
// Key: ECDSA P-256 (accepted by every browser and by Python's ssl). Certificate: X.509 v3,
// random 128-bit serial, subject and issuer CN = `common_name`, valid from one hour before
// the system time (not the vault clock: browsers check it against real time) for `days`
// days, SAN with every name in `dns_names` and `ip_addresses`, basicConstraints CA:FALSE,
// keyUsage digitalSignature, extendedKeyUsage serverAuth; signed with SHA-256.
// Errors: kInvalidArgument for a malformed IP address or days outside 1..3650, kInternal
// when OpenSSL fails. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "src/common/result.h"
#include "src/common/secret_buffer.h"

namespace jv::crypto {

struct TlsCertificate {
  std::string cert_pem;
  SecretBuffer key_pem;            // PKCS#8, unencrypted: store it with mode 0600
  std::string sha256_fingerprint;  // hex of SHA-256 over the DER certificate
};

Result<TlsCertificate> MakeSelfSignedCertificate(const std::string& common_name,
                                                 const std::vector<std::string>& dns_names,
                                                 const std::vector<std::string>& ip_addresses,
                                                 int days);

// SHA-256 fingerprint (hex) of the first certificate in a PEM text; kInvalidArgument if
// there is none.
Result<std::string> CertificateFingerprint(const std::string& cert_pem);

}  // namespace jv::crypto
