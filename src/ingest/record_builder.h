// The cells of one row and the record they make: each cell normalized and checked by its
// field's value type (SPEC §5.3), and the record JSON Vault::AddRecord would seal for
// them, written without a JSON DOM (the import's hot path, ingest/importer.cc).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/classify/id_number.h"
#include "src/common/date.h"
#include "src/ingest/mapping.h"

namespace jv::ingest {

// "12.5" for 1250 fen-like hundredths; "1200" for 120000.
std::string DecimalFromHundredths(int64_t v);

// One evaluated cell.
struct Cell {
  bool present = false;
  bool valid = false;
  std::string norm;       // NFKC + trimmed
  std::string canonical;  // valid text types
  int64_t fen = 0;        // kAmount
  bool amount = false;
  classify::IdNumber id;  // kIdNumber
  Date date;              // kDate, kTimestamp
};

// Evaluates `raw` as `type` (SPEC §5.3). Returns false if the cell is not valid UTF-8.
// `*c` is reused row after row: its strings keep their buffers.
bool EvalCell(ValueType type, std::string_view raw, const Date& import_date, Cell* c);

// One record being built: (field name, value) pairs serialized straight to the JSON text
// Vault::AddRecord (nlohmann::json::dump) would make from the same object (keys in
// bytewise order; a repeated key keeps its last value; a valid amount is an integer of
// fen, any other cell its canonical text if valid, else its normalized text), without a
// JSON DOM per row. Reused row after row (Clear).
class RecordBuilder {
 public:
  void Clear() {
    entries_.clear();
    invalid_.clear();
    owned_used_ = 0;
  }
  // `name` must stay valid until Serialize (a field name of the kind's table, or one made
  // by Own); so must `c`, whose text is referenced, not copied.
  void Add(std::string_view name, const Cell& c) {
    Entry e;
    e.name = name;
    if (c.valid && c.amount) {
      e.number = true;
      e.fen = c.fen;
    } else {
      e.text = c.valid && !c.canonical.empty() ? &c.canonical : &c.norm;
    }
    entries_.push_back(e);
  }
  void AddInvalid(std::string_view name) { invalid_.push_back(name); }
  // Storage for a name made for this row ("mobile.c3", "c7"), valid until the next Clear.
  std::string_view Own(std::string name) {
    if (owned_used_ == owned_.size()) owned_.emplace_back();
    std::string& slot = owned_[owned_used_++];
    slot = std::move(name);
    return slot;
  }
  // The field names (comma-separated, the records.fields column and AAD) and the JSON of
  // the entries added since Clear: keys in bytewise order, a repeated name keeps its last
  // value, "_invalid" lists the AddInvalid names in order (if any).
  void Serialize(std::string* names, std::string* plain);

 private:
  struct Entry {
    std::string_view name;
    const std::string* text = nullptr;  // into the row's cells (valid until the next row)
    bool number = false;
    bool invalid = false;
    int64_t fen = 0;
  };
  std::vector<Entry> entries_;
  std::vector<std::string_view> invalid_;
  std::deque<std::string> owned_;  // deque: growing it keeps earlier names in place
  size_t owned_used_ = 0;
};

}  // namespace jv::ingest
