#include "src/audit/entry.h"

#include <string>

#include <gtest/gtest.h>

#include "src/common/strings.h"
#include "src/crypto/hash.h"

namespace jv::audit {
namespace {

using crypto::Suite;

AuditEntry SampleEntry() {
  AuditEntry e;
  e.seq = 1;
  e.time = "2026-01-02T03:04:05.000006Z";
  e.actor = "u_admin";
  e.action = "import";
  e.subject = "";
  e.purpose = "transfer";
  e.details = nlohmann::json::object();
  // Inserted out of order on purpose: the line must sort them.
  e.details["source"] = "src_01";
  e.details["rows"] = 12;
  e.details["note"] = "门店";
  e.prev = std::string(kGenesisPrev);
  return e;
}

const char kSampleBody[] =
    R"({"seq":1,"time":"2026-01-02T03:04:05.000006Z","actor":"u_admin","action":"import",)"
    R"("subject":"","purpose":"transfer","details":{"note":"门店","rows":12,"source":"src_01"},)"
    R"("prev":"0000000000000000000000000000000000000000000000000000000000000000"})";

// Expected hashes of kSampleBody, computed independently with Python 3 hashlib
// (hashlib.sha256 / hashlib.new("sm3") over the UTF-8 body bytes), as docs/formats/audit.md
// tells third parties to do.
const char kSampleHashStd[] = "91d0f21deb7a93dff80e0259848492b9fbcf3e2fb50469b0caec2d56509aacf9";
const char kSampleHashGm[] = "de28185f1ecd4b8e8a8942a333b9d17bf624f1eeac1f7b7d05840cf1421dda3f";

std::string SampleLine(const char* hash) {
  std::string body = kSampleBody;
  return body.substr(0, body.size() - 1) + ",\"hash\":\"" + hash + "\"}";
}

TEST(EntryTest, CanonicalLineKnownAnswerStd) {
  AuditEntry e = SampleEntry();
  Result<std::string> line = MakeEntryLine(Suite::kStd, e);
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(*line, SampleLine(kSampleHashStd));
  EXPECT_EQ(e.hash, kSampleHashStd);
  EXPECT_EQ(*EntryBodyOfLine(*line), kSampleBody);
  // The body is exactly the line minus its last 75 bytes, plus "}".
  EXPECT_EQ(line->substr(0, line->size() - kHashTailSize) + "}", kSampleBody);
}

TEST(EntryTest, CanonicalLineKnownAnswerGm) {
  AuditEntry e = SampleEntry();
  Result<std::string> line = MakeEntryLine(Suite::kGm, e);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(*line, SampleLine(kSampleHashGm));
}

TEST(EntryTest, LineEqualsOrderedJsonWithHash) {
  AuditEntry e = SampleEntry();
  std::string line = *MakeEntryLine(Suite::kStd, e);
  nlohmann::ordered_json o = nlohmann::ordered_json::parse(kSampleBody);
  o["hash"] = e.hash;
  EXPECT_EQ(o.dump(-1, ' ', false), line);
}

TEST(EntryTest, ParseRoundTripsBytes) {
  AuditEntry e = SampleEntry();
  e.seq = 42;
  e.subject = "s_0123abcd";
  e.details = {{"z", nlohmann::json::array({1, "two", nullptr, true})},
               {"a", {{"y", 1}, {"b", -2}}},
               {"ctl", "tab\tquote\"back\\slash\x01"}};
  e.prev = std::string(64, 'a');
  std::string line = *MakeEntryLine(Suite::kStd, e);
  Result<AuditEntry> parsed = CheckEntryLine(Suite::kStd, line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->seq, 42);
  EXPECT_EQ(parsed->subject, "s_0123abcd");
  EXPECT_EQ(parsed->details, e.details);
  EXPECT_EQ(parsed->hash, e.hash);
  AuditEntry again = *parsed;
  EXPECT_EQ(*MakeEntryLine(Suite::kStd, again), line);
  // Control characters are escaped, non-ASCII is not.
  EXPECT_NE(line.find(R"(tab\tquote\"back\\slash\u0001)"), std::string::npos);
}

TEST(EntryTest, RejectsBadFields) {
  struct Case {
    const char* name;
    void (*mutate)(AuditEntry&);
  };
  const Case cases[] = {
      {"seq", [](AuditEntry& e) { e.seq = 0; }},
      {"time", [](AuditEntry& e) { e.time = "2026-01-02 03:04:05Z"; }},
      {"actor", [](AuditEntry& e) { e.actor = "\xff"; }},
      {"action", [](AuditEntry& e) { e.action = ""; }},
      {"details", [](AuditEntry& e) { e.details = nlohmann::json::array(); }},
      {"details", [](AuditEntry& e) { e.details["ratio"] = 0.5; }},
      {"details", [](AuditEntry& e) { e.details["bad"] = "\xc3"; }},
      {"prev", [](AuditEntry& e) { e.prev = std::string(64, 'A'); }},
      {"prev", [](AuditEntry& e) { e.prev = "00"; }},
  };
  for (const Case& c : cases) {
    AuditEntry e = SampleEntry();
    c.mutate(e);
    Result<std::string> line = MakeEntryLine(Suite::kStd, e);
    ASSERT_FALSE(line.ok()) << c.name;
    EXPECT_EQ(line.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(line.status().message().find(c.name), std::string::npos)
        << c.name << ": " << line.status().message();
  }
}

TEST(EntryTest, RejectsNonCanonicalLines) {
  const std::string good = SampleLine(kSampleHashStd);
  ASSERT_TRUE(CheckEntryLine(Suite::kStd, good).ok());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    size_t at = s.find(from);
    JV_CHECK(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  const std::string bad[] = {
      "",
      "not json",
      good + " ",
      " " + good,
      replace("\"seq\":1,", "\"seq\": 1,"),
      replace("\"seq\":1,", "\"seq\":\"1\","),
      replace("\"seq\":1,", "\"seq\":1.0,"),
      replace("\"seq\":1,", "\"seq\":18446744073709551615,"),
      replace("门店", "\\u95e8\\u5e97"),                     // escaped form of the same text
      replace("\"note\":\"门店\",\"rows\":12", "\"rows\":12,\"note\":\"门店\""),  // unsorted
      replace("\"actor\":\"u_admin\",\"action\":\"import\",",
              "\"action\":\"import\",\"actor\":\"u_admin\","),  // key order
      replace("\"purpose\":\"transfer\",", "\"purpose\":\"transfer\",\"extra\":1,"),
      replace("\"subject\":\"\",", ""),
      replace(kSampleHashStd, std::string(kSampleHashStd).substr(0, 63) + "A"),
      replace("\"time\":\"2026-01-02T03:04:05.000006Z\"", "\"time\":\"2026-01-02T03:04:05Z\""),
      replace("\"actor\":\"u_admin\"", "\"actor\":\"u_admin\",\"actor\":\"u_admin\""),
  };
  for (size_t i = 0; i < std::size(bad); ++i) {
    EXPECT_EQ(ParseEntryLine(bad[i]).status().code(), StatusCode::kDataLoss) << "case " << i;
  }
}

// Changing any one field (keeping the line canonical) breaks the hash.
TEST(EntryTest, TamperAnyFieldFailsHash) {
  const std::string good = SampleLine(kSampleHashStd);
  const std::pair<std::string, std::string> edits[] = {
      {"\"seq\":1,", "\"seq\":2,"},
      {"05.000006Z", "05.000007Z"},
      {"u_admin", "u_admim"},
      {"\"import\"", "\"export\""},
      {"\"subject\":\"\"", "\"subject\":\"s_1\""},
      {"transfer", "transfe2"},
      {"\"rows\":12", "\"rows\":13"},
      {"\"prev\":\"0000", "\"prev\":\"1000"},
      {"\"hash\":\"91d0", "\"hash\":\"91d1"},
  };
  for (const auto& [from, to] : edits) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    ASSERT_TRUE(ParseEntryLine(s).ok()) << from;  // still canonical
    Result<AuditEntry> r = CheckEntryLine(Suite::kStd, s);
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << from;
    EXPECT_EQ(r.status().message(), "audit line: hash mismatch") << from;
  }
  // The std hash does not verify under the gm suite.
  EXPECT_FALSE(CheckEntryLine(Suite::kGm, good).ok());
}

TEST(EntryTest, BodyOfLineRejectsBadTail) {
  EXPECT_EQ(EntryBodyOfLine("{}").status().code(), StatusCode::kDataLoss);
  std::string s = SampleLine(kSampleHashStd);
  s.back() = ']';
  EXPECT_EQ(EntryBodyOfLine(s).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace jv::audit
