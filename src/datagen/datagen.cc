#include "src/datagen/datagen.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <queue>

#include "src/classify/bank_card.h"
#include "src/classify/fields.h"
#include "src/classify/id_number.h"
#include "src/common/strings.h"
#include "src/datagen/cells.h"
#include "src/datagen/population.h"
#include "src/datagen/writer.h"

namespace jv::datagen {
namespace {

using classify::Field;

constexpr int64_t kMaxRows = 2'500'000;
constexpr int kFieldCount = 18;
constexpr int kProfiles = 3;

// Header spellings of three POS vendors, indexed by classify::Field (SPEC §5.2 synonyms).
constexpr const char* kHeaders[kProfiles][kFieldCount] = {
    {"会员卡号", "姓名", "性别", "生日", "身份证号", "手机", "固定电话", "邮箱", "地址",
     "银行卡号", "门店", "会员等级", "积分", "储值余额", "累计消费", "最近消费日期", "手寸",
     "备注"},
    {"会员编号", "客户姓名", "性别", "出生日期", "证件号码", "手机号码", "座机", "电子邮箱",
     "联系地址", "退款账户", "开卡门店", "等级", "可用积分", "预存款", "消费总额", "最后消费",
     "戒指尺寸", "说明"},
    {"客户编号", "会员姓名", "性别", "出生日期", "身份证号码", "联系电话", "固定电话",
     "\xEF\xBC\xA5\xEF\xBD\x8D\xEF\xBD\x81\xEF\xBD\x89\xEF\xBD\x8C",  // "Ｅｍａｉｌ"
     "住址", "银行账号", "所属门店", "会员等级", "积分", "余额", "累计消费", "最近消费日期",
     "戒圈", "备注"},
};

// A column: the customer field the generator builds it as, and, for the other kinds,
// the importer's field name and header when they differ (src/ingest/mapping.h: a
// transaction's date is "date" / 交易日期, not last_purchase_date).
struct ColumnSpec {
  Field field;
  const char* name = nullptr;    // nullptr: classify::FieldName(field)
  const char* header = nullptr;  // nullptr: the profile's header
};

struct KindSpec {
  const char* name;
  std::vector<ColumnSpec> columns;
  std::vector<int> rows_per_person;  // weights for 1, 2, 3, … rows
};

const std::vector<KindSpec>& Kinds() {
  static const auto* kinds = new std::vector<KindSpec>{
      {"customers",
       {{Field::kMemberNo}, {Field::kName}, {Field::kGender}, {Field::kMobile},
        {Field::kIdNumber}, {Field::kBirthDate}, {Field::kEmail}, {Field::kAddress},
        {Field::kBankCard}, {Field::kStore}, {Field::kMemberLevel}, {Field::kPoints},
        {Field::kPrepaidBalance}, {Field::kTotalSpend}, {Field::kLastPurchaseDate},
        {Field::kRingSize}, {Field::kNotes}},
       {70, 20, 7, 3}},
      {"transactions",
       {{Field::kMemberNo}, {Field::kName}, {Field::kMobile}, {Field::kIdNumber},
        {Field::kStore}, {Field::kLastPurchaseDate, "date", "交易日期"},
        {Field::kTotalSpend, "amount", "消费金额"}},
       {30, 25, 20, 10, 10, 5}},
      {"items",
       {{Field::kMemberNo}, {Field::kName}, {Field::kMobile}, {Field::kIdNumber},
        {Field::kStore}, {Field::kLastPurchaseDate, "date_received", "送修日期"}},
       {80, 20}},
      {"balances",
       {{Field::kMemberNo}, {Field::kName}, {Field::kMobile}, {Field::kIdNumber},
        {Field::kStore}, {Field::kPoints}, {Field::kPrepaidBalance}},
       {85, 15}},
  };
  return *kinds;
}

constexpr const char* kStores[] = {
    "北京王府井店", "上海南京路店", "广州天河店",   "深圳华强北店", "杭州湖滨店",
    "成都春熙路店", "武汉江汉路店", "南京新街口店", "西安钟楼店",   "重庆解放碑店",
    "天津滨江道店", "苏州观前街店"};
constexpr int kStoreCount = sizeof(kStores) / sizeof(kStores[0]);
constexpr const char* kLevels[] = {"普通会员", "银卡会员", "金卡会员", "铂金会员", "钻石会员"};
constexpr const char* kMaleSpellings[] = {"男", "男", "男", "M", "1", "男性", "先生", "男士"};
constexpr const char* kFemaleSpellings[] = {"女", "女", "女", "F", "2", "女性", "小姐", "女士"};
constexpr const char* kGenderUnspecified[] = {"保密", "未知", "不详"};
constexpr const char* kGenderInvalid[] = {"X", "男/女", "？"};
constexpr const char* kIdGarbage[] = {"无", "/", "0", "未登记", "123456", "护照"};
constexpr const char* kPlainNotes[] = {
    "老客户，喜欢翡翠", "要求刻字", "VIP客户，生日送礼", "婚戒定制，已付定金", "已退货",
    "黄金回收一次", "介绍人：王女士", "戒指改圈", "发票抬头为公司", "项链维修中",
    "不接受电话回访", "偏好铂金款式", "客户投诉已处理", "寄存手镯一只"};
constexpr const char* kQuotedNotes[] = {"客户说\"要刻永结同心\"", "备注\"加急\"，周五前取",
                                        "\"老客户\"介绍", "款式\"如意\"系列"};

struct Household {
  enum class Type { kSingle, kFamily, kEmailOnly, kMinor };
  Type type = Type::kSingle;
  int64_t mobile_index = -1;  // whose MobileOf() the household uses; -1: none
  std::string mobile;         // 11 digits, "" for e-mail-only
  std::vector<Person> members;
  std::vector<int> planned;   // rows planned per member
  std::vector<int> emitted;   // rows emitted per member
  int home_store = 0;
  HouseholdSim sim;
};

struct Pending {
  int64_t due;
  int64_t seq;
  std::shared_ptr<Household> h;
  int member;
  bool operator>(const Pending& o) const {
    return due != o.due ? due > o.due : seq > o.seq;
  }
};

enum class IdCell {
  kAbsent, kBlank, kValid, kSpaced, kFull, kLowerX, kConverted15, kBadChecksum, kMangled,
  kMangledNumber, kBadProvince, kBadDate, kFuture, kTruncated, kGarbage
};

class Generator {
 public:
  Generator(const Options& o, const KindSpec& kind, int profile, ExpectedReport* e)
      : o_(o),
        r_(o.rates),
        kind_(kind),
        profile_(profile),
        e_(e),
        rng_(o.seed),
        factory_(o.seed, o.import_date) {
    col_of_.fill(-1);
    for (size_t i = 0; i < kind.columns.size(); ++i) {
      col_of_[static_cast<int>(kind.columns[i].field)] = static_cast<int>(i);
    }
    customers_ = std::string_view(kind.name) == "customers";
    cells_.resize(kind.columns.size());
    text_format_ = o.format != "xlsx";
    window_ = std::clamp<int64_t>(o.rows / 3, 50, 20000);
    can_minor_ = Has(Field::kIdNumber) || Has(Field::kBirthDate);
  }

