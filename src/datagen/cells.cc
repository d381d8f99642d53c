#include "src/datagen/cells.h"

#include <cstdio>

#include "src/common/strings.h"

namespace jv::datagen {
namespace {

std::string Grouped(int64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string FullWidth(std::string_view ascii) {
  std::string out;
  out.reserve(ascii.size() * 3);
  for (char c : ascii) {
    bool convert = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                   c == '@' || c == '.' || c == '-' || c == '+' || c == '(' || c == ')';
    if (convert) {
      AppendUtf8(0xFF01 + static_cast<char32_t>(c - 0x21), &out);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Pad(Rng& rng, std::string_view s) {
  static const char* kPads[] = {" ", "  ", "\xE3\x80\x80", " \xE3\x80\x80"};
  std::string out;
  int where = static_cast<int>(rng.Uniform(3));  // 0 lead, 1 trail, 2 both
  if (where != 1) out += rng.Pick(kPads);
  out += s;
  if (where != 0) out += rng.Pick(kPads);
  return out;
}

std::string BlankSpaces(Rng& rng) {
  static const char* kBlanks[] = {" ", "   ", "\xE3\x80\x80", "\xE3\x80\x80\xE3\x80\x80"};
  return rng.Pick(kBlanks);
}

std::string MobileSpelling(Rng& rng, const std::string& m) {
  std::string a = m.substr(0, 3), b = m.substr(3, 4), c = m.substr(7, 4);
  switch (rng.Uniform(9)) {
    case 0: return "+86 " + a + "-" + b + "-" + c;
    case 1: return "+86 " + m;
    case 2: return "0086" + m;
    case 3: return "0086-" + a + "-" + b + "-" + c;
    case 4: return "86" + m;
    case 5: return "86 " + a + " " + b + " " + c;
    case 6: return "(+86)" + m;
    case 7: return "+86" + m;
    default: return "+86 (" + a + ") " + b + " " + c;
  }
}

std::string InvalidMobile(Rng& rng, const std::string& m) {
  switch (rng.Uniform(5)) {
    case 0: {  // a digit dropped: 10 digits
      std::string s = m;
      s.erase(1 + rng.Uniform(10), 1);
      return s;
    }
    case 1: {  // a digit doubled: 12 digits
      std::string s = m;
      size_t i = 1 + rng.Uniform(10);
      s.insert(i, 1, s[i]);
      return s;
    }
    case 2: {  // a landline in the mobile column
      char buf[32];
      std::snprintf(buf, sizeof buf, "0%d-%d%07d", 20 + static_cast<int>(rng.Uniform(10)),
                    2 + static_cast<int>(rng.Uniform(8)),
                    static_cast<int>(rng.Uniform(10000000)));
      return buf;
    }
    case 3:  // second digit 1 or 2: no such mobile prefix
      return std::string("1") + static_cast<char>('1' + rng.Uniform(2)) + m.substr(2);
    default: {
      static const char* kPlaceholders[] = {"无", "未留", "00000000000", "13800000"};
      return rng.Pick(kPlaceholders);
    }
  }
}

std::string ExcelMangled(Rng& rng, const std::string& id18) {
  std::string mant = id18.substr(1, 5);
  while (!mant.empty() && mant.back() == '0') mant.pop_back();
  std::string out(1, id18[0]);
  if (!mant.empty()) out += "." + mant;
  out += rng.Chance(0.2) ? "e+17" : "E+17";
  return out;
}

std::string DateSpelling(Rng& rng, const Date& d) {
  char buf[64];
  switch (rng.Uniform(7)) {
    case 0:
    case 1:
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
      break;
    case 2:
      std::snprintf(buf, sizeof buf, "%04d/%d/%d", d.year, d.month, d.day);
      break;
    case 3:
      std::snprintf(buf, sizeof buf, "%04d.%d.%d", d.year, d.month, d.day);
      break;
    case 4:
      std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month, d.day);
      break;
    case 5:
      std::snprintf(buf, sizeof buf, "%04d年%d月%d日", d.year, d.month, d.day);
      break;
    default:
      std::snprintf(buf, sizeof buf, "%04d/%02d/%02d", d.year, d.month, d.day);
  }
  return buf;
}

std::string InvalidDate(Rng& rng, int year, bool timestamp) {
  char buf[48];
  // Cases 5 and 6 are valid timestamps (classify::ParseTimestampDate).
  uint64_t pick = rng.Uniform(timestamp ? 6 : 8);
  if (timestamp && pick == 5) pick = 7;
  switch (pick) {
    case 0:
      std::snprintf(buf, sizeof buf, "%04d-02-30", year);
      break;
    case 1:
      std::snprintf(buf, sizeof buf, "%04d-13-01", year);
      break;
    case 2:
      std::snprintf(buf, sizeof buf, "%04d/4/31", year);
      break;
    case 3:
      return "0000-00-00";
    case 4:
      return "不详";
    case 5:  // a real day, but '-' wants two-digit month and day (§5.3 YYYY-MM-DD)
      std::snprintf(buf, sizeof buf, "%04d-%d-%d", year, static_cast<int>(rng.Between(1, 9)),
                    static_cast<int>(rng.Between(1, 9)));
      break;
    case 6:  // a POS timestamp: §5.3 lists no time of day after a date
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", year,
                    static_cast<int>(rng.Between(1, 12)), static_cast<int>(rng.Between(1, 28)),
                    static_cast<int>(rng.Between(9, 21)), static_cast<int>(rng.Uniform(60)),
                    static_cast<int>(rng.Uniform(60)));
      break;
    default:
      std::snprintf(buf, sizeof buf, "%04d年", year);
  }
  return buf;
}

std::string AmountSpelling(Rng& rng, int64_t fen) {
  int64_t yuan = fen / 100;
  int cents = static_cast<int>(fen % 100);
  char dec[8];
  std::snprintf(dec, sizeof dec, ".%02d", cents);
  std::string two = dec;                                  // ".50"
  std::string one = cents % 10 == 0 ? two.substr(0, 2) : two;  // ".5" or ".57"
  std::string opt = cents == 0 ? "" : one;                // "" for whole yuan
  switch (rng.Uniform(9)) {
    case 0: return std::to_string(yuan) + two;
    case 1: return std::to_string(yuan) + opt;
    case 2: return "¥" + Grouped(yuan) + two;
    case 3: return Grouped(yuan) + two + "元";
    case 4: return "\xEF\xBF\xA5" + std::to_string(yuan) + opt;  // full-width ￥
    case 5: return std::to_string(yuan) + opt + "元";
    case 6: return "¥ " + Grouped(yuan) + two;
    case 7: return Grouped(yuan) + opt;
    default: return std::to_string(yuan) + two + " 元";
  }
}

std::string InvalidAmount(Rng& rng) {
  static const char* kBad[] = {"约500", "12.345", "1,23", "见备注", "--", "1.2.3"};
  return rng.Pick(kBad);
}

std::string CardSpelling(Rng& rng, const std::string& digits) {
  int style = static_cast<int>(rng.Uniform(4));
  if (style <= 1) return digits;
  char sep = style == 2 ? ' ' : '-';
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(sep);
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace jv::datagen
