#include "src/ingest/xlsx_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <optional>
#include <unordered_map>

#include <sys/stat.h>

#include <expat.h>
#include <zip.h>

#include "src/common/date.h"
#include "src/common/strings.h"

namespace jv::ingest {

namespace {

constexpr size_t kXmlChunk = 64 << 10;
constexpr int kMaxColumns = 16384;  // XFD
// Excel's last row; a larger r= would also make the reader return that many empty rows.
constexpr int64_t kMaxRows = 1048576;

// ---------------------------------------------------------------------------------------
// libzip adapter.

std::string ZipErrorText(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string s = zip_error_strerror(&e);
  zip_error_fini(&e);
  return s;
}

bool LooksLikeOle2(std::string_view head) {
  return head.size() >= 8 && head.substr(0, 8) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
}

Status OpenError(int code, std::string_view head) {
  if (LooksLikeOle2(head)) {
    return InvalidArgumentError(
        "not an XLSX file: an OLE2 container (a legacy .xls or a password-protected "
        "workbook); save it as .xlsx without a password, or as CSV");
  }
  switch (code) {
    case ZIP_ER_NOZIP:
      return InvalidArgumentError(
          "not a valid XLSX file: no ZIP central directory (the file is truncated or is "
          "not an XLSX workbook)");
    case ZIP_ER_INCONS:
    case ZIP_ER_CRC:
    case ZIP_ER_EOF:
    case ZIP_ER_COMPRESSED_DATA:
    case ZIP_ER_MULTIDISK:
      return DataLossError("damaged XLSX archive: " + ZipErrorText(code));
    case ZIP_ER_MEMORY:
      return InternalError("out of memory opening the XLSX archive");
    default:
      return InvalidArgumentError("cannot open the XLSX archive: " + ZipErrorText(code));
  }
}

class ZipEntry {
 public:
  ZipEntry(zip_file_t* f, std::string name, uint64_t size)
      : f_(f), name_(std::move(name)), size_(size) {}
  ~ZipEntry() { zip_fclose(f_); }
  ZipEntry(const ZipEntry&) = delete;
  ZipEntry& operator=(const ZipEntry&) = delete;

  // Returns 0 at the end; kDataLoss when the entry is damaged.
  Result<size_t> Read(char* dst, size_t cap) {
    zip_int64_t n = zip_fread(f_, dst, cap);
    if (n < 0) {
      return DataLossError(name_ + ": damaged archive entry (" +
                           std::string(zip_error_strerror(zip_file_get_error(f_))) + ")");
    }
    read_ += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
  const std::string& name() const { return name_; }
  uint64_t size() const { return size_; }
  uint64_t read() const { return read_; }

 private:
  zip_file_t* f_;
  std::string name_;
  uint64_t size_;
  uint64_t read_ = 0;
};

class ZipArchive {
 public:
  static Result<std::unique_ptr<ZipArchive>> OpenFile(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return NotFoundError("no such file: " + path);
    if (!S_ISREG(st.st_mode)) return InvalidArgumentError("not a regular file: " + path);
    char head[8] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(head, sizeof head);
    std::string_view h(head, static_cast<size_t>(in.gcount()));
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
    if (z == nullptr) return OpenError(err, h);
    return std::unique_ptr<ZipArchive>(new ZipArchive(z, ""));
  }

  static Result<std::unique_ptr<ZipArchive>> OpenBuffer(std::string data) {
    auto a = std::unique_ptr<ZipArchive>(new ZipArchive(nullptr, std::move(data)));
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(a->data_.data(), a->data_.size(), 0, &ze);
    if (src == nullptr) {
      zip_error_fini(&ze);
      return InternalError("cannot create a ZIP source");
    }
    a->z_ = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (a->z_ == nullptr) {
      int code = zip_error_code_zip(&ze);
      zip_source_free(src);
      zip_error_fini(&ze);
      return OpenError(code, std::string_view(a->data_).substr(0, 8));
    }
    zip_error_fini(&ze);
    return a;
  }

  ~ZipArchive() {
    if (z_ != nullptr) zip_discard(z_);
  }

