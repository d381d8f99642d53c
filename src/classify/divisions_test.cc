#include "src/classify/divisions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "src/classify/divisions_data.h"

namespace jv::classify {
namespace {

TEST(DivisionsTest, Names) {
  EXPECT_EQ(ProvinceName("44"), "广东省");
  EXPECT_EQ(ProvinceName("11"), "北京市");
  EXPECT_EQ(ProvinceName("71"), "台湾省");
  EXPECT_EQ(ProvinceName("81"), "香港特别行政区");
  EXPECT_EQ(ProvinceName("82"), "澳门特别行政区");
  EXPECT_EQ(ProvinceName("83"), "台湾省");
  EXPECT_EQ(ProvinceName("99"), std::nullopt);
  EXPECT_EQ(ProvinceName("4"), std::nullopt);
  EXPECT_EQ(CityName("4401"), "广州市");
  EXPECT_EQ(CityName("9999"), std::nullopt);
  EXPECT_EQ(AreaName("110105"), "朝阳区");
  EXPECT_EQ(AreaName("440106"), "天河区");
  EXPECT_TRUE(IsMainlandProvinceCode("65"));
  EXPECT_FALSE(IsMainlandProvinceCode("71"));
}

// The embedded tables must equal data/divisions/*.csv (regenerate with
// scripts/gen_divisions.py when they differ).
TEST(DivisionsTest, EmbeddedTablesMatchCsv) {
  auto count_rows = [](const char* file) {
    std::ifstream in(std::string(JV_SOURCE_DIR) + "/data/divisions/" + file);
    EXPECT_TRUE(in.good()) << file;
    size_t n = 0;
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) ++n;
    }
    return n - 1;  // header
  };
  EXPECT_EQ(internal::kProvinceRowCount, count_rows("provinces.csv"));
  EXPECT_EQ(internal::kCityRowCount, count_rows("cities.csv"));
  EXPECT_EQ(internal::kAreaRowCount, count_rows("areas.csv"));
  EXPECT_EQ(internal::kProvinceRowCount, 31u);
}

struct AddressCase {
  const char* address;
  const char* province;  // "" = none
  const char* city;      // "" = none
};

TEST(DivisionsTest, AddressPrefixes) {
  const AddressCase cases[] = {
      {"广东省广州市天河区体育西路1号", "44", "4401"},
      {"广东广州天河区", "44", "4401"},
      {"广州市天河区", "44", "4401"},
      {"广州天河", "44", "4401"},
      {"北京市朝阳区建国路88号", "11", "1101"},
      {"北京朝阳区", "11", "1101"},
      {"北京市", "11", ""},
      {"吉林市船营区", "22", "2202"},
      {"吉林省长春市朝阳区", "22", "2201"},
      {"吉林长春", "22", "2201"},
      {"内蒙古呼和浩特市", "15", "1501"},
      {"内蒙古自治区呼和浩特市", "15", "1501"},
      {"延边朝鲜族自治州延吉市", "22", "2224"},
      {"延边延吉市", "22", "2224"},
      {"新疆乌鲁木齐市", "65", "6501"},
      {"海南省海口市", "46", "4601"},
      {"海南海口", "46", "4601"},
      {"海南藏族自治州共和县", "63", "6325"},
      {"湖北省仙桃市", "42", "4290"},
      {"重庆市万州区", "50", "5001"},
      {"广西南宁市", "45", "4501"},
      {"广东省　广州市", "44", "4401"},  // U+3000 between the parts
      {"\uFF08广东省\uFF09", "", ""},
      {"香港九龙", "81", ""},
      {"天河区体育西路", "", ""},
      {"", "", ""},
  };
  for (const AddressCase& c : cases) {
    EXPECT_EQ(ProvinceFromAddress(c.address).value_or(""), c.province)
        << c.address;
    EXPECT_EQ(CityFromAddress(c.address).value_or(""), c.city) << c.address;
  }
}

TEST(DivisionsTest, MatchedBytesCoverProvinceAndCity) {
  std::string a = "广东省广州市天河区体育西路1号";
  AddressRegion r = MatchAddressRegion(a);
  EXPECT_EQ(a.substr(0, r.matched_bytes), "广东省广州市");
  a = "北京朝阳区建国路";
  r = MatchAddressRegion(a);
  EXPECT_EQ(a.substr(0, r.matched_bytes), "北京朝阳区");
  EXPECT_EQ(MatchAddressRegion("体育西路").matched_bytes, 0u);
}

}  // namespace
}  // namespace jv::classify
