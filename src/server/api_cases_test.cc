// The case-work routes (api_cases_*.cc) through Api::Handle on a temporary synthetic vault:
// GET answers before a case is set up, the requests queue against the CLI's workflow call
// with the vault clock deciding `overdue`, a refusal needing its reason, roles refused.
#include <gtest/gtest.h>

#include "src/common/testing/temp_dir.h"
#include "src/server/api.h"
#include "src/server/users.h"
#include "src/vault/testing/test_vault.h"
#include "src/workflow/requests.h"

namespace jv::server {
namespace {

using json = nlohmann::json;
constexpr int64_t kT0 = int64_t{1790000000} * 1000000;  // 2026-09-21 (China)
constexpr char kPassword[] = "a long synthetic password";

class ApiCasesTest : public ::testing::Test {
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
      nu.scrypt.n = 1 << 10;
      ASSERT_TRUE(AddUser(*vault_, nu).ok());
    }
    auto id = vault_->CreateSubject(json::object());
    ASSERT_TRUE(id.ok());
    subject_ = *id;
    ASSERT_TRUE(vault_->AddRecord(subject_, vault::kClassProfile, "", 0, {{"name", "测试"}}).ok());
    api_ = std::make_unique<Api>(*vault_, ApiOptions{});
  }

  // Logs `role` in (once) and calls the route.
  ApiResponse As(const std::string& role, const std::string& method, const std::string& route,
                 json body = nullptr, std::map<std::string, std::string> params = {},
                 std::multimap<std::string, std::string> query = {}) {
    if (!sessions_.count(role)) {
      ApiRequest login;
      login.method = "POST";
      login.route = "/api/v1/session";
      login.body = json({{"user", role + "1"}, {"password", kPassword}}).dump();
      login.client_ip = "127.0.0.1";
      ApiResponse r = api_->Handle(login);
      EXPECT_EQ(r.status, 200) << r.body.dump();
      std::string cookie = r.set_cookies.at(0);
      std::string prefix = std::string(kSessionCookie) + "=";
      sessions_[role] = {cookie.substr(prefix.size(), cookie.find(';') - prefix.size()),
                         r.body["csrf"].get<std::string>()};
    }
    ApiRequest r;
    r.method = method;
    r.route = route;
    r.path_params = std::move(params);
    r.query = std::move(query);
    r.body = body.is_null() ? "" : body.dump();
    r.session_token = sessions_[role].first;
    r.csrf_token = sessions_[role].second;
    r.client_ip = "127.0.0.1";
    return api_->Handle(r);
  }

  std::string AuditText() { return vault::testing::AuditText(*vault_); }

  testing::TempDir tmp_;
  FakeClock clock_{kT0};
  FakeRandom random_{7};
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<Api> api_;
  std::string subject_;
  std::map<std::string, std::pair<std::string, std::string>> sessions_;
};

TEST_F(ApiCasesTest, GetRoutesSayNotSetUpInsteadOfFailing) {
  ApiResponse t = As("dpo", "GET", "/api/v1/transfer");
  EXPECT_EQ(t.status, 200) << t.body.dump();
  EXPECT_EQ(t.body["set_up"], false);
  ApiResponse d = As("liquidator", "GET", "/api/v1/liquidation/deadlines");
  EXPECT_EQ(d.status, 200) << d.body.dump();
  EXPECT_EQ(d.body["set_up"], false);
  EXPECT_NE(d.body["message"].get<std::string>().find("liquidation setup"), std::string::npos);
}

TEST_F(ApiCasesTest, RequestsQueueMatchesTheWorkflowAndOverdueFollowsTheVaultClock) {
  ApiResponse old =
      As("operator", "POST", "/api/v1/requests",
         {{"subject", subject_}, {"type", "access"}, {"via", "phone"}, {"received", "2026-08-03"}});
  ASSERT_EQ(old.status, 200) << old.body.dump();
  ApiResponse today = As("operator", "POST", "/api/v1/requests",
                         {{"subject", subject_}, {"type", "explanation"}, {"via", "letter"}});
  ASSERT_EQ(today.status, 200) << today.body.dump();
  EXPECT_EQ(today.body["received"], "2026-09-21");

  ApiResponse list = As("operator", "GET", "/api/v1/requests");
  ASSERT_EQ(list.status, 200) << list.body.dump();
  auto cli = workflow::ListRequests(*vault_, "");
  ASSERT_TRUE(cli.ok());
  EXPECT_EQ(list.body["requests"], json(*cli));
  EXPECT_EQ(list.body["today"], "2026-09-21");
  EXPECT_EQ(list.body["counts"]["overdue"], 1);
  for (const json& r : list.body["requests"]) {
    EXPECT_EQ(r["overdue"].get<bool>(), r["id"] == old.body["id"]) << r.dump();
  }
  // After the second request's due date the vault clock makes it overdue too.
  const std::string due = today.body["due"].get<std::string>();
  clock_.AdvanceSeconds(int64_t{40} * 86400);
  sessions_.clear();  // the old session expired meanwhile
  list = As("operator", "GET", "/api/v1/requests");
  EXPECT_EQ(list.body["counts"]["overdue"], 2) << due;
  list = As("operator", "GET", "/api/v1/requests", nullptr, {}, {{"status", "refused"}});
  EXPECT_EQ(list.body["requests"].size(), 0u);
  EXPECT_EQ(As("operator", "GET", "/api/v1/requests", nullptr, {}, {{"status", "x"}}).status, 400);
}

TEST_F(ApiCasesTest, RefusalNeedsAReasonAndIsAuditedWithoutIt) {
  ApiResponse r = As("dpo", "POST", "/api/v1/requests",
                     {{"subject", subject_}, {"type", "deletion"}, {"via", "email"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const std::string id = r.body["id"];
  const std::string route = "/api/v1/requests/{id}/refuse";
  EXPECT_EQ(As("dpo", "POST", route, json::object(), {{"id", id}}).status, 400);
  EXPECT_EQ(As("dpo", "POST", route, {{"reason", "  "}}, {{"id", id}}).status, 400);
  EXPECT_EQ(As("dpo", "POST", route, {{"reason", "x"}}, {{"id", "BAD/ID"}}).status, 400);
  ApiResponse ok = As("dpo", "POST", route, {{"reason", "申请人身份无法核实"}}, {{"id", id}});
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.body["status"], "refused");
  EXPECT_EQ(As("dpo", "POST", route, {{"reason", "again"}}, {{"id", id}}).status, 409);
  const std::string audit = AuditText();
  EXPECT_NE(audit.find("request.refuse"), std::string::npos);
  EXPECT_NE(audit.find("user:dpo1"), std::string::npos);
  EXPECT_EQ(audit.find("申请人身份无法核实"), std::string::npos);
}

TEST_F(ApiCasesTest, RolesOutsideTheTableAreRefused) {
  EXPECT_EQ(As("operator", "GET", "/api/v1/claims").status, 403);
  EXPECT_EQ(As("operator", "GET", "/api/v1/recipients").status, 403);
  EXPECT_EQ(As("liquidator", "GET", "/api/v1/requests").status, 403);
  EXPECT_EQ(As("admin", "GET", "/api/v1/holds").status, 403);
  EXPECT_EQ(As("recipient", "GET", "/api/v1/checklist").status, 403);
  ApiResponse ok = As("auditor", "GET", "/api/v1/checklist");
  EXPECT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_TRUE(ok.body["rules"].is_array());
}

}  // namespace
}  // namespace jv::server