  Status Run(TableWriter* w) {
    w_ = w;
    for (int64_t pos = 0; pos < o_.rows; ++pos) {
      int64_t remaining = o_.rows - pos;
      auto pending = static_cast<int64_t>(queue_.size());
      if (pending > 0 && (queue_.top().due <= pos || pending >= remaining)) {
        Pending p = queue_.top();
        queue_.pop();
        JV_RETURN_IF_ERROR(EmitPersonRow(*p.h, p.member, pos));
        continue;
      }
      if (text_format_ && o_.format != "jsonl" && rng_.Chance(r_.reject_field_count)) {
        JV_RETURN_IF_ERROR(EmitFieldCountReject(pos));
        continue;
      }
      // Only customer files reject rows without an identifying field (SPEC §5.4).
      if (customers_ && rng_.Chance(r_.reject_no_identifier)) {
        JV_RETURN_IF_ERROR(EmitNoIdentifierReject(pos));
        continue;
      }
      JV_RETURN_IF_ERROR(StartHousehold(pos, remaining - pending));
    }
    JV_CHECK(queue_.empty());
    e_->rows_read = o_.rows;
    e_->rows_imported = e_->subjects_created + e_->rows_merged;
    JV_CHECK(e_->rows_imported + e_->rows_rejected == e_->rows_read);
    if (!customers_) {
      // Other kinds attach rows to existing subjects and create none: into a vault
      // without matching subjects every imported row is unmatched, nobody counted minor.
      e_->rows_unmatched = e_->rows_imported;
      e_->subjects_created = e_->rows_merged = e_->shared_contact = e_->minors = 0;
    }
    e_->persons = factory_.made();
    return Status::Ok();
  }

 private:
  // Counts a rejected row; lists it while fewer than kMaxListedRejected are listed.
  void Reject(int64_t row, std::string reason) {
    ++e_->rows_rejected;
    if (e_->rejected.size() < kMaxListedRejected) {
      e_->rejected.push_back({row, std::move(reason)});
    } else {
      e_->rejected_truncated = true;
    }
  }
  bool Has(Field f) const { return col_of_[static_cast<int>(f)] >= 0; }
  Cell& CellOf(Field f) { return cells_[col_of_[static_cast<int>(f)]]; }

  // Records the intended outcome of a cell of an imported row.
  void Count(Field f, classify::Validity v) {
    int c = col_of_[static_cast<int>(f)];
    if (v == classify::Validity::kAbsent) return;
    FieldCount& fc = e_->fields[c];
    ++fc.present;
    if (v == classify::Validity::kValid) {
      ++fc.valid;
    } else {
      ++fc.invalid;
    }
  }
  // Sets a text cell, with the padding quirk, and counts it.
  void SetText(Field f, std::string s, classify::Validity v) {
    if (!Has(f)) return;
    if (v == classify::Validity::kAbsent) {
      SetAbsent(f);
      return;
    }
    if (rng_.Chance(r_.padded)) s = Pad(rng_, s);
    CellOf(f).SetText(std::move(s));
    Count(f, v);
  }
  void SetAbsent(Field f) {
    if (!Has(f)) return;
    CellOf(f).SetText(rng_.Chance(r_.blank_spaces) ? BlankSpaces(rng_) : std::string());
  }
  std::string MaybeFull(std::string s) {
    return rng_.Chance(r_.fullwidth) ? FullWidth(s) : s;
  }

  int RowsPerPerson() {
    const std::vector<int>& w = kind_.rows_per_person;
    int total = 0;
    for (int x : w) total += x;
    int pick = static_cast<int>(rng_.Uniform(total));
    for (size_t i = 0; i < w.size(); ++i) {
      if (pick < w[i]) return static_cast<int>(i) + 1;
      pick -= w[i];
    }
    return 1;
  }

