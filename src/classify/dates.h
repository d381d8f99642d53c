// Date cells (SPEC §5.3 "dates") and Excel serial dates.
//
// ParseDate accepts exactly the spellings §5.3 lists, after NFKC + trim (Y = 4 digits;
// M and D = 1 or 2 digits):
//   YYYY-MM-DD ("1990-01-05"; two-digit month and day), YYYY/M/D ("1990/1/5",
//   "1990/01/05"), YYYY.M.D, YYYYMMDD ("19900105"), YYYY年M月D日 ("1990年1月5日");
// nothing may follow ("1990-1-5" and "1990-01-05 00:00:00" are invalid). XLSX date cells
// reach it as "YYYY-MM-DD" (xlsx_reader.h).
// ParseTimestampDate, for the dates of transactions and items (POS timestamps, not a
// §5.3 customer field), also accepts one-digit month and day with '-' and a time of day
// after the date, which is ignored: ' ' or 'T', then H:MM or H:MM:SS with an optional
// fraction ("2023-05-01 14:32:10"); the time must be well-formed (hour < 24, minute and
// second < 60).
// Dates that do not exist on the proleptic Gregorian calendar (1990-02-30,
// 1900-02-29) are invalid, as is year 0000. No range check here: a birth date's
// plausibility is person.h IsPlausibleBirthDate. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "src/classify/checked.h"
#include "src/common/date.h"

namespace jv::classify {

Checked<Date> ParseDate(std::string_view cell);
Checked<Date> ParseTimestampDate(std::string_view cell);

// The date of an Excel (1900 date system) serial day number; the fraction (time
// of day) is dropped. Serial 1 = 1900-01-01 … 59 = 1900-02-28; 60 is Excel's
// fictitious 1900-02-29 (the Lotus leap-year bug) and yields nullopt; 61 =
// 1900-03-01 onward are offset by that phantom day. nullopt for serials < 1, >
// 2958465 (9999-12-31), NaN, inf.
std::optional<Date> DateFromExcelSerial(double serial);

}  // namespace jv::classify
