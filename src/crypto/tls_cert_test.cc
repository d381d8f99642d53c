#include "src/crypto/tls_cert.h"

#include <gtest/gtest.h>

namespace jv::crypto {
namespace {

TEST(TlsCertTest, MakesAParsableCertificateAndKey) {
  auto c = MakeSelfSignedCertificate("localhost", {"localhost"}, {"127.0.0.1", "::1"}, 365);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_NE(c->cert_pem.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  std::string key(reinterpret_cast<const char*>(c->key_pem.data()), c->key_pem.size());
  EXPECT_NE(key.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(c->sha256_fingerprint.size(), 64u);
  auto fp = CertificateFingerprint(c->cert_pem);
  ASSERT_TRUE(fp.ok());
  EXPECT_EQ(*fp, c->sha256_fingerprint);
  // Two certificates never share a key or serial.
  auto d = MakeSelfSignedCertificate("localhost", {"localhost"}, {"127.0.0.1"}, 365);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->sha256_fingerprint, c->sha256_fingerprint);
}

TEST(TlsCertTest, RejectsBadInput) {
  EXPECT_EQ(MakeSelfSignedCertificate("x", {}, {"127.0.0.1/8 bad"}, 30).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeSelfSignedCertificate("x", {}, {}, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CertificateFingerprint("not pem").status().code(), StatusCode::kInvalidArgument);
  auto c = MakeSelfSignedCertificate("x", {}, {}, 1);
  ASSERT_TRUE(c.ok());
  std::string pem = c->cert_pem;
  size_t i = pem.size() / 2;
  pem[i] = pem[i] == 'A' ? 'B' : 'A';  // tamper inside the base64 body
  auto fp = CertificateFingerprint(pem);
  EXPECT_TRUE(!fp.ok() || *fp != c->sha256_fingerprint);
}

}  // namespace
}  // namespace jv::crypto
