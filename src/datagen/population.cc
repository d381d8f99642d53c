#include "src/datagen/population.h"

#include <cstdio>
#include <numeric>

#include "src/classify/bank_card.h"
#include "src/classify/divisions.h"
#include "src/classify/divisions_data.h"
#include "src/classify/id_number.h"
#include "src/common/check.h"

namespace jv::datagen {
namespace {

using classify::internal::kAreaRowCount;
using classify::internal::kAreaRows;

struct Syllable {
  const char* han;
  const char* latin;
};

// Common surnames (all in classify's surname list) with their pinyin.
constexpr Syllable kSurnames[] = {
    {"王", "wang"}, {"李", "li"},    {"张", "zhang"}, {"刘", "liu"},   {"陈", "chen"},
    {"杨", "yang"}, {"黄", "huang"}, {"赵", "zhao"},  {"吴", "wu"},    {"周", "zhou"},
    {"徐", "xu"},   {"孙", "sun"},   {"马", "ma"},    {"朱", "zhu"},   {"胡", "hu"},
    {"郭", "guo"},  {"何", "he"},    {"高", "gao"},   {"林", "lin"},   {"罗", "luo"},
    {"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"},  {"宋", "song"},  {"唐", "tang"},
    {"许", "xu"},   {"韩", "han"},   {"冯", "feng"},  {"邓", "deng"},  {"曹", "cao"},
    {"彭", "peng"}, {"曾", "zeng"},  {"肖", "xiao"},  {"田", "tian"},  {"董", "dong"},
    {"袁", "yuan"}, {"潘", "pan"},   {"于", "yu"},    {"蒋", "jiang"}, {"蔡", "cai"},
    {"余", "yu"},   {"杜", "du"},    {"叶", "ye"},    {"程", "cheng"}, {"苏", "su"},
    {"魏", "wei"},  {"吕", "lv"},    {"丁", "ding"},  {"任", "ren"},   {"沈", "shen"},
    {"姚", "yao"},  {"卢", "lu"},    {"姜", "jiang"}, {"崔", "cui"},   {"钟", "zhong"},
    {"谭", "tan"},  {"陆", "lu"},    {"汪", "wang"},  {"范", "fan"},   {"金", "jin"},
};
constexpr Syllable kCompoundSurnames[] = {
    {"欧阳", "ouyang"}, {"司马", "sima"}, {"上官", "shangguan"}, {"诸葛", "zhuge"}};
constexpr Syllable kGiven[] = {
    {"伟", "wei"},   {"芳", "fang"},  {"娜", "na"},    {"敏", "min"},    {"静", "jing"},
    {"丽", "li"},    {"强", "qiang"}, {"磊", "lei"},   {"军", "jun"},    {"洋", "yang"},
    {"勇", "yong"},  {"艳", "yan"},   {"杰", "jie"},   {"娟", "juan"},   {"涛", "tao"},
    {"明", "ming"},  {"超", "chao"},  {"秀", "xiu"},   {"霞", "xia"},    {"平", "ping"},
    {"刚", "gang"},  {"桂", "gui"},   {"英", "ying"},  {"华", "hua"},    {"珊", "shan"},
    {"婷", "ting"},  {"宇", "yu"},    {"浩", "hao"},   {"晨", "chen"},   {"欣", "xin"},
    {"佳", "jia"},   {"怡", "yi"},    {"子", "zi"},    {"轩", "xuan"},   {"梓", "zi"},
    {"涵", "han"},   {"雨", "yu"},    {"萱", "xuan"},  {"思", "si"},     {"琪", "qi"},
    {"嘉", "jia"},   {"俊", "jun"},   {"慧", "hui"},   {"建", "jian"},   {"国", "guo"},
    {"文", "wen"},   {"颖", "ying"},  {"玲", "ling"},  {"鹏", "peng"},   {"辉", "hui"},
};
// Minority names written with a middle dot (U+00B7).
constexpr Syllable kMinorityNames[] = {
    {"阿依古丽·买买提", "ayigulimaimaiti"}, {"古丽娜尔·艾力", "gulinaerraili"},
    {"买买提·吐尔逊", "maimaititursun"},    {"扎西·多吉", "zhaxiduoji"},
    {"努尔兰·别克", "nuerlanbieke"}};
constexpr const char* kEmailDomains[] = {"example.com", "example.cn", "example.net",
                                         "mail.example.cn"};
constexpr const char* kRoads[] = {"人民路", "解放路", "中山路", "建设路", "和平街", "新华路",
                                  "体育西路", "长安街", "文化路", "滨江大道", "花园路",
                                  "朝阳路", "青年路", "胜利街"};
constexpr const char* kBuildings[] = {"", "", "", "阳光花园", "金色家园", "华府小区",
                                      "锦绣大厦", "翠苑"};

uint64_t Gcd(uint64_t a, uint64_t b) { return std::gcd(a, b); }

// A multiplier coprime with `m`, derived from `seed`.
uint64_t CoprimeMultiplier(uint64_t seed, uint64_t m) {
  uint64_t a = (seed % (m - 1)) + 1;
  if (a < m / 3) a += m / 3;  // avoid tiny multipliers (visible patterns)
  a %= m;
  if (a == 0) a = 1;
  while (Gcd(a, m) != 1) a = (a + 1) % m == 0 ? 1 : a + 1;
  return a;
}

constexpr uint64_t kMobileSpace = 7'000'000'000ULL;
// Real counties × 500 sequence pairs, then synthetic "PP99XX" codes × 500.
uint64_t RealIdSpace() { return static_cast<uint64_t>(kAreaRowCount) * 500; }

}  // namespace

PersonFactory::PersonFactory(uint64_t seed, const Date& import_date)
    : import_date_(import_date) {
  Rng r(seed ^ 0x5eedULL);
  mobile_mul_ = CoprimeMultiplier(r.Next(), kMobileSpace);
  mobile_add_ = r.Next() % kMobileSpace;
  id_mul_ = CoprimeMultiplier(r.Next(), RealIdSpace());
  id_add_ = r.Next() % RealIdSpace();
  JV_CHECK(RealIdSpace() + 31ULL * 100 * 500 >= static_cast<uint64_t>(kMaxPersons));
  prefix_full_.reserve(kAreaRowCount);
  prefix_short_.reserve(kAreaRowCount);
  for (size_t i = 0; i < kAreaRowCount; ++i) {
    const auto& row = kAreaRows[i];
    std::string code(row.code);
    auto province = classify::ProvinceName(code.substr(0, 2));
    auto city = classify::CityName(code.substr(0, 4));
    std::string city_part;
    // Municipalities list placeholder cities ("市辖区", "县", "…直辖…"): no city name.
    if (city && *city != "市辖区" && *city != "县" && city->find("直辖") == std::string::npos) {
      city_part = std::string(*city);
    }
    prefix_short_.push_back(city_part + row.name);
    prefix_full_.push_back(std::string(province.value_or("")) + city_part + row.name);
  }
}

std::string PersonFactory::MobileOf(int64_t index) const {
  uint64_t v = (static_cast<uint64_t>(index) % kMobileSpace * mobile_mul_ + mobile_add_) %
               kMobileSpace;
  char buf[16];
  std::snprintf(buf, sizeof buf, "1%d%09llu", 3 + static_cast<int>(v / 1'000'000'000ULL),
                static_cast<unsigned long long>(v % 1'000'000'000ULL));
  return buf;
}

void PersonFactory::IdSlot(int64_t index, int64_t* area, uint64_t* pair,
                           std::string* region) const {
  JV_CHECK(index >= 0 && index < kMaxPersons);
  uint64_t real = RealIdSpace();
  if (static_cast<uint64_t>(index) < real) {
    // __int128: index * id_mul_ may exceed 64 bits.
    uint64_t q = static_cast<uint64_t>(
        (static_cast<unsigned __int128>(index) * id_mul_ + id_add_) % real);
    *area = static_cast<int64_t>(q % kAreaRowCount);
    *pair = q / kAreaRowCount;
    *region = kAreaRows[*area].code;
  } else {
    // Beyond the real counties: province code + "99" + 2 digits (not a real county, but
    // SPEC §5.3 checks only the province of an ID number).
    uint64_t q = static_cast<uint64_t>(index) - real;
    uint64_t slot = q % (31 * 100);
    *pair = q / (31 * 100);
    *area = -1;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s99%02d",
                  classify::internal::kProvinceRows[slot % 31].code,
                  static_cast<int>(slot / 31));
    *region = buf;
  }
  JV_CHECK(*pair < 500);
}

std::string PersonFactory::IdOf(int64_t index, const Date& birth, bool male) const {
  int64_t area;
  uint64_t pair;
  std::string region;
  IdSlot(index, &area, &pair, &region);
  int seq = static_cast<int>(pair * 2 + (male ? 1 : 0));
  char first17[24];
  std::snprintf(first17, sizeof first17, "%s%04d%02d%02d%03d", region.c_str(), birth.year,
                birth.month, birth.day, seq);
  return std::string(first17, 17) + classify::IdCheckDigit(std::string_view(first17, 17));
}

std::string PersonFactory::RandomValidId(Rng& rng) const {
  const auto& area = kAreaRows[rng.Uniform(kAreaRowCount)];
  Date birth = import_date_.AddDays(-static_cast<int64_t>(rng.Between(20 * 366, 80 * 365)));
  char first17[24];
  std::snprintf(first17, sizeof first17, "%s%04d%02d%02d%03d", area.code, birth.year,
                birth.month, birth.day, static_cast<int>(rng.Uniform(1000)));
  return std::string(first17, 17) + classify::IdCheckDigit(std::string_view(first17, 17));
}

std::string PersonFactory::RandomCard(Rng& rng) {
  int len = static_cast<int>(rng.Between(16, 19));
  std::string s = "62";
  while (static_cast<int>(s.size()) < len - 1) s.push_back('0' + rng.Uniform(10));
  s.push_back(classify::LuhnCheckDigit(s));
  return s;
}

std::string PersonFactory::RandomAddress(Rng& rng, size_t area) const {
  std::string out = rng.Chance(0.8) ? prefix_full_[area] : prefix_short_[area];
  out += rng.Pick(kRoads);
  out += std::to_string(rng.Between(1, 999)) + "号";
  const char* b = rng.Pick(kBuildings);
  if (*b) {
    out += b;
    out += std::to_string(rng.Between(1, 30)) + "栋" + std::to_string(rng.Between(101, 2805)) +
           "室";
  }
  return out;
}

Person PersonFactory::Make(Rng& rng, bool minor, bool has_id, bool has_email) {
  JV_CHECK(made_ < kMaxPersons);
  Person p;
  p.index = made_++;
  p.minor = minor;
  p.male = rng.Chance(0.45);  // jewelry customers: a few more women
  // Birth date: minors 3–13 years old, adults 18–85 (whole years with margin, so neither
  // group is ever near the 14-year line).
  int64_t age_days = minor ? rng.Between(3 * 366, 13 * 365) : rng.Between(18 * 366, 85 * 365);
  p.birth = import_date_.AddDays(-age_days);

  std::string latin;
  if (!minor && rng.Chance(0.01)) {
    const Syllable& m = rng.Pick(kMinorityNames);
    p.name = m.han;
    latin = m.latin;
  } else {
    const Syllable& s =
        rng.Chance(0.01) ? rng.Pick(kCompoundSurnames) : rng.Pick(kSurnames);
    p.name = s.han;
    latin = s.latin;
    int given = rng.Chance(0.7) ? 2 : 1;
    for (int i = 0; i < given; ++i) {
      const Syllable& g = rng.Pick(kGiven);
      p.name += g.han;
      latin += g.latin;
    }
  }
  p.has_id = has_id;
  if (has_id) p.id18 = IdOf(p.index, p.birth, p.male);
  p.has_email = has_email;
  if (has_email) {
    p.email = latin + (rng.Chance(0.5) ? "." : "") + std::to_string(p.index) + "@" +
              rng.Pick(kEmailDomains);
  }
  // The address is in the county of the ID number (synthetic regions, persons without
  // an ID: a random county).
  int64_t area = -1;
  if (p.has_id) {
    uint64_t pair;
    std::string region;
    IdSlot(p.index, &area, &pair, &region);
  }
  if (area < 0) area = static_cast<int64_t>(rng.Uniform(kAreaRowCount));
  p.address = RandomAddress(rng, static_cast<size_t>(area));
  if (!minor && rng.Chance(0.2)) p.bank_card = RandomCard(rng);
  if (rng.Chance(0.3)) p.ring_size = static_cast<int>(rng.Between(8, 24));
  p.level = static_cast<int>(rng.Uniform(5));
  return p;
}

int HouseholdSim::FindByContact(const RowKeys& k, bool idless_only) const {
  if (k.mobile) {
    for (size_t i = 0; i < subjects_.size(); ++i) {
      const Subject& s = subjects_[i];
      if (s.mobile && (!idless_only || s.id_member < 0)) return static_cast<int>(i);
    }
  }
  if (k.email_member >= 0) {
    for (size_t i = 0; i < subjects_.size(); ++i) {
      const Subject& s = subjects_[i];
      if ((s.emails >> k.email_member & 1) && (!idless_only || s.id_member < 0)) {
        return static_cast<int>(i);
      }
    }
  }
  return -1;
}

RowOutcome HouseholdSim::Apply(const RowKeys& k) {
  auto absorb = [&k](Subject& s) {
    s.mobile = s.mobile || k.mobile;
    if (k.email_member >= 0) s.emails |= static_cast<uint8_t>(1u << k.email_member);
  };
  if (k.id_member >= 0) {
    for (Subject& s : subjects_) {
      if (s.id_member == k.id_member) {
        absorb(s);
        return RowOutcome::kMerged;
      }
    }
    int i = FindByContact(k, /*idless_only=*/true);
    if (i >= 0) {
      subjects_[i].id_member = k.id_member;  // the subject takes the ID number
      absorb(subjects_[i]);
      return RowOutcome::kMerged;
    }
    // Any remaining holder of the mobile or e-mail has a different ID number.
    bool shared = FindByContact(k, /*idless_only=*/false) >= 0;
    subjects_.push_back({k.id_member, false, 0});
    absorb(subjects_.back());
    return shared ? RowOutcome::kCreatedSharedContact : RowOutcome::kCreated;
  }
  int i = FindByContact(k, /*idless_only=*/false);
  if (i >= 0) {
    absorb(subjects_[i]);
    return RowOutcome::kMerged;
  }
  subjects_.push_back({-1, false, 0});
  absorb(subjects_.back());
  return RowOutcome::kCreated;
}

}  // namespace jv::datagen
