#include "src/cli/commands/demo_serve.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "src/classify/mobile.h"
#include "src/cli/unlock.h"
#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/ingest/importer.h"
#include "src/server/portal_api.h"
#include "src/server/portal_sender.h"
#include "src/server/server.h"
#include "src/server/users.h"

namespace jv::cli::demo {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr char kPasswordAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

Result<int64_t> LiveSubjects(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(auto counts, v.store().CountSubjectsByState());
  int64_t live = 0;
  for (const auto& [state, n] : counts) {
    if (state != "shredded" && state != "transferred" && state != "restricted") live += n;
  }
  return live;
}

std::string ReadSmallFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

struct DemoLogin {
  std::string name, role, password_file, totp_secret, otpauth_uri;
};

// Makes (or, on a re-run, reuses) one staff user with its password in a 0600 file.
Result<DemoLogin> EnsureUser(CommandContext& ctx, vault::Vault& v, const std::string& dir,
                             const std::string& name, policy::Role role, bool totp) {
  DemoLogin out;
  out.name = name;
  out.role = std::string(policy::RoleName(role));
  out.password_file = dir + "/" + name + ".password";
  std::string totp_file = dir + "/" + name + ".totp";
  if (server::GetUser(v.store(), name).ok() && fs::exists(out.password_file)) {
    if (totp) {
      json t = json::parse(ReadSmallFile(totp_file), nullptr, false);
      if (t.is_object()) {
        out.totp_secret = t.value("totp_secret", "");
        out.otpauth_uri = t.value("otpauth_uri", "");
      }
    }
    return out;
  }
  server::NewUser u;
  u.name = name;
  u.role = role;
  u.totp = totp;
  std::string pw = ctx.random->RandomString(20, kPasswordAlphabet);
  u.password = SecretBuffer::FromString(pw);
  JV_RETURN_IF_ERROR(WriteFileAtomic(out.password_file, pw + "\n", 0600));
  std::fill(pw.begin(), pw.end(), '\0');
  JV_ASSIGN_OR_RETURN(server::AddedUser added, server::AddUser(v, u));
  if (totp) {
    out.totp_secret = added.totp_secret;
    out.otpauth_uri = added.otpauth_uri;
    JV_RETURN_IF_ERROR(WriteFileAtomic(
        totp_file, json{{"totp_secret", added.totp_secret}, {"otpauth_uri", added.otpauth_uri}}
                       .dump() + "\n", 0600));
  }
  return out;
}

// One live customer's mobile (synthetic demo data) into a 0600 file, for trying the portal.
Result<std::string> WriteTryMobile(vault::Vault& v, const std::string& dir) {
  std::string path = dir + "/portal-try-mobile.txt";
  std::string found;
  std::vector<std::string> ids;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    if (ids.size() < 200 && s.state != "shredded" && s.state != "transferred" &&
        s.state != "restricted") {
      ids.push_back(s.id);
    }
    return Status::Ok();
  }));
  Date today = ChinaDateFromMicros(v.clock().NowMicros());
  for (const std::string& id : ids) {
    JV_ASSIGN_OR_RETURN(auto records, v.ReadRecords(id));
    auto cur = ingest::CurrentValues(records, vault::kClassProfile, today);
    auto m = cur.find("mobile");
    if (m == cur.end() || !m->second.is_string()) continue;
    auto checked = classify::CheckMobile(m->second.get<std::string>());
    if (!checked.valid()) continue;
    auto hits = v.FindByIndex("mobile", checked.value);
    if (!hits.ok() || hits->size() != 1) continue;  // a shared number cannot sign in
    JV_RETURN_IF_ERROR(
        v.Audit("subject.read", id, "demonstration", {{"command", "demo --serve"}}).status());
    found = checked.value;
    break;
  }
  if (found.empty()) return std::string();
  JV_RETURN_IF_ERROR(WriteFileAtomic(path, found + "\n", 0600));
  return path;
}

}  // namespace

