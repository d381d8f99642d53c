// AuditEntry: one append-only, hash-chained audit record and its canonical line
// (docs/formats/audit.md is the byte-level specification).
//
// The canonical line is one compact JSON object, UTF-8, no ASCII escaping, no newline:
//
//   {"seq":1,"time":"2026-01-02T03:04:05.000006Z","actor":"u_admin","action":"import",
//    "subject":"","purpose":"transfer","details":{"rows":12},"prev":"000…0","hash":"9f…"}
//
// Keys appear in exactly this order; `details` is an object whose keys are sorted (at every
// depth) and which holds only strings, integers, booleans, null, arrays and objects (no
// floating-point numbers). `prev` is the lower-case hex hash of the previous entry
// (64 zeros for seq 1). `hash` = hex(H(body)), where H is SHA-256 (std) or SM3 (gm) and
// body is the line with its final `,"hash":"<64 hex>"` member removed, i.e.
//   body = line[0 : len(line) - 75] + "}".
// The line's bytes are also its Merkle leaf (leaf hash = H(0x00 || line)).
//
// Details must never contain personal information: counts, hashes, ids only. The entry code
// cannot check that; callers are responsible.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/crypto/suite.h"

namespace jv::audit {

// 64 zeros: the `prev` of entry 1.
inline constexpr std::string_view kGenesisPrev =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Length of the `,"hash":"<64 hex>"}` tail of every line.
inline constexpr size_t kHashTailSize = 75;

struct AuditEntry {
  int64_t seq = 0;          // 1-based, dense
  std::string time;         // RFC 3339 UTC with microseconds: "2026-01-02T03:04:05.000006Z"
  std::string actor;        // user id or "system"; never a name
  std::string action;       // e.g. "import", "reveal", "shred"
  std::string subject;      // subject id ("s_…") or "" if not about one subject
  std::string purpose;      // stated purpose, "" if none
  nlohmann::json details = nlohmann::json::object();  // non-PI facts
  std::string prev;         // hex of the previous entry's hash
  std::string hash;         // hex of H(body); filled in by MakeEntryLine
};

// Validates `entry` (seq >= 1, time format, valid UTF-8 strings, prev = 64 lower-case hex,
// details an object without floats), computes entry.hash and returns the canonical line.
// kInvalidArgument naming the offending field (never its value).
Result<std::string> MakeEntryLine(crypto::Suite suite, AuditEntry& entry);

// The body of a line (see above) without checking it; kDataLoss if the line is too short or
// does not end in `,"hash":"<64 lower-case hex>"}`.
Result<std::string> EntryBodyOfLine(std::string_view line);

// Lower-case hex of H(body).
std::string EntryHashHex(crypto::Suite suite, std::string_view body);

// Parses a canonical line. kDataLoss if it is not JSON, lacks or misorders a key, has a
// value of the wrong type, or is not byte-for-byte the canonical serialization of what it
// contains. Does not check the hash (see CheckEntryLine).
Result<AuditEntry> ParseEntryLine(std::string_view line);

// ParseEntryLine plus the hash check: kDataLoss ("hash mismatch") if `hash` is not
// hex(H(body)).
Result<AuditEntry> CheckEntryLine(crypto::Suite suite, std::string_view line);

}  // namespace jv::audit
