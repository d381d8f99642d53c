// A small, strict ustar (POSIX.1-1988 / IEEE 1003.1 "ustar") writer and reader for the
// transfer package (docs/formats/package.md): regular files only, names of at most 100
// bytes (no prefix field), mode 0644, uid/gid 0, mtime given by the caller.
//
// WriteTar lays out each file as a 512-byte header + content padded to 512 bytes, then two
// zero blocks (the end-of-archive marker); the output opens with GNU tar and bsdtar.
// ReadTar accepts exactly that shape and nothing looser: it verifies the magic "ustar\0"
// and version "00", the header checksum, typeflag '0' (or NUL), octal fields, a name that is
// non-empty, relative, without ".." components and not repeated, padding that is all zero,
// the two zero end blocks and no data after them (other than zero blocks).
//
// Errors: WriteTar — kInvalidArgument for an empty/too-long/absolute name or a duplicate.
// ReadTar — kDataLoss naming the member index (never file content) for any violation.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/common/bytes.h"
#include "src/common/result.h"

namespace jv::workflow {

struct TarMember {
  std::string name;
  std::string data;
};

inline constexpr size_t kTarBlockSize = 512;
// Largest member ReadTar accepts (the package holds at most a few hundred MB of JSON).
inline constexpr uint64_t kTarMaxMemberSize = uint64_t{1} << 34;

Result<std::string> WriteTar(const std::vector<TarMember>& members, int64_t mtime_seconds);
Result<std::vector<TarMember>> ReadTar(ByteView archive);

}  // namespace jv::workflow