void ServeDemo(CommandContext& ctx, const std::string& listen_text) {
  auto listen = server::ParseListen(listen_text);
  if (ctx.FailIfError(listen.status())) return;
  const std::string main_dir = ctx.opts.vault_dir;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto live = LiveSubjects(**v);
  if (ctx.FailIfError(live.status())) return;
  std::string why = "the main demo vault still holds " + std::to_string(*live) + " customers";
  if (*live == 0 && fs::exists(main_dir + ".liquidation")) {
    v->reset();
    ctx.opts.vault_dir = main_dir + ".liquidation";
    v = OpenVault(ctx);
    ctx.opts.vault_dir = main_dir;
    if (ctx.FailIfError(v.status())) return;
    auto n = LiveSubjects(**v);
    if (ctx.FailIfError(n.status())) return;
    why = "every customer of the main demo vault was transferred; the liquidation vault "
          "holds " + std::to_string(*n) + " customer-creditors";
  }
  vault::Vault& vault = **v;
  vault.set_actor("cli:demo");
  const std::string dir = main_dir + ".serve";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return ctx.Fail(InternalError("cannot create the demo server directory"));
  ::chmod(dir.c_str(), 0700);
  auto dpo = EnsureUser(ctx, vault, dir, "demo-dpo", policy::Role::kDpo, true);
  if (ctx.FailIfError(dpo.status())) return;
  auto op = EnsureUser(ctx, vault, dir, "demo-operator", policy::Role::kOperator, false);
  if (ctx.FailIfError(op.status())) return;
  auto try_mobile = WriteTryMobile(vault, dir);
  if (ctx.FailIfError(try_mobile.status())) return;
  auto tls = server::EnsureVaultCertificate(vault.dir());
  if (ctx.FailIfError(tls.status())) return;

  const std::string outbox = dir + "/portal-outbox";
  server::AccessLog log(*ctx.err, *ctx.clock);
  server::Api api(vault, server::ApiOptions{});
  server::AsyncCodeSender sender(server::MakeFileCodeSender(outbox), *ctx.err);
  server::PortalApi portal(vault, api.vault_mutex(), server::PortalOptions{}, &sender);
  server::ServeOptions o;
  o.host = listen->first;
  o.port = listen->second;
  o.cert_file = tls->cert_file;
  o.key_file = tls->key_file;
  o.portal = &portal;
  o.on_listening = [&](int port) {
    std::string host =
        listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
    std::string url = "https://" + host + ":" + std::to_string(port) + "/";
    auto login = [](const DemoLogin& l) {
      json j = {{"user", l.name}, {"role", l.role}, {"password_file", l.password_file}};
      if (!l.totp_secret.empty()) {
        j["totp_secret"] = l.totp_secret;
        j["otpauth_uri"] = l.otpauth_uri;
      }
      return j;
    };
    json doc = {{"serve",
                 {{"url", url},
                  {"portal", url + "portal"},
                  {"port", port},
                  {"vault", vault.dir()},
                  {"why", why},
                  {"cert_file", tls->cert_file},
                  {"cert_sha256", tls->fingerprint},
                  {"logins", json::array({login(*dpo), login(*op)})},
                  {"portal_outbox", outbox},
                  {"portal_try_mobile_file", *try_mobile}}}};
    std::string human =
        "\n玉匣演示服务器 (demo server) on " + vault.dir() + " — " + why + "\n" +
        "  员工界面 (staff UI):      " + url + "\n" +
        "  客户门户 (customer portal): " + url + "portal\n" +
        "  DPO 登录 (login): " + dpo->name + ", password in " + dpo->password_file +
        ", TOTP secret " + dpo->totp_secret + "\n" + "    " + dpo->otpauth_uri + "\n" +
        "  操作员登录 (operator login): " + op->name + ", password in " + op->password_file +
        "\n" + "  门户验证码发件箱 (portal code outbox): " + outbox + "\n" +
        (try_mobile->empty() ? std::string()
                             : "  试用手机号 (a synthetic customer's mobile to try): " +
                                   *try_mobile + "\n") +
        "  证书 (certificate): " + tls->cert_file + " sha256 " + tls->fingerprint + "\n" +
        "  Ctrl-C 停止 (stop)\n";
    if (ctx.opts.json) {
      *ctx.out << doc.dump() << "\n";
    } else {
      *ctx.out << human;
    }
    ctx.out->flush();
  };
  Status st = server::Serve(api, log, o);
  if (!st.ok()) ctx.Fail(st);
}

}  // namespace jv::cli::demo
