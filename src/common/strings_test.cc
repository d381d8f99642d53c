#include "src/common/strings.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <random>
#include <string>
#include <vector>

namespace jv {
namespace {

TEST(StringsTest, NfkcTurnsFullWidthIntoAscii) {
  // "１３８　１２３４" (full-width digits and an ideographic space).
  auto r = NormalizeNfkc("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98\xE3\x80\x80\xEF\xBC\xA1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "138 A");
}

TEST(StringsTest, NfkcKeepsNormalizedChineseAndComposesTheRest) {
  // Already NFKC (returned as is by the quick check): "广州市天河区体育西路1号".
  const std::string addr =
      "\xE5\xB9\xBF\xE5\xB7\x9E\xE5\xB8\x82\xE5\xA4\xA9\xE6\xB2\xB3\xE5\x8C\xBA"
      "\xE4\xBD\x93\xE8\x82\xB2\xE8\xA5\xBF\xE8\xB7\xAF" "1\xE5\x8F\xB7";
  EXPECT_EQ(*NormalizeNfkc(addr), addr);
  // Not NFKC: "e" + combining acute (U+0301) composes to U+00E9; "㈱" becomes "(株)".
  EXPECT_EQ(*NormalizeNfkc("e\xCC\x81"), "\xC3\xA9");
  EXPECT_EQ(*NormalizeNfkc("\xE3\x88\xB1"), "(\xE6\xA0\xAA)");
}

// ICU's NFKC of `s` (valid UTF-8), independently of NormalizeNfkc's quick paths.
std::string IcuNfkc(const std::string& s) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  EXPECT_TRUE(U_SUCCESS(err));
  icu::UnicodeString out =
      nfkc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(s)), err);
  EXPECT_TRUE(U_SUCCESS(err));
  std::string r;
  out.toUTF8String(r);
  return r;
}

// NormalizeNfkc returns ASCII and CJK Unified Ideographs (U+4E00..U+9FFF) without ICU. The
// claim it rests on, that every such code point is NFKC and stays so beside the others, is
// checked here against the ICU data for each of them, and random strings mixing them with
// their neighbours (U+4DFF, U+3000, full-width forms, a compatibility ideograph, a Kangxi
// radical, Hangul syllables and jamo that compose, a combining accent) give what ICU gives.
TEST(StringsTest, NfkcQuickPathAgreesWithIcu) {
  auto utf8 = [](char32_t cp) {
    std::string out;
    icu::UnicodeString(static_cast<UChar32>(cp)).toUTF8String(out);
    return out;
  };
  for (char32_t cp = 0x4E00; cp <= 0x9FFF; ++cp) {
    const std::string one = utf8(cp);
    ASSERT_EQ(IcuNfkc(one), one) << std::hex << static_cast<uint32_t>(cp);
    ASSERT_EQ(*NormalizeNfkc(one), one);
  }
  const std::vector<std::string> pool = {
      "a", "e", "1", " ", utf8(0x0301), utf8(0x4DFF), utf8(0x4E00), utf8(0x9FFF),
      utf8(0x5F20), utf8(0x3000), utf8(0xFF11), utf8(0xFF21), utf8(0xF900), utf8(0x2F00),
      utf8(0xAC00), utf8(0x11A8), utf8(0x1100), utf8(0x1161), utf8(0x3231), utf8(0xA0000)};
  std::mt19937 rng(20261127);  // fixed: the same strings on every run
  std::string into;  // NormalizeCellInto's buffer, reused across strings as the import does
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    const int len = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < len; ++k) s += pool[rng() % pool.size()];
    auto got = NormalizeNfkc(s);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(*got, IcuNfkc(s)) << HexEncode(AsBytes(s));
    ASSERT_TRUE(NormalizeCellInto(s, &into));
    ASSERT_EQ(into, *NormalizeCell(s)) << HexEncode(AsBytes(s));
  }
  // Bytes the quick path must not take for CJK: truncated, a bad continuation, overlong.
  for (const char* bad : {"\xE4\xB8", "\xE5\x41\x80", "\xE0\x80\x80"}) {
    EXPECT_FALSE(NormalizeNfkc(bad).ok());
    EXPECT_FALSE(NormalizeCellInto(bad, &into));
    EXPECT_TRUE(into.empty());
  }
}

