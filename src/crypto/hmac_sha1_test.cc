// Known answers from RFC 2202 §3 (test cases 1, 2 and 6).
#include "src/crypto/hmac_sha1.h"

#include <gtest/gtest.h>

#include "src/common/strings.h"

namespace jv::crypto {
namespace {

TEST(HmacSha1Test, Rfc2202Vectors) {
  Bytes k1(20, 0x0b);
  EXPECT_EQ(HexEncode(HmacSha1(k1, AsBytes("Hi There"))),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(HexEncode(HmacSha1(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"))),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  Bytes k6(80, 0xaa);
  EXPECT_EQ(HexEncode(HmacSha1(k6, AsBytes("Test Using Larger Than Block-Size Key - Hash Key "
                                           "First"))),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(HmacSha1Test, EmptyKeyAndTamper) {
  Bytes a = HmacSha1({}, AsBytes("x"));
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, HmacSha1({}, AsBytes("y")));
}

}  // namespace
}  // namespace jv::crypto
