#include "src/common/random.h"

#include <gtest/gtest.h>

#include <set>

namespace jv {
namespace {

TEST(SystemRandomTest, SmallAndLargeRequestsDiffer) {
  SystemRandom r;
  std::set<Bytes> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(r.RandomBytes(16));  // crosses pool refills
  EXPECT_EQ(seen.size(), 2000u);
  Bytes big = r.RandomBytes(1000);
  Bytes zeros(1000, 0);
  EXPECT_NE(big, zeros);
}

TEST(RandomTest, UniformStaysInRangeAndCoversIt) {
  FakeRandom r(7);
  std::set<uint64_t> values;
  for (int i = 0; i < 1000; ++i) {
    uint64_t v = r.Uniform(10);
    ASSERT_LT(v, 10u);
    values.insert(v);
  }
  EXPECT_EQ(values.size(), 10u);
}

TEST(RandomTest, NewIdHasPrefixAndAlphabet) {
  SystemRandom r;
  std::string id = NewId(r, "s_");
  ASSERT_EQ(id.size(), 22u);
  EXPECT_EQ(id.substr(0, 2), "s_");
  for (char c : id.substr(2)) {
    EXPECT_NE(std::string_view("abcdefghijkmnpqrstuvwxyz23456789").find(c), std::string::npos);
  }
  EXPECT_NE(NewId(r, "s_"), id);
}

}  // namespace
}  // namespace jv
