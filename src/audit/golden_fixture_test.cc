// The committed v1 audit exports (tests/data/audit/) must keep verifying, and every broken
// variant of them must be refused at the right line.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "src/audit/audit_log.h"
#include "src/common/strings.h"
#include "src/crypto/sign.h"

namespace jv::audit {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(JV_SOURCE_DIR) + "/tests/data/audit/" + name;
}

std::string Read(const std::string& path) {
  auto s = ReadFileToString(path);
  EXPECT_TRUE(s.ok()) << path;
  return s.ok() ? *s : "";
}

std::string WriteTemp(const std::string& text) {
  char tmpl[] = "/tmp/jv-audit-golden-XXXXXX";
  int fd = mkstemp(tmpl);
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::ofstream(tmpl, std::ios::binary) << text;
  return tmpl;
}

class GoldenFixtureTest : public ::testing::TestWithParam<const char*> {
 protected:
  crypto::Suite suite() const {
    return std::string(GetParam()) == "gm" ? crypto::Suite::kGm : crypto::Suite::kStd;
  }
  std::string log_path() const { return Fixture(std::string(GetParam()) + "_v1.jsonl"); }
  nlohmann::json checkpoint() const {
    return nlohmann::json::parse(Read(Fixture(std::string(GetParam()) + "_v1.checkpoint.json")));
  }
};

TEST_P(GoldenFixtureTest, VerifiesAgainstItsSignedCheckpoint) {
  nlohmann::json cp = checkpoint();
  ExportExpectation expect;
  expect.tree_size = cp["tree_size"].get<int64_t>();
  expect.root_hash = *HexDecode(cp["root_hash"].get<std::string>());
  auto r = VerifyExportFile(log_path(), suite(), expect);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok) << r->reason;
  EXPECT_EQ(r->root_hash, cp["root_hash"].get<std::string>());

  Bytes message = *Base64Decode(cp["message_b64"].get<std::string>());
  Bytes signature = *Base64Decode(cp["signature_b64"].get<std::string>());
  EXPECT_TRUE(crypto::VerifySignature(cp["public_key_pem"].get<std::string>(), message, signature)
                  .ok());
  // The signed message names the root the file hashes to.
  EXPECT_NE(std::string(AsString(message)).find(cp["root_hash"].get<std::string>()),
            std::string::npos);
}

TEST_P(GoldenFixtureTest, EveryOneByteChangeIsCaughtAtItsLine) {
  std::string text = Read(log_path());
  std::vector<size_t> line_starts = {0};
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\n') line_starts.push_back(i + 1);
  }
  // Change one character in the middle of each line (never the newline).
  for (size_t line = 0; line < line_starts.size(); ++line) {
    size_t end = text.find('\n', line_starts[line]);
    size_t pos = line_starts[line] + (end - line_starts[line]) / 2;
    std::string broken = text;
    broken[pos] = broken[pos] == '0' ? '1' : '0';
    std::string path = WriteTemp(broken);
    auto r = VerifyExportFile(path, suite());
    std::remove(path.c_str());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->first_bad_seq, static_cast<int64_t>(line + 1));
  }
}

TEST_P(GoldenFixtureTest, CutOffTailIsCaughtWithTheCheckpoint) {
  std::string text = Read(log_path());
  size_t last = text.rfind('\n', text.size() - 2);
  std::string cut = text.substr(0, last + 1);
  std::string path = WriteTemp(cut);
  nlohmann::json cp = checkpoint();
  ExportExpectation expect;
  expect.tree_size = cp["tree_size"].get<int64_t>();
  expect.root_hash = *HexDecode(cp["root_hash"].get<std::string>());
  auto alone = VerifyExportFile(path, suite());
  auto with_cp = VerifyExportFile(path, suite(), expect);
  std::remove(path.c_str());
  ASSERT_TRUE(alone.ok() && with_cp.ok());
  EXPECT_TRUE(alone->ok);  // the chain alone cannot see a cut tail...
  EXPECT_FALSE(with_cp->ok);  // ...the signed checkpoint can
}

INSTANTIATE_TEST_SUITE_P(Suites, GoldenFixtureTest, ::testing::Values("std", "gm"));

}  // namespace
}  // namespace jv::audit
