#include "src/crypto/blind_index.h"

#include <gtest/gtest.h>

#include "src/crypto/hash.h"
#include "src/crypto/internal/test_helpers.h"

namespace jv::crypto {
namespace {

SecretBuffer IndexKey(uint8_t fill) {
  return SecretBuffer(Bytes(kKeySize, fill));
}

TEST(BlindIndexTest, IsHmacOfKindNulValue) {
  for (Suite suite : {Suite::kStd, Suite::kGm}) {
    const SecretBuffer key = IndexKey(0x5a);
    Bytes msg = ToBytes("mobile");
    msg.push_back(0x00);
    const Bytes value = ToBytes("13800000000");
    msg.insert(msg.end(), value.begin(), value.end());
    const Bytes index = BlindIndex(suite, key, "mobile", "13800000000");
    EXPECT_EQ(index.size(), kHashSize);
    EXPECT_EQ(index, Hmac(suite, key.view(), msg)) << SuiteName(suite);
  }
}

// Fixed answer for the std suite, computed independently with Python:
//   hmac.new(b'\x5a'*32, b'mobile\x0013800000000', 'sha256').hexdigest()
TEST(BlindIndexTest, StdKnownAnswer) {
  EXPECT_EQ(testing::Hex(BlindIndex(Suite::kStd, IndexKey(0x5a), "mobile",
                                    "13800000000")),
            "ddc48a94ecba4d4da9f510f8699512e50cce6ce10f2faa8f17d5e5488bb90a06");
}

// The prepared-key form gives the same index (and the same known answer).
TEST(BlindIndexTest, PreparedKeyGivesTheSameIndex) {
  HmacKey prepared(Suite::kStd, IndexKey(0x5a).view());
  EXPECT_EQ(testing::Hex(BlindIndex(prepared, "mobile", "13800000000")),
            "ddc48a94ecba4d4da9f510f8699512e50cce6ce10f2faa8f17d5e5488bb90a06");
  for (Suite suite : {Suite::kStd, Suite::kGm}) {
    const SecretBuffer key = IndexKey(0x11);
    HmacKey k(suite, key.view());
    for (const char* value : {"", "a@example.com", "110101199003078515"}) {
      EXPECT_EQ(BlindIndex(k, "email", value), BlindIndex(suite, key, "email", value))
          << SuiteName(suite);
    }
  }
}

TEST(BlindIndexTest, SeparatesKindsKeysSuitesAndValues) {
  const SecretBuffer key = IndexKey(1);
  const Bytes base = BlindIndex(Suite::kStd, key, "email", "a@example.com");
  EXPECT_EQ(base, BlindIndex(Suite::kStd, key, "email", "a@example.com"));
  EXPECT_NE(base, BlindIndex(Suite::kStd, key, "name", "a@example.com"));
  EXPECT_NE(base,
            BlindIndex(Suite::kStd, IndexKey(2), "email", "a@example.com"));
  EXPECT_NE(base, BlindIndex(Suite::kGm, key, "email", "a@example.com"));
  EXPECT_NE(base, BlindIndex(Suite::kStd, key, "email", "b@example.com"));
  // The separator keeps the (kind, value) split unambiguous.
  EXPECT_NE(BlindIndex(Suite::kStd, key, "ab", "c"),
            BlindIndex(Suite::kStd, key, "a", "bc"));
  // Empty values are allowed and distinct.
  EXPECT_NE(BlindIndex(Suite::kStd, key, "name", ""),
            BlindIndex(Suite::kStd, key, "name", " "));
}

}  // namespace
}  // namespace jv::crypto