  Status StartHousehold(int64_t pos, int64_t budget) {
    auto h = std::make_shared<Household>();
    ++e_->households;
    h->home_store = static_cast<int>(rng_.Uniform(kStoreCount));
    bool has_id_col = Has(Field::kIdNumber);
    if (can_minor_ && rng_.Chance(r_.minor)) {
      h->type = Household::Type::kMinor;
      bool has_id = !Has(Field::kBirthDate) || rng_.Chance(0.7);
      h->members.push_back(factory_.Make(rng_, true, has_id && has_id_col, false));
      h->planned.push_back(1);
    } else if (Has(Field::kEmail) && rng_.Chance(r_.email_only)) {
      h->type = Household::Type::kEmailOnly;
      h->members.push_back(factory_.Make(rng_, false, rng_.Chance(r_.has_id), true));
      h->planned.push_back(static_cast<int>(rng_.Between(1, 2)));
    } else if (has_id_col && rng_.Chance(r_.family)) {
      h->type = Household::Type::kFamily;
      int n = static_cast<int>(rng_.Between(2, 3));
      for (int i = 0; i < n; ++i) {
        h->members.push_back(factory_.Make(rng_, false, true, rng_.Chance(r_.has_email)));
        h->planned.push_back(RowsPerPerson());
      }
    } else {
      h->members.push_back(
          factory_.Make(rng_, false, rng_.Chance(r_.has_id), rng_.Chance(r_.has_email)));
      h->planned.push_back(RowsPerPerson());
    }
    if (h->type != Household::Type::kEmailOnly) {
      h->mobile_index = h->members[0].index;
      h->mobile = factory_.MobileOf(h->mobile_index);
    }
    // The order of the household's rows: every planned row, shuffled, cut to the budget.
    std::vector<int> order;
    for (size_t m = 0; m < h->members.size(); ++m) {
      for (int k = 0; k < h->planned[m]; ++k) order.push_back(static_cast<int>(m));
    }
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng_.Uniform(i)]);
    if (static_cast<int64_t>(order.size()) > budget) order.resize(budget);
    std::fill(h->planned.begin(), h->planned.end(), 0);
    for (int m : order) ++h->planned[m];
    h->emitted.assign(h->members.size(), 0);

    std::vector<int64_t> dues;
    for (size_t i = 1; i < order.size(); ++i) {
      dues.push_back(pos + (rng_.Chance(0.4) ? rng_.Between(1, 30) : rng_.Between(1, window_)));
    }
    std::sort(dues.begin(), dues.end());
    for (size_t i = 1; i < order.size(); ++i) {
      queue_.push({dues[i - 1], seq_++, h, order[i]});
    }
    return EmitPersonRow(*h, order[0], pos);
  }

  IdCell ChooseIdCell(const Person& p, bool first_of_many) {
    if (!Has(Field::kIdNumber)) return IdCell::kAbsent;
    if (!p.has_id) {
      if (rng_.Chance(r_.id_garbage)) return IdCell::kGarbage;
      return rng_.Chance(r_.blank_spaces) ? IdCell::kBlank : IdCell::kAbsent;
    }
    if (p.minor) return IdCell::kValid;  // a minor's only row keeps its ID (docs: minors)
    if (rng_.Chance(first_of_many ? r_.id_absent_first_row : r_.id_absent)) {
      return rng_.Chance(r_.blank_spaces) ? IdCell::kBlank : IdCell::kAbsent;
    }
    if (p.birth.year < 2000 && rng_.Chance(r_.id_converted15)) return IdCell::kConverted15;
    if (rng_.Chance(r_.id_bad_checksum)) return IdCell::kBadChecksum;
    if (rng_.Chance(r_.id_excel_mangled)) {
      return (!text_format_ && p.id18[17] != 'X' && rng_.Chance(0.5)) ? IdCell::kMangledNumber
                                                                       : IdCell::kMangled;
    }
    if (rng_.Chance(r_.id_invalid)) {
      switch (rng_.Uniform(4)) {
        case 0: return IdCell::kBadProvince;
        case 1: return IdCell::kBadDate;
        case 2: return IdCell::kFuture;
        default: return IdCell::kTruncated;
      }
    }
    if (p.id18[17] == 'X' && rng_.Chance(r_.id_lower_x)) return IdCell::kLowerX;
    if (rng_.Chance(r_.id_spaced)) return IdCell::kSpaced;
    if (rng_.Chance(r_.fullwidth)) return IdCell::kFull;
    return IdCell::kValid;
  }

  static std::string WithCheck(std::string first17) {
    first17.resize(17);
    return first17 + classify::IdCheckDigit(first17);
  }

