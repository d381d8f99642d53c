// PortalApi (portal_api.h) on a real vault with a fake clock: codes through a capturing
// sender, sessions, CSRF, lockout, expiry, the staff API refusing a portal token, and no
// number or code in the audit log.
#include "src/server/portal_api.h"

#include <gtest/gtest.h>

#include <sstream>

#include "src/common/testing/temp_dir.h"
#include "src/vault/testing/test_vault.h"
#include "src/workflow/transfer.h"

namespace jv::server {
namespace {

using json = nlohmann::json;
constexpr int64_t kT0 = int64_t{1790000000} * 1000000;
constexpr char kMobile[] = "13812345678";  // synthetic
constexpr char kUnknown[] = "13912345670";

struct Captured : PortalCodeSender {
  explicit Captured(std::vector<PortalMessage>* out) : out_(out) {}
  Status Send(const PortalMessage& m) override {
    out_->push_back(m);
    return Status::Ok();
  }
  std::vector<PortalMessage>* out_;
};

class PortalApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = vault::testing::MakeTestVault(tmp_.Path() + "/vault", clock_, random_);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vault_ = std::move(*v);
    auto id = vault_->CreateSubject(json::object());
    ASSERT_TRUE(id.ok());
    subject_ = *id;
    ASSERT_TRUE(vault_
                    ->AddRecord(subject_, vault::kClassProfile, "", 0,
                                {{"name", "测试名"}, {"mobile", kMobile}})
                    .ok());
    ASSERT_TRUE(vault_->AddBlindIndex(subject_, "mobile", kMobile).ok());
    sender_ = std::make_unique<AsyncCodeSender>(std::make_unique<Captured>(&sent_), log_);
    api_ = std::make_unique<Api>(*vault_, ApiOptions{});
    portal_ = std::make_unique<PortalApi>(*vault_, api_->vault_mutex(), PortalOptions{},
                                          sender_.get());
  }

  ApiResponse Call(const std::string& method, const std::string& route, json body = nullptr,
                   const std::string& token = "", const std::string& csrf = "") {
    ApiRequest r;
    r.method = method;
    r.route = route;
    r.body = body.is_null() ? "" : body.dump();
    r.session_token = token;
    r.csrf_token = csrf;
    r.client_ip = "127.0.0.1";
    return portal_->Handle(r);
  }

  // Asks for a code and returns it ("" if none was sent).
  std::string AskCode(const std::string& mobile) {
    size_t before = sent_.size();
    ApiResponse r = Call("POST", "/portal/api/code", {{"mobile", mobile}});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    sender_->Drain();
    if (sent_.size() == before) return "";
    std::string text = sent_.back().text;
    size_t p = text.find_first_of("0123456789");
    return text.substr(p, 6);
  }

  std::pair<std::string, std::string> SignIn() {
    std::string code = AskCode(kMobile);
    ApiResponse r = Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", code}});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.set_cookies.size(), 1u);
    std::string cookie = r.set_cookies.at(0);
    std::string prefix = std::string(kPortalCookie) + "=";
    EXPECT_EQ(cookie.rfind(prefix, 0), 0u);
    for (const char* attr : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"}) {
      EXPECT_NE(cookie.find(attr), std::string::npos) << attr;
    }
    return {cookie.substr(prefix.size(), cookie.find(';') - prefix.size()),
            r.body["csrf"].get<std::string>()};
  }

  std::string AuditText() { return vault::testing::AuditText(*vault_); }

  testing::TempDir tmp_;
  FakeClock clock_{kT0};
  FakeRandom random_{42};
  std::unique_ptr<vault::Vault> vault_;
  std::string subject_;
  std::vector<PortalMessage> sent_;
  std::ostringstream log_;
  std::unique_ptr<AsyncCodeSender> sender_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<PortalApi> portal_;
};

