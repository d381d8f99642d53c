#include "src/classify/free_text.h"

#include <string>
#include <vector>

#include "src/classify/bank_card.h"
#include "src/classify/email.h"
#include "src/classify/id_number.h"
#include "src/classify/mobile.h"
#include "src/classify/text_util.h"
#include "src/common/strings.h"

namespace jv::classify {
namespace {

using internal::IsAsciiAlpha;
using internal::IsAsciiDigit;

struct Run {
  size_t begin;  // first digit
  size_t end;    // one past the last digit
};

bool IsMobileCandidate(std::string_view d) {
  if (d.size() == 11) return IsMobileDigits(d);
  if (d.size() == 13 && d.substr(0, 2) == "86")
    return IsMobileDigits(d.substr(2));
  if (d.size() == 15 && d.substr(0, 4) == "0086")
    return IsMobileDigits(d.substr(4));
  return false;
}

// Tests the digits `d` (plus an 'X' check character if `x`) against the three
// rules.
void TestDigits(const std::string& d, bool x, const Date& import_date,
                FreeTextFindings* f) {
  if (x) {
    if (d.size() == 17 &&
        CheckIdNumber(d + "X", import_date).outcome == IdOutcome::kValid) {
      f->id_number = true;
    }
    return;
  }
  if (IsMobileCandidate(d)) f->mobile = true;
  if (d.size() == 18 &&
      CheckIdNumber(d, import_date).outcome == IdOutcome::kValid) {
    f->id_number = true;
  }
  if (d.size() >= 16 && d.size() <= 19 && LuhnValid(d)) f->bank_card = true;
}

bool IsSep(char c) { return c == ' ' || c == '-'; }

void ScanDigits(std::string_view s, const Date& import_date,
                FreeTextFindings* f) {
  std::vector<Run> runs;
  for (size_t i = 0; i < s.size();) {
    if (!IsAsciiDigit(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsAsciiDigit(s[j])) ++j;
    runs.push_back({i, j});
    i = j;
  }
  auto x_after = [&](size_t end) {
    return end < s.size() && (s[end] == 'X' || s[end] == 'x') &&
           (end + 1 == s.size() || !IsAsciiDigit(s[end + 1]));
  };
  // Single runs.
  for (const Run& r : runs) {
    std::string d(s.substr(r.begin, r.end - r.begin));
    TestDigits(d, false, import_date, f);
    if (x_after(r.end)) TestDigits(d, true, import_date, f);
  }
  // Chains of runs joined by exactly one separator.
  for (size_t k = 0; k < runs.size();) {
    size_t last = k;
    while (last + 1 < runs.size() &&
           runs[last + 1].begin == runs[last].end + 1 &&
           IsSep(s[runs[last].end])) {
      ++last;
    }
    if (last > k) {
      std::string d;
      for (size_t m = k; m <= last; ++m) {
        d.append(s.substr(runs[m].begin, runs[m].end - runs[m].begin));
      }
      TestDigits(d, false, import_date, f);
      if (x_after(runs[last].end)) TestDigits(d, true, import_date, f);
    }
    k = last + 1;
  }
}

bool ContainsEmail(std::string_view s) {
  for (size_t at = s.find('@'); at != std::string_view::npos;
       at = s.find('@', at + 1)) {
    if (at == 0 || !IsEmailLocalChar(s[at - 1])) continue;
    size_t end = at + 1;
    while (end < s.size() && IsEmailDomainChar(s[end])) ++end;
    std::string_view domain = s.substr(at + 1, end - at - 1);
    // Some prefix of the domain must match [A-Za-z0-9.-]+\.[A-Za-z]{2,}.
    for (size_t q = 1; q + 2 < domain.size(); ++q) {
      if (domain[q] == '.' && IsAsciiAlpha(domain[q + 1]) &&
          IsAsciiAlpha(domain[q + 2])) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

FreeTextFindings ScanFreeText(std::string_view text, const Date& import_date) {
  FreeTextFindings f;
  Result<std::string> norm = NormalizeNfkc(text);
  std::string_view s = norm.ok() ? std::string_view(*norm) : text;
  ScanDigits(s, import_date, &f);
  f.email = ContainsEmail(s);
  return f;
}

bool ContainsPersonalInfo(std::string_view text, const Date& import_date) {
  return ScanFreeText(text, import_date).any();
}

}  // namespace jv::classify
