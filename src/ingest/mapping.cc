#include "src/ingest/mapping.h"

#include <set>

#include "src/classify/address.h"
#include "src/classify/bank_card.h"
#include "src/classify/email.h"
#include "src/classify/fields.h"
#include "src/classify/id_number.h"
#include "src/classify/landline.h"
#include "src/classify/mobile.h"
#include "src/classify/name.h"
#include "src/classify/person.h"
#include "src/common/strings.h"

namespace jv::ingest {

namespace {

using VT = ValueType;

// Customers: the synonyms live in classify/fields.cc (HeaderToField); only the types here.
constexpr KindField kCustomerFields[] = {
    {"member_no", VT::kText, {}},
    {"name", VT::kText, {}},
    {"gender", VT::kGender, {}},
    {"birth_date", VT::kDate, {}},
    {"id_number", VT::kIdNumber, {}},
    {"mobile", VT::kMobile, {}},
    {"landline", VT::kLandline, {}},
    {"email", VT::kEmail, {}},
    {"address", VT::kText, {}},
    {"bank_card", VT::kBankCard, {}},
    {"store", VT::kText, {}},
    {"member_level", VT::kText, {}},
    {"points", VT::kDecimal, {}},
    {"prepaid_balance", VT::kAmount, {}},
    {"total_spend", VT::kAmount, {}},
    {"last_purchase_date", VT::kDate, {}},
    {"ring_size", VT::kText, {}},
    {"notes", VT::kText, {}},
};

// Synonyms of the non-customer kinds (checked before the customer synonyms).
constexpr std::string_view kTxnDateH[] = {"交易日期", "消费日期", "销售日期", "日期",
                                          "交易时间", "消费时间", "date", "txn_date"};
constexpr std::string_view kAmountH[] = {"金额",   "消费金额", "交易金额", "实收金额",
                                         "实付金额", "amount", "销售金额"};
constexpr std::string_view kPaymentH[] = {"支付方式", "付款方式", "结算方式",
                                          "payment_method", "payment"};
constexpr std::string_view kReceiptH[] = {"单号",   "小票号", "销售单号", "收据号",
                                          "取件单号", "单据号", "receipt_no", "receipt"};
constexpr std::string_view kItemDescH[] = {"商品名称", "商品", "品名", "物品", "物品描述",
                                           "物品名称", "描述", "item", "item_description"};
constexpr std::string_view kItemTypeH[] = {"类型", "业务类型", "物品类型", "item_type", "type"};
constexpr std::string_view kWeightH[] = {"重量", "克重", "重量(g)", "重量(克)", "weight"};
constexpr std::string_view kDateReceivedH[] = {"收件日期", "送修日期", "寄存日期", "接收日期",
                                               "收货日期", "date_received", "received"};
constexpr std::string_view kFeesH[] = {"费用", "维修费", "加工费", "手工费", "fees", "fee"};
constexpr std::string_view kDepositH[] = {"定金", "订金", "押金", "deposit"};
constexpr std::string_view kCardNoH[] = {"储值卡号", "预付卡号", "prepaid_card_no", "card_no"};
constexpr std::string_view kBalanceH[] = {"储值余额", "余额", "卡内余额", "预存款",
                                          "balance", "prepaid_balance"};
constexpr std::string_view kPointsH[] = {"积分", "可用积分", "当前积分", "points"};

// Keys every non-customer kind matches on (synonyms from classify/fields.cc).
#define JV_KEY_FIELDS                                                     \
  {"member_no", VT::kText, {}}, {"name", VT::kText, {}},                  \
      {"id_number", VT::kIdNumber, {}}, {"mobile", VT::kMobile, {}}

constexpr KindField kTransactionFields[] = {
    JV_KEY_FIELDS,
    {"date", VT::kTimestamp, kTxnDateH},
    {"store", VT::kText, {}},
    {"amount", VT::kAmount, kAmountH},
    {"payment_method", VT::kText, kPaymentH},
    {"receipt_no", VT::kText, kReceiptH},
    {"item_description", VT::kText, kItemDescH},
};
constexpr KindField kItemFields[] = {
    JV_KEY_FIELDS,
    {"item_description", VT::kText, kItemDescH},
    {"item_type", VT::kText, kItemTypeH},
    {"weight", VT::kDecimal, kWeightH},
    {"receipt_no", VT::kText, kReceiptH},
    {"date_received", VT::kTimestamp, kDateReceivedH},
    {"fees", VT::kAmount, kFeesH},
    {"store", VT::kText, {}},
};
constexpr KindField kBalanceFields[] = {
    JV_KEY_FIELDS,
    {"card_no", VT::kText, kCardNoH},
    {"prepaid_balance", VT::kAmount, kBalanceH},
    {"points", VT::kDecimal, kPointsH},
    {"deposit", VT::kAmount, kDepositH},
    {"store", VT::kText, {}},
};
#undef JV_KEY_FIELDS

// The header comparison key of classify/fields.h: NFKC, ASCII lower case, without white
// space, '_', '-', '*' and a trailing ':'.
std::string HeaderKey(std::string_view header) {
  Result<std::string> n = NormalizeNfkc(header);
  std::string s = ToLowerAscii(n.ok() ? std::string_view(*n) : header);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '_' || c == '-' || c == '*') {
      continue;
    }
    // U+3000 (E3 80 80), U+00A0 (C2 A0), U+FEFF (EF BB BF).
    if (c == 0xE3 && i + 2 < s.size() && s[i + 1] == '\x80' && s[i + 2] == '\x80') {
      i += 2;
      continue;
    }
    if (c == 0xC2 && i + 1 < s.size() && s[i + 1] == '\xA0') {
      i += 1;
      continue;
    }
    if (c == 0xEF && i + 2 < s.size() && s[i + 1] == '\xBB' && s[i + 2] == '\xBF') {
      i += 2;
      continue;
    }
    out.push_back(s[i]);
  }
  while (!out.empty() && out.back() == ':') out.pop_back();
  return out;
}

