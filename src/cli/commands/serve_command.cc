// jadevault serve: the HTTPS API and web UI (SPEC §4 "Server", §11; docs/design/server.md).
//
//   serve [--listen HOST:PORT] [--tls-cert F --tls-key F] [--access-log FILE] [--json]
//         [--portal-channel file --portal-out DIR | --portal-channel smtp --smtp-url U
//          --from A [--mail-subject S] | --portal-channel webhook --url U]
//
// The customer portal (/portal, /portal/api; docs/design/portal.md) sends its one-time
// codes through --portal-channel: `file` writes one CSV file per code into --portal-out
// (server/portal_sender.h gives the format), `smtp` mails the customer's e-mail on file,
// `webhook` posts to an SMS gateway (the notice channel flags, cli/notice_channel.h).
// Without a channel the portal's code route answers 503.
//
// Unlocks the vault from the usual sources (--passphrase-file, $JADEVAULT_PASSPHRASE, ...),
// binds 127.0.0.1:8443 by default (port 0: any free port) and serves until SIGINT/SIGTERM.
// Without --tls-cert/--tls-key it uses the vault's own certificate, <vault>/tls/server.crt
// and server.key, made self-signed at first serve. When ready it prints one line: with
// --json {"url", "host", "port", "cert_file", "cert_sha256", "cert_created"}. The access log
// (JSON lines, no personal data) goes to stderr or --access-log.
//
//   policy table --json (hidden): the policy table and the API routes, for tests and docs:
//       {"roles", "actions", "fields", "purposes", "rules": [{"role", "action", "fields",
//        "purposes", "masked", "needs_reason", "note"}], "routes": [{"method", "path",
//        "action", "state_change"}]}
#include <fstream>
#include <iostream>

#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/cli/notice_channel.h"
#include "src/server/portal_api.h"
#include "src/server/portal_sender.h"
#include "src/server/server.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;

struct ServeArgs {
  std::string listen = "127.0.0.1:8443";
  std::string tls_cert;
  std::string tls_key;
  std::string access_log;
  size_t max_body = 64 * 1024;
  int max_upload_mb = 256;     // an uploaded customer file (POST /api/v1/imports)
  std::string portal_channel;  // "" | file | smtp | webhook
  std::string portal_out;
  ChannelFlags notice;         // smtp / webhook flags
};

// The portal's code sender for --portal-channel, or null without one.
Result<std::unique_ptr<server::PortalCodeSender>> MakePortalSender(const ServeArgs& a) {
  if (a.portal_channel.empty()) {
    if (!a.portal_out.empty()) return InvalidArgumentError("--portal-out needs --portal-channel file");
    return std::unique_ptr<server::PortalCodeSender>();
  }
  if (a.portal_channel == "file") {
    if (a.portal_out.empty()) return InvalidArgumentError("--portal-channel file needs --portal-out DIR");
    return server::MakeFileCodeSender(a.portal_out);
  }
  if (a.portal_channel != "smtp" && a.portal_channel != "webhook") {
    return InvalidArgumentError("--portal-channel must be file, smtp or webhook");
  }
  ChannelFlags f = a.notice;
  f.channel = a.portal_channel;
  auto sink = MakeNoticeSink(f, true);
  if (!sink.ok()) return sink.status();
  return server::MakeSinkCodeSender(std::move(sink).value());
}

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

