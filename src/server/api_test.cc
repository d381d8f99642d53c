// Api::Handle end to end on a real (temporary, synthetic) vault: sessions, CSRF, lockout,
// TOTP replay, policy on every route, reveal audited without the value.
#include "src/server/api.h"

#include <gtest/gtest.h>

#include "src/common/testing/temp_dir.h"
#include "src/server/totp.h"
#include "src/server/users.h"
#include "src/vault/testing/test_vault.h"
#include "src/workflow/transfer.h"

namespace jv::server {
namespace {

using json = nlohmann::json;
constexpr int64_t kT0 = int64_t{1790000000} * 1000000;
constexpr char kMobile[] = "13812345678";  // synthetic
constexpr char kPassword[] = "a long synthetic password";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = vault::testing::MakeTestVault(tmp_.Path() + "/vault", clock_, random_);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vault_ = std::move(*v);
    for (policy::Role r : policy::AllRoles()) {
      NewUser nu;
      nu.name = std::string(policy::RoleName(r)) + "1";
      nu.role = r;
      nu.password = SecretBuffer::FromString(kPassword);
      nu.totp = r == policy::Role::kDpo;
      nu.scrypt.n = 1 << 10;
      auto added = AddUser(*vault_, nu);
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      if (nu.totp) dpo_secret_ = *Base32Decode(added->totp_secret);
    }
    auto id = vault_->CreateSubject(json::object());
    ASSERT_TRUE(id.ok());
    subject_ = *id;
    ASSERT_TRUE(vault_
                    ->AddRecord(subject_, vault::kClassProfile, "", 0,
                                {{"name", "测试"}, {"mobile", kMobile}})
                    .ok());
    ASSERT_TRUE(vault_->AddBlindIndex(subject_, "mobile", kMobile).ok());
    api_ = std::make_unique<Api>(*vault_, ApiOptions{});
  }

  ApiResponse Call(const std::string& method, const std::string& route, json body = nullptr,
                   std::string token = "", std::string csrf = "",
                   std::multimap<std::string, std::string> query = {}) {
    ApiRequest r;
    r.method = method;
    r.route = route;
    r.path_params["id"] = subject_;
    r.body = body.is_null() ? "" : body.dump();
    r.session_token = std::move(token);
    r.csrf_token = std::move(csrf);
    r.query = std::move(query);
    r.client_ip = "127.0.0.1";
    return api_->Handle(r);
  }

  // Logs in; returns {token, csrf}.
  std::pair<std::string, std::string> Login(const std::string& user) {
    json body = {{"user", user}, {"password", kPassword}};
    if (user == "dpo1") body["totp"] = Totp(dpo_secret_, clock_.NowSeconds());
    ApiResponse r = Call("POST", "/api/v1/session", body);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.set_cookies.size(), 1u);
    std::string cookie = r.set_cookies.at(0);
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("Secure"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    std::string prefix = std::string(kSessionCookie) + "=";
    std::string token = cookie.substr(prefix.size(), cookie.find(';') - prefix.size());
    clock_.AdvanceSeconds(31);  // next TOTP step for the next login
    return {token, r.body["csrf"].get<std::string>()};
  }

  std::string AuditText() { return vault::testing::AuditText(*vault_); }

  testing::TempDir tmp_;
  FakeClock clock_{kT0};
  FakeRandom random_{42};
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<Api> api_;
  Bytes dpo_secret_;
  std::string subject_;
};

TEST_F(ApiTest, NoSessionIs401AndBadLoginIs401) {
  EXPECT_EQ(Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/subjects", nullptr, "f00d").status, 401);
  EXPECT_EQ(
      Call("POST", "/api/v1/session", {{"user", "operator1"}, {"password", "wrong one!"}}).status,
      401);
  EXPECT_EQ(Call("POST", "/api/v1/session", {{"user", "nobody"}, {"password", kPassword}}).status,
            401);
  ApiResponse r = Call("POST", "/api/v1/session", {{"user", "operator1"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["message"], "password is required");
}

TEST_F(ApiTest, TotpRequiredAndNotReplayable) {
  json body = {{"user", "dpo1"}, {"password", kPassword}};
  EXPECT_EQ(Call("POST", "/api/v1/session", body).status, 401);  // no code
  body["totp"] = Totp(dpo_secret_, clock_.NowSeconds() - 120);   // stale
  EXPECT_EQ(Call("POST", "/api/v1/session", body).status, 401);
  body["totp"] = Totp(dpo_secret_, clock_.NowSeconds());
  EXPECT_EQ(Call("POST", "/api/v1/session", body).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/session", body).status, 401);  // same code again
}

TEST_F(ApiTest, CsrfRequiredOnStateChanges) {
  auto [token, csrf] = Login("operator1");
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, token).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/v1/session", nullptr, token).status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/session", nullptr, token, "0" + csrf.substr(1)).status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/session", nullptr, token, csrf).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, token).status, 401);  // logged out
}

TEST_F(ApiTest, SessionsExpireWhenIdleAndAbsolutely) {
  auto [token, csrf] = Login("auditor1");
  clock_.AdvanceSeconds(29 * 60);
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, token).status, 200);
  clock_.AdvanceSeconds(31 * 60);
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, token).status, 401);  // idle
  auto [t2, c2] = Login("auditor1");
  for (int i = 0; i < 26; ++i) {  // active every 29 minutes for 12.5 hours
    clock_.AdvanceSeconds(29 * 60);
    if (Call("GET", "/api/v1/me", nullptr, t2).status != 200) {
      EXPECT_GE(i, 23);
      return;
    }
  }
  ADD_FAILURE() << "session outlived its absolute lifetime";
}

