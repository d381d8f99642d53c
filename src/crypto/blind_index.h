// Blind indexes: look up a subject by mobile / ID number / email / bank card / name
// without decrypting anything.
//
// index = HMAC(index_key, kind || 0x00 || normalized value), full 32 bytes, where
// index_key is the vault's index key (derived once with HKDF from the master key at init
// and kept wrapped; see docs/design/keys.md). Callers must normalize the value first
// (classify's canonical form), so every accepted spelling gives the same index.
#pragma once

#include <string_view>

#include "src/common/bytes.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/suite.h"

namespace jv::crypto {

Bytes BlindIndex(Suite suite, const SecretBuffer& index_key, std::string_view kind,
                 std::string_view normalized_value);

}  // namespace jv::crypto
