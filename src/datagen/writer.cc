#include "src/datagen/writer.h"

#include <cstdio>
#include <cstring>

#include <unicode/ucnv.h>
#include <xlsxwriter.h>

namespace jv::datagen {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

// Buffered output of UTF-8 text, encoded on flush.
class EncodedFile {
 public:
  ~EncodedFile() {
    if (file_) std::fclose(file_);
    if (to_) ucnv_close(to_);
    if (from_) ucnv_close(from_);
  }

  Status Open(const std::string& path, const std::string& encoding) {
    path_ = path;
    const char* icu_name = nullptr;
    std::string bom;
    if (encoding == "utf-8") {
    } else if (encoding == "utf-8-bom") {
      bom = "\xEF\xBB\xBF";
    } else if (encoding == "gb18030") {
      icu_name = "GB18030";
    } else if (encoding == "utf-16le") {
      icu_name = "UTF-16LE";
      bom = "\xFF\xFE";
    } else {
      return InvalidArgumentError("--encoding must be utf-8, utf-8-bom, gb18030 or utf-16le");
    }
    if (icu_name != nullptr) {
      UErrorCode err = U_ZERO_ERROR;
      to_ = ucnv_open(icu_name, &err);
      if (U_FAILURE(err)) return InternalError(std::string("ICU has no converter ") + icu_name);
      from_ = ucnv_open("UTF-8", &err);
      if (U_FAILURE(err)) return InternalError("ICU has no UTF-8 converter");
      // Fail instead of substituting: every generated character must be representable.
      ucnv_setFromUCallBack(to_, UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &err);
      ucnv_setToUCallBack(from_, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &err);
      if (U_FAILURE(err)) return InternalError("cannot configure ICU converter");
    }
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) return NotFoundError("cannot create output file " + path);
    buf_.reserve(kFlushBytes + (64 << 10));
    if (!bom.empty() && std::fwrite(bom.data(), 1, bom.size(), file_) != bom.size()) {
      return IoError();
    }
    return Status::Ok();
  }

  std::string& buf() { return buf_; }

  // Call at row boundaries (the buffer then holds whole UTF-8 sequences).
  Status MaybeFlush() { return buf_.size() >= kFlushBytes ? Flush() : Status::Ok(); }

  Status Flush() {
    if (buf_.empty()) return Status::Ok();
    if (to_ == nullptr) {
      if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) return IoError();
    } else {
      JV_RETURN_IF_ERROR(Convert());
    }
    buf_.clear();
    return Status::Ok();
  }

  Status Close() {
    JV_RETURN_IF_ERROR(Flush());
    int rc = std::fclose(file_);
    file_ = nullptr;
    return rc == 0 ? Status::Ok() : IoError();
  }

 private:
  Status IoError() { return InternalError("write failed: " + path_); }

  Status Convert() {
    const char* src = buf_.data();
    const char* src_end = src + buf_.size();
    UChar pivot[8192];
    UChar* pivot_src = pivot;
    UChar* pivot_dst = pivot;
    UBool reset = true;
    for (;;) {
      char* dst = out_;
      UErrorCode err = U_ZERO_ERROR;
      ucnv_convertEx(to_, from_, &dst, out_ + sizeof out_, &src, src_end, pivot, &pivot_src,
                     &pivot_dst, pivot + 8192, reset, /*flush=*/true, &err);
      reset = false;
      size_t n = static_cast<size_t>(dst - out_);
      if (n > 0 && std::fwrite(out_, 1, n, file_) != n) return IoError();
      if (err == U_BUFFER_OVERFLOW_ERROR) continue;
      if (U_FAILURE(err)) {
        return InternalError(std::string("text cannot be encoded: ") + u_errorName(err));
      }
      return Status::Ok();
    }
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  UConverter* to_ = nullptr;
  UConverter* from_ = nullptr;
  std::string buf_;
  char out_[1 << 16];
};

