// Text helpers: Unicode normalization (ICU), trimming, hex and base64, small utilities.
//
// All functions are pure and thread-safe. Inputs are UTF-8 unless stated otherwise.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/common/bytes.h"
#include "src/common/result.h"

namespace jv {

// Unicode NFKC (full-width digits and letters become ASCII, U+3000 becomes a space).
// Returns kInvalidArgument if `s` is not valid UTF-8. ASCII input is returned unchanged
// without calling ICU (the common case on the import hot path).
Result<std::string> NormalizeNfkc(std::string_view s);

// Removes leading and trailing white space: ASCII space, \t \r \n \v \f, the rest of
// Unicode's White_Space (U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
// U+205F, U+3000 ideographic space) and U+FEFF (BOM / zero-width no-break space).
std::string_view TrimSpace(std::string_view s);

// NFKC then TrimSpace: the cell normalization of SPEC §5.3.
Result<std::string> NormalizeCell(std::string_view s);
// The same into *out (false, *out empty, for invalid UTF-8), reusing its buffer: the
// import's per-cell call, where text already NFKC (ASCII, CJK ideographs) needs no copy
// beyond the one into *out.
bool NormalizeCellInto(std::string_view s, std::string* out);

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Number of Unicode code points in valid UTF-8 `s`.
size_t CountCodePoints(std::string_view s);

// Appends the UTF-8 encoding of `cp` to *out. `cp` must be a Unicode scalar value
// (<= U+10FFFF, not a surrogate).
void AppendUtf8(char32_t cp, std::string* out);

std::string ToLowerAscii(std::string_view s);
std::string ToUpperAscii(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::vector<std::string_view> Split(std::string_view s, char sep);

// Lower-case hex.
std::string HexEncode(ByteView data);
// Accepts upper or lower case. kInvalidArgument on odd length or a non-hex character.
Result<Bytes> HexDecode(std::string_view hex);

// Standard base64 (RFC 4648 §4) with padding.
std::string Base64Encode(ByteView data);
// Standard base64 with padding; kInvalidArgument on any other character or bad padding.
Result<Bytes> Base64Decode(std::string_view b64);
// RFC 4648 §4 without padding (as the age format uses); rejects padding and non-canonical
// trailing bits.
std::string Base64EncodeNoPad(ByteView data);
Result<Bytes> Base64DecodeNoPad(std::string_view b64);

// Reads a whole file. kNotFound if it does not exist.
Result<std::string> ReadFileToString(const std::string& path);
// Writes atomically (temp file + rename) with the given mode.
Status WriteFileAtomic(const std::string& path, std::string_view data, int mode = 0600);
// Overwrites the bytes of the open regular file `fd` with zeros in place and syncs them,
// best effort (a journaling or copy-on-write file system may keep the old blocks): for a
// file about to be removed or replaced that held a secret or personal data. Does not
// close `fd`; errors are ignored.
void ScrubFileContents(int fd);

}  // namespace jv
