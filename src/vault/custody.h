// Custody: the master key split among custodians (SPEC §4: k-of-n Shamir shares, e.g. 2 of 3
// for the liquidator, the DPO and the court), and the printable share files.
//
// Design (docs/design/keys.md "Custodian shares"): `keys split` draws a fresh random 32-byte
// share secret S and splits S with Shamir's scheme over GF(256) (libgfshare), share x
// coordinates 1..N. A key slot of kind "shares" wraps the master key under
// HKDF(S, salt, "jadevault shares slot v1"); its parameters name the share set id, N, K and
// the slot id, and are bound into the AEAD associated data. S itself is never stored. A
// re-split replaces the previous shares slot, so the old share files stop working.
//
// A share file is UTF-8 text meant to be printed: a zh-CN + English title, the vault id,
// the share set id, "share i of N", the threshold K, the 32 share bytes as four lines of
// hex groups each ending in a 4-hex-digit checksum (so a typing error is caught and named
// by line), and instructions. Format: docs/formats/crypto.md "Custodian share files".
//
// Errors: ParseShareFile — kInvalidArgument naming the line that is malformed or whose
// checksum fails. CombineShares — kUnauthenticated if fewer than K distinct shares are
// given (the message says how many are needed) or the shares come from different vaults or
// share sets; kDataLoss if two different shares claim the same index. A share with a
// correct checksum but altered bytes combines to a wrong secret, which the shares slot's
// AEAD then refuses (kUnauthenticated from Vault::Open).
// Thread-safety: SplitSecret sets libgfshare's global random callback for its duration;
// call it from one thread at a time. The rest is pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/common/random.h"
#include "src/common/result.h"
#include "src/common/secret_buffer.h"

namespace jv::vault {

class Vault;

inline constexpr size_t kShareSecretSize = 32;

struct Share {
  std::string vault_id;
  std::string set_id;  // "kss_..."
  int index = 0;       // x coordinate, 1..count
  int count = 0;       // N
  int threshold = 0;   // K
  Bytes y;             // kShareSecretSize bytes
};

// Splits `secret` (kShareSecretSize bytes) into `count` shares, any `threshold` of which
// recover it. kInvalidArgument unless 2 <= threshold <= count <= 255.
Result<std::vector<Share>> SplitSecret(const SecretBuffer& secret, int count, int threshold,
                                       const std::string& vault_id, const std::string& set_id,
                                       Random& random);

// Recovers the secret from at least `threshold` shares of one set (errors above).
Result<SecretBuffer> CombineShares(const std::vector<Share>& shares);

// The printable text of one share file, and its parser.
std::string FormatShareFile(const Share& share, const std::string& company,
                            const std::string& created_rfc3339);
Result<Share> ParseShareFile(std::string_view text);

// What `keys split` did.
struct SplitReport {
  std::string set_id;
  std::string slot_id;
  int count = 0;
  int threshold = 0;
  int64_t slots_replaced = 0;  // earlier shares slots removed
  std::vector<std::string> files;
};

// `keys split`: a fresh share secret, a new "shares" key slot (replacing any earlier one),
// one share file per custodian written into `out_dir` (created 0700; files 0600, named
// share-<i>-of-<N>.txt; kAlreadyExists if one of them exists), and an audit entry
// "keys.split" (set id, N, K; no share bytes).
Result<SplitReport> SplitMasterKey(Vault& vault, int count, int threshold,
                                   const std::string& out_dir);

}  // namespace jv::vault
