// ASCII armor for age files: strict PEM, label "AGE ENCRYPTED FILE" (c2sp.org/age,
// "ASCII armor"; RFC 7468 §3 strict encoding).
#include <string>
#include <string_view>

#include "src/common/strings.h"
#include "src/crypto/age.h"

namespace jv::crypto::age {
namespace {

constexpr std::string_view kBegin = "-----BEGIN AGE ENCRYPTED FILE-----";
constexpr std::string_view kEnd = "-----END AGE ENCRYPTED FILE-----";
constexpr size_t kColumns = 64;
constexpr size_t kBytesPerLine = kColumns / 4 * 3;  // 48
// Whitespace tolerated before and after the PEM block (as the reference reader).
constexpr size_t kMaxWhitespace = 1024;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool AllSpace(std::string_view s) {
  for (char c : s) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

Status ArmorError(std::string_view what) {
  return InvalidArgumentError("age: invalid armor: " + std::string(what));
}

// Reads lines ending in LF (or the end of input); drops the LF and one CR before it.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  bool AtEnd() const { return pos_ >= text_.size(); }
  size_t pos() const { return pos_; }
  std::string_view rest() const { return text_.substr(pos_); }
  // False at end of input (no line at all).
  bool Next(std::string_view* line) {
    if (AtEnd()) return false;
    size_t nl = text_.find('\n', pos_);
    size_t end = nl == std::string_view::npos ? text_.size() : nl;
    *line = text_.substr(pos_, end - pos_);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string Armor(ByteView data) {
  std::string out;
  out.reserve(kBegin.size() + kEnd.size() + 2 + (data.size() + 2) / 3 * 4 +
              data.size() / kBytesPerLine + 2);
  out.append(kBegin).push_back('\n');
  for (size_t i = 0; i < data.size(); i += kBytesPerLine) {
    out += Base64Encode(data.subspan(i, std::min(kBytesPerLine, data.size() - i)));
    out.push_back('\n');
  }
  out.append(kEnd).push_back('\n');
  return out;
}

Result<Bytes> Dearmor(ByteView input) {
  LineReader reader(AsString(input));
  std::string_view line;
  // Leading whitespace, then the exact BEGIN line.
  size_t skipped = 0;
  for (;;) {
    if (!reader.Next(&line)) return ArmorError("unexpected end of input before BEGIN line");
    if (AllSpace(line)) {
      skipped += line.size() + 1;
      if (skipped > kMaxWhitespace) return ArmorError("too much leading whitespace");
      continue;
    }
    if (line != kBegin) return ArmorError("first line is not the BEGIN line");
    break;
  }
  Bytes out;
  for (;;) {
    if (!reader.Next(&line)) return ArmorError("unexpected end of input before END line");
    if (line == kEnd) break;
    if (line.empty()) return ArmorError("empty line");
    if (line.size() > kColumns) return ArmorError("line longer than 64 columns");
    auto decoded = Base64Decode(line);
    if (!decoded.ok()) return ArmorError("invalid or non-canonical base64");
    out.insert(out.end(), decoded->begin(), decoded->end());
    if (decoded->size() < kBytesPerLine) {
      // A short line is the last one: the END line must follow.
      if (!reader.Next(&line) || line != kEnd) return ArmorError("missing END line");
      break;
    }
  }
  std::string_view trailing = reader.rest();
  if (!AllSpace(trailing)) return ArmorError("trailing data after END line");
  if (trailing.size() >= kMaxWhitespace) return ArmorError("too much trailing whitespace");
  return out;
}

}  // namespace jv::crypto::age
