#include "src/ingest/encoding.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>

#include "src/common/strings.h"

namespace jv::ingest {

// ---------------------------------------------------------------------------------------
// Byte sources.

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `cap` bytes; 0 at the end.
  virtual Result<size_t> Read(char* dst, size_t cap) = 0;
  uint64_t size() const { return size_; }
  uint64_t consumed() const { return consumed_; }

 protected:
  uint64_t size_ = 0;
  uint64_t consumed_ = 0;
};

namespace {

class FileSource : public ByteSource {
 public:
  static Result<std::unique_ptr<ByteSource>> Open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      if (e == ENOENT) return NotFoundError("no such file: " + path);
      return InvalidArgumentError("cannot open " + path + ": " + std::strerror(e));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return InvalidArgumentError("not a regular file: " + path);
    }
    auto src = std::unique_ptr<FileSource>(new FileSource(fd));
    src->size_ = static_cast<uint64_t>(st.st_size);
    return std::unique_ptr<ByteSource>(std::move(src));
  }
  ~FileSource() override { ::close(fd_); }

  Result<size_t> Read(char* dst, size_t cap) override {
    for (;;) {
      ssize_t n = ::read(fd_, dst, cap);
      if (n >= 0) {
        consumed_ += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno == EINTR) continue;
      return DataLossError(std::string("read error: ") + std::strerror(errno));
    }
  }

 private:
  explicit FileSource(int fd) : fd_(fd) {}
  int fd_;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) { size_ = data_.size(); }
  Result<size_t> Read(char* dst, size_t cap) override {
    size_t n = std::min(cap, data_.size() - static_cast<size_t>(consumed_));
    std::memcpy(dst, data_.data() + consumed_, n);
    consumed_ += n;
    return n;
  }

 private:
  std::string data_;
};

// ICU to-Unicode callback: every unassigned, illegal or truncated sequence becomes one
// lone low surrogate U+DFFF, which valid input can never produce and which the UTF-16 ->
// UTF-8 loop turns into kInvalidMarker. Nothing is substituted silently.
void MarkInvalidCallback(const void* /*context*/, UConverterToUnicodeArgs* args,
                         const char* /*bytes*/, int32_t /*length*/,
                         UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // reset, close, clone
  static const UChar kMark = 0xDFFF;
  *err = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &kMark, 1, 0, err);
}

bool HasPrefix(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

constexpr std::string_view kBomUtf8 = "\xEF\xBB\xBF";
constexpr std::string_view kBomUtf16Le = "\xFF\xFE";
constexpr std::string_view kBomUtf16Be = "\xFE\xFF";

}  // namespace

// ---------------------------------------------------------------------------------------
// Names and detection.

std::string_view TextEncodingName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kUtf8: return "utf-8";
    case TextEncoding::kUtf8Bom: return "utf-8-bom";
    case TextEncoding::kGb18030: return "gb18030";
    case TextEncoding::kUtf16Le: return "utf-16le";
    case TextEncoding::kUtf16Be: return "utf-16be";
  }
  return "unknown";
}

Status InvalidBytesInDeclaredEncoding(int64_t line, size_t column, TextEncoding e) {
  std::string where = "line " + std::to_string(line);
  if (column != 0) where += ", column " + std::to_string(column);
  const bool utf16 = e == TextEncoding::kUtf16Le || e == TextEncoding::kUtf16Be;
  const char* what = e == TextEncoding::kGb18030 ? "GB18030" : utf16 ? "UTF-16" : "UTF-8";
  std::string name(e == TextEncoding::kUtf8Bom ? "utf-8" : TextEncodingName(e));
  return InvalidArgumentError(where + ": invalid " + what +
                              " bytes, but --encoding declared the file " + name +
                              ": it is not in that encoding (nothing was imported)");
}

Result<EncodingOption> ParseEncodingOption(std::string_view name) {
  std::string n = ToLowerAscii(name);
  if (n.empty() || n == "auto") return EncodingOption::kAuto;
  if (n == "utf-8" || n == "utf8" || n == "utf-8-bom") return EncodingOption::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312" || n == "cp936") {
    return EncodingOption::kGb18030;
  }
  if (n == "utf-16" || n == "utf16") return EncodingOption::kUtf16;
  if (n == "utf-16le" || n == "utf16le") return EncodingOption::kUtf16Le;
  if (n == "utf-16be" || n == "utf16be") return EncodingOption::kUtf16Be;
  return InvalidArgumentError(
      "unknown encoding (use auto, utf-8, gb18030, gbk, utf-16, utf-16le or utf-16be)");
}

