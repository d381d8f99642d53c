#include "src/ingest/csv_reader.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace jv::ingest {

namespace {

// How far into the file the delimiter detection looks for the end of the header line.
constexpr size_t kDelimiterScanBytes = 64 << 10;

// Advances `p` to the first byte of [p, e) that `special` marks (or to e). The common case,
// an unquoted field of a dozen bytes, is found with one 16-byte SSE2 compare.
inline const char* ScanSpecial(const char* p, const char* e, const bool* special,
                               char delim) {
#if defined(__SSE2__)
  const __m128i vd = _mm_set1_epi8(delim);
  const __m128i vn = _mm_set1_epi8('\n');
  const __m128i vr = _mm_set1_epi8('\r');
  const __m128i vz = _mm_setzero_si128();
  const __m128i vm = _mm_set1_epi8(kInvalidMarker);
  while (e - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vn)),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vr), _mm_cmpeq_epi8(x, vz)),
                     _mm_cmpeq_epi8(x, vm)));
    int mask = _mm_movemask_epi8(m);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < e && !special[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

std::string& CellAt(std::vector<std::string>* cells, size_t i) {
  if (i < cells->size()) {
    (*cells)[i].clear();
    return (*cells)[i];
  }
  return cells->emplace_back();
}

}  // namespace

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path,
                                                   const ReaderOptions& options) {
  JV_ASSIGN_OR_RETURN(EncodingOption enc, ParseEncodingOption(options.encoding));
  JV_ASSIGN_OR_RETURN(auto stream, TextStream::Open(path, enc));
  return Init(std::move(stream), options);
}

Result<std::unique_ptr<CsvReader>> CsvReader::FromString(std::string data,
                                                         const ReaderOptions& options) {
  JV_ASSIGN_OR_RETURN(EncodingOption enc, ParseEncodingOption(options.encoding));
  JV_ASSIGN_OR_RETURN(auto stream, TextStream::FromString(std::move(data), enc));
  return Init(std::move(stream), options);
}

Result<std::unique_ptr<CsvReader>> CsvReader::Init(std::unique_ptr<TextStream> stream,
                                                   const ReaderOptions& options) {
  auto r = std::unique_ptr<CsvReader>(new CsvReader());
  r->buf_ = std::make_unique<TextBuffer>(std::move(stream), options.chunk_bytes,
                                         options.max_row_bytes);
  char d = options.delimiter;
  if (d == 0 && options.format == "tsv") d = '\t';
  if (d != 0) {
    if (d == '"' || d == '\r' || d == '\n' || d == '\0' ||
        static_cast<unsigned char>(d) >= 0x80) {
      return InvalidArgumentError("unusable CSV delimiter");
    }
    r->delim_ = d;
  } else {
    JV_RETURN_IF_ERROR(r->DetectDelimiter());
  }
  for (unsigned char c : {'\n', '\r', '\0'}) r->special_[c] = true;
  r->special_[static_cast<unsigned char>(r->delim_)] = true;
  r->special_[static_cast<unsigned char>(kInvalidMarker)] = true;

  Row header;
  int64_t line = 0;
  size_t bad = 0;
  JV_ASSIGN_OR_RETURN(bool got, r->ReadRecord(&header, &line, &bad));
  if (!got) return InvalidArgumentError("empty file: no header");
  if (bad != 0) {
    return InvalidArgumentError("line " + std::to_string(line) + ": header is not valid " +
                                std::string(TextEncodingName(r->buf_->stream().encoding())));
  }
  r->header_ = std::move(header.cells);
  return r;
}

Status CsvReader::DetectDelimiter() {
  auto line_end = [&]() -> const char* {
    const char* p = buf_->begin();
    const char* e = buf_->end();
    while (p < e && (*p == '\n' || *p == '\r')) ++p;  // leading blank lines
    bool quoted = false;
    for (; p < e; ++p) {
      if (*p == '"') quoted = !quoted;
      if (!quoted && (*p == '\n' || *p == '\r')) return p;
    }
    return nullptr;
  };
  while (line_end() == nullptr && !buf_->eof() &&
         buf_->size() < std::min(kDelimiterScanBytes, buf_->max_window())) {
    auto more = buf_->More();
    if (!more.ok()) return more.status().code() == StatusCode::kInvalidArgument
                               ? Status::Ok()  // too long: parsing reports it
                               : more.status();
  }
  size_t commas = 0, tabs = 0;
  bool quoted = false;
  const char* p = buf_->begin();
  const char* e = buf_->end();
  while (p < e && (*p == '\n' || *p == '\r')) ++p;
  for (; p < e; ++p) {
    char c = *p;
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    if (c == ',') ++commas;
    if (c == '\t') ++tabs;
  }
  delim_ = tabs > commas ? '\t' : ',';
  return Status::Ok();
}