  bool Has(const std::string& name) const {
    return zip_name_locate(z_, name.c_str(), ZIP_FL_NOCASE) >= 0;
  }

  // kInvalidArgument if the part is missing or encrypted.
  Result<std::unique_ptr<ZipEntry>> Open(const std::string& name) {
    zip_int64_t idx = zip_name_locate(z_, name.c_str(), ZIP_FL_NOCASE);
    if (idx < 0) return InvalidArgumentError("not a valid XLSX file: missing part " + name);
    zip_stat_t st;
    zip_stat_init(&st);
    uint64_t size = 0;
    if (zip_stat_index(z_, static_cast<zip_uint64_t>(idx), 0, &st) == 0 &&
        (st.valid & ZIP_STAT_SIZE)) {
      size = st.size;
    }
    zip_file_t* f = zip_fopen_index(z_, static_cast<zip_uint64_t>(idx), 0);
    if (f == nullptr) {
      zip_error_t* e = zip_get_error(z_);
      int code = zip_error_code_zip(e);
      if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_ENCRNOTSUPP) {
        return InvalidArgumentError(name + ": encrypted archive entry");
      }
      return DataLossError(name + ": cannot read archive entry (" +
                           std::string(zip_error_strerror(e)) + ")");
    }
    return std::make_unique<ZipEntry>(f, name, size);
  }

 private:
  ZipArchive(zip_t* z, std::string data) : z_(z), data_(std::move(data)) {}
  zip_t* z_;
  std::string data_;  // backing bytes of OpenBuffer (the source does not copy)
};

// ---------------------------------------------------------------------------------------
// expat adapter. Names arrive as "namespace-uri|local"; handlers see local names only.

std::string_view LocalName(const char* name) {
  const char* bar = std::strrchr(name, '|');
  return bar ? std::string_view(bar + 1) : std::string_view(name);
}

const char* Attr(const char** attrs, std::string_view local) {
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (LocalName(attrs[i]) == local) return attrs[i + 1];
  }
  return nullptr;
}

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(std::string_view name, const char** attrs) = 0;
  virtual void End(std::string_view name) = 0;
  virtual void Text(const char* s, int len) {}

  // Aborts parsing with `s`.
  void Fail(Status s) {
    if (error_.ok()) error_ = std::move(s);
    XML_StopParser(parser_, XML_FALSE);
  }
  const Status& error() const { return error_; }
  int64_t Line() const { return static_cast<int64_t>(XML_GetCurrentLineNumber(parser_)); }
  void set_parser(XML_Parser p) { parser_ = p; }

 private:
  XML_Parser parser_ = nullptr;
  Status error_;
};

class XmlStream {
 public:
  XmlStream(std::string part, XmlHandler* handler) : part_(std::move(part)), h_(handler) {
    p_ = XML_ParserCreateNS(nullptr, '|');
    JV_CHECK(p_ != nullptr);
    h_->set_parser(p_);
    XML_SetUserData(p_, h_);
    XML_SetElementHandler(
        p_,
        [](void* ud, const XML_Char* name, const XML_Char** attrs) {
          static_cast<XmlHandler*>(ud)->Start(LocalName(name), attrs);
        },
        [](void* ud, const XML_Char* name) {
          static_cast<XmlHandler*>(ud)->End(LocalName(name));
        });
    XML_SetCharacterDataHandler(p_, [](void* ud, const XML_Char* s, int len) {
      static_cast<XmlHandler*>(ud)->Text(s, len);
    });
    // No DTDs: refuse entity declarations (billion laughs) outright.
    XML_SetStartDoctypeDeclHandler(
        p_, [](void* ud, const XML_Char*, const XML_Char*, const XML_Char*, int) {
          static_cast<XmlHandler*>(ud)->Fail(
              InvalidArgumentError("XML with a DOCTYPE is not accepted"));
        });
  }
  ~XmlStream() { XML_ParserFree(p_); }
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  Status Feed(const char* data, size_t n, bool final) {
    if (XML_Parse(p_, data, static_cast<int>(n), final ? XML_TRUE : XML_FALSE) !=
        XML_STATUS_ERROR) {
      return Status::Ok();
    }
    if (!h_->error().ok()) {
      return Status(h_->error().code(), part_ + " line " + std::to_string(h_->Line()) +
                                            ": " + h_->error().message());
    }
    return InvalidArgumentError(part_ + " line " +
                                std::to_string(XML_GetCurrentLineNumber(p_)) +
                                ": malformed XML (" + XML_ErrorString(XML_GetErrorCode(p_)) +
                                ")");
  }