  // Writes the ID cell; returns true if the row's ID number is valid.
  bool WriteIdCell(IdCell s, const Person& p) {
    if (!Has(Field::kIdNumber)) return false;
    using classify::Validity;
    IdCounts& ic = e_->id_number;
    auto valid = [&](std::string text) {
      ++ic.valid;
      SetText(Field::kIdNumber, std::move(text), Validity::kValid);
      return true;
    };
    auto invalid = [&](std::string text) {
      ++ic.invalid;
      SetText(Field::kIdNumber, std::move(text), Validity::kInvalid);
      return false;
    };
    const std::string& id = p.id18;
    switch (s) {
      case IdCell::kAbsent:
        CellOf(Field::kIdNumber).SetText("");
        return false;
      case IdCell::kBlank:
        CellOf(Field::kIdNumber).SetText(BlankSpaces(rng_));
        return false;
      case IdCell::kValid:
        return valid(id);
      case IdCell::kSpaced:
        return valid(id.substr(0, 6) + " " + id.substr(6, 8) + " " + id.substr(14));
      case IdCell::kFull:
        return valid(FullWidth(id));
      case IdCell::kLowerX:
        return valid(id.substr(0, 17) + "x");
      case IdCell::kConverted15:
        ++ic.converted15;
        return valid(id.substr(0, 6) + id.substr(8, 9));
      case IdCell::kBadChecksum: {
        static const char kChecks[] = "0123456789X";
        char c;
        do {
          c = kChecks[rng_.Uniform(11)];
        } while (c == id[17]);
        ++ic.bad_checksum;
        return invalid(id.substr(0, 17) + c);
      }
      case IdCell::kMangled:
        ++ic.excel_mangled;
        return invalid(ExcelMangled(rng_, id));
      case IdCell::kMangledNumber: {
        // The 18 digits as an XLSX number: libxlsxwriter stores it with 16 significant
        // digits ("4.401061990010112E+17"), the excel_mangled shape.
        ++ic.excel_mangled;
        ++ic.invalid;
        Cell& c = CellOf(Field::kIdNumber);
        c.kind = Cell::Kind::kNumber;
        c.number = std::stod(id);
        Count(Field::kIdNumber, classify::Validity::kInvalid);
        return false;
      }
      case IdCell::kBadProvince: {
        static const char* kBad[] = {"99", "00", "10", "20", "96"};
        return invalid(WithCheck(std::string(rng_.Pick(kBad)) + id.substr(2, 15)));
      }
      case IdCell::kBadDate:  // month 13
        return invalid(WithCheck(id.substr(0, 10) + "13" + id.substr(12, 5)));
      case IdCell::kFuture: {
        Date d = o_.import_date.AddDays(rng_.Between(1, 3000));
        char ymd[16];
        std::snprintf(ymd, sizeof ymd, "%04d%02d%02d", d.year, d.month, d.day);
        return invalid(WithCheck(id.substr(0, 6) + ymd + id.substr(14, 3)));
      }
      case IdCell::kTruncated:
        return invalid(id.substr(0, 17));
      case IdCell::kGarbage:
        return invalid(rng_.Pick(kIdGarbage));
    }
    return false;
  }

  // A date cell (birth or last purchase): valid spelling, XLSX date cell, or invalid.
  void WriteDateCell(Field f, const Date& d, bool allow_invalid) {
    if (!Has(f)) return;
    // The other kinds' dates are POS timestamps (ingest ValueType::kTimestamp): a time of
    // day or "YYYY-M-D" is valid there.
    const bool timestamp = std::string_view(kind_.name) != "customers";
    if (allow_invalid && rng_.Chance(r_.date_invalid)) {
      SetText(f, InvalidDate(rng_, d.year, timestamp), classify::Validity::kInvalid);
      return;
    }
    if (!text_format_ && rng_.Chance(r_.xlsx_date_cell)) {
      Cell& c = CellOf(f);
      c.kind = Cell::Kind::kDate;
      c.date = d;
      Count(f, classify::Validity::kValid);
      return;
    }
    SetText(f, MaybeFull(DateSpelling(rng_, d)), classify::Validity::kValid);
  }

  void WriteAmountCell(Field f, int64_t fen) {
    if (!Has(f)) return;
    if (rng_.Chance(r_.amount_invalid)) {
      SetText(f, InvalidAmount(rng_), classify::Validity::kInvalid);
    } else if (!text_format_ && rng_.Chance(0.3) && ExactAsXlsxNumber(fen)) {
      Cell& c = CellOf(f);
      c.kind = Cell::Kind::kNumber;
      c.number = static_cast<double>(fen) / 100;
      Count(f, classify::Validity::kValid);
    } else {
      SetText(f, MaybeFull(AmountSpelling(rng_, fen)), classify::Validity::kValid);
    }
  }

  // libxlsxwriter writes numbers with "%.16G": 807035.94 comes out as 807035.9399999999,
  // which is not a two-decimal amount any more. Only amounts that print exactly are
  // written as number cells (docs/design/datagen.md).
  static bool ExactAsXlsxNumber(int64_t fen) {
    char got[40], want[40];
    std::snprintf(got, sizeof got, "%.16G", static_cast<double>(fen) / 100);
    std::snprintf(want, sizeof want, "%lld.%02d", static_cast<long long>(fen / 100),
                  static_cast<int>(fen % 100));
    std::string w = want;
    while (w.back() == '0') w.pop_back();
    if (w.back() == '.') w.pop_back();
    return w == got;
  }