TEST_F(PortalApiTest, CodeOpensOwnMaskedData) {
  auto [token, csrf] = SignIn();
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].mobile, kMobile);
  EXPECT_NE(sent_[0].text.find("【测试珠宝有限公司】您的验证码为 "), std::string::npos);
  ApiResponse me = Call("GET", "/portal/api/me", nullptr, token);
  ASSERT_EQ(me.status, 200) << me.body.dump();
  EXPECT_EQ(me.body["state"], "active");
  EXPECT_EQ(me.body["masked"]["mobile"], "138****5678");
  std::string dump = me.body.dump();
  EXPECT_EQ(dump.find(kMobile), std::string::npos);
  EXPECT_EQ(dump.find("测试名"), std::string::npos);
}

TEST_F(PortalApiTest, EverySpellingTheImporterAcceptsReachesTheCustomer) {
  for (const char* spelling : {"+86 138-1234-5678", "\uFF11\uFF13\uFF18\uFF11\uFF12\uFF13"
                                                    "\uFF14\uFF15\uFF16\uFF17\uFF18",
                               " 138 1234 5678 "}) {
    std::string code = AskCode(spelling);
    EXPECT_EQ(code.size(), 6u) << spelling;
    EXPECT_EQ(sent_.back().mobile, kMobile);
  }
  EXPECT_EQ(sent_.size(), 3u);
  ApiResponse bad = Call("POST", "/portal/api/code", {{"mobile", "12345"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.dump().find("12345"), std::string::npos);
}

TEST_F(PortalApiTest, AnswerIsTheSameForAnUnknownNumber) {
  ApiResponse known = Call("POST", "/portal/api/code", {{"mobile", kMobile}});
  ApiResponse unknown = Call("POST", "/portal/api/code", {{"mobile", kUnknown}});
  EXPECT_EQ(known.status, unknown.status);
  EXPECT_EQ(known.body, unknown.body);
  EXPECT_EQ(known.set_cookies, unknown.set_cookies);
  sender_->Drain();
  EXPECT_EQ(sent_.size(), 1u);  // only the known number gets a message
  ApiResponse wrong_known =
      Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", "000000"}});
  ApiResponse wrong_unknown =
      Call("POST", "/portal/api/verify", {{"mobile", kUnknown}, {"code", "000000"}});
  EXPECT_EQ(wrong_known.status, 401);
  EXPECT_EQ(wrong_known.status, wrong_unknown.status);
  EXPECT_EQ(wrong_known.body, wrong_unknown.body);
}

TEST_F(PortalApiTest, CodeExpiresAfterTenMinutesAndWorksOnce) {
  std::string code = AskCode(kMobile);
  clock_.AdvanceSeconds(10 * 60);
  EXPECT_EQ(Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", code}}).status,
            401);
  code = AskCode(kMobile);
  clock_.AdvanceSeconds(9 * 60);
  EXPECT_EQ(Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", code}}).status,
            200);
  EXPECT_EQ(Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", code}}).status,
            401);
}

TEST_F(PortalApiTest, SixthAttemptIsRefusedEvenWithTheRightCode) {
  std::string code = AskCode(kMobile);
  std::string wrong = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", wrong}}).status,
              401);
  }
  EXPECT_EQ(Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", code}}).status,
            429);
  clock_.AdvanceSeconds(15 * 60);
  code = AskCode(kMobile);
  EXPECT_EQ(Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", code}}).status,
            200);
}

TEST_F(PortalApiTest, SessionNeedsCsrfAndIsOnlyForThePortal) {
  auto [token, csrf] = SignIn();
  EXPECT_EQ(Call("POST", "/portal/api/objection", json::object(), token).status, 403);
  EXPECT_EQ(Call("POST", "/portal/api/objection", json::object(), "", csrf).status, 401);
  // The staff API does not know a portal token.
  ApiRequest staff;
  staff.method = "GET";
  staff.route = "/api/v1/me";
  staff.session_token = token;
  EXPECT_EQ(api_->Handle(staff).status, 401);
  ApiResponse ok = Call("POST", "/portal/api/objection", json::object(), token, csrf);
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.body["state"], "objected");
  auto s = vault_->store().GetSubject(subject_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, "objected");
  // Idle for longer than 10 minutes: the session is gone.
  clock_.AdvanceSeconds(11 * 60);
  EXPECT_EQ(Call("GET", "/portal/api/me", nullptr, token).status, 401);
}

