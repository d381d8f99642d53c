#include "src/classify/name.h"

#include <string>
#include <unordered_set>
#include <vector>

#include "src/classify/text_util.h"

namespace jv::classify {
namespace {

using internal::IsAsciiAlpha;
using internal::IsHan;
using internal::NextCodePoint;

// Common single-character surnames (the most frequent ones of the 2020 census
// ranking and the 百家姓), about 400. Common single-character surnames (roughly
// the 330 most frequent), without characters that are far more often ordinary
// words in this trade (玉, 银, 红, …).
constexpr std::string_view kSingleSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段"
    "雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁"
    "岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路"
    "游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫"
    "费卜冷晏"
    "席卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁巫寇桑郎甄丛仲虞敖巩佘麻苑"
    "迟邝官封谈匡鞠惠荆冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼闻厉伊仝区郜阚赖"
    "屠帅朴盖廉禹祖漆巴卿狄晋芮扈晁阙浦戈伏鹿薄邸雍辜乌母裘亓修邰赫杭况逯茹诸慕"
    "嵇湛戎勾茅"
    "尉冶斯束檀昝奉";

constexpr std::string_view kCompoundSurnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
    "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫",
    "西门", "百里", "呼延", "万俟", "澹台", "公冶", "太史", "申屠", "钟离",
    "闾丘", "左丘", "东郭", "拓跋", "第五", "司空", "濮阳", "淳于", "单于",
    "赫连", "宗政", "公羊", "公西", "漆雕", "乐正", "壤驷", "谷梁", "段干",
    "巫马", "鲜于", "仲孙", "亓官", "梁丘", "微生", "羊舌", "南门", "东门"};

const std::unordered_set<char32_t>& SingleSurnames() {
  static const auto* set = [] {
    auto* s = new std::unordered_set<char32_t>;
    size_t pos = 0;
    while (pos < kSingleSurnames.size())
      s->insert(NextCodePoint(kSingleSurnames, &pos));
    return s;
  }();
  return *set;
}

bool IsNameDot(char32_t c) {
  return c == 0x00B7 || c == 0x2022 || c == 0x30FB || c == 0x2027 || c == '.';
}

bool IsHanName(std::string_view s) {
  std::vector<char32_t> cps;
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t c = NextCodePoint(s, &pos);
    if (c == ' ') continue;
    if (!IsHan(c)) return false;
    cps.push_back(c);
  }
  std::string joined;
  for (size_t i = 0, p = 0; i < s.size(); i = p) {
    NextCodePoint(s, &p);
    if (s[i] != ' ') joined.append(s.substr(i, p - i));
  }
  size_t bytes = 0;
  if (StartsWithCompoundSurname(joined, &bytes))
    return cps.size() >= 3 && cps.size() <= 5;
  return cps.size() >= 2 && cps.size() <= 4 &&
         SingleSurnames().count(cps.front()) > 0;
}

bool IsMinorityName(std::string_view s) {
  int segments = 1, in_segment = 0;
  bool saw_dot = false;
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t c = NextCodePoint(s, &pos);
    if (IsNameDot(c)) {
      if (in_segment == 0) return false;
      saw_dot = true;
      ++segments;
      in_segment = 0;
    } else if (IsHan(c)) {
      if (++in_segment > 10) return false;
    } else {
      return false;
    }
  }
  return saw_dot && in_segment > 0 && segments >= 2 && segments <= 4;
}

bool IsLatinName(std::string_view s) {
  if (s.size() > 50) return false;
  int words = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (!IsAsciiAlpha(s[i])) return false;  // a word starts with a letter
    ++words;
    while (i < s.size() && s[i] != ' ') {
      char c = s[i];
      if (!IsAsciiAlpha(c) && c != '\'' && c != '-' && c != '.') return false;
      ++i;
    }
    if (i < s.size()) {
      ++i;  // the single space
      if (i == s.size()) return false;
    }
  }
  return words >= 2 && words <= 4;
}

}  // namespace

bool StartsWithCompoundSurname(std::string_view name, size_t* bytes) {
  for (std::string_view c : kCompoundSurnames) {
    if (name.substr(0, c.size()) == c) {
      *bytes = c.size();
      return true;
    }
  }
  return false;
}

bool LooksLikePersonName(std::string_view cell) {
  std::optional<std::string> norm = internal::NormalizeOrNull(cell);
  if (!norm || norm->empty()) return false;
  return IsHanName(*norm) || IsMinorityName(*norm) || IsLatinName(*norm);
}

}  // namespace jv::classify