DetectedEncoding DetectEncoding(std::string_view head, bool is_whole_file,
                                EncodingOption option) {
  switch (option) {
    case EncodingOption::kUtf8:
      if (HasPrefix(head, kBomUtf8)) return {TextEncoding::kUtf8Bom, 3};
      return {TextEncoding::kUtf8, 0};
    case EncodingOption::kGb18030:
      return {TextEncoding::kGb18030, 0};
    case EncodingOption::kUtf16:
      if (HasPrefix(head, kBomUtf16Be)) return {TextEncoding::kUtf16Be, 2};
      if (HasPrefix(head, kBomUtf16Le)) return {TextEncoding::kUtf16Le, 2};
      return {TextEncoding::kUtf16Le, 0};
    case EncodingOption::kUtf16Le:
      return {TextEncoding::kUtf16Le, HasPrefix(head, kBomUtf16Le) ? size_t{2} : 0};
    case EncodingOption::kUtf16Be:
      return {TextEncoding::kUtf16Be, HasPrefix(head, kBomUtf16Be) ? size_t{2} : 0};
    case EncodingOption::kAuto:
      break;
  }
  if (HasPrefix(head, kBomUtf8)) return {TextEncoding::kUtf8Bom, 3};
  if (HasPrefix(head, kBomUtf16Le)) return {TextEncoding::kUtf16Le, 2};
  if (HasPrefix(head, kBomUtf16Be)) return {TextEncoding::kUtf16Be, 2};
  std::string copy(head);
  size_t invalid = 0;
  ValidateUtf8InPlace(copy.data(), copy.size(), is_whole_file, &invalid);
  if (invalid == 0) return {TextEncoding::kUtf8, 0};
  return {TextEncoding::kGb18030, 0};
}

size_t ValidateUtf8InPlace(char* data, size_t size, bool final, size_t* invalid) {
  unsigned char* p = reinterpret_cast<unsigned char*>(data);
  size_t i = 0;
  size_t bad = 0;
  while (i < size) {
    // ASCII fast path, 8 bytes at a time.
    while (i + 8 <= size) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= size) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Fast path for the three-byte sequences of CJK text (leads E1..EC and EE..EF take
    // any continuation bytes).
    while (i + 2 < size && ((c >= 0xE1 && c <= 0xEC) || c >= 0xEE) && c <= 0xEF &&
           (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
      i += 3;
      c = i < size ? p[i] : 0;
    }
    if (i >= size) break;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;        // no overlongs
      else if (c == 0xED) hi = 0x9F;   // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;        // no overlongs
      else if (c == 0xF4) hi = 0x8F;   // <= U+10FFFF
    } else {
      p[i++] = static_cast<unsigned char>(kInvalidMarker);
      ++bad;
      continue;
    }
    bool ok = true;
    for (size_t k = 1; k < len; ++k) {
      if (i + k >= size) {
        if (!final) {
          if (invalid) *invalid += bad;
          return i;  // a well-formed prefix, cut by the block end
        }
        ok = false;
        break;
      }
      unsigned char b = p[i + k];
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      // Mark the lead byte; stray continuation bytes after it are marked in turn.
      p[i++] = static_cast<unsigned char>(kInvalidMarker);
      ++bad;
      continue;
    }
    i += len;
  }
  if (invalid) *invalid += bad;
  return size;
}

// ---------------------------------------------------------------------------------------
// TextStream.

struct TextStream::Icu {
  static constexpr size_t kRawSize = 256 << 10;
  static constexpr size_t kUnitSize = 256 << 10;
  UConverter* conv = nullptr;
  // Sized for the input when it is small (tests, fuzzing: no 768 KiB per tiny file).
  explicit Icu(uint64_t input_size)
      : raw(static_cast<size_t>(std::min<uint64_t>(kRawSize, input_size + 64))),
        u16(static_cast<size_t>(std::min<uint64_t>(kUnitSize, input_size + 64))) {}
  std::vector<char> raw;
  size_t raw_pos = 0, raw_len = 0;
  bool raw_eof = false;
  std::vector<UChar> u16;
  size_t u_pos = 0, u_len = 0;
  bool flushed = false;
  ~Icu() {
    if (conv) ucnv_close(conv);
  }
};

TextStream::~TextStream() = default;