TEST_F(ApiTest, LockoutAfterFailuresThenTimeUnlocks) {
  json bad = {{"user", "operator1"}, {"password", "not the password"}};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call("POST", "/api/v1/session", bad).status, 401);
  json good = {{"user", "operator1"}, {"password", kPassword}};
  EXPECT_EQ(Call("POST", "/api/v1/session", good).status, 429);
  clock_.AdvanceSeconds(16 * 60);
  EXPECT_EQ(Call("POST", "/api/v1/session", good).status, 200);
  EXPECT_NE(AuditText().find("session.login_locked"), std::string::npos);
}

TEST_F(ApiTest, EveryRouteEveryRoleFollowsThePolicy) {
  for (policy::Role role : policy::AllRoles()) {
    std::string user = std::string(policy::RoleName(role)) + "1";
    for (const Route& route : Routes()) {
      if (!route.action) continue;
      auto [token, csrf] = Login(user);
      json body = nullptr;
      std::multimap<std::string, std::string> q;
      std::optional<policy::Field> field;
      std::optional<policy::Purpose> purpose;
      if (route.path == "/api/v1/subjects") q.emplace("mobile", kMobile);
      if (policy::TouchesPersonalInformation(*route.action)) {
        purpose = policy::Purpose::kCustomerService;
      }
      if (*route.action == policy::Action::kSubjectReveal) {
        field = policy::Field::kMobile;
        body = {{"field", "mobile"}, {"purpose", "customer_service"}, {"reason", "客户来电核实"}};
      }
      if (*route.action == policy::Action::kResponseRecord) {
        body = {{"subject", subject_}, {"type", "correct"}, {"via", "phone"}};
      }
      bool allowed = policy::Authorize(role, *route.action, field, purpose).allowed;
      ApiResponse r = Call(route.method, route.path, body, token, csrf, q);
      // Routes this test gives a valid request must answer 200 when allowed; any other route
      // may refuse the (empty) input with 400/404/409, but never with 401 or 403.
      bool known_input = route.path.rfind("/api/v1/subjects", 0) == 0 ||
                         route.path == "/api/v1/responses" || route.path == "/api/v1/session" ||
                         (route.method == "GET" && route.path.find('{') == std::string::npos);
      std::string where = std::string(policy::RoleName(role)) + " " + route.method + " " +
                          route.path + " " + r.body.dump();
      if (!allowed) {
        EXPECT_EQ(r.status, 403) << where;
      } else if (known_input) {
        EXPECT_EQ(r.status, 200) << where;
      } else {
        EXPECT_NE(r.status, 401) << where;
        EXPECT_NE(r.status, 403) << where;
        EXPECT_LT(r.status, 500) << where;
      }
    }
  }
}

