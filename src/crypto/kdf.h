// Key derivation: HKDF (RFC 5869) over the suite's hash, and scrypt (RFC 7914).
//
// Thread-safe. Errors: kInvalidArgument for out-of-range parameters, kInternal when
// OpenSSL fails (e.g. scrypt memory limit), never a partial key.
#pragma once

#include <cstdint>
#include <string_view>

#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/suite.h"

namespace jv::crypto {

// HKDF-Extract-then-Expand with SHA-256 (std) or SM3 (gm). `length` <= 255 * 32.
Result<SecretBuffer> Hkdf(Suite suite, ByteView ikm, ByteView salt, std::string_view info,
                          size_t length);

struct ScryptParams {
  uint64_t n = uint64_t{1} << 15;  // cost; a power of two > 1
  uint32_t r = 8;
  uint32_t p = 1;
};
// The vault default for passphrases: N = 2^17, r = 8, p = 1 (128 MiB, ~0.3 s).
ScryptParams DefaultPassphraseScrypt();

// scrypt(passphrase, salt, N, r, p) -> `length` bytes. N up to 2^22 is allowed (age files
// may use large work factors); memory is bounded accordingly: kInvalidArgument unless N is
// a power of two in 2..2^22, r >= 1, p >= 1, r * p < 2^30, 128 * r * N <= 4 GiB and
// 1 <= length <= 2^20. N = 2^22 with r = 8 really allocates 4 GiB for a few seconds.
Result<SecretBuffer> Scrypt(ByteView passphrase, ByteView salt, const ScryptParams& params,
                            size_t length);

}  // namespace jv::crypto