Result<std::unique_ptr<TextStream>> TextStream::Open(const std::string& path,
                                                     EncodingOption option) {
  JV_ASSIGN_OR_RETURN(auto src, FileSource::Open(path));
  auto ts = std::unique_ptr<TextStream>(new TextStream());
  ts->source_ = std::move(src);
  JV_RETURN_IF_ERROR(ts->Init(option));
  return ts;
}

Result<std::unique_ptr<TextStream>> TextStream::FromString(std::string data,
                                                           EncodingOption option) {
  auto ts = std::unique_ptr<TextStream>(new TextStream());
  ts->source_ = std::make_unique<StringSource>(std::move(data));
  JV_RETURN_IF_ERROR(ts->Init(option));
  return ts;
}

Status TextStream::Init(EncodingOption option) {
  declared_ = option != EncodingOption::kAuto;
  size_t want = static_cast<size_t>(std::min<uint64_t>(source_->size(), kDetectBytes));
  head_.resize(std::max<size_t>(want, 16));
  size_t got = 0;
  while (got < head_.size()) {
    JV_ASSIGN_OR_RETURN(size_t n, source_->Read(head_.data() + got, head_.size() - got));
    if (n == 0) {
      source_eof_ = true;
      break;
    }
    got += n;
  }
  head_.resize(got);
  DetectedEncoding d = DetectEncoding(head_, source_eof_, option);
  encoding_ = d.encoding;
  head_pos_ = d.bom_length;
  const char* name = nullptr;
  switch (encoding_) {
    case TextEncoding::kUtf8:
    case TextEncoding::kUtf8Bom:
      return Status::Ok();
    case TextEncoding::kGb18030: name = "GB18030"; break;
    case TextEncoding::kUtf16Le: name = "UTF-16LE"; break;
    case TextEncoding::kUtf16Be: name = "UTF-16BE"; break;
  }
  icu_ = std::make_unique<Icu>(source_->size());
  UErrorCode err = U_ZERO_ERROR;
  icu_->conv = ucnv_open(name, &err);
  if (U_FAILURE(err)) return InternalError(std::string("ICU has no converter for ") + name);
  ucnv_setToUCallBack(icu_->conv, MarkInvalidCallback, nullptr, nullptr, nullptr, &err);
  if (U_FAILURE(err)) return InternalError("cannot set the ICU decoding callback");
  return Status::Ok();
}

double TextStream::Progress() const {
  if (source_->size() == 0) return 1.0;
  uint64_t unread = head_.size() - head_pos_;
  if (icu_) unread += icu_->raw_len - icu_->raw_pos;
  uint64_t used = source_->consumed() > unread ? source_->consumed() - unread : 0;
  return std::min(1.0, static_cast<double>(used) / static_cast<double>(source_->size()));
}

Result<size_t> TextStream::ReadRaw(char* dst, size_t cap) {
  if (head_pos_ < head_.size()) {
    size_t n = std::min(cap, head_.size() - head_pos_);
    std::memcpy(dst, head_.data() + head_pos_, n);
    head_pos_ += n;
    if (head_pos_ == head_.size()) {
      head_.clear();
      head_.shrink_to_fit();
      head_pos_ = 0;
    }
    return n;
  }
  if (source_eof_) return size_t{0};
  JV_ASSIGN_OR_RETURN(size_t n, source_->Read(dst, cap));
  if (n == 0) source_eof_ = true;
  return n;
}

Result<size_t> TextStream::Read(char* dst, size_t cap) {
  JV_CHECK(cap >= 8);
  if (icu_) return ReadIcu(dst, cap);
  return ReadUtf8(dst, cap);
}

Result<size_t> TextStream::ReadUtf8(char* dst, size_t cap) {
  for (;;) {
    size_t n = pending_len_;
    std::memcpy(dst, pending_, n);
    pending_len_ = 0;
    JV_ASSIGN_OR_RETURN(size_t r, ReadRaw(dst + n, cap - n));
    bool eof = r == 0;
    n += r;
    size_t valid = ValidateUtf8InPlace(dst, n, eof, nullptr);
    pending_len_ = n - valid;
    std::memcpy(pending_, dst + valid, pending_len_);
    if (valid > 0 || eof) return valid;
  }
}