TEST_F(ApiTest, OperatorSeesMaskedDpoRevealsWithReasonAudited) {
  auto [op, op_csrf] = Login("operator1");
  ApiResponse r = Call("GET", "/api/v1/subjects", nullptr, op, "", {{"mobile", kMobile}});
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["subjects"].size(), 1u);
  EXPECT_EQ(r.body["subjects"][0]["masked"]["mobile"], "138****5678");
  EXPECT_EQ(r.body.dump().find(kMobile), std::string::npos);
  EXPECT_EQ(
      Call("POST", "/api/v1/subjects/{id}/reveal",
           {{"field", "mobile"}, {"purpose", "customer_service"}, {"reason", "x"}}, op, op_csrf)
          .status,
      403);
  r = Call("GET", "/api/v1/subjects", nullptr, op, "", {{"mobile", "12"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.dump().find("\"12\""), std::string::npos);

  auto [dpo, csrf] = Login("dpo1");
  json reveal = {{"field", "mobile"}, {"purpose", "rights_request"}};
  EXPECT_EQ(Call("POST", "/api/v1/subjects/{id}/reveal", reveal, dpo, csrf).status, 403);
  reveal["reason"] = "客户申请查阅 (synthetic)";
  r = Call("POST", "/api/v1/subjects/{id}/reveal", reveal, dpo, csrf);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["revealed"]["mobile"], kMobile);
  std::string audit = AuditText();
  EXPECT_NE(audit.find("subject.reveal"), std::string::npos);
  EXPECT_NE(audit.find("user:dpo1"), std::string::npos);
  EXPECT_EQ(audit.find(kMobile), std::string::npos);
  reveal["field"] = "shoe_size";
  r = Call("POST", "/api/v1/subjects/{id}/reveal", reveal, dpo, csrf);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["message"], "field is not a known field");
}

// POST /api/v1/responses goes through workflow::RecordResponse: the subject's state and the
// response object change as with `responses record`, audited under the signed-in user.
TEST_F(ApiTest, RecordResponseChangesStateAndIsAuditedLikeTheCli) {
  auto [op, csrf] = Login("operator1");
  json body = {{"subject", subject_}, {"type", "object"}, {"via", "phone"}};
  EXPECT_EQ(Call("POST", "/api/v1/responses", body, op).status, 403);  // no CSRF token
  ApiResponse r = Call("POST", "/api/v1/responses", body, op, csrf);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["state"], "objected");
  EXPECT_EQ(r.body["type"], "object");
  std::string rid = r.body["response"].get<std::string>();
  EXPECT_EQ(rid.rfind("rs_", 0), 0u);
  auto subject = vault_->store().GetSubject(subject_);
  ASSERT_TRUE(subject.ok());
  EXPECT_EQ(subject->state, "objected");
  auto obj = vault_->store().GetObject(workflow::kKindResponse, rid);
  ASSERT_TRUE(obj.ok());
  EXPECT_EQ(obj->subject_id, subject_);
  std::string audit = AuditText();
  EXPECT_NE(audit.find("response.record"), std::string::npos);
  EXPECT_NE(audit.find(rid), std::string::npos);
  EXPECT_NE(audit.find("user:operator1"), std::string::npos);

  // Bad input names the field; unknown subject 404; the auditor may not record.
  body["type"] = "shout";
  r = Call("POST", "/api/v1/responses", body, op, csrf);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.dump().find("shout"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/responses", {{"subject", subject_}, {"type", "object"}}, op,
                 csrf)
                .status,
            400);
  EXPECT_EQ(Call("POST", "/api/v1/responses",
                 {{"subject", "s_doesnotexist"}, {"type", "object"}, {"via", "phone"}}, op, csrf)
                .status,
            404);
  auto [aud, aud_csrf] = Login("auditor1");
  EXPECT_EQ(Call("POST", "/api/v1/responses",
                 {{"subject", subject_}, {"type", "consent"}, {"via", "letter"}}, aud, aud_csrf)
                .status,
            403);

  // A deletion request shreds the customer; afterwards the subject takes no response.
  auto [dpo, dpo_csrf] = Login("dpo1");
  r = Call("POST", "/api/v1/responses",
           {{"subject", subject_}, {"type", "delete"}, {"via", "letter"}}, dpo, dpo_csrf);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["state"], "shredded");
  EXPECT_EQ(r.body["backup_needed"], true);
  r = Call("POST", "/api/v1/responses",
           {{"subject", subject_}, {"type", "consent"}, {"via", "letter"}}, dpo, dpo_csrf);
  EXPECT_EQ(r.status, 409);
  auto verified = vault_->audit().Verify(vault_->signer().PublicKeyPem());
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->reason;
}

TEST_F(ApiTest, SessionsLiveInTheStoreWithoutTheToken) {
  auto [token, csrf] = Login("admin1");
  store::ObjectFilter filter;
  filter.kind = "session";
  auto rows = vault_->store().ListObjects(filter);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_NE((*rows)[0].id, token);
  EXPECT_EQ((*rows)[0].attrs_json.find(token), std::string::npos);
  EXPECT_EQ((*rows)[0].attrs_json.find(csrf), std::string::npos);
  // A second Api over the same store (another node) accepts the session.
  Api other(*vault_, ApiOptions{});
  ApiRequest r;
  r.method = "GET";
  r.route = "/api/v1/me";
  r.session_token = token;
  EXPECT_EQ(other.Handle(r).status, 200);
}

}  // namespace
}  // namespace jv::server
