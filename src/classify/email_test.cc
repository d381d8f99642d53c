#include "src/classify/email.h"

#include <gtest/gtest.h>

namespace jv::classify {
namespace {

TEST(EmailTest, ValidAndLowerCased) {
  EXPECT_EQ(CheckEmail("alice@example.com").value, "alice@example.com");
  EXPECT_EQ(CheckEmail("  Alice.Smith@Example.COM ").value,
            "alice.smith@example.com");
  EXPECT_TRUE(CheckEmail("a_b%c+d-e@mail-1.example.cn").valid());
  EXPECT_TRUE(CheckEmail("user@sub.domain.museum").valid());
}

TEST(EmailTest, FullWidthAtSign) {
  EXPECT_EQ(CheckEmail("bob\uFF20example.com").value, "bob@example.com");
}

TEST(EmailTest, Invalid) {
  for (const char* v :
       {"alice", "alice@", "@example.com", "alice@example", "alice@example.c",
        "alice@example.c0m", "alice@@example.com", "a@b@example.com",
        "ali ce@example.com", "alice@.com", "用户@example.com",
        "alice@例子.com", "alice@example.com.", "alice@example_x.com"}) {
    EXPECT_FALSE(CheckEmail(v).valid()) << v;
  }
}

TEST(EmailTest, RegexEdgeCasesFollowedLiterally) {
  // The SPEC regex allows consecutive or leading dots in these positions.
  EXPECT_TRUE(CheckEmail("a@b..com").valid());
  EXPECT_TRUE(CheckEmail(".a@b.com").valid());
  EXPECT_TRUE(CheckEmail("a@-b.com").valid());
}

TEST(EmailTest, Absent) {
  EXPECT_EQ(CheckEmail("").validity, Validity::kAbsent);
}

}  // namespace
}  // namespace jv::classify
