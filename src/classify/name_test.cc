#include "src/classify/name.h"

#include <gtest/gtest.h>

namespace jv::classify {
namespace {

// Synthetic names only (placeholder names such as 张三/李四 and invented
// combinations).

TEST(NameTest, HanNames) {
  for (const char* v :
       {"张三", "李四", "王小明", "陈思思思", "张 三", "\u3000刘洋\u3000"}) {
    EXPECT_TRUE(LooksLikePersonName(v)) << v;
  }
}

TEST(NameTest, CompoundSurnames) {
  EXPECT_TRUE(LooksLikePersonName("欧阳娜娜"));
  EXPECT_TRUE(LooksLikePersonName("上官小红"));  // 上 is not a single surname
  EXPECT_TRUE(LooksLikePersonName(
      "司马一二三"));  // 5 characters with a compound surname
  EXPECT_FALSE(LooksLikePersonName("张一二三四"));  // 5 characters without one
  size_t n = 0;
  EXPECT_TRUE(StartsWithCompoundSurname("诸葛亮", &n));
  EXPECT_EQ(n, std::string("诸葛").size());
  EXPECT_FALSE(StartsWithCompoundSurname("张三", &n));
}

TEST(NameTest, MinorityNamesWithMiddleDot) {
  EXPECT_TRUE(LooksLikePersonName("阿不都·热合曼"));
  EXPECT_TRUE(LooksLikePersonName("买买提•艾力"));
  EXPECT_TRUE(LooksLikePersonName("阿依古丽・买买提"));
  EXPECT_TRUE(LooksLikePersonName("阿不都.热合曼"));
  EXPECT_FALSE(LooksLikePersonName("·热合曼"));
  EXPECT_FALSE(LooksLikePersonName("阿不都·"));
  EXPECT_FALSE(LooksLikePersonName("阿不都··热合曼"));
  EXPECT_FALSE(LooksLikePersonName("阿·不·都·热·合"));  // 5 segments
}

TEST(NameTest, LatinNames) {
  EXPECT_TRUE(LooksLikePersonName("Zhang San"));
  EXPECT_TRUE(LooksLikePersonName("ZHANG SAN"));
  EXPECT_TRUE(LooksLikePersonName("Mary-Jane O'Neil"));
  EXPECT_TRUE(LooksLikePersonName("John F. Smith"));
  EXPECT_FALSE(LooksLikePersonName("Smith"));
  EXPECT_FALSE(LooksLikePersonName("a b c d e"));
  EXPECT_FALSE(LooksLikePersonName("John  Smith"));
  EXPECT_FALSE(LooksLikePersonName("John Smith2"));
  EXPECT_FALSE(LooksLikePersonName("-John Smith"));
}

TEST(NameTest, NotNames) {
  for (const char* v :
       {"", "张", "旗舰店", "普通会员", "13812345678", "张三丰李四王",
        "广东省广州市", "张3", "alice@example.com"}) {
    EXPECT_FALSE(LooksLikePersonName(v)) << v;
  }
}

}  // namespace
}  // namespace jv::classify