  std::string RandomMobile() {
    char buf[16];
    std::snprintf(buf, sizeof buf, "1%d%09llu", 3 + static_cast<int>(rng_.Uniform(7)),
                  static_cast<unsigned long long>(rng_.Uniform(1000000000ULL)));
    return buf;
  }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng_.Uniform(10)));
    return s;
  }

  // One note; *pii says whether §5.5 free_text_pii counts it.
  std::string MakeNote(const Person& p, const std::string& mobile, bool* pii) {
    std::string m = mobile.empty() ? RandomMobile() : mobile;
    std::string text;
    *pii = false;
    if (rng_.Chance(r_.notes_pii)) {
      *pii = true;
      std::string id = p.has_id ? p.id18 : factory_.RandomValidId(rng_);
      switch (rng_.Uniform(9)) {
        case 0: text = "客户手机" + m + "，请回电"; break;
        case 1:
          text = "联系人电话：+86 " + m.substr(0, 3) + "-" + m.substr(3, 4) + "-" +
                 m.substr(7) + "。";
          break;
        case 2: text = "手机" + FullWidth(m) + "（微信同号）"; break;
        case 3: text = "身份证" + id + "已核验"; break;
        case 4: text = "代办人身份证号码：" + factory_.RandomValidId(rng_); break;
        case 5: text = "退款至卡" + PersonFactory::RandomCard(rng_) + "，三个工作日"; break;
        case 6: {
          std::string card = PersonFactory::RandomCard(rng_);
          std::string grouped;
          for (size_t i = 0; i < card.size(); ++i) {
            if (i > 0 && i % 4 == 0) grouped.push_back(' ');
            grouped.push_back(card[i]);
          }
          text = "退款账户 " + grouped + " 工商银行";
          break;
        }
        case 7: {
          std::string email = p.has_email ? p.email : "kefu" + Digits(5) + "@example.net";
          if (rng_.Chance(0.3)) email = ToUpperAscii(email);
          text = "邮箱" + email + "，发电子发票";
          break;
        }
        default: text = "微信同手机号86" + m; break;
      }
    } else if (rng_.Chance(r_.notes_digits / (1 - r_.notes_pii + 1e-9))) {
      // Digits that are not personal information: no run is an 11/13/15-digit mobile, an
      // 18-digit ID or a 16–19 digit card (SPEC §5.5, "not inside a longer digit run").
      switch (rng_.Uniform(6)) {
        case 0: text = "订单号" + Digits(static_cast<int>(rng_.Between(20, 24))) + "已付款"; break;
        case 1: text = "旧卡号" + RandomMobile() + Digits(1) + "已注销"; break;  // 12 digits
        case 2: {
          // An ID inside a 20-digit run. Not one ending in X: the X would cut the run
          // into 17 digits (a card candidate) and 2.
          std::string id;
          do {
            id = factory_.RandomValidId(rng_);
          } while (id[17] == 'X');
          text = "工单" + id + Digits(2) + "维修";
          break;
        }
        case 3:
          text = "金重5.2克，18K金，编号 " + Digits(4) + " " + Digits(4) + " " + Digits(4);
          break;
        case 4: text = "2023-05-01到店取货，柜台3号"; break;
        default: text = "流水号" + Digits(14) + "，积分已兑换"; break;
      }
    } else {
      text = rng_.Pick(kPlainNotes);
    }
    if (rng_.Chance(r_.notes_multiline)) {
      text = std::string(rng_.Pick(kQuotedNotes)) + "\n" + text;
    }
    return text;
  }

  Status EmitPersonRow(Household& h, int member, int64_t pos) {
    using classify::Validity;
    const Person& p = h.members[member];
    int occurrence = h.emitted[member]++;
    bool first_of_many = occurrence == 0 && h.planned[member] > 1;
    int store = occurrence == 0 ? h.home_store : static_cast<int>(rng_.Uniform(kStoreCount));
    for (Cell& c : cells_) c.SetText("");

    RowKeys keys;
    // ID number.
    IdCell id_cell = ChooseIdCell(p, first_of_many);
    if (WriteIdCell(id_cell, p)) keys.id_member = member;
    bool id_valid = keys.id_member >= 0;

    // Mobile.
    bool mobile_valid = false;
    if (Has(Field::kMobile)) {
      if (h.mobile.empty()) {
        if (rng_.Chance(0.3)) {
          SetText(Field::kMobile, InvalidMobile(rng_, RandomMobile()), Validity::kInvalid);
        } else {
          SetAbsent(Field::kMobile);
        }
      } else if (p.minor) {
        mobile_valid = true;
        SetText(Field::kMobile, h.mobile, Validity::kValid);
      } else if (rng_.Chance(r_.mobile_absent)) {
        SetAbsent(Field::kMobile);
      } else if (rng_.Chance(r_.mobile_invalid)) {
        SetText(Field::kMobile, InvalidMobile(rng_, h.mobile), Validity::kInvalid);
      } else {
        mobile_valid = true;
        std::string s = h.mobile;
        if (rng_.Chance(r_.mobile_prefixed)) {
          s = MobileSpelling(rng_, h.mobile);
        } else if (rng_.Chance(r_.mobile_spaced)) {
          s = s.substr(0, 3) + (rng_.Chance(0.5) ? " " : "-") + s.substr(3, 4) +
              (rng_.Chance(0.5) ? " " : "-") + s.substr(7);
        } else if (!text_format_ && rng_.Chance(0.1)) {
          Cell& c = CellOf(Field::kMobile);
          c.kind = Cell::Kind::kNumber;
          c.number = std::stod(h.mobile);
          Count(Field::kMobile, Validity::kValid);
          s.clear();
        }
        if (!s.empty()) SetText(Field::kMobile, MaybeFull(s), Validity::kValid);
      }
    }
    keys.mobile = mobile_valid;

    // E-mail: valid only together with a valid mobile, unless the person has no mobile
    // (keeps §5.4's "mobile, else e-mail" unambiguous; docs/design/datagen.md).
    if (Has(Field::kEmail)) {
      bool may_be_valid = mobile_valid || h.mobile.empty();
      if (!p.has_email || rng_.Chance(r_.email_absent)) {
        SetAbsent(Field::kEmail);
      } else if (!may_be_valid || rng_.Chance(r_.email_invalid)) {
        std::string bad = p.email;
        size_t at = bad.find('@');
        switch (rng_.Uniform(3)) {
          case 0: bad[at] = '#'; break;
          case 1: bad = bad.substr(0, bad.find('.', at)); break;  // no dot in the domain
          default: bad.insert(at, "@"); break;
        }
        SetText(Field::kEmail, bad, Validity::kInvalid);
      } else {
        std::string s = p.email;
        if (rng_.Chance(r_.email_upper)) s = ToUpperAscii(s);
        SetText(Field::kEmail, MaybeFull(s), Validity::kValid);
        keys.email_member = member;
      }
    }

    // Subject bookkeeping (SPEC §5.4).
    switch (h.sim.Apply(keys)) {
      case RowOutcome::kCreated: ++e_->subjects_created; break;
      case RowOutcome::kCreatedSharedContact:
        ++e_->subjects_created;
        ++e_->shared_contact;
        break;
      case RowOutcome::kMerged: ++e_->rows_merged; break;
    }

    // Member number: always present, so the row is never rejected.
    char member_no[32];
    uint64_t mix = static_cast<uint64_t>(p.index) * 7919 + store * 104729 + o_.seed * 15485863;
    switch (profile_) {
      case 0: std::snprintf(member_no, sizeof member_no, "VIP%02d%08llu", store,
                            static_cast<unsigned long long>(mix % 100000000)); break;
      case 1: std::snprintf(member_no, sizeof member_no, "88%08llu",
                            static_cast<unsigned long long>(mix % 100000000)); break;
      default: std::snprintf(member_no, sizeof member_no, "C%d-%07llu", store + 1,
                             static_cast<unsigned long long>(mix % 10000000)); break;
    }
    SetText(Field::kMemberNo, member_no, Validity::kValid);

    if (Has(Field::kName)) {
      if (rng_.Chance(0.01)) {
        SetAbsent(Field::kName);
      } else {
        SetText(Field::kName, p.name, Validity::kValid);
      }
    }
    if (Has(Field::kGender)) {
      if (rng_.Chance(0.15)) {
        SetAbsent(Field::kGender);
      } else if (rng_.Chance(0.005)) {
        SetText(Field::kGender, rng_.Pick(kGenderInvalid), Validity::kInvalid);
      } else if (!id_valid && rng_.Chance(0.02)) {
        SetText(Field::kGender, rng_.Pick(kGenderUnspecified), Validity::kValid);
      } else {
        SetText(Field::kGender, p.male ? rng_.Pick(kMaleSpellings) : rng_.Pick(kFemaleSpellings),
                Validity::kValid);
      }
    }
    if (Has(Field::kBirthDate)) {
      // A minor known only by the birth-date column always has a valid one.
      bool must = p.minor && !id_valid;
      if (must) {
        WriteDateCell(Field::kBirthDate, p.birth, false);
      } else if (rng_.Chance(0.4)) {
        SetAbsent(Field::kBirthDate);
      } else {
        WriteDateCell(Field::kBirthDate, p.birth, !p.minor);
      }
    }
    if (p.minor) ++e_->minors;

    if (Has(Field::kAddress)) {
      if (rng_.Chance(0.3)) {
        SetAbsent(Field::kAddress);
      } else {
        SetText(Field::kAddress, p.address, Validity::kValid);
      }
    }
    if (Has(Field::kBankCard)) {
      if (!p.bank_card.empty() && rng_.Chance(0.8)) {
        if (rng_.Chance(r_.bank_card_invalid)) {
          std::string bad = p.bank_card;
          if (rng_.Chance(0.5)) {
            bad.back() = static_cast<char>('0' + (bad.back() - '0' + 1) % 10);
          } else {
            bad.resize(12);
          }
          SetText(Field::kBankCard, CardSpelling(rng_, bad), Validity::kInvalid);
        } else {
          SetText(Field::kBankCard, MaybeFull(CardSpelling(rng_, p.bank_card)),
                  Validity::kValid);
        }
      } else if (p.bank_card.empty() && rng_.Chance(0.01)) {
        SetText(Field::kBankCard, "无", Validity::kInvalid);
      } else {
        SetAbsent(Field::kBankCard);
      }
    }
    if (Has(Field::kStore)) {
      if (rng_.Chance(0.02)) {
        SetAbsent(Field::kStore);
      } else {
        SetText(Field::kStore, kStores[store], Validity::kValid);
      }
    }
    if (Has(Field::kMemberLevel)) {
      if (rng_.Chance(0.1)) {
        SetAbsent(Field::kMemberLevel);
      } else {
        SetText(Field::kMemberLevel, kLevels[p.level], Validity::kValid);
      }
    }
    if (Has(Field::kPoints)) {
      if (rng_.Chance(0.2)) {
        SetAbsent(Field::kPoints);
      } else {
        int64_t points = rng_.Uniform(50001);
        if (!text_format_ && rng_.Chance(0.5)) {
          Cell& c = CellOf(Field::kPoints);
          c.kind = Cell::Kind::kNumber;
          c.number = static_cast<double>(points);
          Count(Field::kPoints, Validity::kValid);
        } else {
          SetText(Field::kPoints, std::to_string(points), Validity::kValid);
        }
      }
    }
    if (Has(Field::kPrepaidBalance)) {
      if (rng_.Chance(0.5)) {
        SetAbsent(Field::kPrepaidBalance);
      } else {
        WriteAmountCell(Field::kPrepaidBalance, rng_.Uniform(20) == 0 ? 0 : rng_.Uniform(5000000));
      }
    }
    if (Has(Field::kTotalSpend)) {
      if (rng_.Chance(0.2)) {
        SetAbsent(Field::kTotalSpend);
      } else {
        WriteAmountCell(Field::kTotalSpend, rng_.Uniform(200000000));
      }
    }
    if (Has(Field::kLastPurchaseDate)) {
      if (rng_.Chance(0.15)) {
        SetAbsent(Field::kLastPurchaseDate);
      } else {
        Date d = o_.import_date.AddDays(-rng_.Between(0, 3650));
        WriteDateCell(Field::kLastPurchaseDate, d, true);
      }
    }
    if (Has(Field::kRingSize)) {
      if (p.ring_size > 0 && rng_.Chance(0.8)) {
        SetText(Field::kRingSize, std::to_string(p.ring_size), Validity::kValid);
      } else {
        SetAbsent(Field::kRingSize);
      }
    }
    if (Has(Field::kNotes)) {
      if (rng_.Chance(r_.notes)) {
        bool pii = false;
        std::string note = MakeNote(p, h.mobile, &pii);
        SetText(Field::kNotes, note, Validity::kValid);
        if (pii) ++e_->free_text_pii;
      } else {
        SetAbsent(Field::kNotes);
      }
    }
    (void)pos;
    return w_->WriteRow(cells_);
  }

  // A row with none of the identifying fields; its other cells (a note with PII too)
  // count nowhere.
  Status EmitNoIdentifierReject(int64_t pos) {
    for (Cell& c : cells_) c.SetText("");
    for (Field f : {Field::kMemberNo, Field::kName, Field::kMobile, Field::kIdNumber,
                    Field::kEmail, Field::kAddress}) {
      if (Has(f) && rng_.Chance(0.3)) CellOf(f).SetText(BlankSpaces(rng_));
    }
    if (Has(Field::kStore)) CellOf(Field::kStore).SetText(kStores[rng_.Uniform(kStoreCount)]);
    if (Has(Field::kMemberLevel)) CellOf(Field::kMemberLevel).SetText(rng_.Pick(kLevels));
    if (Has(Field::kPoints)) CellOf(Field::kPoints).SetText(std::to_string(rng_.Uniform(3000)));
    if (Has(Field::kGender) && rng_.Chance(0.5)) CellOf(Field::kGender).SetText("女");
    if (Has(Field::kNotes) && rng_.Chance(0.3)) {
      CellOf(Field::kNotes).SetText("散客，电话" + RandomMobile());
    }
    Reject(pos + 1, std::string(kNoIdentifierReason));
    return w_->WriteRow(cells_);
  }

  // A CSV/TSV row with one field too many (an address with an unquoted delimiter) or
  // too few (a truncated line).
  Status EmitFieldCountReject(int64_t pos) {
    std::vector<Cell> row(cells_.size());
    Person p = factory_.Make(rng_, false, true, false);
    for (size_t i = 0; i < row.size(); ++i) {
      switch (kind_.columns[i].field) {
        case Field::kMemberNo: row[i].text = "VIP" + Digits(8); break;
        case Field::kName: row[i].text = p.name; break;
        case Field::kMobile: row[i].text = factory_.MobileOf(p.index); break;
        case Field::kIdNumber: row[i].text = p.id18; break;
        case Field::kAddress: row[i].text = p.address; break;
        case Field::kStore: row[i].text = kStores[rng_.Uniform(kStoreCount)]; break;
        default: break;
      }
    }
    size_t n = row.size();
    if (rng_.Chance(0.5) || n < 3) {
      int a = col_of_[static_cast<int>(Field::kAddress)];
      if (a >= 0) {
        // An address with an unquoted delimiter: "广东省广州市,天河区…" is two fields.
        std::string& text = row[a].text;
        size_t cut = std::min<size_t>(text.size(), 9);  // three Han characters
        Cell tail;
        tail.text = text.substr(cut);
        text.resize(cut);
        row.insert(row.begin() + a + 1, tail);
      } else {
        row.insert(row.begin() + static_cast<long>(rng_.Uniform(n)), Cell{});
      }
    } else {
      row.resize(n - 1 - rng_.Uniform(std::min<size_t>(n - 1, 3)));
    }
    Reject(pos + 1, "expected " + std::to_string(n) + " fields, found " +
                        std::to_string(row.size()));
    return w_->WriteRow(row);
  }

  const Options& o_;
  const QuirkRates& r_;
  const KindSpec& kind_;
  int profile_;
  ExpectedReport* e_;
  Rng rng_;
  PersonFactory factory_;
  TableWriter* w_ = nullptr;
  std::array<int, kFieldCount> col_of_;
  std::vector<Cell> cells_;
  bool text_format_ = true;
  bool customers_ = true;
  bool can_minor_ = false;
  int64_t window_ = 1000;
  int64_t seq_ = 0;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
};

