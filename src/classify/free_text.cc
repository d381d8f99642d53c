#include "src/classify/free_text.h"

#include <initializer_list>
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

bool GroupsAre(const std::vector<size_t>& g, size_t from, std::initializer_list<size_t> want) {
  if (g.size() - from != want.size()) return false;
  size_t i = from;
  for (size_t w : want) {
    if (g[i++] != w) return false;
  }
  return true;
}

// A chain of digit groups `g` (concatenated: `d`; `x`: an 'X' follows the last group),
// tested only in the groupings these numbers are written in:
//   mobile  3-4-4, optionally after a group "86" or "0086" ("+86 138-1234-5678");
//   ID      6-8-4, or 6-8-3 followed by X ("440106 19900101 123X");
//   card    groups of 4 and a last group of 1-4, 16-19 digits ("6222 0212 3456 7890").
void TestChain(const std::string& d, const std::vector<size_t>& g, bool x,
               const Date& import_date, FreeTextFindings* f) {
  if (x) {
    if (GroupsAre(g, 0, {6, 8, 3})) TestDigits(d, true, import_date, f);
    return;
  }
  size_t from = 0;
  if (g.size() == 4 && (d.compare(0, g[0], "86") == 0 || d.compare(0, g[0], "0086") == 0)) {
    from = 1;
  }
  if (GroupsAre(g, from, {3, 4, 4}) && IsMobileCandidate(d)) f->mobile = true;
  if (GroupsAre(g, 0, {6, 8, 4}) &&
      CheckIdNumber(d, import_date).outcome == IdOutcome::kValid) {
    f->id_number = true;
  }
  bool card_shape = g.size() >= 4 && d.size() >= 16 && d.size() <= 19 && g.back() <= 4;
  for (size_t i = 0; card_shape && i + 1 < g.size(); ++i) card_shape = g[i] == 4;
  if (card_shape && LuhnValid(d)) f->bank_card = true;
}

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
  // Chains of runs joined by exactly one separator, in the groupings people write these
  // numbers in (TestChain); other chains ("20240115-00000000", a date and a time) are
  // not numbers of a person.
  for (size_t k = 0; k < runs.size();) {
    size_t last = k;
    while (last + 1 < runs.size() &&
           runs[last + 1].begin == runs[last].end + 1 &&
           IsSep(s[runs[last].end])) {
      ++last;
    }
    if (last > k) {
      std::string d;
      std::vector<size_t> groups;
      for (size_t m = k; m <= last; ++m) {
        d.append(s.substr(runs[m].begin, runs[m].end - runs[m].begin));
        groups.push_back(runs[m].end - runs[m].begin);
      }
      TestChain(d, groups, x_after(runs[last].end), import_date, f);
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
