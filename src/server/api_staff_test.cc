// The staff UI's API (docs/design/ui.md): upload imports as background jobs, jobs that do
// not hold the API's lock, the notice campaign, users, audit checkpoints and export, the
// dashboard; and the atomic TOTP replay check. Real temporary vaults, synthetic data.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <future>
#include <thread>

#include "src/common/testing/temp_dir.h"
#include "src/server/api.h"
#include "src/server/totp.h"
#include "src/server/users.h"
#include "src/store/postgres/pg_test_database.h"

namespace jv::server {
namespace {

using json = nlohmann::json;
constexpr int64_t kT0 = int64_t{1790000000} * 1000000;
constexpr char kPassword[] = "a long synthetic password";
constexpr char kPassphrase[] = "a synthetic test passphrase";

// Synthetic customers; the third row holds nothing identifying and is rejected.
constexpr char kCsv[] =
    "会员卡号,姓名,性别,手机,邮箱\r\n"
    "VIP001,张三,男,13800138001,a@example.com\r\n"
    "VIP002,李四,女,13800138002,\r\n"
    ",,女,,\r\n"
    "VIP004,王五,男,13800138004,c@example.com\r\n";

class StaffApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vault::InitOptions o;
    o.dir = tmp_.Path() + "/vault";
    o.company = "测试珠宝有限公司";
    o.passphrase = SecretBuffer::FromString(kPassphrase);
    o.scrypt.n = 1 << 10;
    ASSERT_TRUE(vault::Vault::Init(o, clock_, random_).ok());
    vault_ = Open();
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
    api_ = std::make_unique<Api>(*vault_, ApiOptions{});
  }

