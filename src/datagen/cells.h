// Spellings of cell values the way POS/CRM exports write them, valid and invalid.
//
// Each function documents what SPEC §5.3 makes of its output; the generator relies on
// that (it counts from the intention) and datagen_test checks it with the validators.
// Pure functions of their arguments and the Rng; thread-safe given distinct Rngs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/common/date.h"
#include "src/datagen/rng.h"

namespace jv::datagen {

// ASCII letters, digits and @ . - + ( ) as their full-width forms (U+FF01..U+FF5E);
// NFKC maps them back. Other bytes unchanged.
std::string FullWidth(std::string_view ascii);

// `s` with leading and/or trailing ASCII spaces or U+3000 (absent after trim... only the
// padding; the value survives).
std::string Pad(Rng& rng, std::string_view s);
// Only white space: a cell that is absent after NFKC + trim.
std::string BlankSpaces(Rng& rng);

// A valid mobile written in one of the export spellings: plain, "+86 138-1234-5678",
// "0086 …", "86…", "138 1234 5678", "(+86)…". Always valid under §5.3.
std::string MobileSpelling(Rng& rng, const std::string& mobile11);
// An invalid mobile derived from a valid one (a digit dropped or added, a landline, a
// placeholder). Never valid under §5.3.
std::string InvalidMobile(Rng& rng, const std::string& mobile11);

// Excel's display of an 18-digit number: "4.40106E+17" (6 significant digits; 'e' in
// lower case sometimes). Matches the excel_mangled pattern of §5.3.
std::string ExcelMangled(Rng& rng, const std::string& id18);

// A date in one of the §5.3 spellings (YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD,
// YYYY年M月D日, YYYY/MM/DD).
std::string DateSpelling(Rng& rng, const Date& d);
// A date cell that does not parse: "1990-02-30", "1990-13-01", "0000-00-00", "不详", and
// (unless `timestamp`: the other kinds' dates, classify::ParseTimestampDate) spellings
// §5.3 does not list: "1990-1-5", "1990-01-05 14:32:10" …
std::string InvalidDate(Rng& rng, int year, bool timestamp = false);

// An amount of `fen` (>= 0) as decimal yuan: "1234.5", "¥1,234.50", "1,234.50元",
// "￥88" …; all valid under classify::ParseAmountFen.
std::string AmountSpelling(Rng& rng, int64_t fen);
// An amount cell ParseAmountFen rejects ("约500", "12.345", "1,23", "见备注").
std::string InvalidAmount(Rng& rng);

// A card number (digits) written plain, in groups of 4 with spaces or '-'.
std::string CardSpelling(Rng& rng, const std::string& digits);

}  // namespace jv::datagen
