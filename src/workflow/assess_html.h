// Small HTML helpers shared by the governance documents (PIPIA report, incident notices,
// checklist): escaping and a printable page frame with inline CSS (no external resources).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace jv::workflow {

// Escapes & < > " ' for text and attribute values.
std::string HtmlEscape(std::string_view s);
// A complete printable document: <!DOCTYPE html>, lang, UTF-8 meta, A4 print CSS, `body`.
std::string HtmlPage(std::string_view lang, std::string_view title, std::string_view body);

}  // namespace jv::workflow
