// libFuzzer target for the XLSX reader (libzip + expat adapters, shared strings, styles,
// sparse cells, dates). Seed it with tests/data/ingest/*.xlsx. Checks, on top of "no
// crash, no sanitizer report, no unbounded allocation": rows are numbered 1, 2, 3...;
// a row without an error has exactly one cell per header column.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "src/ingest/xlsx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jv::ingest;
  ReaderOptions opts;
  opts.max_row_bytes = 1 << 16;
  auto reader = OpenXlsxReaderFromBuffer(
      std::string(reinterpret_cast<const char*>(data), size), opts);
  if (!reader.ok()) return 0;
  Row row;
  int64_t expected = 1;
  for (;;) {
    auto got = (*reader)->Next(&row);
    if (!got.ok() || !*got) break;
    if (row.row_no != expected++) std::abort();
    if (!row.error && row.cells.size() != (*reader)->Header().size()) std::abort();
  }
  return 0;
}