std::string FormatFromPath(const std::string& path) {
  auto dot = path.rfind('.');
  if (dot == std::string::npos) return "csv";
  std::string ext = ToLowerAscii(path.substr(dot + 1));
  if (ext == "tsv" || ext == "xlsx" || ext == "jsonl") return ext;
  if (ext == "ndjson") return "jsonl";
  return "csv";
}

struct RateEntry {
  const char* name;
  double QuirkRates::*member;
};
#define JV_RATE(n) {#n, &QuirkRates::n}
constexpr RateEntry kRates[] = {
    JV_RATE(reject_field_count), JV_RATE(reject_no_identifier), JV_RATE(family),
    JV_RATE(email_only),         JV_RATE(minor),                JV_RATE(has_id),
    JV_RATE(has_email),          JV_RATE(id_absent),            JV_RATE(id_absent_first_row),
    JV_RATE(id_converted15),     JV_RATE(id_bad_checksum),      JV_RATE(id_excel_mangled),
    JV_RATE(id_invalid),         JV_RATE(id_spaced),            JV_RATE(id_lower_x),
    JV_RATE(id_garbage),         JV_RATE(mobile_absent),        JV_RATE(mobile_invalid),
    JV_RATE(mobile_prefixed),    JV_RATE(mobile_spaced),        JV_RATE(email_absent),
    JV_RATE(email_upper),        JV_RATE(email_invalid),        JV_RATE(fullwidth),
    JV_RATE(padded),             JV_RATE(blank_spaces),         JV_RATE(date_invalid),
    JV_RATE(xlsx_date_cell),     JV_RATE(bank_card_invalid),    JV_RATE(amount_invalid),
    JV_RATE(notes),              JV_RATE(notes_pii),            JV_RATE(notes_digits),
    JV_RATE(notes_multiline),
};
#undef JV_RATE

}  // namespace

