#include "src/ingest/jsonl_reader.h"

#include <cstring>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "src/ingest/encoding.h"

namespace jv::ingest {

namespace {

using Json = nlohmann::json;

// SAX handler for one line: fills cells by header column; builds the header on the first
// line. Returning false from a callback stops the parse (no exceptions).
class LineSax {
 public:
  LineSax(std::vector<std::string>* header, std::unordered_map<std::string, size_t>* index,
          bool build_header, std::vector<std::string>* cells)
      : header_(header), index_(index), build_(build_header), cells_(cells) {
    seen_.assign(header_->size(), false);
  }

  std::optional<std::string> error;
  bool saw_object = false;

  bool null() { return Value(std::string()); }
  bool boolean(bool v) { return Value(v ? "true" : "false"); }
  bool number_integer(Json::number_integer_t v) { return Value(std::to_string(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Value(std::to_string(v)); }
  bool number_float(Json::number_float_t, const Json::string_t& s) { return Value(s); }
  bool string(Json::string_t& s) { return Value(std::move(s)); }
  bool binary(Json::binary_t&) { return Fail("binary values are not supported"); }
  bool start_object(std::size_t) {
    if (depth_ == 0) {
      saw_object = true;
      ++depth_;
      return true;
    }
    return Nested();
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ == 0) return Fail("not a JSON object");
    return Nested();
  }
  bool end_array() { return true; }
  bool key(Json::string_t& k) {
    ++key_pos_;
    auto it = index_->find(k);
    if (it == index_->end()) {
      if (!build_) {
        return Fail("unknown key (key " + std::to_string(key_pos_) +
                    " of the object) not among the first object's " +
                    std::to_string(header_->size()) + " keys");
      }
      it = index_->emplace(k, header_->size()).first;
      header_->push_back(k);
      seen_.push_back(false);
      cells_->emplace_back();
    }
    if (seen_[it->second]) {
      return Fail("duplicate key (key " + std::to_string(key_pos_) + " of the object)");
    }
    seen_[it->second] = true;
    col_ = it->second;
    return true;
  }
  bool parse_error(std::size_t position, const std::string& /*last_token: may hold data*/,
                   const nlohmann::detail::exception& /*ex*/) {
    return Fail("invalid JSON at byte " + std::to_string(position));
  }

 private:
  bool Value(std::string v) {
    if (depth_ == 0) return Fail("not a JSON object");
    (*cells_)[col_] = std::move(v);
    return true;
  }
  bool Nested() {
    return Fail("key " + std::to_string(key_pos_) +
                ": nested objects and arrays are not supported");
  }
  bool Fail(std::string m) {
    if (!error) error = std::move(m);
    return false;
  }

  std::vector<std::string>* header_;
  std::unordered_map<std::string, size_t>* index_;
  bool build_;
  std::vector<std::string>* cells_;
  std::vector<bool> seen_;
  int depth_ = 0;
  size_t key_pos_ = 0;
  size_t col_ = 0;
};

class JsonlReader : public RowReader {
 public:
  static Result<std::unique_ptr<RowReader>> Init(std::unique_ptr<TextStream> stream,
                                                 const ReaderOptions& options) {
    auto r = std::unique_ptr<JsonlReader>(new JsonlReader());
    r->buf_ = std::make_unique<TextBuffer>(std::move(stream), options.chunk_bytes,
                                           options.max_row_bytes);
    std::string_view line;
    int64_t line_no = 0;
    JV_ASSIGN_OR_RETURN(bool got, r->ReadLine(&line, &line_no));
    if (!got) return InvalidArgumentError("empty file: no header");
    r->first_.line_no = line_no;
    r->ParseLine(line, /*build_header=*/true, &r->first_);
    if (r->first_.error) {
      return InvalidArgumentError("line " + std::to_string(line_no) +
                                  ": the first line must be a flat JSON object: " +
                                  *r->first_.error);
    }
    r->have_first_ = true;
    return std::unique_ptr<RowReader>(std::move(r));
  }