CsvReader::Parsed CsvReader::ParseRecord(const char* p, const char* e, bool eof,
                                         std::vector<std::string>* cells, size_t* consumed,
                                         int64_t* lines, size_t* bad_column,
                                         Status* error) const {
  const char* const start = p;
  *lines = 0;
  *bad_column = 0;
  if (p == e) return eof ? Parsed::kEnd : Parsed::kNeedMore;
  if (*p == '\n' || *p == '\r') {  // an empty line
    if (*p == '\r') {
      if (p + 1 == e && !eof) return Parsed::kNeedMore;
      *consumed = (p + 1 < e && p[1] == '\n') ? 2 : 1;
    } else {
      *consumed = 1;
    }
    *lines = 1;
    return Parsed::kBlank;
  }
  auto nul_error = [&]() {
    *error = InvalidArgumentError(
        "line " + std::to_string(line_ + *lines) +
        ": NUL byte: binary data, not a text file (a UTF-16 file without a BOM needs "
        "--encoding utf-16le or utf-16be)");
    return Parsed::kEnd;
  };
  size_t ncell = 0;
  for (;;) {
    std::string& cell = CellAt(cells, ncell++);
    if (p < e && *p == '"') {
      const int64_t open_line = line_ + *lines;
      ++p;
      const char* s = p;
      for (;;) {
        while (p < e && *p != '"' && !special_[static_cast<unsigned char>(*p)]) ++p;
        if (p == e) {
          if (!eof) return Parsed::kNeedMore;
          *error = InvalidArgumentError("line " + std::to_string(open_line) + ", column " +
                                        std::to_string(ncell) +
                                        ": quoted field not closed before the end of the "
                                        "file");
          return Parsed::kEnd;
        }
        char c = *p;
        if (c == '"') {
          cell.append(s, static_cast<size_t>(p - s));
          ++p;
          if (p == e && !eof) return Parsed::kNeedMore;
          if (p < e && *p == '"') {  // doubled quote: keep the second one
            s = p;
            ++p;
            continue;
          }
          break;  // closing quote
        }
        if (c == '\n') {
          if (p[-1] != '\r') ++*lines;
        } else if (c == '\r') {
          ++*lines;
        } else if (c == '\0') {
          return nul_error();
        } else if (c == kInvalidMarker) {
          if (*bad_column == 0) *bad_column = ncell;
        }
        // A delimiter inside quotes is just text.
        ++p;
      }
    }
    // Unquoted text (or text after a closing quote, kept leniently).
    const char* s = p;
    for (;;) {
      p = ScanSpecial(p, e, special_, delim_);
      if (p < e && *p == kInvalidMarker) {
        if (*bad_column == 0) *bad_column = ncell;
        ++p;
        continue;
      }
      break;
    }
    cell.append(s, static_cast<size_t>(p - s));
    if (p == e) {
      if (!eof) return Parsed::kNeedMore;
      break;  // the last line has no line end
    }
    char c = *p;
    if (c == delim_) {
      ++p;
      continue;
    }
    if (c == '\0') return nul_error();
    if (c == '\n') {
      ++p;
    } else {  // '\r', maybe followed by '\n'
      if (p + 1 == e && !eof) return Parsed::kNeedMore;
      ++p;
      if (p < e && *p == '\n') ++p;
    }
    ++*lines;
    break;
  }
  cells->resize(ncell);
  *consumed = static_cast<size_t>(p - start);
  return Parsed::kRow;
}

Result<bool> CsvReader::ReadRecord(Row* row, int64_t* start_line, size_t* bad_column) {
  for (;;) {
    size_t consumed = 0;
    int64_t lines = 0;
    Status error;
    Parsed r = ParseRecord(buf_->begin(), buf_->end(), buf_->eof(), &row->cells, &consumed,
                           &lines, bad_column, &error);
    if (!error.ok()) return error;
    switch (r) {
      case Parsed::kNeedMore: {
        auto more = buf_->More();
        if (!more.ok()) {
          if (more.status().code() != StatusCode::kInvalidArgument) return more.status();
          return TooLong();
        }
        continue;
      }
      case Parsed::kEnd:
        return false;
      case Parsed::kBlank:
        buf_->Consume(consumed);
        line_ += lines;
        continue;
      case Parsed::kRow:
        if (consumed > buf_->max_window()) return TooLong();
        *start_line = line_;
        buf_->Consume(consumed);
        line_ += lines;
        return true;
    }
  }
}

Result<bool> CsvReader::Next(Row* row) {
  if (done_) return false;
  int64_t start = 0;
  size_t bad = 0;
  auto got = ReadRecord(row, &start, &bad);
  if (!got.ok()) {
    done_ = true;
    return got.status();
  }
  if (!*got) {
    done_ = true;
    return false;
  }
  if (bad != 0 && buf_->stream().declared()) {
    done_ = true;
    return InvalidBytesInDeclaredEncoding(start, bad, buf_->stream().encoding());
  }
  row->row_no = ++rows_;
  row->line_no = start;
  row->error.reset();
  if (row->cells.size() != header_.size()) {
    row->error = "expected " + std::to_string(header_.size()) + " fields, found " +
                 std::to_string(row->cells.size());
  } else if (bad != 0) {
    row->error = InvalidBytesWhat() + " in column " + std::to_string(bad);
  }
  if (bad != 0) {
    for (std::string& c : row->cells) {
      if (std::memchr(c.data(), kInvalidMarker, c.size()) != nullptr) c.clear();
    }
  }
  return true;
}

double CsvReader::Progress() const {
  return done_ ? 1.0 : buf_->stream().Progress();
}

std::string CsvReader::Encoding() const {
  return std::string(TextEncodingName(buf_->stream().encoding()));
}

Status CsvReader::TooLong() const {
  return InvalidArgumentError("line " + std::to_string(line_) + ": row longer than " +
                              std::to_string(buf_->max_window()) +
                              " bytes (a missing line end or an unclosed quote?)");
}

std::string CsvReader::InvalidBytesWhat() const {
  switch (buf_->stream().encoding()) {
    case TextEncoding::kUtf8:
    case TextEncoding::kUtf8Bom:
      return "invalid UTF-8 bytes";
    case TextEncoding::kGb18030:
      return "invalid GB18030 bytes";
    case TextEncoding::kUtf16Le:
    case TextEncoding::kUtf16Be:
      return "invalid UTF-16 data";
  }
  return "undecodable bytes";
}

}  // namespace jv::ingest