Status SetQuirkRate(QuirkRates* rates, std::string_view name, double value) {
  for (const RateEntry& e : kRates) {
    if (name == e.name) {
      if (!(value >= 0 && value <= 1)) {
        return InvalidArgumentError("rate " + std::string(name) + " must be in [0, 1]");
      }
      rates->*e.member = value;
      return Status::Ok();
    }
  }
  return InvalidArgumentError("unknown rate " + std::string(name));
}

std::vector<std::string> QuirkRateNames() {
  std::vector<std::string> out;
  for (const RateEntry& e : kRates) out.push_back(e.name);
  return out;
}

nlohmann::json ExpectedToJson(const ExpectedReport& e) {
  nlohmann::json fields = nlohmann::json::object();
  for (size_t i = 0; i < e.field_names.size(); ++i) {
    const FieldCount& f = e.fields[i];
    fields[e.field_names[i]] = {{"present", f.present}, {"valid", f.valid}, {"invalid", f.invalid}};
  }
  nlohmann::json rejected = nlohmann::json::array();
  for (const RejectedRow& r : e.rejected) {
    rejected.push_back({{"row", r.row}, {"reason", r.reason}});
  }
  nlohmann::json doc = {
      {"source", e.source},
      {"format", e.format},
      {"encoding", e.encoding},
      {"kind", e.kind},
      {"import_date", e.import_date.ToString()},
      {"rows_read", e.rows_read},
      {"rows_rejected", e.rows_rejected},
      {"rows_imported", e.rows_imported},
      {"subjects_created", e.subjects_created},
      {"rows_merged", e.rows_merged},
      {"shared_contact", e.shared_contact},
      {"minors", e.minors},
      {"fields", fields},
      {"id_number",
       {{"valid", e.id_number.valid},
        {"converted15", e.id_number.converted15},
        {"bad_checksum", e.id_number.bad_checksum},
        {"excel_mangled", e.id_number.excel_mangled},
        {"invalid", e.id_number.invalid}}},
      {"free_text_pii", e.free_text_pii},
      {"rejected", rejected},
      {"rejected_truncated", e.rejected_truncated},
      {"datagen",
       {{"version", 1},
        {"seed", e.seed},
        {"profile", e.profile},
        {"header", e.header},
        {"persons", e.persons},
        {"households", e.households}}},
  };
  if (e.kind != "customers") {
    doc["rows_matched"] = e.rows_merged;
    doc["rows_unmatched"] = e.rows_unmatched;
  }
  return doc;
}

