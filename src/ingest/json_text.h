// JSON text written without a DOM, byte for byte what nlohmann::json::dump() writes for
// the same value (no indentation, UTF-8 passed through): the import's hot path builds a
// record and a new customer's attributes for every row, where a json object per row cost
// more than the rest of the row's serialization.
#pragma once

#include <string>
#include <string_view>

namespace jv::ingest {

// Appends `v` as a JSON string: quotes, RFC 8259 escapes for '"', '\\' and the control
// characters below 0x20 (\b \f \n \r \t, else \u00XX), every other byte as it is.
// `v` must be valid UTF-8 (nlohmann::json::dump() throws on invalid UTF-8; this does not
// check).
void AppendJsonString(std::string_view v, std::string* out);

}  // namespace jv::ingest
