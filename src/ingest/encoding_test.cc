#include "src/ingest/encoding.h"

#include <string>

#include <gtest/gtest.h>

namespace jv::ingest {
namespace {

// Drains a stream with a small output block, to exercise every block boundary.
std::string ReadAll(TextStream* s, size_t cap = 8) {
  std::string out, block(cap, '\0');
  for (;;) {
    auto n = s->Read(block.data(), block.size());
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) return out;
    out.append(block.data(), *n);
  }
}

std::string Decode(std::string raw, EncodingOption opt, TextEncoding* enc = nullptr,
                   size_t cap = 8) {
  auto s = TextStream::FromString(std::move(raw), opt);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (enc) *enc = (*s)->encoding();
  return ReadAll(s->get(), cap);
}

// Known answers: "中文𠮷€" in GB18030 (GB 18030-2005 code tables: 中 = D6 D0, 文 = CE C4,
// U+20BB7 = 95 34 B2 35 in the four-byte area, € U+20AC = A2 E3), cross-checked with
// glibc iconv and ICU uconv.
const char kUtf8Sample[] = "\xE4\xB8\xAD\xE6\x96\x87\xF0\xA0\xAE\xB7\xE2\x82\xAC";
const char kGbSample[] = "\xD6\xD0\xCE\xC4\x95\x34\xB2\x35\xA2\xE3";

TEST(EncodingTest, Names) {
  EXPECT_EQ(TextEncodingName(TextEncoding::kUtf8), "utf-8");
  EXPECT_EQ(TextEncodingName(TextEncoding::kUtf8Bom), "utf-8-bom");
  EXPECT_EQ(TextEncodingName(TextEncoding::kGb18030), "gb18030");
  EXPECT_EQ(TextEncodingName(TextEncoding::kUtf16Le), "utf-16le");
  EXPECT_EQ(TextEncodingName(TextEncoding::kUtf16Be), "utf-16be");
}

TEST(EncodingTest, ParseOption) {
  EXPECT_EQ(*ParseEncodingOption(""), EncodingOption::kAuto);
  EXPECT_EQ(*ParseEncodingOption("AUTO"), EncodingOption::kAuto);
  EXPECT_EQ(*ParseEncodingOption("UTF-8"), EncodingOption::kUtf8);
  EXPECT_EQ(*ParseEncodingOption("gbk"), EncodingOption::kGb18030);
  EXPECT_EQ(*ParseEncodingOption("GB18030"), EncodingOption::kGb18030);
  EXPECT_EQ(*ParseEncodingOption("utf-16"), EncodingOption::kUtf16);
  EXPECT_EQ(*ParseEncodingOption("utf-16be"), EncodingOption::kUtf16Be);
  auto bad = ParseEncodingOption("latin-1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(EncodingTest, DetectByBom) {
  auto d = DetectEncoding("\xEF\xBB\xBFname", true, EncodingOption::kAuto);
  EXPECT_EQ(d.encoding, TextEncoding::kUtf8Bom);
  EXPECT_EQ(d.bom_length, 3u);
  d = DetectEncoding(std::string_view("\xFF\xFEn\0", 4), true, EncodingOption::kAuto);
  EXPECT_EQ(d.encoding, TextEncoding::kUtf16Le);
  EXPECT_EQ(d.bom_length, 2u);
  d = DetectEncoding(std::string_view("\xFE\xFF\0n", 4), true, EncodingOption::kAuto);
  EXPECT_EQ(d.encoding, TextEncoding::kUtf16Be);
}

TEST(EncodingTest, DetectUtf8ThenGb18030) {
  EXPECT_EQ(DetectEncoding("plain ascii", true, EncodingOption::kAuto).encoding,
            TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding(kUtf8Sample, true, EncodingOption::kAuto).encoding,
            TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding(kGbSample, true, EncodingOption::kAuto).encoding,
            TextEncoding::kGb18030);
  // A head cut inside a UTF-8 sequence is still UTF-8 when more of the file follows...
  std::string cut(kUtf8Sample, 2);
  EXPECT_EQ(DetectEncoding(cut, false, EncodingOption::kAuto).encoding, TextEncoding::kUtf8);
  // ...but not when that is the whole file.
  EXPECT_EQ(DetectEncoding(cut, true, EncodingOption::kAuto).encoding,
            TextEncoding::kGb18030);
}

TEST(EncodingTest, ForcedOptionWinsButSkipsMatchingBom) {
  auto d = DetectEncoding(kUtf8Sample, true, EncodingOption::kGb18030);
  EXPECT_EQ(d.encoding, TextEncoding::kGb18030);
  d = DetectEncoding("\xEF\xBB\xBFx", true, EncodingOption::kUtf8);
  EXPECT_EQ(d.encoding, TextEncoding::kUtf8Bom);
  EXPECT_EQ(d.bom_length, 3u);
  d = DetectEncoding("\xFE\xFF", true, EncodingOption::kUtf16);
  EXPECT_EQ(d.encoding, TextEncoding::kUtf16Be);
  d = DetectEncoding("ab", true, EncodingOption::kUtf16);
  EXPECT_EQ(d.encoding, TextEncoding::kUtf16Le);
  EXPECT_EQ(d.bom_length, 0u);
}

// RFC 3629 §3/§10: overlongs, surrogates and code points above U+10FFFF are ill-formed.
TEST(EncodingTest, ValidateUtf8MarksIllFormedBytes) {
  struct Case {
    std::string in, want;
  } cases[] = {
      {"abc", "abc"},
      {kUtf8Sample, kUtf8Sample},
      {"a\xC0\x80z", "a\xFF\xFFz"},                 // overlong NUL
      {"\xE0\x80\xAF", "\xFF\xFF\xFF"},             // overlong '/'
      {"\xED\xA0\x80", "\xFF\xFF\xFF"},             // surrogate U+D800
      {"\xF4\x90\x80\x80", "\xFF\xFF\xFF\xFF"},     // U+110000
      {"\xF8\x88\x80\x80\x80", "\xFF\xFF\xFF\xFF\xFF"},
      {"x\xD6\xD0y", "x\xFF\xFFy"},                 // GB18030 中 is not UTF-8
      {"12345678\xE4\xB8\xAD" "12345678", "12345678\xE4\xB8\xAD" "12345678"},
  };
  for (auto& c : cases) {
    std::string s = c.in;
    size_t invalid = 0;
    EXPECT_EQ(ValidateUtf8InPlace(s.data(), s.size(), true, &invalid), s.size());
    EXPECT_EQ(s, c.want);
    EXPECT_EQ(invalid == 0, c.in == c.want);
  }
}

TEST(EncodingTest, ValidateUtf8KeepsIncompleteTailWhenNotFinal) {
  std::string s = "ab\xE4\xB8";
  EXPECT_EQ(ValidateUtf8InPlace(s.data(), s.size(), false, nullptr), 2u);
  EXPECT_EQ(s, "ab\xE4\xB8");
  EXPECT_EQ(ValidateUtf8InPlace(s.data(), s.size(), true, nullptr), 4u);
  EXPECT_EQ(s, "ab\xFF\xFF");
}

TEST(EncodingTest, Utf8StreamAcrossBlocks) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += kUtf8Sample;
  TextEncoding enc;
  EXPECT_EQ(Decode(text, EncodingOption::kAuto, &enc), text);
  EXPECT_EQ(enc, TextEncoding::kUtf8);
  EXPECT_EQ(Decode("\xEF\xBB\xBF" + text, EncodingOption::kAuto, &enc), text);
  EXPECT_EQ(enc, TextEncoding::kUtf8Bom);
}

TEST(EncodingTest, Gb18030StreamAcrossBlocks) {
  std::string gb, want;
  for (int i = 0; i < 50; ++i) {
    gb += kGbSample;
    gb += ",";
    want += kUtf8Sample;
    want += ",";
  }
  for (size_t cap : {8, 9, 10, 11, 4096}) {
    TextEncoding enc;
    EXPECT_EQ(Decode(gb, EncodingOption::kAuto, &enc, cap), want) << cap;
    EXPECT_EQ(enc, TextEncoding::kGb18030);
  }
}

TEST(EncodingTest, InvalidGb18030BytesAreMarkedNotSubstituted) {
  // 0x81 0x20: a lead byte followed by a byte that is no valid trail byte; 0xFF is never
  // valid in GB18030.
  std::string out = Decode("a\x81 b\xFF" "c", EncodingOption::kGb18030);
  EXPECT_NE(out.find(kInvalidMarker), std::string::npos);
  EXPECT_EQ(out.find("\xEF\xBF\xBD"), std::string::npos);  // no U+FFFD
  EXPECT_EQ(out.front(), 'a');
  EXPECT_EQ(out.back(), 'c');
  // An illegal sequence never swallows the ASCII byte that ends it (CSV structure
  // survives): a four-byte sequence broken by a line feed.
  out = Decode("a\x81\x30\x81\nb,\x81\"c", EncodingOption::kGb18030);
  EXPECT_EQ(out, "a\xFF" "0\xFF\nb,\xFF\"c");
  // A lead byte cut off by the end of the file.
  out = Decode("ab\xD6", EncodingOption::kGb18030);
  EXPECT_EQ(out, "ab\xFF");
}

std::string Utf16(std::u16string_view s, bool big_endian, bool bom) {
  std::string out;
  auto put = [&](char16_t c) {
    if (big_endian) {
      out += static_cast<char>(c >> 8);
      out += static_cast<char>(c & 0xFF);
    } else {
      out += static_cast<char>(c & 0xFF);
      out += static_cast<char>(c >> 8);
    }
  };
  if (bom) put(0xFEFF);
  for (char16_t c : s) put(c);
  return out;
}

TEST(EncodingTest, Utf16WithBomBothOrders) {
  std::u16string text;
  std::string want;
  for (int i = 0; i < 40; ++i) {
    text += u"中文\U00020BB7€,a";
    want += std::string(kUtf8Sample) + ",a";
  }
  for (bool be : {false, true}) {
    for (size_t cap : {8, 9, 13, 4096}) {
      TextEncoding enc;
      EXPECT_EQ(Decode(Utf16(text, be, true), EncodingOption::kAuto, &enc, cap), want);
      EXPECT_EQ(enc, be ? TextEncoding::kUtf16Be : TextEncoding::kUtf16Le);
    }
  }
}

TEST(EncodingTest, Utf16LoneSurrogateIsMarked) {
  std::u16string text = u"a";
  text += static_cast<char16_t>(0xD800);
  text += u"b";
  std::string out = Decode(Utf16(text, false, true), EncodingOption::kAuto);
  EXPECT_EQ(out, "a\xFF" "b");
  // An odd trailing byte is a truncated code unit.
  out = Decode(Utf16(u"ab", false, true) + "c", EncodingOption::kAuto);
  EXPECT_EQ(out, "ab\xFF");
}

TEST(EncodingTest, OpenMissingFileIsNotFound) {
  auto s = TextStream::Open("/nonexistent/dir/file.csv", EncodingOption::kAuto);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
}

TEST(EncodingTest, ProgressReachesOne) {
  auto s = TextStream::FromString(std::string(100000, 'x'), EncodingOption::kAuto);
  ASSERT_TRUE(s.ok());
  EXPECT_LT((*s)->Progress(), 1.0);
  ReadAll(s->get(), 4096);
  EXPECT_DOUBLE_EQ((*s)->Progress(), 1.0);
}

TEST(EncodingTest, TextBufferIsBoundedByMaxWindow) {
  auto s = TextStream::FromString(std::string(10000, 'x'), EncodingOption::kAuto);
  ASSERT_TRUE(s.ok());
  TextBuffer buf(std::move(*s), 256, 1000);
  Status st;
  for (;;) {
    auto more = buf.More();
    if (!more.ok()) {
      st = more.status();
      break;
    }
    ASSERT_TRUE(*more);
  }
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_GE(buf.size(), 1000u);
  EXPECT_LE(buf.CapacityForTest(), 1000u + 256u);
}

}  // namespace
}  // namespace jv::ingest