Result<size_t> TextStream::ReadIcu(char* dst, size_t cap) {
  Icu& c = *icu_;
  char* d = dst;
  char* const dend = dst + cap;
  for (;;) {
    // Drain UTF-16 into UTF-8, in runs that cannot overflow `dst` (a code unit never
    // takes more than 4 bytes), so the inner loop has no bounds checks on the output.
    const UChar* u = c.u16.data() + c.u_pos;
    const UChar* const ue = c.u16.data() + c.u_len;
    bool full = false;
    bool waiting = false;  // a high surrogate at the end waits for its pair
    while (u < ue && !waiting) {
      size_t room = static_cast<size_t>(dend - d) / 4;
      if (room == 0) {
        full = true;
        break;
      }
      const UChar* run_end = u + std::min(static_cast<size_t>(ue - u), room);
      while (u < run_end) {
        uint32_t ch = *u;
        if (ch < 0x80) {
          *d++ = static_cast<char>(ch);
          ++u;
        } else if (ch < 0x800) {
          d[0] = static_cast<char>(0xC0 | (ch >> 6));
          d[1] = static_cast<char>(0x80 | (ch & 0x3F));
          d += 2;
          ++u;
        } else if (ch - 0xD800 >= 0x800) {
          d[0] = static_cast<char>(0xE0 | (ch >> 12));
          d[1] = static_cast<char>(0x80 | ((ch >> 6) & 0x3F));
          d[2] = static_cast<char>(0x80 | (ch & 0x3F));
          d += 3;
          ++u;
        } else if (ch < 0xDC00 && u + 1 < ue &&
                   static_cast<uint32_t>(u[1]) - 0xDC00 < 0x400) {
          uint32_t cp = 0x10000 + ((ch - 0xD800) << 10) + (u[1] - 0xDC00u);
          d[0] = static_cast<char>(0xF0 | (cp >> 18));
          d[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
          d[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          d[3] = static_cast<char>(0x80 | (cp & 0x3F));
          d += 4;
          u += 2;  // may pass run_end by one: 2 units, 4 bytes, still within room
        } else if (ch < 0xDC00 && u + 1 == ue && !c.flushed) {
          waiting = true;
          break;
        } else {
          *d++ = kInvalidMarker;  // a lone surrogate: undecodable input (see callback)
          ++u;
        }
      }
    }
    c.u_pos = static_cast<size_t>(u - c.u16.data());
    if (full || c.flushed) return static_cast<size_t>(d - dst);

    // Refill UTF-16, keeping a high surrogate that waits for its pair.
    size_t keep = c.u_len - c.u_pos;
    if (keep > 0) std::memmove(c.u16.data(), c.u16.data() + c.u_pos, keep * sizeof(UChar));
    c.u_pos = 0;
    c.u_len = keep;
    if (c.raw_pos == c.raw_len && !c.raw_eof) {
      JV_ASSIGN_OR_RETURN(size_t r, ReadRaw(c.raw.data(), c.raw.size()));
      c.raw_pos = 0;
      c.raw_len = r;
      if (r == 0) c.raw_eof = true;
    }
    bool flush = c.raw_eof;
    UChar* t = c.u16.data() + c.u_len;
    const char* s = c.raw.data() + c.raw_pos;
    UErrorCode err = U_ZERO_ERROR;
    ucnv_toUnicode(c.conv, &t, c.u16.data() + c.u16.size(), &s, c.raw.data() + c.raw_len,
                   nullptr, flush, &err);
    c.raw_pos = static_cast<size_t>(s - c.raw.data());
    c.u_len = static_cast<size_t>(t - c.u16.data());
    if (err == U_BUFFER_OVERFLOW_ERROR) {
      // The UTF-16 block is full; the rest of the input stays for the next round.
    } else if (U_FAILURE(err)) {
      return InternalError(std::string("ICU conversion failed: ") + u_errorName(err));
    } else if (flush) {
      c.flushed = true;
    }
  }
}

// ---------------------------------------------------------------------------------------
// TextBuffer.

TextBuffer::TextBuffer(std::unique_ptr<TextStream> stream, size_t chunk, size_t max_window)
    : stream_(std::move(stream)),
      buf_(std::max<size_t>(chunk, 64)),
      chunk_(std::max<size_t>(chunk, 64)),
      max_window_(max_window) {}

Result<bool> TextBuffer::More() {
  if (eof_) return false;
  size_t live = end_ - begin_;
  if (live >= max_window_) return InvalidArgumentError("too long");
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, live);
    begin_ = 0;
    end_ = live;
  }
  if (buf_.size() - end_ < chunk_ / 2) {
    size_t grown = std::min(buf_.size() * 2, max_window_ + chunk_);
    if (grown > buf_.size()) buf_.resize(grown);
  }
  JV_ASSIGN_OR_RETURN(size_t n, stream_->Read(buf_.data() + end_, buf_.size() - end_));
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ += n;
  return true;
}

}  // namespace jv::ingest
