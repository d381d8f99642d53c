// Personal-name detector, used only to classify a column from its values (SPEC
// §5.2: a detector matching >= 80 % of non-empty values wins). It answers
// "could this be a person's name", not "is this a valid name": there is no such
// thing as an invalid name.
//
// After NFKC + trim, a value looks like a name iff one of:
//   - Han name: only Han characters (ASCII spaces between them are ignored),
//   and either
//     2–4 characters starting with a common single-character surname (王, 李,
//     张, …; a list of about 330), or 3–5 characters starting with a common
//     compound surname (欧阳, 司马, 上官, 诸葛, …);
//   - minority name: 2–4 segments of 1–10 Han characters joined by a middle dot
//     ('·' U+00B7, '•' U+2022, '・' U+30FB, '‧' U+2027, or '.'), e.g.
//     阿不都·热合曼;
//   - Latin name: 2–4 words of ASCII letters separated by single spaces; a word
//   starts
//     with a letter and may contain ' - . inside or at its end ("Mary-Jane
//     O'Neil", "Zhang San"); at most 50 characters.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace jv::classify {

bool LooksLikePersonName(std::string_view cell);

// True iff `name` (UTF-8) starts with a compound surname of the list above;
// sets *bytes to its length. Exposed for masking and tests.
bool StartsWithCompoundSurname(std::string_view name, size_t* bytes);

}  // namespace jv::classify