 private:
  std::string part_;
  XmlHandler* h_;
  XML_Parser p_;
};

// Parses a whole part through `handler`, streaming.
Status ParsePart(ZipArchive* zip, const std::string& name, XmlHandler* handler) {
  JV_ASSIGN_OR_RETURN(auto entry, zip->Open(name));
  XmlStream xml(name, handler);
  std::vector<char> chunk(kXmlChunk);
  for (;;) {
    JV_ASSIGN_OR_RETURN(size_t n, entry->Read(chunk.data(), chunk.size()));
    JV_RETURN_IF_ERROR(xml.Feed(chunk.data(), n, n == 0));
    if (n == 0) return Status::Ok();
  }
}

// ---------------------------------------------------------------------------------------
// Package parts.

struct Relationship {
  std::string id, type, target;
};

class RelsHandler : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attrs) override {
    if (name != "Relationship") return;
    const char* id = Attr(attrs, "Id");
    const char* type = Attr(attrs, "Type");
    const char* target = Attr(attrs, "Target");
    if (id && target) rels.push_back({id, type ? type : "", target});
  }
  void End(std::string_view) override {}
  std::vector<Relationship> rels;
};

bool TypeEndsWith(const std::string& type, std::string_view suffix) {
  return type.size() >= suffix.size() &&
         type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Resolves a relationship target against the directory of its source part.
std::string ResolveTarget(const std::string& base_dir, const std::string& target) {
  std::string path = !target.empty() && target[0] == '/' ? target.substr(1) : base_dir + target;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string seg = path.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

std::string DirOf(const std::string& part) {
  size_t slash = part.rfind('/');
  return slash == std::string::npos ? "" : part.substr(0, slash + 1);
}

std::string RelsPathOf(const std::string& part) {
  size_t slash = part.rfind('/');
  std::string dir = slash == std::string::npos ? "" : part.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? part : part.substr(slash + 1);
  return dir + "_rels/" + base + ".rels";
}

struct SheetInfo {
  std::string name, rid;
};

class WorkbookHandler : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attrs) override {
    if (name == "sheet") {
      const char* n = Attr(attrs, "name");
      const char* id = Attr(attrs, "id");
      sheets.push_back({n ? n : "", id ? id : ""});
    } else if (name == "workbookPr") {
      const char* d = Attr(attrs, "date1904");
      if (d && (std::strcmp(d, "1") == 0 || std::strcmp(d, "true") == 0)) date1904 = true;
    }
  }
  void End(std::string_view) override {}
  std::vector<SheetInfo> sheets;
  bool date1904 = false;
};

class StylesHandler : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attrs) override {
    if (name == "numFmt") {
      const char* id = Attr(attrs, "numFmtId");
      const char* code = Attr(attrs, "formatCode");
      if (id && code) custom[std::atoi(id)] = code;
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      const char* id = Attr(attrs, "numFmtId");
      xf_num_fmt.push_back(id ? std::atoi(id) : 0);
    }
  }
  void End(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }
  std::unordered_map<int, std::string> custom;
  std::vector<int> xf_num_fmt;

 private:
  bool in_cell_xfs_ = false;
};

