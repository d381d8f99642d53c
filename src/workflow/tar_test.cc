#include "src/workflow/tar.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace jv::workflow {
namespace {

std::string BigData() {
  std::string s;
  for (int i = 0; i < 1500; ++i) s += static_cast<char>('a' + i % 26);
  return s;
}

TEST(TarTest, RoundTrip) {
  std::vector<TarMember> in = {{"data.jsonl", BigData()}, {"manifest.json", "{}\n"},
                               {"empty", ""}, {"exact", std::string(512, 'x')}};
  auto tar = WriteTar(in, 1790000000);
  ASSERT_TRUE(tar.ok()) << tar.status().ToString();
  EXPECT_EQ(tar->size() % 512, 0u);
  // 4 headers + 3 + 1 + 0 + 1 content blocks + 2 end blocks.
  EXPECT_EQ(tar->size(), 512u * (4 + 3 + 1 + 0 + 1 + 2));
  auto out = ReadTar(AsBytes(*tar));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ((*out)[i].name, in[i].name);
    EXPECT_EQ((*out)[i].data, in[i].data);
  }
}

// The archive must open with the system tar (GNU tar or bsdtar) when one is installed.
TEST(TarTest, SystemTarListsIt) {
  if (std::system("command -v tar >/dev/null 2>&1") != 0) GTEST_SKIP() << "no tar tool";
  auto tar = WriteTar({{"a.txt", "hello\n"}, {"b.txt", BigData()}}, 1790000000);
  ASSERT_TRUE(tar.ok());
  std::string dir = std::filesystem::temp_directory_path() / "jv-tar-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  {
    std::ofstream f(dir + "/t.tar", std::ios::binary);
    f << *tar;
  }
  std::string cmd = "cd " + dir + " && tar -xf t.tar && cmp -s a.txt - <<'E'\nhello\nE";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  std::filesystem::remove_all(dir);
}

TEST(TarTest, WriterRefusesBadNames) {
  EXPECT_EQ(WriteTar({{"", "x"}}, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteTar({{"/etc/passwd", "x"}}, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteTar({{"../up", "x"}}, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteTar({{std::string(101, 'n'), "x"}}, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteTar({{"a", "x"}, {"a", "y"}}, 0).status().code(), StatusCode::kInvalidArgument);
}

class MalformedTarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = WriteTar({{"data.jsonl", "line one\n"}, {"manifest.json", "{}\n"}}, 1790000000);
    ASSERT_TRUE(t.ok());
    tar_ = *t;
  }
  StatusCode Read(const std::string& t) { return ReadTar(AsBytes(t)).status().code(); }
  std::string tar_;
};

TEST_F(MalformedTarTest, FlippedHeaderByteFailsChecksum) {
  std::string t = tar_;
  t[3] ^= 1;  // inside the first name
  EXPECT_EQ(Read(t), StatusCode::kDataLoss);
}

TEST_F(MalformedTarTest, BadMagic) {
  std::string t = tar_;
  t[257] = 'X';
  EXPECT_EQ(Read(t), StatusCode::kDataLoss);
}

TEST_F(MalformedTarTest, TruncatedArchive) {
  EXPECT_EQ(Read(tar_.substr(0, tar_.size() - 512)), StatusCode::kDataLoss);
  EXPECT_EQ(Read(tar_.substr(0, 512 + 100)), StatusCode::kDataLoss);
  EXPECT_EQ(Read(tar_.substr(0, 512)), StatusCode::kDataLoss);
}

TEST_F(MalformedTarTest, TrailingDataAfterEnd) {
  EXPECT_EQ(Read(tar_ + std::string(511, '\0') + "x"), StatusCode::kDataLoss);
  std::string t = tar_;
  t[t.size() - 1] = 'x';
  EXPECT_EQ(Read(t), StatusCode::kDataLoss);
  // Extra zero blocks are tolerated (tar pads to a record size).
  EXPECT_TRUE(ReadTar(AsBytes(tar_ + std::string(1024, '\0'))).ok());
}

TEST_F(MalformedTarTest, NonZeroPadding) {
  std::string t = tar_;
  t[512 + 20] = 'x';  // padding after "line one\n" (9 bytes)
  EXPECT_EQ(Read(t), StatusCode::kDataLoss);
}

TEST_F(MalformedTarTest, SizeLargerThanArchive) {
  // Rewrite the size field and fix the checksum, so only the size is wrong.
  std::string t = tar_;
  std::string size = "77777777777";
  t.replace(124, 11, size);
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : (unsigned char)t[i];
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%06o", sum);
  t.replace(148, 6, buf, 6);
  EXPECT_EQ(Read(t), StatusCode::kDataLoss);
}

TEST_F(MalformedTarTest, SymlinkRefused) {
  std::string t = tar_;
  t[156] = '2';
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : (unsigned char)t[i];
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%06o", sum);
  t.replace(148, 6, buf, 6);
  EXPECT_EQ(Read(t), StatusCode::kDataLoss);
}

TEST_F(MalformedTarTest, NotMultipleOfBlock) {
  EXPECT_EQ(Read(tar_ + "x"), StatusCode::kDataLoss);
  EXPECT_EQ(Read(""), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace jv::workflow