Result<ExpectedReport> Generate(const Options& options) {
  Options o = options;
  if (o.rows < 1 || o.rows > kMaxRows) {
    return InvalidArgumentError("--rows must be between 1 and " + std::to_string(kMaxRows));
  }
  if (o.out.empty()) return InvalidArgumentError("--out is required");
  if (o.format.empty()) o.format = FormatFromPath(o.out);
  const KindSpec* kind = nullptr;
  for (const KindSpec& k : Kinds()) {
    if (o.kind == k.name) kind = &k;
  }
  if (kind == nullptr) {
    return InvalidArgumentError("--kind must be customers, transactions, items or balances");
  }
  if (o.format == "xlsx") {
    if (o.encoding != "utf-8") return InvalidArgumentError("XLSX files are always UTF-8");
    if (o.rows > 1048575) return InvalidArgumentError("XLSX holds at most 1048575 data rows");
  }
  if (o.profile < -1 || o.profile >= kProfiles) {
    return InvalidArgumentError("--profile must be 0, 1 or 2");
  }
  int profile = o.profile >= 0 ? o.profile : static_cast<int>(o.seed % kProfiles);

  ExpectedReport e;
  auto slash = o.out.rfind('/');
  e.source = slash == std::string::npos ? o.out : o.out.substr(slash + 1);
  e.format = o.format;
  e.encoding = o.format == "xlsx" ? "utf-8" : o.encoding;
  e.kind = o.kind;
  e.import_date = o.import_date;
  e.seed = o.seed;
  e.profile = profile;
  for (const ColumnSpec& c : kind->columns) {
    e.header.push_back(c.header ? c.header : kHeaders[profile][static_cast<int>(c.field)]);
    e.field_names.emplace_back(c.name ? c.name : classify::FieldName(c.field));
  }
  e.fields.resize(kind->columns.size());

  WriterOptions wo;
  wo.format = o.format;
  wo.encoding = o.encoding;
  wo.line_ending = o.line_ending;
  wo.xlsx_strings = o.xlsx_strings;
  wo.quote_all = profile == 2;
  JV_ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> w, OpenTableWriter(o.out, wo));
  JV_RETURN_IF_ERROR(w->WriteHeader(e.header));
  Generator g(o, *kind, profile, &e);
  JV_RETURN_IF_ERROR(g.Run(w.get()));
  JV_RETURN_IF_ERROR(w->Close());

  std::string json = ExpectedToJson(e).dump(2) + "\n";
  JV_RETURN_IF_ERROR(WriteFileAtomic(o.out + ".expected.json", json, 0644));
  return e;
}

}  // namespace jv::datagen