TEST(StringsTest, NormalizeCellTrimsIdeographicSpaceAndBom) {
  auto r = NormalizeCell("\xE3\x80\x80 \xE5\xBC\xA0\xE4\xB8\x89\t\xE3\x80\x80");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "\xE5\xBC\xA0\xE4\xB8\x89");
  EXPECT_EQ(TrimSpace("\xEF\xBB\xBFname "), "name");
  // Unicode White_Space that NFKC keeps: U+0085, U+1680, U+2028, U+2029 (SPEC §5.3 "trim
  // white space"); a Han character whose UTF-8 ends like one is not trimmed.
  EXPECT_EQ(TrimSpace("\xC2\x85" "13800138000\xE2\x80\xA8"), "13800138000");
  EXPECT_EQ(TrimSpace("\xE1\x9A\x80x\xE2\x80\xA9"), "x");
  EXPECT_EQ(TrimSpace("\xE2\x80\x83x\xE2\x80\xAF\xE2\x81\x9F"), "x");
  EXPECT_EQ(TrimSpace("\xE5\xBC\xA0"), "\xE5\xBC\xA0");
  EXPECT_EQ(TrimSpace("\xC2\x84x\xC2"), "\xC2\x84x\xC2");
  EXPECT_EQ(*NormalizeCell("   "), "");
}

TEST(StringsTest, InvalidUtf8IsRefused) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE5\xBC"));          // truncated
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x92\x8E"));   // U+1F48E
  EXPECT_FALSE(NormalizeNfkc("\xFF\xFE").ok());
}

TEST(StringsTest, HexRoundTrip) {
  Bytes b = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(HexEncode(b), "0001abff");
  EXPECT_EQ(*HexDecode("0001ABff"), b);
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

// RFC 4648 §10 test vectors.
TEST(StringsTest, Base64Rfc4648Vectors) {
  const char* in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Base64Encode(AsBytes(in[i])), out[i]);
    auto d = Base64Decode(out[i]);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(AsString(*d), in[i]);
  }
  EXPECT_EQ(Base64EncodeNoPad(AsBytes("fo")), "Zm8");
  EXPECT_FALSE(Base64DecodeNoPad("Zm9=").ok());
  EXPECT_FALSE(Base64DecodeNoPad("Zm-").ok());
  EXPECT_FALSE(Base64DecodeNoPad("Zh").ok());  // non-canonical trailing bits
}

TEST(StringsTest, CountCodePoints) {
  EXPECT_EQ(CountCodePoints("ab\xE5\xBC\xA0"), 3u);
}

// Known answers from the Unicode Standard's UTF-8 table (§3.9, Table 3-6): one code point
// of each length, and the ends of each range.
TEST(StringsTest, AppendUtf8EncodesEachLength) {
  std::string out;
  for (char32_t cp : {U'\u0041', U'\u007F', U'\u0080', U'\u00E9', U'\u07FF', U'\u0800',
                      U'\u4E2D', U'\uFFFD', U'\U00010000', U'\U0001F600', U'\U0010FFFF'}) {
    AppendUtf8(cp, &out);
  }
  EXPECT_EQ(out,
            "A\x7F\xC2\x80\xC3\xA9\xDF\xBF\xE0\xA0\x80\xE4\xB8\xAD\xEF\xBF\xBD"
            "\xF0\x90\x80\x80\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
  EXPECT_TRUE(IsValidUtf8(out));
}

TEST(StringsTest, ScrubFileContentsZeroesTheBytesInPlace) {
  std::string path = ::testing::TempDir() + "/jv_scrub_" + std::to_string(::getpid());
  std::string data(200000, 'x');  // more than one 64 KiB chunk
  ASSERT_TRUE(WriteFileAtomic(path, data).ok());
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ScrubFileContents(fd);
  ::close(fd);
  auto left = ReadFileToString(path);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, std::string(data.size(), '\0'));
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace jv