void RunServe(CommandContext& ctx, const ServeArgs& a) {
  auto listen = server::ParseListen(a.listen);
  if (ctx.FailIfError(listen.status())) return;
  if (a.tls_cert.empty() != a.tls_key.empty()) {
    return ctx.Fail(InvalidArgumentError("--tls-cert and --tls-key go together"));
  }
  auto portal_sender = MakePortalSender(a);
  if (ctx.FailIfError(portal_sender.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  server::TlsFiles tls;
  if (a.tls_cert.empty()) {
    auto t = server::EnsureVaultCertificate((*v)->dir());
    if (ctx.FailIfError(t.status())) return;
    tls = *t;
    if (tls.created) {
      auto st = (*v)->Audit("server.certificate", "", "security", {{"sha256", tls.fingerprint}});
      if (ctx.FailIfError(st.status())) return;
    }
  } else {
    tls.cert_file = a.tls_cert;
    tls.key_file = a.tls_key;
  }
  if (!IsLoopback(listen->first)) {
    *ctx.err << "jadevault: warning: listening on a non-loopback address; make sure only "
                "staff networks can reach it\n";
  }
  std::ofstream log_file;
  std::ostream* log_out = ctx.err;
  if (!a.access_log.empty()) {
    log_file.open(a.access_log, std::ios::app);
    if (!log_file) return ctx.Fail(InvalidArgumentError("--access-log cannot be opened"));
    log_out = &log_file;
  }
  server::AccessLog log(*log_out, *ctx.clock);
  server::Api api(**v, server::ApiOptions{});
  std::unique_ptr<server::AsyncCodeSender> async_sender;
  if (*portal_sender) {
    // Delivery failures go to stderr (synchronized), never into the access log's stream.
    async_sender = std::make_unique<server::AsyncCodeSender>(std::move(*portal_sender), *ctx.err);
  }
  server::PortalOptions portal_options;
  portal_options.needs_email = a.portal_channel == "smtp";
  server::PortalApi portal(**v, api.vault_mutex(), portal_options, async_sender.get());
  server::ServeOptions o;
  o.portal = &portal;
  o.host = listen->first;
  o.port = listen->second;
  o.cert_file = tls.cert_file;
  o.key_file = tls.key_file;
  o.max_body_bytes = a.max_body;
  o.max_upload_bytes = static_cast<size_t>(a.max_upload_mb) << 20;
  o.on_listening = [&](int port) {
    std::string host =
        listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
    std::string url = "https://" + host + ":" + std::to_string(port) + "/";
    json doc = {{"url", url},
                {"host", listen->first},
                {"port", port},
                {"cert_file", tls.cert_file},
                {"cert_sha256", tls.fingerprint},
                {"cert_created", tls.created},
                {"portal", url + "portal"},
                {"portal_channel", a.portal_channel.empty() ? json(nullptr)
                                                            : json(a.portal_channel)}};
    ctx.Report(doc, "玉匣 serving on (正在服务) " + url + "\n客户门户 (customer portal): " + url +
                        "portal" +
                        (a.portal_channel.empty() ? " — 未配置验证码通道 (no --portal-channel)"
                                                  : " — codes via " + a.portal_channel) +
                        "\n");
    ctx.out->flush();
  };
  Status st = server::Serve(api, log, o);
  if (!st.ok()) ctx.Fail(st);
}

json PolicyTable() {
  json roles = json::array(), actions = json::array(), fields = json::array(),
       purposes = json::array(), rules = json::array(), routes = json::array();
  for (auto r : policy::AllRoles()) roles.push_back(std::string(policy::RoleName(r)));
  for (auto a : policy::AllActions()) actions.push_back(std::string(policy::ActionName(a)));
  for (auto f : policy::AllFields()) fields.push_back(std::string(policy::FieldName(f)));
  for (auto p : policy::AllPurposes()) purposes.push_back(std::string(policy::PurposeName(p)));
  for (const policy::RuleView& r : policy::Rules()) {
    json fs = json::array(), ps = json::array();
    for (auto f : r.fields) fs.push_back(std::string(policy::FieldName(f)));
    for (auto p : r.purposes) ps.push_back(std::string(policy::PurposeName(p)));
    rules.push_back({{"role", std::string(policy::RoleName(r.role))},
                     {"action", std::string(policy::ActionName(r.action))},
                     {"fields", fs},
                     {"purposes", ps},
                     {"masked", r.masked},
                     {"needs_reason", r.needs_reason},
                     {"note", r.note}});
  }
  for (const server::Route& r : server::Routes()) {
    routes.push_back(
        {{"method", r.method},
         {"path", r.path},
         {"action", r.action ? json(std::string(policy::ActionName(*r.action))) : json(nullptr)},
         {"state_change", r.state_change}});
  }
  return {{"roles", roles},       {"actions", actions}, {"fields", fields},
          {"purposes", purposes}, {"rules", rules},     {"routes", routes}};
}

}  // namespace

void RegisterServeCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* serve = app.add_subcommand("serve", "HTTPS API and web UI (127.0.0.1 by default)");
  serve->add_option("--listen", args->listen, "HOST:PORT (default 127.0.0.1:8443; port 0: any)");
  serve->add_option("--tls-cert", args->tls_cert, "PEM certificate (default: the vault's own)");
  serve->add_option("--tls-key", args->tls_key, "PEM private key for --tls-cert");
  serve->add_option("--access-log", args->access_log,
                    "append the access log here (default stderr)");
  serve->add_option("--max-body", args->max_body, "largest request body in bytes")->group("");
  serve->add_option("--max-upload-mb", args->max_upload_mb,
                    "largest uploaded import file in MiB (default 256)")
      ->check(CLI::Range(1, 4096));
  serve->add_option("--portal-channel", args->portal_channel,
                    "how the customer portal sends login codes: file | smtp | webhook");
  serve->add_option("--portal-out", args->portal_out, "portal code outbox directory (file)");
  serve->add_option("--smtp-url", args->notice.smtp_url, "smtp://HOST:PORT (portal smtp)");
  serve->add_option("--from", args->notice.from, "sender address (portal smtp)");
  serve->add_option("--mail-subject", args->notice.mail_subject, "mail subject (portal smtp)");
  serve->add_option("--url", args->notice.url, "webhook URL (portal webhook)");
  serve->callback([&ctx, args] { RunServe(ctx, *args); });

  CLI::App* pol = app.add_subcommand("policy", "the access policy table");
  pol->group("");  // hidden: for tests and documentation
  pol->require_subcommand(1);
  pol->add_subcommand("table", "print the role x action x field x purpose table")->callback([&ctx] {
    ctx.Report(PolicyTable());
  });
}

}  // namespace jv::cli