// Decodes ECMA-376's escapes for characters XML cannot carry (Part 1 §22.9.2.19,
// ST_Xstring): "_xHHHH_" is the UTF-16 code unit HHHH (Excel and XlsxWriter write a
// carriage return as "_x000D_"; a literal "_x" is written "_x005F_x"). A surrogate pair is
// two escapes in a row. A lone surrogate stays as written. Only string cells carry these.
void DecodeXstring(std::string* s) {
  if (s->find("_x") == std::string::npos) return;
  auto hex4 = [&](size_t at, uint32_t* out) {
    if (at + 7 > s->size() || (*s)[at] != '_' || (*s)[at + 1] != 'x' || (*s)[at + 6] != '_') {
      return false;
    }
    uint32_t v = 0;
    for (size_t i = at + 2; i < at + 6; ++i) {
      char c = (*s)[i];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return false;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    *out = v;
    return true;
  };
  std::string out;
  out.reserve(s->size());
  for (size_t i = 0; i < s->size();) {
    uint32_t cp = 0;
    if (!hex4(i, &cp)) {
      out += (*s)[i++];
      continue;
    }
    size_t used = 7;
    uint32_t low = 0;
    if (cp >= 0xD800 && cp <= 0xDBFF && hex4(i + 7, &low) && low >= 0xDC00 && low <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      used = 14;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      out.append(*s, i, 7);
      i += 7;
      continue;
    }
    AppendUtf8(cp, &out);
    i += used;
  }
  *s = std::move(out);
}

// The shared-strings table: one pool and offsets (less overhead than a string per entry).
class SharedStrings : public XmlHandler {
 public:
  explicit SharedStrings(size_t max_len) : max_len_(max_len) { offsets_.push_back(0); }
  void Start(std::string_view name, const char** attrs) override {
    if (name == "si") {
      in_si_ = true;
      cur_start_ = pool_.size();
    } else if (name == "rPh") {
      in_rph_ = true;
    } else if (name == "t" && in_si_ && !in_rph_) {
      in_t_ = true;
    }
  }
  void End(std::string_view name) override {
    if (name == "si") {
      in_si_ = false;
      if (pool_.find("_x", cur_start_) != std::string::npos) {
        std::string text = pool_.substr(cur_start_);
        DecodeXstring(&text);
        pool_.resize(cur_start_);
        pool_ += text;
      }
      offsets_.push_back(pool_.size());
    } else if (name == "rPh") {
      in_rph_ = false;
    } else if (name == "t") {
      in_t_ = false;
    }
  }
  void Text(const char* s, int len) override {
    if (!in_t_) return;
    if (pool_.size() - cur_start_ + static_cast<size_t>(len) > max_len_) {
      Fail(InvalidArgumentError("shared string " + std::to_string(offsets_.size() - 1) +
                                " longer than " + std::to_string(max_len_) + " bytes"));
      return;
    }
    pool_.append(s, static_cast<size_t>(len));
  }
  size_t size() const { return offsets_.size() - 1; }
  std::string_view Get(size_t i) const {
    return std::string_view(pool_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }

 private:
  size_t max_len_;
  std::string pool_;
  std::vector<size_t> offsets_;
  size_t cur_start_ = 0;
  bool in_si_ = false, in_rph_ = false, in_t_ = false;
};

// ---------------------------------------------------------------------------------------
// The worksheet.

struct SheetRow {
  int64_t number = 0;
  std::vector<std::string> cells;  // by column; "" where no cell
  size_t cell_elements = 0;        // 1 + the last column with a <c> element, empty or not
};

std::string CellName(int col, int64_t row) {
  std::string letters;
  for (int c = col + 1; c > 0; c = (c - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return letters + std::to_string(row);
}

class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const SharedStrings* sst, const std::vector<NumberFormatKind>* xf_kinds,
               bool date1904, size_t max_row_bytes)
      : sst_(sst), xf_kinds_(xf_kinds), date1904_(date1904), max_row_bytes_(max_row_bytes) {}

  std::deque<SheetRow> rows;  // completed rows (empty ones too), oldest first

  void Start(std::string_view name, const char** attrs) override {
    if (name == "row") {
      const char* r = Attr(attrs, "r");
      row_no_ = r ? std::atoll(r) : row_no_ + 1;
      if (row_no_ <= 0 || row_no_ > kMaxRows) {
        return Fail(InvalidArgumentError("row " + std::to_string(row_no_) +
                                         ": bad row number (1 to 1048576)"));
      }
      cur_.number = row_no_;
      cur_.cells.clear();
      row_bytes_ = 0;
      col_ = -1;
      in_row_ = true;
    } else if (name == "c" && in_row_) {
      const char* r = Attr(attrs, "r");
      int col = r ? ColumnFromCellRef(r) : col_ + 1;
      if (col < 0 || col >= kMaxColumns) {
        return Fail(InvalidArgumentError("row " + std::to_string(row_no_) +
                                         ": bad cell reference"));
      }
      col_ = col;
      const char* t = Attr(attrs, "t");
      type_ = t ? t : "n";
      const char* s = Attr(attrs, "s");
      style_ = s ? std::atoi(s) : 0;
      text_.clear();
      in_cell_ = true;
    } else if (in_cell_) {
      if (name == "v") {
        in_v_ = true;
      } else if (name == "is") {
        in_is_ = true;
      } else if (name == "rPh") {
        in_rph_ = true;
      } else if (name == "t" && in_is_ && !in_rph_) {
        in_t_ = true;
      }
    }
  }

  void End(std::string_view name) override {
    if (name == "v") {
      in_v_ = false;
    } else if (name == "t") {
      in_t_ = false;
    } else if (name == "rPh") {
      in_rph_ = false;
    } else if (name == "is") {
      in_is_ = false;
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      EndCell();
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      rows.push_back(std::move(cur_));
      cur_ = SheetRow();
    }
  }

  void Text(const char* s, int len) override {
    if (!(in_v_ || (in_t_ && !in_rph_))) return;
    row_bytes_ += static_cast<size_t>(len);
    if (row_bytes_ > max_row_bytes_) {
      return Fail(InvalidArgumentError("row " + std::to_string(row_no_) + " longer than " +
                                       std::to_string(max_row_bytes_) + " bytes"));
    }
    text_.append(s, static_cast<size_t>(len));
  }

 private:
  void EndCell() {
    std::string value;
    if (type_ == "s") {
      char* end = nullptr;
      unsigned long long idx = std::strtoull(text_.c_str(), &end, 10);
      if (text_.empty() || end == text_.c_str() || *end != '\0' || idx >= sst_->size()) {
        return Fail(DataLossError("cell " + CellName(col_, row_no_) +
                                  ": shared string index out of range"));
      }
      value = sst_->Get(static_cast<size_t>(idx));
    } else if (type_ == "b") {
      value = text_ == "1" ? "TRUE" : text_ == "0" ? "FALSE" : text_;
    } else if (type_ == "d") {
      value = text_.size() >= 10 && text_[4] == '-' && text_[7] == '-' ? text_.substr(0, 10)
                                                                       : text_;
    } else if (type_ == "n" && !text_.empty()) {
      NumberFormatKind kind = NumberFormatKind::kNumber;
      if (style_ >= 0 && static_cast<size_t>(style_) < xf_kinds_->size()) {
        kind = (*xf_kinds_)[static_cast<size_t>(style_)];
      }
      value = text_;
      if (kind != NumberFormatKind::kNumber) {
        char* end = nullptr;
        double serial = std::strtod(text_.c_str(), &end);
        if (end != text_.c_str() && *end == '\0') {
          if (kind == NumberFormatKind::kDate) {
            auto d = ExcelSerialToDate(serial, date1904_);
            if (d.ok()) value = *d;
          } else if (serial >= 0 && serial < 1e7) {
            value = ExcelSerialToTime(serial);
          }
        }
      }
    } else {
      value = text_;  // inlineStr, str, e
      if (type_ != "e") DecodeXstring(&value);
    }
    cur_.cell_elements = std::max(cur_.cell_elements, static_cast<size_t>(col_) + 1);
    if (value.empty()) return;
    if (static_cast<size_t>(col_) >= cur_.cells.size()) {
      cur_.cells.resize(static_cast<size_t>(col_) + 1);
    }
    cur_.cells[static_cast<size_t>(col_)] = std::move(value);
  }

  const SharedStrings* sst_;
  const std::vector<NumberFormatKind>* xf_kinds_;
  bool date1904_;
  size_t max_row_bytes_;
  SheetRow cur_;
  int64_t row_no_ = 0;
  size_t row_bytes_ = 0;
  int col_ = -1;
  std::string type_;
  int style_ = 0;
  std::string text_;
  bool in_row_ = false, in_cell_ = false, in_v_ = false, in_is_ = false, in_t_ = false,
       in_rph_ = false;
};

class XlsxReader : public RowReader {
 public:
  static Result<std::unique_ptr<RowReader>> Open(std::unique_ptr<ZipArchive> zip,
                                                 const ReaderOptions& options) {
    auto r = std::unique_ptr<XlsxReader>(new XlsxReader());
    r->zip_ = std::move(zip);
    JV_RETURN_IF_ERROR(r->Init(options));
    return std::unique_ptr<RowReader>(std::move(r));
  }

  Result<bool> Next(Row* row) override {
    if (done_) return false;
    if (!ahead_) {
      SheetRow sr;
      auto got = NextSheetRow(&sr);
      if (!got.ok()) {
        done_ = true;
        return got.status();
      }
      if (!*got) {
        done_ = true;
        return false;
      }
      ahead_ = std::move(sr);
    }
    size_t width = header_.size();
    row->row_no = ++rows_;
    row->error.reset();
    if (ahead_->number > last_number_ + 1) {
      // A row number no <row> element has, before one that has: a data row whose every
      // cell is empty, as a CSV writer spells the same row (",,,"), so that the same data
      // counts the same in CSV and XLSX (SPEC §5.4 rejects it: no identifying field).
      row->line_no = ++last_number_;
      row->cells.resize(width);
      for (std::string& c : row->cells) c.clear();
      return true;
    }
    SheetRow sr = std::move(*ahead_);
    ahead_.reset();
    last_number_ = std::max(last_number_, sr.number);
    row->line_no = sr.number;
    size_t last = 0;  // 1 + last non-empty column
    for (size_t i = sr.cells.size(); i > 0; --i) {
      if (!sr.cells[i - 1].empty()) {
        last = i;
        break;
      }
    }
    if (last > width) {
      row->error =
          "expected " + std::to_string(width) + " fields, found " + std::to_string(last);
    }
    sr.cells.resize(width);
    row->cells = std::move(sr.cells);
    return true;
  }

  const std::vector<std::string>& Header() const override { return header_; }
  double Progress() const override {
    if (done_) return 1.0;
    if (!entry_ || entry_->size() == 0) return 0.0;
    return std::min(1.0, static_cast<double>(entry_->read()) /
                             static_cast<double>(entry_->size()));
  }
  std::string Encoding() const override { return "utf-8"; }
  std::string Format() const override { return "xlsx"; }

 private:
  XlsxReader() = default;

  Status Init(const ReaderOptions& options) {
    // Package relationships name the workbook part.
    std::string workbook = "xl/workbook.xml";
    if (zip_->Has("_rels/.rels")) {
      RelsHandler rels;
      JV_RETURN_IF_ERROR(ParsePart(zip_.get(), "_rels/.rels", &rels));
      for (const auto& r : rels.rels) {
        if (TypeEndsWith(r.type, "/officeDocument")) {
          workbook = ResolveTarget("", r.target);
          break;
        }
      }
    }
    WorkbookHandler wb;
    JV_RETURN_IF_ERROR(ParsePart(zip_.get(), workbook, &wb));
    if (wb.sheets.empty()) return InvalidArgumentError(workbook + ": the workbook has no sheets");

    RelsHandler wrels;
    std::string wrels_path = RelsPathOf(workbook);
    JV_RETURN_IF_ERROR(ParsePart(zip_.get(), wrels_path, &wrels));
    const std::string dir = DirOf(workbook);
    auto target_of = [&](const std::string& rid) -> std::string {
      for (const auto& r : wrels.rels) {
        if (r.id == rid) return ResolveTarget(dir, r.target);
      }
      return "";
    };
    auto part_of_type = [&](std::string_view suffix, const std::string& fallback) {
      for (const auto& r : wrels.rels) {
        if (TypeEndsWith(r.type, suffix)) return ResolveTarget(dir, r.target);
      }
      return fallback;
    };

    const SheetInfo* sheet = &wb.sheets[0];
    if (!options.sheet.empty()) {
      sheet = nullptr;
      for (const auto& s : wb.sheets) {
        if (s.name == options.sheet) sheet = &s;
      }
      if (sheet == nullptr) {
        std::string names;
        for (const auto& s : wb.sheets) names += (names.empty() ? "\"" : ", \"") + s.name + "\"";
        return InvalidArgumentError("sheet \"" + options.sheet +
                                    "\" not found; the workbook has " + names);
      }
    }
    std::string sheet_part = target_of(sheet->rid);
    if (sheet_part.empty()) {
      return InvalidArgumentError(wrels_path + ": no target for sheet \"" + sheet->name + "\"");
    }

    std::string styles = part_of_type("/styles", dir + "styles.xml");
    if (zip_->Has(styles)) {
      StylesHandler st;
      JV_RETURN_IF_ERROR(ParsePart(zip_.get(), styles, &st));
      for (int id : st.xf_num_fmt) {
        auto it = st.custom.find(id);
        xf_kinds_.push_back(
            ClassifyNumberFormat(id, it == st.custom.end() ? std::string_view() : it->second));
      }
    }
    sst_ = std::make_unique<SharedStrings>(options.max_row_bytes);
    std::string sst_part = part_of_type("/sharedStrings", dir + "sharedStrings.xml");
    if (zip_->Has(sst_part)) JV_RETURN_IF_ERROR(ParsePart(zip_.get(), sst_part, sst_.get()));

    JV_ASSIGN_OR_RETURN(entry_, zip_->Open(sheet_part));
    sheet_ = std::make_unique<SheetHandler>(sst_.get(), &xf_kinds_, wb.date1904,
                                            options.max_row_bytes);
    xml_ = std::make_unique<XmlStream>(sheet_part, sheet_.get());
    chunk_.resize(kXmlChunk);

    // The header: the first row with a value.
    SheetRow first;
    for (;;) {
      JV_ASSIGN_OR_RETURN(bool got, NextSheetRow(&first));
      if (!got) return InvalidArgumentError(sheet_part + ": empty sheet: no header");
      if (std::any_of(first.cells.begin(), first.cells.end(),
                      [](const std::string& c) { return !c.empty(); })) {
        break;
      }
    }
    // The header's width is its last cell element, an empty one too: openpyxl writes the
    // empty header of a column as <c r="C1" t="inlineStr"></c>, and a CSV writer writes
    // the same header "姓名,手机,", three columns (the third, unknown, is classified from
    // its values). A trailing empty cell with no element is not a column.
    while (first.cells.size() > first.cell_elements && first.cells.back().empty()) {
      first.cells.pop_back();
    }
    first.cells.resize(std::max(first.cells.size(), first.cell_elements));
    header_ = std::move(first.cells);
    last_number_ = first.number;
    return Status::Ok();
  }

  Result<bool> NextSheetRow(SheetRow* out) {
    while (sheet_->rows.empty() && !sheet_eof_) {
      JV_ASSIGN_OR_RETURN(size_t n, entry_->Read(chunk_.data(), chunk_.size()));
      if (n == 0) sheet_eof_ = true;
      JV_RETURN_IF_ERROR(xml_->Feed(chunk_.data(), n, n == 0));
    }
    if (sheet_->rows.empty()) return false;
    *out = std::move(sheet_->rows.front());
    sheet_->rows.pop_front();
    return true;
  }

  std::unique_ptr<ZipArchive> zip_;
  std::vector<NumberFormatKind> xf_kinds_;
  std::unique_ptr<SharedStrings> sst_;
  std::unique_ptr<ZipEntry> entry_;
  std::unique_ptr<SheetHandler> sheet_;
  std::unique_ptr<XmlStream> xml_;
  std::vector<char> chunk_;
  std::vector<std::string> header_;
  bool sheet_eof_ = false;
  bool done_ = false;
  int64_t rows_ = 0;
  // The next <row> element, held while the missing row numbers before it are returned.
  std::optional<SheetRow> ahead_;
  // Sheet row number of the last row returned (the header's at first).
  int64_t last_number_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------
// Public functions.

Result<std::unique_ptr<RowReader>> OpenXlsxReader(const std::string& path,
                                                  const ReaderOptions& options) {
  JV_ASSIGN_OR_RETURN(auto zip, ZipArchive::OpenFile(path));
  return XlsxReader::Open(std::move(zip), options);
}

Result<std::unique_ptr<RowReader>> OpenXlsxReaderFromBuffer(std::string data,
                                                            const ReaderOptions& options) {
  JV_ASSIGN_OR_RETURN(auto zip, ZipArchive::OpenBuffer(std::move(data)));
  return XlsxReader::Open(std::move(zip), options);
}

NumberFormatKind ClassifyNumberFormat(int num_fmt_id, std::string_view code) {
  if (code.empty()) {
    switch (num_fmt_id) {
      // ECMA-376 Part 1 §18.8.30: built-in formats 14-22, and the East Asian (zh-CN)
      // built-ins 27-36 and 50-58.
      case 14: case 15: case 16: case 17: case 22:
      case 27: case 28: case 29: case 30: case 31: case 36:
      case 50: case 51: case 52: case 53: case 54: case 57: case 58:
        return NumberFormatKind::kDate;
      case 18: case 19: case 20: case 21: case 32: case 33: case 34: case 35:
      case 45: case 46: case 47: case 55: case 56:
        return NumberFormatKind::kTime;
      default:
        return NumberFormatKind::kNumber;
    }
  }
  bool date = false, month = false, time = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {  // literal text
      size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {  // escaped / padding character
      ++i;
    } else if (c == '[') {  // [Red], [$-804], [h] (elapsed hours)
      size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      std::string_view inner = code.substr(i + 1, close - i - 1);
      if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) {
        time = true;
      }
      i = close;
    } else {
      switch (c | 0x20) {
        case 'y': case 'd': date = true; break;
        case 'm': month = true; break;
        case 'h': case 's': time = true; break;
        default: break;
      }
    }
  }
  if (date || (month && !time)) return NumberFormatKind::kDate;
  if (time) return NumberFormatKind::kTime;
  return NumberFormatKind::kNumber;
}

Result<std::string> ExcelSerialToDate(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial > 3.0e6) {
    return InvalidArgumentError("not a date serial");
  }
  // Round to the millisecond first, as Excel displays it (x.99999999 is the next day).
  int64_t day = static_cast<int64_t>(std::floor(serial + 0.5 / 86400000.0));
  Date d;
  if (date1904) {
    d = Date{1904, 1, 1}.AddDays(day);
  } else {
    // Excel's 1900 system counts 1900-02-29 (serial 60), a day that never was (the
    // Lotus 1-2-3 leap-year bug): serials 1..59 start at 1899-12-31, 61.. at 1899-12-30.
    if (day < 1 || day == 60) return InvalidArgumentError("not a date serial");
    d = day < 60 ? Date{1899, 12, 31}.AddDays(day) : Date{1899, 12, 30}.AddDays(day);
  }
  if (d.year > 9999) return InvalidArgumentError("not a date serial");
  return d.ToString();
}

std::string ExcelSerialToTime(double serial) {
  double frac = serial - std::floor(serial);
  int64_t secs = std::llround(frac * 86400.0);
  if (secs >= 86400) secs = 0;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

int ColumnFromCellRef(std::string_view ref) {
  int col = 0;
  size_t i = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    col = col * 26 + (ref[i] - 'A' + 1);
    if (col > kMaxColumns) return -1;
    ++i;
  }
  if (i == 0) return -1;
  for (size_t k = i; k < ref.size(); ++k) {
    if (ref[k] < '0' || ref[k] > '9') return -1;
  }
  return col - 1;
}

}  // namespace jv::ingest