TEST_F(PortalApiTest, RequestsOpenWithADueDate) {
  auto [token, csrf] = SignIn();
  ApiResponse bad = Call("POST", "/portal/api/requests", {{"type", "deceased"}}, token, csrf);
  EXPECT_EQ(bad.status, 400);
  ApiResponse r = Call("POST", "/portal/api/requests", {{"type", "copy"}}, token, csrf);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["id"].get<std::string>().rfind("req_", 0), 0u);
  EXPECT_EQ(r.body["due"].get<std::string>().size(), 10u);
  ApiResponse me = Call("GET", "/portal/api/me", nullptr, token);
  ASSERT_EQ(me.body["requests"].size(), 1u);
  EXPECT_EQ(me.body["requests"][0]["via"], "portal");
  EXPECT_EQ(me.body["requests"][0]["status"], "open");
}

TEST_F(PortalApiTest, AuditNamesTheSubjectButNeverTheNumberOrCode) {
  std::string code = AskCode(kMobile);
  Call("POST", "/portal/api/verify", {{"mobile", kMobile}, {"code", code}});
  AskCode(kUnknown);
  std::string audit = AuditText();
  EXPECT_NE(audit.find("portal.code_requested"), std::string::npos);
  EXPECT_NE(audit.find("portal.verified"), std::string::npos);
  EXPECT_NE(audit.find(subject_), std::string::npos);
  EXPECT_EQ(audit.find(kMobile), std::string::npos);
  EXPECT_EQ(audit.find(kUnknown), std::string::npos);
  EXPECT_EQ(audit.find(code), std::string::npos);
}

TEST_F(PortalApiTest, OneAddressIsRateLimited) {
  PortalOptions o;
  o.ip_codes = {3, 15 * 60, 15 * 60};
  o.ip_verify = {2, 15 * 60, 15 * 60};
  PortalApi limited(*vault_, api_->vault_mutex(), o, sender_.get());
  auto call = [&](const std::string& route, json body, const std::string& ip) {
    ApiRequest r;
    r.method = "POST";
    r.route = route;
    r.body = body.dump();
    r.client_ip = ip;
    return limited.Handle(r).status;
  };
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(call("/portal/api/code", {{"mobile", kUnknown}}, "192.0.2.1"), 200) << i;
  }
  EXPECT_EQ(call("/portal/api/code", {{"mobile", kMobile}}, "192.0.2.1"), 429);
  EXPECT_EQ(call("/portal/api/code", {{"mobile", kMobile}}, "192.0.2.2"), 200);
  // Two wrong codes (for different numbers) from one address lock that address.
  EXPECT_EQ(call("/portal/api/verify", {{"mobile", kUnknown}, {"code", "000000"}}, "192.0.2.3"),
            401);
  EXPECT_EQ(call("/portal/api/verify", {{"mobile", kMobile}, {"code", "000000"}}, "192.0.2.3"),
            401);
  EXPECT_EQ(call("/portal/api/verify", {{"mobile", kMobile}, {"code", "000000"}}, "192.0.2.3"),
            429);
  clock_.AdvanceSeconds(15 * 60 + 1);
  EXPECT_EQ(call("/portal/api/code", {{"mobile", kMobile}}, "192.0.2.1"), 200);
}

TEST_F(PortalApiTest, NoChannelAnswers503) {
  PortalApi none(*vault_, api_->vault_mutex(), PortalOptions{}, nullptr);
  ApiRequest r;
  r.method = "POST";
  r.route = "/portal/api/code";
  r.body = json{{"mobile", kMobile}}.dump();
  ApiResponse a = none.Handle(r);
  EXPECT_EQ(a.status, 503);
  EXPECT_NE(a.body.dump().find("未配置"), std::string::npos);
}

}  // namespace
}  // namespace jv::server
