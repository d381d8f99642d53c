#include "src/classify/address.h"

#include <gtest/gtest.h>

namespace jv::classify {
namespace {

TEST(AddressTest, StartsWithRegion) {
  EXPECT_TRUE(LooksLikeAddress("广东省广州市天河区体育西路1号"));
  EXPECT_TRUE(LooksLikeAddress("北京朝阳建国门外"));
  EXPECT_TRUE(LooksLikeAddress("上海静安寺附近"));
  EXPECT_TRUE(LooksLikeAddress("深圳福田中心"));
}

TEST(AddressTest, MarkersWithoutRegion) {
  EXPECT_TRUE(LooksLikeAddress("天河区体育西路"));  // 区 + 路
  EXPECT_TRUE(LooksLikeAddress("幸福小区3栋"));     // 小区, 区, 栋
  EXPECT_TRUE(LooksLikeAddress("解放大道188号"));   // digits + 号
  EXPECT_TRUE(
      LooksLikeAddress("\uFF11\uFF18\uFF18号大院"));  // full-width digits + 号
}

TEST(AddressTest, NotAddresses) {
  for (const char* v :
       {"", "张三", "北京", "广州市", "超市", "13812345678", "黄金手镯",
        "钻石会员", "备注：无", "VIP", "2023-01-01"}) {
    EXPECT_FALSE(LooksLikeAddress(v)) << v;
  }
}

}  // namespace
}  // namespace jv::classify
