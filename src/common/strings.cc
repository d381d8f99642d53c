#include "src/common/strings.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace jv {

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

namespace {

// True if `s` is valid UTF-8 made only of ASCII and CJK Unified Ideographs U+4E00..U+9FFF
// (UTF-8 E4 B8 80 .. E9 BF BF): such text is NFKC already (Unicode's data: none of these
// has a decomposition, all have combining class 0, and none composes with another: a
// composition's second character is never ASCII or one of these). Most cells of a Chinese
// export (names, addresses, store names, amounts) are this; they skip ICU.
bool IsAsciiOrCjkUnified(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c < 0xE4 || c > 0xE9 || i + 3 > n) return false;
    const unsigned char c1 = p[i + 1], c2 = p[i + 2];
    if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80) return false;
    if (c == 0xE4 && c1 < 0xB8) return false;  // below U+4E00
    i += 3;
  }
  return true;
}

}  // namespace

Result<std::string> NormalizeNfkc(std::string_view s) {
  if (IsAsciiOrCjkUnified(s)) return std::string(s);
  if (!IsValidUtf8(s)) return InvalidArgumentError("invalid UTF-8");
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  if (U_FAILURE(err)) return InternalError("ICU NFKC unavailable");
  // Most text (Chinese names, addresses) is already NFKC: checked on the UTF-8 bytes, it
  // is returned without the round trip through UTF-16.
  if (nfkc->isNormalizedUTF8(icu::StringPiece(s.data(), s.size()), err) && U_SUCCESS(err)) {
    return std::string(s);
  }
  err = U_ZERO_ERROR;
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size()));
  icu::UnicodeString out = nfkc->normalize(in, err);
  if (U_FAILURE(err)) return InvalidArgumentError("cannot normalize text");
  std::string result;
  out.toUTF8String(result);
  return result;
}

namespace {

bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Unicode White_Space above ASCII (PropList.txt: U+0085, U+00A0, U+1680, U+2000..U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000), and U+FEFF.
bool IsWideSpace(uint32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         cp == 0xFEFF;
}

// The length of the 2- or 3-byte UTF-8 sequence starting at p[0] if it encodes a wide
// space, else 0. `n` bytes are readable.
size_t WideSpaceAt(const unsigned char* p, size_t n) {
  if (n >= 2 && p[0] >= 0xC2 && p[0] <= 0xDF && (p[1] & 0xC0) == 0x80) {
    return IsWideSpace(((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu)) ? 2 : 0;
  }
  if (n >= 3 && (p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
    return IsWideSpace(((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu)) ? 3
                                                                                         : 0;
  }
  return 0;
}

}  // namespace

std::string_view TrimSpace(std::string_view s) {
  auto lead = [](std::string_view v) -> size_t {
    if (v.empty()) return 0;
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    if (IsAsciiSpace(p[0])) return 1;
    return WideSpaceAt(p, v.size());
  };
  auto trail = [](std::string_view v) -> size_t {
    if (v.empty()) return 0;
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    const size_t n = v.size();
    if (IsAsciiSpace(p[n - 1])) return 1;
    for (size_t k = 2; k <= 3 && k <= n; ++k) {
      if (WideSpaceAt(p + n - k, k) == k) return k;
    }
    return 0;
  };
  while (size_t k = lead(s)) s.remove_prefix(k);
  while (size_t k = trail(s)) s.remove_suffix(k);
  return s;
}

Result<std::string> NormalizeCell(std::string_view s) {
  JV_ASSIGN_OR_RETURN(std::string n, NormalizeNfkc(s));
  return std::string(TrimSpace(n));
}

bool NormalizeCellInto(std::string_view s, std::string* out) {
  if (IsAsciiOrCjkUnified(s)) {
    std::string_view t = TrimSpace(s);
    out->assign(t.data(), t.size());
    return true;
  }
  Result<std::string> n = NormalizeCell(s);
  if (!n.ok()) {
    out->clear();
    return false;
  }
  *out = std::move(n).value();
  return true;
}

std::string ToLowerAscii(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

std::string ToUpperAscii(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return r;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string HexEncode(ByteView data) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  s.resize(data.size() * 2);
  for (size_t i = 0; i < data.size(); ++i) {
    s[2 * i] = kHex[data[i] >> 4];
    s[2 * i + 1] = kHex[data[i] & 15];
  }
  return s;
}

namespace {
int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
int B64Val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

Result<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgumentError("hex string has odd length");
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexVal(hex[2 * i]), lo = HexVal(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgumentError("invalid hex character");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string Base64EncodeNoPad(ByteView d) {
  std::string s;
  s.reserve((d.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= d.size(); i += 3) {
    uint32_t v = d[i] << 16 | d[i + 1] << 8 | d[i + 2];
    s += kB64[v >> 18];
    s += kB64[(v >> 12) & 63];
    s += kB64[(v >> 6) & 63];
    s += kB64[v & 63];
  }
  if (d.size() - i == 1) {
    uint32_t v = d[i] << 16;
    s += kB64[v >> 18];
    s += kB64[(v >> 12) & 63];
  } else if (d.size() - i == 2) {
    uint32_t v = d[i] << 16 | d[i + 1] << 8;
    s += kB64[v >> 18];
    s += kB64[(v >> 12) & 63];
    s += kB64[(v >> 6) & 63];
  }
  return s;
}

std::string Base64Encode(ByteView d) {
  std::string s = Base64EncodeNoPad(d);
  while (s.size() % 4 != 0) s += '=';
  return s;
}

Result<Bytes> Base64DecodeNoPad(std::string_view b) {
  if (b.size() % 4 == 1) return InvalidArgumentError("invalid base64 length");
  Bytes out;
  out.reserve(b.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b) {
    int v = B64Val(c);
    if (v < 0) return InvalidArgumentError("invalid base64 character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xFF));
    }
  }
  // Non-canonical encodings leave non-zero bits behind.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return InvalidArgumentError("non-canonical base64");
  return out;
}

Result<Bytes> Base64Decode(std::string_view b) {
  if (b.size() % 4 != 0) return InvalidArgumentError("invalid base64 length");
  size_t pad = 0;
  while (pad < 2 && pad < b.size() && b[b.size() - 1 - pad] == '=') ++pad;
  return Base64DecodeNoPad(b.substr(0, b.size() - pad));
}

Result<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return InternalError("cannot read file " + path);
  return ss.str();
}

void ScrubFileContents(int fd) {
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return;
  static const char kZeros[1 << 16] = {};
  for (off_t done = 0; done < st.st_size;) {
    size_t want = static_cast<size_t>(std::min<off_t>(st.st_size - done, sizeof kZeros));
    ssize_t n = ::pwrite(fd, kZeros, want, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += n;
  }
  ::fsync(fd);
}

Status WriteFileAtomic(const std::string& path, std::string_view data, int mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return InternalError("cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return InternalError("cannot write " + tmp + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(w);
  }
  ::fchmod(fd, mode);
  if (::fsync(fd) != 0 || ::close(fd) != 0) return InternalError("cannot sync " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return InternalError("cannot rename " + tmp + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace jv