class CsvWriter : public TableWriter {
 public:
  CsvWriter(char delim, std::string eol, bool quote_all)
      : delim_(delim), eol_(std::move(eol)), quote_all_(quote_all) {}

  Status Open(const std::string& path, const std::string& encoding) {
    return file_.Open(path, encoding);
  }

  Status WriteHeader(const std::vector<std::string>& header) override {
    std::string& b = file_.buf();
    for (size_t i = 0; i < header.size(); ++i) {
      if (i > 0) b.push_back(delim_);
      Append(header[i]);
    }
    b += eol_;
    return Status::Ok();
  }

  Status WriteRow(const std::vector<Cell>& cells) override {
    std::string& b = file_.buf();
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) b.push_back(delim_);
      Append(cells[i].text);
    }
    b += eol_;
    return file_.MaybeFlush();
  }

  Status Close() override { return file_.Close(); }

 private:
  void Append(const std::string& v) {
    std::string& b = file_.buf();
    bool quote = quote_all_;
    if (!quote) {
      for (char c : v) {
        if (c == delim_ || c == '"' || c == '\r' || c == '\n') {
          quote = true;
          break;
        }
      }
    }
    if (!quote) {
      b += v;
      return;
    }
    b.push_back('"');
    for (char c : v) {
      if (c == '"') b.push_back('"');
      b.push_back(c);
    }
    b.push_back('"');
  }

  char delim_;
  std::string eol_;
  bool quote_all_;
  EncodedFile file_;
};

void AppendJsonString(std::string* b, const std::string& v) {
  b->push_back('"');
  for (unsigned char c : v) {
    switch (c) {
      case '"': *b += "\\\""; break;
      case '\\': *b += "\\\\"; break;
      case '\n': *b += "\\n"; break;
      case '\r': *b += "\\r"; break;
      case '\t': *b += "\\t"; break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          *b += esc;
        } else {
          b->push_back(static_cast<char>(c));
        }
    }
  }
  b->push_back('"');
}

class JsonlWriter : public TableWriter {
 public:
  explicit JsonlWriter(std::string eol) : eol_(std::move(eol)) {}
  Status Open(const std::string& path, const std::string& encoding) {
    return file_.Open(path, encoding);
  }
  Status WriteHeader(const std::vector<std::string>& header) override {
    keys_ = header;
    return Status::Ok();
  }
  Status WriteRow(const std::vector<Cell>& cells) override {
    if (cells.size() != keys_.size()) {
      return InternalError("JSON Lines rows must have one value per key");
    }
    std::string& b = file_.buf();
    b.push_back('{');
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) b.push_back(',');
      AppendJsonString(&b, keys_[i]);
      b.push_back(':');
      AppendJsonString(&b, cells[i].text);
    }
    b.push_back('}');
    b += eol_;
    return file_.MaybeFlush();
  }
  Status Close() override { return file_.Close(); }

 private:
  std::string eol_;
  std::vector<std::string> keys_;
  EncodedFile file_;
};

class XlsxWriter : public TableWriter {
 public:
  ~XlsxWriter() override {
    // A workbook that was never closed (an earlier error): close it to free memory.
    if (wb_ != nullptr) workbook_close(wb_);
  }

  Status Open(const std::string& path, bool inline_strings) {
    path_ = path;
    lxw_workbook_options opts = {};
    opts.constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE;
    opts.use_zip64 = LXW_TRUE;
    wb_ = workbook_new_opt(path.c_str(), &opts);
    if (wb_ == nullptr) return NotFoundError("cannot create output file " + path);
    ws_ = workbook_add_worksheet(wb_, "客户");
    date_fmt_ = workbook_add_format(wb_);
    if (ws_ == nullptr || date_fmt_ == nullptr) return InternalError("libxlsxwriter failed");
    format_set_num_format(date_fmt_, "yyyy-mm-dd");
    return Status::Ok();
  }

