#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "src/common/strings.h"
#include "src/crypto/internal/openssl_util.h"
#include "src/crypto/tls_cert.h"

namespace jv::crypto {

namespace {

struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
}

Status AddExt(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return InvalidArgumentError("tls: bad certificate extension");
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return InternalError("tls: X509_add_ext failed");
  return Status::Ok();
}

Result<std::string> Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) {
    return InternalError("tls: X509_digest failed");
  }
  return HexEncode(ByteView(md, len));
}

}  // namespace

Result<TlsCertificate> MakeSelfSignedCertificate(const std::string& common_name,
                                                 const std::vector<std::string>& dns_names,
                                                 const std::vector<std::string>& ip_addresses,
                                                 int days) {
  if (days < 1 || days > 3650) return InvalidArgumentError("tls: days must be 1..3650");
  internal::PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return InternalError("tls: EC key generation failed");
  X509Ptr cert(X509_new());
  if (!cert) return InternalError("tls: X509_new failed");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return InternalError("tls: RAND_bytes failed");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  if (bn == nullptr) return InternalError("tls: BN_bin2bn failed");
  ASN1_INTEGER* sn = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  if (sn == nullptr) return InternalError("tls: serial failed");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("jadevault"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string san;
  for (const std::string& d : dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const std::string& ip : ip_addresses) {
    if (ip.empty() || ip.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
      return InvalidArgumentError("tls: malformed IP address");
    }
    san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  }
  JV_RETURN_IF_ERROR(AddExt(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  JV_RETURN_IF_ERROR(AddExt(cert.get(), NID_key_usage, "critical,digitalSignature"));
  JV_RETURN_IF_ERROR(AddExt(cert.get(), NID_ext_key_usage, "serverAuth"));
  JV_RETURN_IF_ERROR(AddExt(cert.get(), NID_subject_key_identifier, "hash"));
  if (!san.empty()) JV_RETURN_IF_ERROR(AddExt(cert.get(), NID_subject_alt_name, san));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return InternalError("tls: X509_sign failed");
  }
  BioPtr cb(BIO_new(BIO_s_mem()));
  BioPtr kb(BIO_new(BIO_s_mem()));
  if (!cb || !kb || PEM_write_bio_X509(cb.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return InternalError("tls: PEM encoding failed");
  }
  TlsCertificate out;
  out.cert_pem = BioText(cb.get());
  {
    char* data = nullptr;
    long n = BIO_get_mem_data(kb.get(), &data);
    out.key_pem = SecretBuffer(
        ByteView(reinterpret_cast<const uint8_t*>(data), n > 0 ? static_cast<size_t>(n) : 0));
    OPENSSL_cleanse(data, n > 0 ? static_cast<size_t>(n) : 0);
  }
  JV_ASSIGN_OR_RETURN(out.sha256_fingerprint, Fingerprint(cert.get()));
  return out;
}

Result<std::string> CertificateFingerprint(const std::string& cert_pem) {
  BioPtr b(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  if (!b) return InternalError("tls: BIO_new_mem_buf failed");
  X509Ptr cert(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
  if (!cert) return InvalidArgumentError("tls: no PEM certificate");
  return Fingerprint(cert.get());
}

}  // namespace jv::crypto