  std::unique_ptr<vault::Vault> Open() {
    vault::UnlockOptions u;
    u.passphrase = SecretBuffer::FromString(kPassphrase);
    auto v = vault::Vault::Open(tmp_.Path() + "/vault", std::move(u), clock_, random_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? std::move(*v) : nullptr;
  }

  struct Who {
    std::string token, csrf, name;
  };

  ApiResponse Call(const Who& who, const std::string& method, const std::string& route,
                   json body = nullptr, std::multimap<std::string, std::string> query = {},
                   std::map<std::string, std::string> params = {}, std::string raw = "") {
    ApiRequest r;
    r.method = method;
    r.route = route;
    r.path_params = std::move(params);
    r.body = !raw.empty() ? raw : body.is_null() ? "" : body.dump();
    r.session_token = who.token;
    r.csrf_token = who.csrf;
    r.query = std::move(query);
    r.client_ip = "127.0.0.1";
    r.content_type =
        route == "/api/v1/imports" ? "application/octet-stream" : "application/json";
    return api_->Handle(r);
  }

  Who Login(const std::string& user) {
    json body = {{"user", user}, {"password", kPassword}};
    if (user == "dpo1") body["totp"] = Totp(dpo_secret_, clock_.NowSeconds());
    ApiRequest r;
    r.method = "POST";
    r.route = "/api/v1/session";
    r.body = body.dump();
    r.client_ip = "127.0.0.1";
    ApiResponse a = api_->Handle(r);
    EXPECT_EQ(a.status, 200) << a.body.dump();
    std::string prefix = std::string(kSessionCookie) + "=";
    std::string cookie = a.set_cookies.at(0);
    clock_.AdvanceSeconds(31);
    return {cookie.substr(prefix.size(), cookie.find(';') - prefix.size()),
            a.body["csrf"].get<std::string>(), user};
  }

  // Polls the job until it ends; returns its last state.
  json WaitJob(const Who& who, const std::string& id) {
    for (int i = 0; i < 3000; ++i) {
      ApiResponse r = Call(who, "GET", "/api/v1/jobs/{id}", nullptr, {}, {{"id", id}});
      EXPECT_EQ(r.status, 200) << r.body.dump();
      if (r.status != 200) return r.body;
      std::string state = r.body.value("state", "");
      if (state == "done" || state == "failed") return r.body;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "job did not end";
    return json::object();
  }

  testing::TempDir tmp_;
  FakeClock clock_{kT0};
  Random& random_ = SystemRandom::Get();  // jobs run on another thread
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<Api> api_;
  Bytes dpo_secret_;
};

TEST_F(StaffApiTest, UploadImportRunsAsAJobAndReportsLikeTheImporter) {
  Who dpo = Login("dpo1");
  Who op = Login("operator1");
  std::multimap<std::string, std::string> q = {
      {"kind", "customers"}, {"filename", "customers.csv"}, {"import_date", "2026-09-01"}};
  // The operator may not import (issue 6 Done-when), before any file is written.
  EXPECT_EQ(Call(op, "POST", "/api/v1/imports", nullptr, q, {}, kCsv).status, 403);
  EXPECT_EQ(
      Call(dpo, "POST", "/api/v1/imports", nullptr, {{"filename", "../x.csv"}}, {}, kCsv).status,
      400);
  EXPECT_EQ(Call(dpo, "POST", "/api/v1/imports", nullptr, q).status, 400);  // empty file
  ApiResponse started = Call(dpo, "POST", "/api/v1/imports", nullptr, q, {}, kCsv);
  ASSERT_EQ(started.status, 200) << started.body.dump();
  std::string id = started.body["job"];
  // Another user cannot see the job.
  EXPECT_EQ(Call(op, "GET", "/api/v1/jobs/{id}", nullptr, {}, {{"id", id}}).status, 404);
  json job = WaitJob(dpo, id);
  ASSERT_EQ(job["state"], "done") << job.dump();
  const json& r = job["result"];
  EXPECT_EQ(r["source"], "customers.csv");
  EXPECT_EQ(r["import_date"], "2026-09-01");
  EXPECT_EQ(r["rows_read"], 4);
  EXPECT_EQ(r["rows_rejected"], 1);
  EXPECT_EQ(r["subjects_created"], 3);
  ASSERT_EQ(r["rejected"].size(), 1u);
  EXPECT_EQ(r["rejected"][0]["row"], 3);
  // The upload never reached the disk; the vault holds the subjects; the import is
  // audited by the user.
  EXPECT_FALSE(std::filesystem::exists(tmp_.Path() + "/vault/uploads"));
  auto counts = vault_->store().CountSubjectsByState();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at("active"), 3);
  std::string audit;
  vault_->store()
      .ForEachAudit(1, 1 << 30,
                    [&](const store::AuditRow& row) {
                      if (row.line.find("\"action\":\"import\"") != std::string::npos) {
                        audit += row.line;
                      }
                      return Status::Ok();
                    })
      .IgnoreError();
  EXPECT_NE(audit.find("\"actor\":\"user:dpo1\""), std::string::npos) << audit;
  // The same file again is refused (already imported), as on the CLI.
  json again = WaitJob(dpo, Call(dpo, "POST", "/api/v1/imports", nullptr, q, {}, kCsv).body["job"]);
  EXPECT_EQ(again["state"], "failed");
  EXPECT_EQ(again["error"]["http_status"], 409);
  // The message names the file as the browser did, not the memory file it was read from.
  std::string message = again["error"].value("message", "");
  EXPECT_EQ(message.rfind("customers.csv: this file was already imported", 0), 0u) << message;
  // A legacy workbook is refused by its name before anything runs.
  ApiResponse xls = Call(dpo, "POST", "/api/v1/imports", nullptr,
                         {{"kind", "customers"}, {"filename", "old.xls"}}, {}, kCsv);
  EXPECT_EQ(xls.status, 400);
  EXPECT_NE(xls.body.dump().find(".xls workbooks are not supported"), std::string::npos);
}

// Versions before 2026-11-28 wrote uploads to <vault>/uploads/ during their import; a
// server killed then left the file in the clear. Starting the API removes them.
TEST_F(StaffApiTest, StartingTheApiRemovesUploadsAnOlderVersionLeft) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(tmp_.Path()) / "vault" / "uploads" / "u_0123";
  fs::create_directories(dir);
  const fs::path file = dir / "customers.csv";
  { std::ofstream(file) << kCsv; }
  // A hard link outside the directory shows the file's blocks were overwritten, not only
  // unlinked.
  const fs::path outside = fs::path(tmp_.Path()) / "link-to-upload";
  fs::create_hard_link(file, outside);
  Api again(*vault_, ApiOptions{});
  EXPECT_FALSE(fs::exists(fs::path(tmp_.Path()) / "vault" / "uploads"));
  std::ifstream in(outside, std::ios::binary);
  std::string left((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(left.size(), std::string(kCsv).size());
  EXPECT_EQ(left, std::string(left.size(), '\0'));
}

TEST_F(StaffApiTest, TheApiAnswersWhileAJobRuns) {
  Who dpo = Login("dpo1");
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> entered{false};
  std::string id = api_->jobs().Start(
      "dpo1", "test",
      [&](vault::Vault& v, const JobProgress& progress) -> Result<json> {
        progress.count(1, 2);
        progress.phase("finishing");
        entered = true;
        released.wait();  // a long job, holding its own vault only
        auto n = v.store().AuditSize();
        if (!n.ok()) return n.status();
        return json{{"audit", *n}};
      },
      random_);
  for (int i = 0; i < 500 && !entered; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(entered);
  // While the job holds on, other calls answer (they would deadlock if it held the API lock).
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(Call(dpo, "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(Call(dpo, "GET", "/api/v1/dashboard").status, 200);
  ApiResponse running = Call(dpo, "GET", "/api/v1/jobs/{id}", nullptr, {}, {{"id", id}});
  EXPECT_EQ(running.body["state"], "running");
  EXPECT_EQ(running.body["progress"]["done"], 1);
  EXPECT_EQ(running.body["progress"]["total"], 2);
  EXPECT_EQ(running.body["progress"]["phase"], "finishing");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  release.set_value();
  json done = WaitJob(dpo, id);
  EXPECT_EQ(done["state"], "done");
  EXPECT_FALSE(done["progress"].contains("phase"));
  EXPECT_GT(done["result"]["audit"].get<int64_t>(), 0);
}

TEST_F(StaffApiTest, CampaignTemplateCheckAndPreview) {
  Who dpo = Login("dpo1");
  Who op = Login("operator1");
  ApiResponse t = Call(dpo, "GET", "/api/v1/notices/template");
  ASSERT_EQ(t.status, 200);
  std::string text = t.body["text"];
  EXPECT_FALSE(t.body["stored"].get<bool>());
  ApiResponse ok = Call(dpo, "POST", "/api/v1/notices/template/check", {{"text", text}});
  EXPECT_TRUE(ok.body["ok"].get<bool>()) << ok.body.dump();
  std::string broken = text;
  size_t at = broken.find("{{deadline}}");
  ASSERT_NE(at, std::string::npos);
  broken.erase(at, std::string("{{deadline}}").size());
  ApiResponse bad = Call(dpo, "POST", "/api/v1/notices/preview", {{"text", broken}});
  ASSERT_EQ(bad.status, 200);
  EXPECT_FALSE(bad.body["ok"].get<bool>());
  EXPECT_NE(bad.body["message"].get<std::string>().find("deadline"), std::string::npos);
  for (const json& e : bad.body["elements"]) {
    EXPECT_EQ(e["present"].get<bool>(), e["name"] != "deadline") << e.dump();
  }
  // The preview fills the company and a sample customer, never a placeholder left for them.
  std::string shown = bad.body["text"];
  EXPECT_NE(shown.find("测试珠宝有限公司"), std::string::npos);
  EXPECT_EQ(shown.find("{{transferor}}"), std::string::npos);
  // Plan needs the transfer set up (409), and operators cannot run the campaign (403).
  EXPECT_EQ(Call(dpo, "POST", "/api/v1/notices/plan", json::object()).status, 409);
  EXPECT_EQ(Call(op, "POST", "/api/v1/notices/preview", {{"text", text}}).status, 403);
  EXPECT_EQ(Call(dpo, "POST", "/api/v1/notices/send", {{"channel", "smtp"}}).status, 400);
}

TEST_F(StaffApiTest, AdminAddsUsersWithTotpOthersCannot) {
  Who admin = Login("admin1");
  Who dpo = Login("dpo1");
  json body = {{"name", "clerk2"}, {"role", "operator"}, {"password", kPassword}, {"totp", true}};
  EXPECT_EQ(Call(dpo, "POST", "/api/v1/users", body).status, 403);
  ApiResponse r = Call(admin, "POST", "/api/v1/users", body);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["role"], "operator");
  EXPECT_EQ(r.body["totp_secret"].get<std::string>().size(), 32u);
  EXPECT_EQ(Call(admin, "POST", "/api/v1/users", body).status, 409);  // taken
  body["name"] = "Bad Name";
  EXPECT_EQ(Call(admin, "POST", "/api/v1/users", body).status, 400);
  ApiResponse list = Call(admin, "GET", "/api/v1/users");
  bool found = false;
  for (const json& u : list.body["users"]) found |= u["name"] == "clerk2" && u["totp"] == true;
  EXPECT_TRUE(found) << list.body.dump();
}

TEST_F(StaffApiTest, AuditCheckpointsAndExport) {
  Who auditor = Login("auditor1");
  Who op = Login("operator1");
  ApiResponse made = Call(auditor, "POST", "/api/v1/audit/checkpoints", json::object());
  ASSERT_EQ(made.status, 200) << made.body.dump();
  ApiResponse list = Call(auditor, "GET", "/api/v1/audit/checkpoints");
  ASSERT_EQ(list.body["checkpoints"].size(), 1u);
  EXPECT_EQ(list.body["checkpoints"][0]["tree_size"], made.body["tree_size"]);
  ApiResponse ex = Call(auditor, "GET", "/api/v1/audit/export");
  ASSERT_EQ(ex.status, 200);
  std::string text = ex.body["text"];
  EXPECT_EQ(static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')),
            ex.body["entries"].get<int64_t>());
  EXPECT_NE(text.find("\"action\":\"audit.export\""), std::string::npos);
  EXPECT_EQ(Call(op, "GET", "/api/v1/audit/export").status, 403);
}

TEST_F(StaffApiTest, DashboardShowsCountsGateAndTimelineWithoutPi) {
  Who op = Login("operator1");
  ApiResponse d = Call(op, "GET", "/api/v1/dashboard");
  ASSERT_EQ(d.status, 200) << d.body.dump();
  EXPECT_EQ(d.body["case_type"], "transfer");
  EXPECT_TRUE(d.body["transfer"].is_null());
  EXPECT_FALSE(d.body["gate"]["rules"].empty());
  ASSERT_FALSE(d.body["timeline"].empty());
  EXPECT_EQ(d.body["timeline"][0]["action"], "vault.init");
  for (const json& s : d.body["timeline"]) {
    EXPECT_NE(s["action"].get<std::string>().rfind("session.", 0), 0u) << s.dump();
  }
}

// Two logins with one TOTP code at the same moment, through separate connections (as two
// nodes would): exactly one gets in. Before the fix both read the old last step, spent the
// scrypt work, and both wrote.
void ExpectOneLoginPerCode(const std::string& dir, FakeClock& clock, const Bytes& secret) {
  constexpr int kThreads = 6;
  for (int round = 0; round < 3; ++round) {
    clock.AdvanceSeconds(60);
    std::vector<std::unique_ptr<vault::Vault>> vaults;
    for (int i = 0; i < kThreads; ++i) {
      vault::UnlockOptions u;
      u.passphrase = SecretBuffer::FromString(kPassphrase);
      auto v = vault::Vault::Open(dir, std::move(u), clock, SystemRandom::Get());
      ASSERT_TRUE(v.ok()) << v.status().ToString();
      vaults.push_back(std::move(*v));
    }
    std::string code = Totp(secret, clock.NowSeconds());
    std::atomic<int> ready{0}, ok{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        SecretBuffer pw = SecretBuffer::FromString(kPassword);
        ++ready;
        while (ready < kThreads) std::this_thread::yield();
        auto u = CheckCredentials(*vaults[i], "dpo1", pw, code, clock.NowSeconds());
        if (u.ok()) {
          ++ok;
        } else if (u.status().code() == StatusCode::kUnauthenticated) {
          ++refused;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(refused.load(), kThreads - 1) << "round " << round;
  }
}

TEST_F(StaffApiTest, ConcurrentLoginsWithOneTotpCodeLetExactlyOneIn) {
  ExpectOneLoginPerCode(tmp_.Path() + "/vault", clock_, dpo_secret_);
}

TEST(StaffApiPostgresTest, ConcurrentLoginsWithOneTotpCodeLetExactlyOneIn) {
  store::testing::PgTestDatabase db;
  if (store::testing::PgTestDatabase::ServerUrl().empty()) {
    if (store::testing::PgTestDatabase::Required()) {
      FAIL() << store::testing::PgTestDatabase::kUnsetMessage;
    }
    GTEST_SKIP() << store::testing::PgTestDatabase::kUnsetMessage;
  }
  auto url = db.Create();
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  testing::TempDir tmp;
  FakeClock clock{kT0};
  vault::InitOptions o;
  o.dir = tmp.Path() + "/vault";
  o.company = "测试珠宝有限公司";
  o.store_location = *url;
  o.passphrase = SecretBuffer::FromString(kPassphrase);
  o.scrypt.n = 1 << 10;
  ASSERT_TRUE(vault::Vault::Init(o, clock, SystemRandom::Get()).ok());
  vault::UnlockOptions u;
  u.passphrase = SecretBuffer::FromString(kPassphrase);
  auto v = vault::Vault::Open(o.dir, std::move(u), clock, SystemRandom::Get());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  NewUser nu;
  nu.name = "dpo1";
  nu.role = policy::Role::kDpo;
  nu.password = SecretBuffer::FromString(kPassword);
  nu.totp = true;
  nu.scrypt.n = 1 << 10;
  auto added = AddUser(**v, nu);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ExpectOneLoginPerCode(o.dir, clock, *Base32Decode(added->totp_secret));
}

}  // namespace
}  // namespace jv::server