  Status WriteHeader(const std::vector<std::string>& header) override {
    width_ = header.size();
    for (size_t c = 0; c < header.size(); ++c) {
      JV_RETURN_IF_ERROR(Check(worksheet_write_string(ws_, 0, static_cast<lxw_col_t>(c),
                                                      header[c].c_str(), nullptr)));
    }
    row_ = 1;
    return Status::Ok();
  }

  Status WriteRow(const std::vector<Cell>& cells) override {
    if (cells.size() != width_) return InternalError("XLSX rows must match the header");
    if (row_ >= LXW_ROW_MAX) return InvalidArgumentError("XLSX holds at most 1048575 data rows");
    for (size_t c = 0; c < cells.size(); ++c) {
      const Cell& cell = cells[c];
      auto col = static_cast<lxw_col_t>(c);
      lxw_error e = LXW_NO_ERROR;
      switch (cell.kind) {
        case Cell::Kind::kText:
          if (cell.text.empty()) continue;  // an absent cell is not written
          e = worksheet_write_string(ws_, row_, col, cell.text.c_str(), nullptr);
          break;
        case Cell::Kind::kNumber:
          e = worksheet_write_number(ws_, row_, col, cell.number, nullptr);
          break;
        case Cell::Kind::kDate: {
          lxw_datetime dt = {cell.date.year, cell.date.month, cell.date.day, 0, 0, 0};
          e = worksheet_write_datetime(ws_, row_, col, &dt, date_fmt_);
          break;
        }
      }
      JV_RETURN_IF_ERROR(Check(e));
    }
    ++row_;
    return Status::Ok();
  }

  Status Close() override {
    lxw_error e = workbook_close(wb_);
    wb_ = nullptr;
    if (e != LXW_NO_ERROR) {
      return InternalError("cannot write " + path_ + ": " + lxw_strerror(e));
    }
    return Status::Ok();
  }

 private:
  Status Check(lxw_error e) {
    if (e == LXW_NO_ERROR) return Status::Ok();
    return InternalError(std::string("libxlsxwriter: ") + lxw_strerror(e));
  }

  std::string path_;
  lxw_workbook* wb_ = nullptr;
  lxw_worksheet* ws_ = nullptr;
  lxw_format* date_fmt_ = nullptr;
  size_t width_ = 0;
  lxw_row_t row_ = 0;
};

}  // namespace

Result<std::unique_ptr<TableWriter>> OpenTableWriter(const std::string& path,
                                                     const WriterOptions& o) {
  std::string eol;
  if (o.line_ending == "crlf") {
    eol = "\r\n";
  } else if (o.line_ending == "lf") {
    eol = "\n";
  } else {
    return InvalidArgumentError("--line-ending must be crlf or lf");
  }
  if (o.format == "csv" || o.format == "tsv") {
    auto w = std::make_unique<CsvWriter>(o.format == "tsv" ? '\t' : ',', eol, o.quote_all);
    JV_RETURN_IF_ERROR(w->Open(path, o.encoding));
    return std::unique_ptr<TableWriter>(std::move(w));
  }
  if (o.format == "jsonl") {
    auto w = std::make_unique<JsonlWriter>(eol);
    JV_RETURN_IF_ERROR(w->Open(path, o.encoding));
    return std::unique_ptr<TableWriter>(std::move(w));
  }
  if (o.format == "xlsx") {
    if (o.xlsx_strings != "shared" && o.xlsx_strings != "inline") {
      return InvalidArgumentError("--xlsx-strings must be shared or inline");
    }
    auto w = std::make_unique<XlsxWriter>();
    JV_RETURN_IF_ERROR(w->Open(path, o.xlsx_strings == "inline"));
    return std::unique_ptr<TableWriter>(std::move(w));
  }
  return InvalidArgumentError("--format must be csv, tsv, xlsx or jsonl");
}

}  // namespace jv::datagen
