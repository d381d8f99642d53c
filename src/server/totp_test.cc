// Known answers: RFC 4226 Appendix D (HOTP) and RFC 6238 Appendix B (TOTP, SHA-1 rows,
// 8 digits, secret "12345678901234567890"); RFC 4648 §10 for base32.
#include "src/server/totp.h"

#include <gtest/gtest.h>

namespace jv::server {
namespace {

const Bytes kSecret(AsBytes("12345678901234567890").begin(), AsBytes("12345678901234567890").end());

TEST(TotpTest, Rfc4226AppendixD) {
  const char* expect[] = {"755224", "287082", "359152", "969429", "338314",
                          "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(Hotp(kSecret, i), expect[i]) << i;
}

TEST(TotpTest, Rfc6238AppendixB) {
  struct {
    int64_t t;
    const char* code;
  } rows[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
              {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& r : rows) EXPECT_EQ(Totp(kSecret, r.t, 8), r.code) << r.t;
  EXPECT_EQ(Totp(kSecret, 59), "287082");  // 6 digits: the low 6 of the 8
}

TEST(TotpTest, MatchAcceptsOneStepOfDriftOnly) {
  int64_t t = 1234567890;
  std::string code = Totp(kSecret, t);
  EXPECT_EQ(MatchTotp(kSecret, code, t), t / 30);
  EXPECT_EQ(MatchTotp(kSecret, code, t + 30), t / 30);
  EXPECT_EQ(MatchTotp(kSecret, code, t - 30), t / 30);
  EXPECT_FALSE(MatchTotp(kSecret, code, t + 90).has_value());  // stale
  EXPECT_FALSE(MatchTotp(kSecret, "12345", t).has_value());
  std::string wrong = code;
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  EXPECT_FALSE(MatchTotp(kSecret, wrong, t).has_value());
}

TEST(TotpTest, Base32Rfc4648Vectors) {
  EXPECT_EQ(Base32Encode(AsBytes("")), "");
  EXPECT_EQ(Base32Encode(AsBytes("f")), "MY");
  EXPECT_EQ(Base32Encode(AsBytes("fo")), "MZXQ");
  EXPECT_EQ(Base32Encode(AsBytes("foo")), "MZXW6");
  EXPECT_EQ(Base32Encode(AsBytes("foob")), "MZXW6YQ");
  EXPECT_EQ(Base32Encode(AsBytes("fooba")), "MZXW6YTB");
  EXPECT_EQ(Base32Encode(AsBytes("foobar")), "MZXW6YTBOI");
  auto d = Base32Decode("mzxw6ytboi======");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(std::string(d->begin(), d->end()), "foobar");
  EXPECT_FALSE(Base32Decode("MZ1").ok());
  EXPECT_EQ(Base32Encode(kSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(TotpTest, OtpauthUri) {
  EXPECT_EQ(OtpauthUri("jadevault", "dpo 1", "ABC"),
            "otpauth://totp/jadevault:dpo%201?secret=ABC&issuer=jadevault&algorithm=SHA1&"
            "digits=6&period=30");
}

}  // namespace
}  // namespace jv::server
