#include "src/workflow/synthetic_people.h"

#include <cstdio>

#include "src/classify/id_number.h"

namespace jv::workflow {

namespace {

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                     "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高",
                                     "欧阳", "司马"};
constexpr const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                  "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
                                  "刚", "桂英", "玉", "金", "珊", "婷", "宇", "浩", "晨", "欣"};
constexpr const char* kStores[] = {"北京王府井店", "上海南京路店", "广州天河店", "深圳华强北店",
                                   "杭州湖滨店", "成都春熙路店"};
// Region codes of real counties (GB/T 2260) matching the stores' cities.
constexpr const char* kRegions[] = {"110101", "110105", "310101", "310104", "440106",
                                    "440304", "330102", "510104"};

template <size_t N>
const char* Pick(Random& r, const char* const (&arr)[N]) {
  return arr[r.Uniform(N)];
}

}  // namespace

SyntheticPerson MakeSyntheticPerson(Random& r, Date today) {
  SyntheticPerson p;
  p.name = std::string(Pick(r, kSurnames)) + Pick(r, kGiven);
  if (r.Uniform(2) == 0) p.name += Pick(r, kGiven);
  // Ages 8..80, so a few are minors.
  int64_t age_days = 8 * 365 + static_cast<int64_t>(r.Uniform(72 * 365));
  p.birth_date = today.AddDays(-age_days);
  char digits[32];
  int seq = static_cast<int>(r.Uniform(1000));
  std::snprintf(digits, sizeof digits, "%s%04d%02d%02d%03d", Pick(r, kRegions),
                p.birth_date.year, p.birth_date.month, p.birth_date.day, seq);
  p.id_number = std::string(digits, 17) + classify::IdCheckDigit(std::string_view(digits, 17));
  p.gender = (seq % 2 == 1) ? "男" : "女";
  std::snprintf(digits, sizeof digits, "1%d%09llu", 3 + static_cast<int>(r.Uniform(7)),
                static_cast<unsigned long long>(r.Uniform(1000000000ULL)));
  p.mobile = digits;
  if (r.Uniform(2) == 0) {
    p.email = "c" + std::to_string(r.Uniform(100000000)) + "@example.com";
  }
  p.store = Pick(r, kStores);
  return p;
}

}  // namespace jv::workflow
