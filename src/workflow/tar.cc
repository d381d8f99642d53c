#include "src/workflow/tar.h"

#include <cstring>
#include <set>

namespace jv::workflow {

namespace {

// ustar header offsets (POSIX pax "ustar Interchange Format").
constexpr size_t kName = 0, kNameLen = 100;
constexpr size_t kMode = 100, kUid = 108, kGid = 116;
constexpr size_t kSize = 124, kSizeLen = 12;
constexpr size_t kMtime = 136;
constexpr size_t kChksum = 148, kChksumLen = 8;
constexpr size_t kTypeflag = 156;
constexpr size_t kLinkname = 157;
constexpr size_t kMagic = 257, kVersion = 263;
constexpr size_t kUname = 265, kGname = 297;
constexpr size_t kPrefix = 345, kPrefixLen = 155;

void PutOctal(char* field, size_t len, uint64_t value) {
  // len-1 octal digits, zero padded, then NUL.
  std::string digits(len - 1, '0');
  for (size_t i = len - 1; i-- > 0 && value > 0;) {
    digits[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  std::memcpy(field, digits.data(), len - 1);
  field[len - 1] = '\0';
}

uint64_t Checksum(const char* block) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    bool in_chksum = i >= kChksum && i < kChksum + kChksumLen;
    sum += in_chksum ? ' ' : static_cast<unsigned char>(block[i]);
  }
  return sum;
}

Status ValidName(const std::string& name) {
  if (name.empty() || name.size() > kNameLen) {
    return InvalidArgumentError("tar member name must be 1..100 bytes");
  }
  if (name[0] == '/') return InvalidArgumentError("tar member name must be relative");
  for (std::string_view part : {std::string_view(name)}) {
    size_t start = 0;
    while (start <= part.size()) {
      size_t end = part.find('/', start);
      if (end == std::string_view::npos) end = part.size();
      std::string_view comp = part.substr(start, end - start);
      if (comp == ".." || comp == ".") {
        return InvalidArgumentError("tar member name must not contain . or .. components");
      }
      start = end + 1;
    }
  }
  if (name.find('\0') != std::string::npos) {
    return InvalidArgumentError("tar member name must not contain NUL");
  }
  return Status::Ok();
}

// Parses an octal field: optional leading spaces, octal digits, then NUL/space terminators.
bool ParseOctal(const char* field, size_t len, uint64_t* out) {
  size_t i = 0;
  while (i < len && field[i] == ' ') ++i;
  uint64_t v = 0;
  size_t digits = 0;
  for (; i < len && field[i] >= '0' && field[i] <= '7'; ++i, ++digits) {
    if (v > (UINT64_MAX >> 3)) return false;
    v = (v << 3) | static_cast<uint64_t>(field[i] - '0');
  }
  if (digits == 0) return false;
  for (; i < len; ++i) {
    if (field[i] != '\0' && field[i] != ' ') return false;
  }
  *out = v;
  return true;
}

bool AllZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

Status Bad(size_t index, const std::string& what) {
  return DataLossError("tar member " + std::to_string(index) + ": " + what);
}

}  // namespace

Result<std::string> WriteTar(const std::vector<TarMember>& members, int64_t mtime_seconds) {
  std::string out;
  std::set<std::string> seen;
  for (const TarMember& m : members) {
    JV_RETURN_IF_ERROR(ValidName(m.name));
    if (!seen.insert(m.name).second) return InvalidArgumentError("duplicate tar member name");
    char h[kTarBlockSize];
    std::memset(h, 0, sizeof(h));
    std::memcpy(h + kName, m.name.data(), m.name.size());
    PutOctal(h + kMode, 8, 0644);
    PutOctal(h + kUid, 8, 0);
    PutOctal(h + kGid, 8, 0);
    PutOctal(h + kSize, kSizeLen, m.data.size());
    PutOctal(h + kMtime, 12, static_cast<uint64_t>(mtime_seconds < 0 ? 0 : mtime_seconds));
    h[kTypeflag] = '0';
    std::memcpy(h + kMagic, "ustar", 6);  // with its NUL
    std::memcpy(h + kVersion, "00", 2);
    std::memcpy(h + kUname, "jadevault", 9);
    std::memcpy(h + kGname, "jadevault", 9);
    // Checksum: six octal digits, NUL, space (the traditional layout).
    uint64_t sum = Checksum(h);
    PutOctal(h + kChksum, 7, sum);
    h[kChksum + 7] = ' ';
    out.append(h, sizeof(h));
    out.append(m.data);
    size_t pad = (kTarBlockSize - m.data.size() % kTarBlockSize) % kTarBlockSize;
    out.append(pad, '\0');
  }
  out.append(2 * kTarBlockSize, '\0');
  return out;
}

Result<std::vector<TarMember>> ReadTar(ByteView archive) {
  if (archive.size() % kTarBlockSize != 0) {
    return DataLossError("tar archive size is not a multiple of 512 bytes");
  }
  std::vector<TarMember> out;
  std::set<std::string> seen;
  size_t pos = 0;
  const size_t n = archive.size();
  while (true) {
    size_t index = out.size();
    if (pos + kTarBlockSize > n) return DataLossError("tar archive has no end-of-archive marker");
    const uint8_t* blk = archive.data() + pos;
    if (AllZero(blk, kTarBlockSize)) {
      // End marker: a second zero block must follow; anything after must be zero too.
      if (pos + 2 * kTarBlockSize > n || !AllZero(blk + kTarBlockSize, kTarBlockSize)) {
        return DataLossError("tar archive has a truncated end-of-archive marker");
      }
      if (!AllZero(blk, n - pos)) return DataLossError("tar archive has data after its end");
      break;
    }
    const char* h = reinterpret_cast<const char*>(blk);
    if (std::memcmp(h + kMagic, "ustar\0", 6) != 0 || std::memcmp(h + kVersion, "00", 2) != 0) {
      return Bad(index, "not a ustar header");
    }
    uint64_t want_sum = 0;
    if (!ParseOctal(h + kChksum, kChksumLen, &want_sum) || want_sum != Checksum(h)) {
      return Bad(index, "header checksum mismatch");
    }
    if (h[kTypeflag] != '0' && h[kTypeflag] != '\0') return Bad(index, "not a regular file");
    if (h[kLinkname] != '\0') return Bad(index, "unexpected link name");
    if (!AllZero(blk + kPrefix, kPrefixLen)) return Bad(index, "name prefix not supported");
    size_t name_len = 0;
    while (name_len < kNameLen && h[kName + name_len] != '\0') ++name_len;
    std::string name(h + kName, name_len);
    if (!AllZero(blk + kName + name_len, kNameLen - name_len)) {
      return Bad(index, "garbage after the name");
    }
    if (!ValidName(name).ok()) return Bad(index, "invalid name");
    if (!seen.insert(name).second) return Bad(index, "duplicate name");
    uint64_t size = 0, scratch = 0;
    if (!ParseOctal(h + kSize, kSizeLen, &size)) return Bad(index, "bad size field");
    if (!ParseOctal(h + kMode, 8, &scratch) || !ParseOctal(h + kMtime, 12, &scratch)) {
      return Bad(index, "bad mode or mtime field");
    }
    if (size > kTarMaxMemberSize) return Bad(index, "member too large");
    pos += kTarBlockSize;
    uint64_t padded = (size + kTarBlockSize - 1) / kTarBlockSize * kTarBlockSize;
    if (padded > n - pos) return Bad(index, "truncated content");
    TarMember m;
    m.name = std::move(name);
    m.data.assign(reinterpret_cast<const char*>(archive.data() + pos), size);
    if (!AllZero(archive.data() + pos + size, padded - size)) {
      return Bad(index, "non-zero padding");
    }
    pos += padded;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace jv::workflow
