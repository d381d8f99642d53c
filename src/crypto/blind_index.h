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
#include "src/crypto/hash.h"
#include "src/crypto/suite.h"

namespace jv::crypto {

Bytes BlindIndex(Suite suite, const SecretBuffer& index_key, std::string_view kind,
                 std::string_view normalized_value);
// The same index from the index key prepared once (HmacKey of the same suite and key):
// equal to the call above, without re-hashing the key's pads for every value.
Bytes BlindIndex(const HmacKey& index_key, std::string_view kind,
                 std::string_view normalized_value);

}  // namespace jv::crypto
