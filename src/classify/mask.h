// Masked forms of personal information for display to operators (SPEC §4
// "Access": 张*, 138****5678, 110105********123X, ************1234). The policy
// module decides who sees what; these functions only produce the masked text.
// Each input is normalized (NFKC + trim) first; a value that does not have the
// expected shape gets the generic mask, so no function ever returns its input
// unmasked (except MaskValue for the non-identifying fields listed there).
//
//   MaskName       first code point, then one '*' per remaining code point;
//   spaces and
//                  middle dots are kept: 张三 → 张*, 张三丰 → 张**, 欧阳娜娜 →
//                  欧***, 阿不都·热合曼 → 阿**·***, "Zhang San" → "Z**** ***".
//                  A one-character value → "*".
//   MaskMobile     valid mobile: first 3 + "****" + last 4 of the canonical 11
//   digits
//                  ("+86 138-1234-5678" → 138****5678); otherwise generic.
//   MaskIdNumber   spaces removed and upper-cased; 18 or 15 bytes long: first 6
//   + one
//                  '*' per hidden character + last 4 (110105********123X, 15 →
//                  6+5+4); any other length (Excel-mangled, garbage): generic.
//   MaskBankCard   digits only (spaces, '-' removed): one '*' per digit except
//   the last 4
//                  (16 digits → ************1234); 4 digits or fewer → all '*'.
//   MaskEmail      first character of the local part + "***@" + domain
//                  (alice@example.com → a***@example.com); no '@' → generic.
//   MaskLandline   area code + '-' + '*' for all but the last 4 local digits
//                  (010-6512-3456 → 010-****3456); extension dropped; otherwise
//                  generic.
//   MaskAddress    the province and city at the start, as written, + "***"
//                  (广东省广州市天河区… → 广东省广州市***; 北京朝阳区… →
//                  北京朝阳区***); no recognized region → "***".
//   MaskGeneric    length-preserving: first and last code point kept, '*'
//   between
//                  (3+ code points); shorter values → all '*'. Empty → "".
// Every function returns "" for an empty (absent) value.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "src/classify/fields.h"

namespace jv::classify {

std::string MaskName(std::string_view value);
std::string MaskMobile(std::string_view value);
std::string MaskIdNumber(std::string_view value);
std::string MaskBankCard(std::string_view value);
std::string MaskEmail(std::string_view value);
std::string MaskLandline(std::string_view value);
std::string MaskAddress(std::string_view value);
std::string MaskGeneric(std::string_view value);

// Masks a value of field `f`:
//   name, mobile, id_number, bank_card, email, landline, address: as above;
//   member_no: '*' for all but the last 4 characters;
//   birth_date, last_purchase_date: the year only, "1990-**-**" (generic if
//   unparseable); points, prepaid_balance, total_spend, notes: "***" (nothing
//   shown); gender, store, member_level, ring_size: returned normalized,
//   unmasked (they do not identify a person by themselves).
std::string MaskValue(Field f, std::string_view value);

}  // namespace jv::classify
