#include "src/ingest/record_builder.h"

#include <charconv>

#include "src/classify/amount.h"
#include "src/classify/bank_card.h"
#include "src/classify/dates.h"
#include "src/classify/email.h"
#include "src/classify/landline.h"
#include "src/classify/mobile.h"
#include "src/classify/person.h"
#include "src/common/strings.h"
#include "src/ingest/json_text.h"

namespace jv::ingest {

std::string DecimalFromHundredths(int64_t v) {
  std::string sign = v < 0 ? "-" : "";
  uint64_t a = v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  std::string s = sign + std::to_string(a / 100);
  uint64_t frac = a % 100;
  if (frac != 0) {
    s += '.';
    s += static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) s += static_cast<char>('0' + frac % 10);
  }
  return s;
}

bool EvalCell(ValueType type, std::string_view raw, const Date& import_date, Cell* c) {
  c->present = c->valid = c->amount = false;
  c->canonical.clear();
  if (!NormalizeCellInto(raw, &c->norm)) return false;
  if (c->norm.empty()) return true;
  c->present = true;
  switch (type) {
    case ValueType::kText:
      c->valid = true;
      break;
    case ValueType::kMobile: {
      auto m = classify::CheckMobile(c->norm);
      if ((c->valid = m.valid())) c->canonical = std::move(m.value);
      break;
    }
    case ValueType::kIdNumber: {
      c->id = classify::CheckIdNumber(c->norm, import_date);
      if ((c->valid = c->id.valid())) c->canonical = c->id.canonical;
      break;
    }
    case ValueType::kEmail: {
      auto m = classify::CheckEmail(c->norm);
      if ((c->valid = m.valid())) c->canonical = std::move(m.value);
      break;
    }
    case ValueType::kBankCard: {
      auto m = classify::CheckBankCard(c->norm);
      if ((c->valid = m.valid())) c->canonical = std::move(m.value);
      break;
    }
    case ValueType::kLandline: {
      auto m = classify::CheckLandline(c->norm);
      if ((c->valid = m.valid())) c->canonical = std::move(m.value);
      break;
    }
    case ValueType::kGender: {
      auto g = classify::ParseGender(c->norm);
      if ((c->valid = g.valid())) c->canonical = std::string(classify::GenderName(g.value));
      break;
    }
    case ValueType::kDate:
    case ValueType::kTimestamp: {
      auto d = type == ValueType::kDate ? classify::ParseDate(c->norm)
                                        : classify::ParseTimestampDate(c->norm);
      if ((c->valid = d.valid())) {
        c->date = d.value;
        c->canonical = d.value.ToString();
      }
      break;
    }
    case ValueType::kAmount: {
      auto a = classify::ParseAmountFen(c->norm);
      if ((c->valid = a.valid())) {
        c->fen = a.value;
        c->amount = true;
      }
      break;
    }
    case ValueType::kDecimal: {
      auto a = classify::ParseAmountFen(c->norm);
      if ((c->valid = a.valid())) c->canonical = DecimalFromHundredths(a.value);
      break;
    }
  }
  return true;
}

void RecordBuilder::Serialize(std::string* names, std::string* plain) {
  if (!invalid_.empty()) {
    Entry e;
    e.name = "_invalid";
    e.invalid = true;
    entries_.push_back(e);
  }
  // Stable insertion sort of small values: a row has a few dozen entries at most, mostly
  // in order already, and std::stable_sort took a temporary buffer from the heap every row.
  for (size_t i = 1; i < entries_.size(); ++i) {
    for (size_t j = i; j > 0 && entries_[j].name < entries_[j - 1].name; --j) {
      std::swap(entries_[j], entries_[j - 1]);
    }
  }
  names->clear();
  plain->clear();
  plain->push_back('{');
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i + 1 < entries_.size() && entries_[i + 1].name == entries_[i].name) continue;
    const Entry& e = entries_[i];
    if (!names->empty()) {
      names->push_back(',');
      plain->push_back(',');
    }
    names->append(e.name);
    AppendJsonString(e.name, plain);
    plain->push_back(':');
    if (e.invalid) {
      plain->push_back('[');
      for (size_t k = 0; k < invalid_.size(); ++k) {
        if (k > 0) plain->push_back(',');
        AppendJsonString(invalid_[k], plain);
      }
      plain->push_back(']');
    } else if (e.number) {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, e.fen);
      plain->append(buf, end);
    } else {
      AppendJsonString(*e.text, plain);
    }
  }
  plain->push_back('}');
}

}  // namespace jv::ingest
