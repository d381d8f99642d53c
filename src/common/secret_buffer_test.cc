#include "src/common/secret_buffer.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace jv {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBuffer>);
static_assert(!std::is_copy_assignable_v<SecretBuffer>);
static_assert(std::is_nothrow_move_constructible_v<SecretBuffer>);

TEST(SecretBufferTest, MoveLeavesSourceEmpty) {
  SecretBuffer a = SecretBuffer::FromString("secret");
  SecretBuffer b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.str(), "secret");
  SecretBuffer c = b.Clone();
  EXPECT_TRUE(c == b);
  c.Clear();
  EXPECT_TRUE(c.empty());
  EXPECT_FALSE(c == b);
}

TEST(SecretBufferTest, WipeZeroesMemory) {
  uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  SecureWipe(buf, sizeof buf);
  for (uint8_t v : buf) EXPECT_EQ(v, 0);
}

}  // namespace
}  // namespace jv
