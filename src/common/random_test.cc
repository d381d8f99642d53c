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

TEST(RandomTest, OrderedIdsHaveTheShapeOfNewIdAndSortByTime) {
  SystemRandom r;
  const int64_t t0 = 1795700000000000;  // 2026-11
  std::string prev = NewOrderedId(r, "s_", t0);
  ASSERT_EQ(prev.size(), 22u);
  EXPECT_EQ(prev.substr(0, 2), "s_");
  for (char c : prev.substr(2)) {
    EXPECT_NE(std::string_view("abcdefghijkmnpqrstuvwxyz23456789").find(c), std::string::npos);
  }
  // Later microseconds sort later bytewise, across carries of every base-32 digit.
  for (int64_t d : {int64_t{1}, int64_t{31}, int64_t{32}, int64_t{1} << 20, int64_t{1} << 40}) {
    std::string next = NewOrderedId(r, "s_", t0 + d);
    EXPECT_LT(prev, next) << d;
    prev = next;
  }
  // The same microsecond: same time prefix, different random tail.
  std::string a = NewOrderedId(r, "s_", t0), b = NewOrderedId(r, "s_", t0);
  EXPECT_EQ(a.substr(0, 13), b.substr(0, 13));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace jv
