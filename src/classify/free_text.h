// Free-text scanner for `notes` cells (SPEC §5.5 `free_text_pii`).
//
// After NFKC (so full-width digits and ＠ count), the text contains personal
// information iff it contains at least one of:
//   - a valid mobile: a maximal run of ASCII digits that passes the mobile rule
//     (mobile.h: 11 digits ^1[3-9]…, or 13/15 digits with a leading 86 / 0086);
//   - a valid 18-character ID number: a maximal digit run of 18, or of 17
//   followed by
//     'X'/'x', whose outcome is kValid (id_number.h; checksum, province and
//     date in [1900-01-01, import_date]);
//   - a bank card: a maximal digit run of 16–19 digits that passes Luhn;
//   - an e-mail address: some substring matching the e-mail regex of email.h
//   (unanchored).
// "Maximal run" means no ASCII digit touches the candidate on either side: an
// ID inside a 20-digit run or a mobile inside a 12-digit run is not found;
// letters, '+', Han, spaces around it are fine ("+86 13812345678",
// "电话13812345678"). Numbers written in groups are also candidates: a chain of
// two or more digit runs joined by single ' ' or '-' characters, taken as a whole
// (the chain is maximal: a further separator and digit continue it), in the
// groupings these numbers are written in: a mobile 3-4-4, optionally after "86"
// or "0086" ("138 1234 5678", "+86-138-1234-5678"); an ID 6-8-4 or 6-8-3 + X;
// a card in groups of 4 with a last group of 1-4 ("6222 0212 3456 7890"). Other
// chains — "20240115-00000000", whose 16 digits pass Luhn one time in ten — are
// not tested. Text that is not valid UTF-8 is scanned as is (without NFKC).
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "src/common/date.h"

namespace jv::classify {

struct FreeTextFindings {
  bool mobile = false;
  bool id_number = false;
  bool bank_card = false;
  bool email = false;

  bool any() const { return mobile || id_number || bank_card || email; }
};

FreeTextFindings ScanFreeText(std::string_view text, const Date& import_date);

// ScanFreeText(text, import_date).any().
bool ContainsPersonalInfo(std::string_view text, const Date& import_date);

}  // namespace jv::classify