  Result<bool> Next(Row* row) override {
    if (done_) return false;
    if (have_first_) {
      have_first_ = false;
      *row = std::move(first_);
      row->row_no = ++rows_;
      return true;
    }
    std::string_view line;
    int64_t line_no = 0;
    auto got = ReadLine(&line, &line_no);
    if (!got.ok() || !*got) {
      done_ = true;
      if (!got.ok()) return got.status();
      return false;
    }
    if (buf_->stream().declared() &&
        std::memchr(line.data(), kInvalidMarker, line.size()) != nullptr) {
      done_ = true;
      return InvalidBytesInDeclaredEncoding(line_no, 0, buf_->stream().encoding());
    }
    row->row_no = ++rows_;
    row->line_no = line_no;
    ParseLine(line, /*build_header=*/false, row);
    return true;
  }

  const std::vector<std::string>& Header() const override { return header_; }
  double Progress() const override { return done_ ? 1.0 : buf_->stream().Progress(); }
  std::string Encoding() const override {
    return std::string(TextEncodingName(buf_->stream().encoding()));
  }
  std::string Format() const override { return "jsonl"; }

 private:
  JsonlReader() = default;

  // The next non-blank line, without its line end; valid until the next call.
  Result<bool> ReadLine(std::string_view* line, int64_t* line_no) {
    for (;;) {
      const char* b = buf_->begin();
      const char* nl = static_cast<const char*>(std::memchr(b, '\n', buf_->size()));
      if (nl == nullptr && !buf_->eof()) {
        auto more = buf_->More();
        if (!more.ok()) {
          if (more.status().code() != StatusCode::kInvalidArgument) return more.status();
          return TooLong();
        }
        continue;
      }
      if (nl == nullptr && buf_->size() == 0) return false;
      size_t len = nl ? static_cast<size_t>(nl - b) : buf_->size();
      if (len > buf_->max_window()) return TooLong();
      buf_->Consume(nl ? len + 1 : len);
      *line_no = line_++;
      std::string_view l(b, len);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (std::memchr(l.data(), '\0', l.size()) != nullptr) {
        return InvalidArgumentError("line " + std::to_string(*line_no) +
                                    ": NUL byte: binary data, not a text file");
      }
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank
      *line = l;
      return true;
    }
  }

  Status TooLong() const {
    return InvalidArgumentError("line " + std::to_string(line_) + ": line longer than " +
                                std::to_string(buf_->max_window()) + " bytes");
  }

  void ParseLine(std::string_view line, bool build_header, Row* row) {
    row->error.reset();
    row->cells.assign(header_.size(), std::string());
    if (std::memchr(line.data(), kInvalidMarker, line.size()) != nullptr) {
      row->error = std::string("undecodable bytes (not valid ") +
                   std::string(TextEncodingName(buf_->stream().encoding())) + ")";
      return;
    }
    LineSax sax(&header_, &index_, build_header, &row->cells);
    try {
      Json::sax_parse(line.begin(), line.end(), &sax);
    } catch (const std::exception&) {
      if (!sax.error) sax.error = "invalid JSON";
    }
    if (!sax.error && !sax.saw_object) sax.error = "not a JSON object";
    if (sax.error) row->error = std::move(sax.error);
  }

  std::unique_ptr<TextBuffer> buf_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, size_t> index_;
  Row first_;
  bool have_first_ = false;
  bool done_ = false;
  int64_t line_ = 1;
  int64_t rows_ = 0;
};

}  // namespace

Result<std::unique_ptr<RowReader>> OpenJsonlReader(const std::string& path,
                                                   const ReaderOptions& options) {
  JV_ASSIGN_OR_RETURN(EncodingOption enc, ParseEncodingOption(options.encoding));
  JV_ASSIGN_OR_RETURN(auto stream, TextStream::Open(path, enc));
  return JsonlReader::Init(std::move(stream), options);
}

Result<std::unique_ptr<RowReader>> OpenJsonlReaderFromString(std::string data,
                                                             const ReaderOptions& options) {
  JV_ASSIGN_OR_RETURN(EncodingOption enc, ParseEncodingOption(options.encoding));
  JV_ASSIGN_OR_RETURN(auto stream, TextStream::FromString(std::move(data), enc));
  return JsonlReader::Init(std::move(stream), options);
}

}  // namespace jv::ingest