Status OverrideError(const std::string& what) {
  return InvalidArgumentError("mapping file: " + what);
}

}  // namespace

std::string_view ImportKindName(ImportKind k) {
  switch (k) {
    case ImportKind::kCustomers: return "customers";
    case ImportKind::kTransactions: return "transactions";
    case ImportKind::kItems: return "items";
    case ImportKind::kBalances: return "balances";
  }
  return "customers";
}

Result<ImportKind> ParseImportKind(std::string_view name) {
  for (ImportKind k : {ImportKind::kCustomers, ImportKind::kTransactions, ImportKind::kItems,
                       ImportKind::kBalances}) {
    if (name == ImportKindName(k)) return k;
  }
  return InvalidArgumentError("--kind must be customers, transactions, items or balances");
}

std::span<const KindField> ImportKindFields(ImportKind kind) {
  switch (kind) {
    case ImportKind::kCustomers: return kCustomerFields;
    case ImportKind::kTransactions: return kTransactionFields;
    case ImportKind::kItems: return kItemFields;
    case ImportKind::kBalances: return kBalanceFields;
  }
  return kCustomerFields;
}

const KindField* FindKindField(ImportKind kind, std::string_view name) {
  for (const KindField& f : ImportKindFields(kind)) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<std::string> HeaderToKindField(ImportKind kind, std::string_view header) {
  const std::string key = HeaderKey(header);
  if (key.empty()) return std::nullopt;
  if (kind != ImportKind::kCustomers) {
    for (const KindField& f : ImportKindFields(kind)) {
      for (std::string_view h : f.headers) {
        if (!h.empty() && HeaderKey(h) == key) return std::string(f.name);
      }
    }
  }
  std::optional<classify::Field> f = classify::HeaderToField(header);
  if (!f) return std::nullopt;
  std::string name(classify::FieldName(*f));
  if (FindKindField(kind, name) == nullptr) return std::nullopt;
  return name;
}

std::string_view MappedByName(MappedBy m) {
  switch (m) {
    case MappedBy::kHeader: return "header";
    case MappedBy::kValues: return "values";
    case MappedBy::kMappingFile: return "mapping";
    case MappedBy::kNone: return "none";
  }
  return "none";
}

Result<MappingOverride> ParseMappingToml(std::string_view text) {
  MappingOverride out;
  bool in_columns = false;
  bool seen_columns = false;
  int line_no = 0;
  // Reads a bare or double-quoted token from `s` at `*i`.
  auto read_token = [](std::string_view s, size_t* i, std::string* tok) -> bool {
    tok->clear();
    if (*i < s.size() && s[*i] == '"') {
      ++*i;
      while (*i < s.size() && s[*i] != '"') {
        if (s[*i] == '\\' && *i + 1 < s.size()) {
          char n = s[*i + 1];
          if (n == '"' || n == '\\') {
            tok->push_back(n);
            *i += 2;
            continue;
          }
          return false;
        }
        tok->push_back(s[(*i)++]);
      }
      if (*i >= s.size()) return false;
      ++*i;
      return true;
    }
    while (*i < s.size() && s[*i] != ' ' && s[*i] != '\t' && s[*i] != '=' && s[*i] != '#') {
      tok->push_back(s[(*i)++]);
    }
    return !tok->empty();
  };
  size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view t = TrimSpace(line);
    if (t.empty() || t[0] == '#') {
      if (end == text.size()) break;
      continue;
    }
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (t[0] == '[') {
      if (t == "[columns]") {
        in_columns = true;
        seen_columns = true;
      } else {
        return OverrideError(where + "unknown table (only [columns] is read)");
      }
      if (end == text.size()) break;
      continue;
    }
    size_t i = 0;
    std::string key, value;
    if (!read_token(t, &i, &key)) return OverrideError(where + "expected a key");
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    if (i >= t.size() || t[i] != '=') return OverrideError(where + "expected '='");
    ++i;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    if (i >= t.size() || t[i] != '"') {
      return OverrideError(where + "the value must be a double-quoted string");
    }
    if (!read_token(t, &i, &value)) return OverrideError(where + "unterminated string");
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    if (i < t.size() && t[i] != '#') return OverrideError(where + "unexpected text after the value");
    if (!in_columns) {
      // Top-level keys (e.g. a version note) are allowed and ignored.
      if (end == text.size()) break;
      continue;
    }
    out.columns.emplace_back(std::move(key), std::move(value));
    if (end == text.size()) break;
  }
  if (!seen_columns) return OverrideError("no [columns] table");
  return out;
}

