// PortalCodes (portal_codes.h): expiry, single use, lockout, hashing — on a real SQLite store.
#include "src/server/portal_codes.h"

#include <gtest/gtest.h>

#include "src/common/strings.h"
#include "src/common/testing/temp_dir.h"
#include "src/crypto/hash.h"
#include "src/store/open_store.h"

namespace jv::server {
namespace {

constexpr int64_t kT0 = int64_t{1790000000} * 1000000;
constexpr int64_t kMin = 60 * int64_t{1000000};
constexpr char kMobile[] = "13812345678";  // synthetic

class PortalCodesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore(tmp_.Path() + "/s.db", store::OpenMode::kCreate);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    codes_ = std::make_unique<PortalCodes>(
        *store_,
        [](std::string_view kind, std::string_view value) {
          std::string k = "synthetic test key";
          std::string d = std::string(kind) + '\0' + std::string(value);
          return HexEncode(crypto::Hmac(crypto::Suite::kStd, AsBytes(k), AsBytes(d)));
        },
        PortalCodeLimits{});
  }

  std::string Issue(int64_t now, const std::string& mobile = kMobile) {
    auto r = codes_->Issue(mobile, random_, now);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->send);
    EXPECT_EQ(r->code.size(), 6u);
    return r->code;
  }

  CodeVerdict Check(const std::string& code, int64_t now, const std::string& m = kMobile) {
    auto r = codes_->Verify(m, code, now);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r->verdict;
  }

  // A six-digit code that is not `code`.
  static std::string Other(const std::string& code) {
    return code == "000000" ? "111111" : "000000";
  }

  std::string RowText(const std::string& mobile = kMobile) {
    auto row = store_->GetObject(kPortalOtpKind, codes_->NumberId(mobile));
    return row.ok() ? row->id + row->attrs_json : "";
  }

  testing::TempDir tmp_;
  std::unique_ptr<store::Store> store_;
  FakeRandom random_{7};
  std::unique_ptr<PortalCodes> codes_;
};

TEST_F(PortalCodesTest, RightCodeWorksOnce) {
  std::string code = Issue(kT0);
  EXPECT_EQ(Check(code, kT0 + kMin), CodeVerdict::kOk);
  EXPECT_EQ(Check(code, kT0 + kMin), CodeVerdict::kWrong);  // single use
}

TEST_F(PortalCodesTest, ExpiresAfterTenMinutes) {
  std::string code = Issue(kT0);
  EXPECT_EQ(Check(code, kT0 + 10 * kMin), CodeVerdict::kWrong);
  std::string fresh = Issue(kT0 + 10 * kMin);
  EXPECT_EQ(Check(fresh, kT0 + 10 * kMin + 10 * kMin - 1), CodeVerdict::kOk);
}

TEST_F(PortalCodesTest, NewCodeReplacesTheOldOne) {
  std::string first = Issue(kT0);
  std::string second = Issue(kT0 + 1);
  ASSERT_NE(first, second);  // FakeRandom: two draws differ
  EXPECT_EQ(Check(first, kT0 + 2), CodeVerdict::kWrong);
  EXPECT_EQ(Check(second, kT0 + 3), CodeVerdict::kOk);
}

TEST_F(PortalCodesTest, FiveWrongCodesLockForFifteenMinutesEvenTheRightCode) {
  std::string code = Issue(kT0);
  for (int i = 0; i < 4; ++i) {
    auto r = codes_->Verify(kMobile, Other(code), kT0 + i);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->verdict, CodeVerdict::kWrong);
    EXPECT_FALSE(r->locked_now);
  }
  auto fifth = codes_->Verify(kMobile, Other(code), kT0 + 4);
  ASSERT_TRUE(fifth.ok());
  EXPECT_EQ(fifth->verdict, CodeVerdict::kWrong);
  EXPECT_TRUE(fifth->locked_now);
  EXPECT_EQ(Check(code, kT0 + 5), CodeVerdict::kLocked);  // the 6th, with the right code
  EXPECT_EQ(Check(code, kT0 + 4 + 15 * kMin - 1), CodeVerdict::kLocked);
  // No new code while locked.
  auto during = codes_->Issue(kMobile, random_, kT0 + 6);
  ASSERT_TRUE(during.ok());
  EXPECT_FALSE(during->send);
  EXPECT_EQ(during->code, "");
  // After the lock the burnt code stays useless; a new one works.
  EXPECT_EQ(Check(code, kT0 + 4 + 15 * kMin), CodeVerdict::kWrong);
  std::string fresh = Issue(kT0 + 4 + 15 * kMin);
  EXPECT_EQ(Check(fresh, kT0 + 4 + 15 * kMin + 1), CodeVerdict::kOk);
}

TEST_F(PortalCodesTest, FailuresOutsideTheWindowDoNotAddUp) {
  std::string code = Issue(kT0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Check(Other(code), kT0 + i), CodeVerdict::kWrong);
  // 16 minutes later the count starts again: four more wrong codes do not lock.
  std::string later = Issue(kT0 + 16 * kMin);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Check(Other(later), kT0 + 16 * kMin + i), CodeVerdict::kWrong);
  }
  EXPECT_EQ(Check(later, kT0 + 16 * kMin + 5), CodeVerdict::kOk);
}

TEST_F(PortalCodesTest, MalformedCodesCountAsWrong) {
  std::string code = Issue(kT0);
  for (const char* bad : {"", "12345", "1234567", "abcdef", " 12345"}) {
    EXPECT_EQ(Check(bad, kT0 + 1), CodeVerdict::kWrong) << bad;
  }
  EXPECT_EQ(Check(code, kT0 + 2), CodeVerdict::kLocked);
}

TEST_F(PortalCodesTest, SendCapPerNumber) {
  for (int i = 0; i < 5; ++i) Issue(kT0 + i);
  auto sixth = codes_->Issue(kMobile, random_, kT0 + 5);
  ASSERT_TRUE(sixth.ok());
  EXPECT_FALSE(sixth->send);
  auto later = codes_->Issue(kMobile, random_, kT0 + 15 * kMin);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->send);
}

TEST_F(PortalCodesTest, StoredOnlyAsKeyedHashes) {
  std::string code = Issue(kT0);
  std::string row = RowText();
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(row.find(kMobile), std::string::npos);
  EXPECT_EQ(row.find(code), std::string::npos);
  // Not a plain SHA-256 of the number either (a dump cannot enumerate 10^10 numbers).
  std::string plain = HexEncode(crypto::Sha256(AsBytes(std::string(kMobile))));
  EXPECT_EQ(row.find(plain), std::string::npos);
}

TEST_F(PortalCodesTest, NumbersAreIndependent) {
  std::string a = Issue(kT0, "13812345678");
  std::string b = Issue(kT0, "13912345678");
  for (int i = 0; i < 5; ++i) Check(Other(a), kT0 + i, "13812345678");
  EXPECT_EQ(Check(a, kT0 + 6, "13812345678"), CodeVerdict::kLocked);
  EXPECT_EQ(Check(b, kT0 + 6, "13912345678"), CodeVerdict::kOk);
}

TEST_F(PortalCodesTest, UnknownAndKnownNumbersAreTreatedAlike) {
  // The store knows nothing about subjects: any number gets a row and the same lock.
  std::string code = Issue(kT0, "13700000000");
  for (int i = 0; i < 5; ++i) Check(Other(code), kT0 + i, "13700000000");
  EXPECT_EQ(Check(code, kT0 + 6, "13700000000"), CodeVerdict::kLocked);
}

}  // namespace
}  // namespace jv::server
