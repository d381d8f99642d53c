// libFuzzer target for the CSV reader and the text decoders behind it (encoding.h).
//
// The first input byte picks the encoding option and the delimiter; the rest is the file.
// Small blocks and a small row limit push every block boundary and limit path. Checks, on
// top of "no crash, no sanitizer report": rows are numbered 1, 2, 3...; a row without an
// error holds only valid UTF-8; Progress() stays in 0..1.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "src/common/strings.h"
#include "src/ingest/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jv::ingest;
  if (size == 0) return 0;
  static const char* kEncodings[] = {"", "utf-8", "gb18030", "utf-16", "utf-16le", "utf-16be"};
  ReaderOptions opts;
  opts.encoding = kEncodings[data[0] % 6];
  opts.delimiter = (data[0] & 0x40) ? '\t' : 0;
  opts.chunk_bytes = 64 + (data[0] >> 7) * 37;
  opts.max_row_bytes = 4096;
  auto reader = CsvReader::FromString(
      std::string(reinterpret_cast<const char*>(data) + 1, size - 1), opts);
  if (!reader.ok()) return 0;
  for (const std::string& h : (*reader)->Header()) {
    if (!jv::IsValidUtf8(h)) std::abort();
  }
  Row row;
  int64_t expected = 1;
  for (;;) {
    auto got = (*reader)->Next(&row);
    if (!got.ok() || !*got) break;
    if (row.row_no != expected++) std::abort();
    if (!row.error) {
      if (row.cells.size() != (*reader)->Header().size()) std::abort();
      for (const std::string& c : row.cells) {
        if (!jv::IsValidUtf8(c)) std::abort();
      }
    }
    double p = (*reader)->Progress();
    if (p < 0.0 || p > 1.0) std::abort();
  }
  return 0;
}