ColumnStats ComputeColumnStats(const std::vector<std::string>& samples, const Date& import_date) {
  ColumnStats st;
  st.sampled = static_cast<int64_t>(samples.size());
  for (const std::string& raw : samples) {
    Result<std::string> n = NormalizeCell(raw);
    if (!n.ok() || n->empty()) {
      if (!n.ok()) ++st.non_empty;
      continue;
    }
    ++st.non_empty;
    const std::string& v = *n;
    auto hit = [&](const char* name) { ++st.detectors[name]; };
    classify::IdOutcome o = classify::CheckIdNumber(v, import_date).outcome;
    if (o == classify::IdOutcome::kValid || o == classify::IdOutcome::kConverted15 ||
        o == classify::IdOutcome::kBadChecksum) {
      hit("id_number");
    }
    if (classify::CheckMobile(v).valid()) hit("mobile");
    if (classify::CheckEmail(v).valid()) hit("email");
    if (classify::CheckBankCard(v).valid()) hit("bank_card");
    if (classify::CheckLandline(v).valid()) hit("landline");
    if (classify::ParseGender(v).valid() && v != "0" && v != "1" && v != "2" && v != "9") {
      hit("gender");
    }
    if (classify::LooksLikeAddress(v)) hit("address");
    if (classify::LooksLikePersonName(v)) hit("name");
  }
  return st;
}

