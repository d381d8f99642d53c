#include "src/crypto/blind_index.h"

#include <algorithm>

#include "src/common/check.h"
#include "src/crypto/hash.h"

namespace jv::crypto {

Bytes BlindIndex(Suite suite, const SecretBuffer& index_key,
                 std::string_view kind, std::string_view normalized_value) {
  // The 0x00 separator keeps (kind, value) pairs unambiguous only if kind has
  // no NUL; kinds are compile-time names ("mobile", "id_number", ...), so a NUL
  // is a bug.
  JV_CHECK(kind.find('\0') == std::string_view::npos);
  JV_CHECK(!index_key.empty());
  SecretBuffer msg(kind.size() + 1 +
                   normalized_value.size());  // holds a PI value: wiped
  uint8_t* p = msg.data();
  std::copy(kind.begin(), kind.end(), p);
  p[kind.size()] = 0x00;
  std::copy(normalized_value.begin(), normalized_value.end(),
            p + kind.size() + 1);
  return Hmac(suite, index_key.view(), msg.view());
}

Bytes BlindIndex(const HmacKey& index_key, std::string_view kind,
                 std::string_view normalized_value) {
  JV_CHECK(kind.find('\0') == std::string_view::npos);
  static const uint8_t kSeparator = 0x00;
  // Hashed in parts: no copy of the (personal) value is made.
  return index_key.Mac({AsBytes(kind), ByteView(&kSeparator, 1), AsBytes(normalized_value)});
}

}  // namespace jv::crypto