Result<std::vector<ColumnMapping>> ProposeMapping(
    ImportKind kind, const std::vector<std::string>& header,
    const std::vector<std::vector<std::string>>& samples, const Date& import_date,
    const MappingOverride* override_map) {
  std::vector<ColumnMapping> out(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    out[c].column = static_cast<int>(c);
    out[c].header = header[c];
    if (auto f = HeaderToKindField(kind, header[c])) {
      out[c].field = *f;
      out[c].how = MappedBy::kHeader;
    }
  }
  for (size_t c = 0; c < header.size(); ++c) {
    if (out[c].how != MappedBy::kNone || c >= samples.size()) continue;
    std::optional<classify::Field> f = classify::DetectFieldFromValues(samples[c], import_date);
    if (!f) continue;
    std::string name(classify::FieldName(*f));
    if (FindKindField(kind, name) == nullptr) continue;
    out[c].field = name;
    out[c].how = MappedBy::kValues;
  }
  if (override_map != nullptr) {
    for (const auto& [key, value] : override_map->columns) {
      std::vector<size_t> cols;
      if (key.size() > 1 && key[0] == '#') {
        size_t n = 0;
        bool ok = true;
        for (size_t i = 1; i < key.size(); ++i) {
          if (key[i] < '0' || key[i] > '9' || n > 100000) {
            ok = false;
            break;
          }
          n = n * 10 + static_cast<size_t>(key[i] - '0');
        }
        if (!ok || n < 1 || n > header.size()) {
          return OverrideError("column " + key + " is not a column of the file (it has " +
                               std::to_string(header.size()) + ")");
        }
        cols.push_back(n - 1);
      } else {
        Result<std::string> want = NormalizeCell(key);
        for (size_t c = 0; c < header.size(); ++c) {
          Result<std::string> h = NormalizeCell(header[c]);
          if (want.ok() && h.ok() && *want == *h) cols.push_back(c);
        }
        if (cols.empty()) {
          return OverrideError("no column has the header \"" + key + "\"");
        }
      }
      std::string field;
      if (value != "ignore" && !value.empty()) {
        if (FindKindField(kind, value) == nullptr) {
          return OverrideError("unknown field \"" + value + "\" for kind " +
                               std::string(ImportKindName(kind)));
        }
        field = value;
      }
      for (size_t c : cols) {
        out[c].field = field;
        out[c].how = MappedBy::kMappingFile;
      }
    }
  }
  return out;
}

nlohmann::json MappingToJson(const std::vector<ColumnMapping>& m) {
  nlohmann::json a = nlohmann::json::array();
  for (const ColumnMapping& c : m) {
    a.push_back({{"column", c.column + 1},
                 {"header", c.header},
                 {"field", c.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.field)},
                 {"how", std::string(MappedByName(c.how))}});
  }
  return a;
}

Result<std::vector<ColumnMapping>> MappingFromJson(const nlohmann::json& j) {
  if (!j.is_array()) return DataLossError("saved import mapping is not a list");
  std::vector<ColumnMapping> out;
  for (const auto& e : j) {
    if (!e.is_object() || !e.contains("column") || !e["column"].is_number_integer() ||
        !e.contains("header") || !e["header"].is_string() || !e.contains("how") ||
        !e["how"].is_string()) {
      return DataLossError("saved import mapping is malformed");
    }
    ColumnMapping c;
    c.column = e["column"].get<int>() - 1;
    c.header = e["header"].get<std::string>();
    if (e.contains("field") && e["field"].is_string()) c.field = e["field"].get<std::string>();
    std::string how = e["how"].get<std::string>();
    c.how = how == "header"    ? MappedBy::kHeader
            : how == "values"  ? MappedBy::kValues
            : how == "mapping" ? MappedBy::kMappingFile
                               : MappedBy::kNone;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace jv::ingest
