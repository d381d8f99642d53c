#include "src/server/server.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "src/crypto/tls_cert.h"
#include "src/server/portal_api.h"
#include "src/server/static_assets.h"

namespace jv::server {

namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

// Per-request facts for the access log, set by the handlers of the worker thread that
// serves the request and read by the logger on the same thread.
struct RequestFacts {
  std::string route = "unmatched";
  std::string user;
  Steady::time_point start = Steady::now();
};
thread_local RequestFacts t_facts;

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  for (size_t i = 0; i < req.get_header_value_count("Cookie"); ++i) {
    std::string h = req.get_header_value("Cookie", i);
    size_t pos = 0;
    while (pos < h.size()) {
      size_t end = h.find(';', pos);
      if (end == std::string::npos) end = h.size();
      std::string part = h.substr(pos, end - pos);
      size_t b = part.find_first_not_of(' ');
      if (b != std::string::npos) part = part.substr(b);
      if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
      pos = end + 1;
    }
  }
  return "";
}

std::string TemplateRegex(const std::string& tmpl) {
  return std::regex_replace(tmpl, std::regex(R"(\{[a-z_]+\})"), "([^/]+)");
}

std::vector<std::string> TemplateParams(const std::string& tmpl) {
  std::vector<std::string> names;
  std::regex re(R"(\{([a-z_]+)\})");
  for (auto it = std::sregex_iterator(tmpl.begin(), tmpl.end(), re); it != std::sregex_iterator();
       ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

void WriteJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

nlohmann::json ErrorBody(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

Status WriteFile(const fs::path& path, std::string_view data, mode_t mode) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return InternalError("tls: cannot write " + path.filename().string());
    ::chmod(tmp.c_str(), mode);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!f) return InternalError("tls: cannot write " + path.filename().string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return InternalError("tls: cannot write " + path.filename().string());
  return Status::Ok();
}

// The customer portal: its own routes and cookie, the same JSON and logging conventions.
void RegisterPortal(httplib::SSLServer& svr, PortalApi& portal) {
  for (const PortalRoute& route : PortalRoutes()) {
    std::string path = route.path;
    std::string method = route.method;
    auto handler = [&portal, path, method](const httplib::Request& req, httplib::Response& res) {
      t_facts.route = path;
      if (method == "POST") {
        std::string ct = req.get_header_value("Content-Type");
        if (ct.rfind("application/json", 0) != 0) {
          WriteJson(res, 415,
                    ErrorBody("unsupported_media_type", "Content-Type must be application/json"));
          return;
        }
      }
      ApiRequest a;
      a.method = method;
      a.route = path;
      a.body = req.body;
      a.session_token = CookieValue(req, kPortalCookie);
      a.csrf_token = req.get_header_value("X-CSRF-Token");
      a.client_ip = req.remote_addr;
      ApiResponse r = portal.Handle(a);
      for (const std::string& c : r.set_cookies) res.set_header("Set-Cookie", c);
      WriteJson(res, r.status, r.body);
    };
    if (method == "GET") svr.Get(path, handler);
    if (method == "POST") svr.Post(path, handler);
    if (method == "DELETE") svr.Delete(path, handler);
  }
  svr.Get("/portal", [](const httplib::Request&, httplib::Response& res) {
    t_facts.route = "/portal";
    const StaticAsset* a = FindStaticAsset("/static/portal.html");
    if (a == nullptr) {
      WriteJson(res, 404, ErrorBody("not_found", "not found"));
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(a->data), std::string(a->content_type));
  });
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"Content-Security-Policy",
       "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
       "object-src 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Strict-Transport-Security", "max-age=31536000"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
  };
  return kHeaders;
}

Result<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return InvalidArgumentError("--listen must be HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port_text = listen.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5) {
    return InvalidArgumentError("--listen port must be a number 0-65535");
  }
  int port = std::stoi(port_text);
  if (port > 65535) return InvalidArgumentError("--listen port must be a number 0-65535");
  return std::make_pair(host, port);
}

Result<TlsFiles> EnsureVaultCertificate(const std::string& vault_dir) {
  fs::path dir = fs::path(vault_dir) / "tls";
  TlsFiles out;
  out.cert_file = (dir / "server.crt").string();
  out.key_file = (dir / "server.key").string();
  bool has_cert = fs::exists(out.cert_file), has_key = fs::exists(out.key_file);
  if (has_cert != has_key) {
    return FailedPreconditionError("tls: only one of tls/server.crt and tls/server.key exists");
  }
  if (!has_cert) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return InternalError("tls: cannot create the tls directory");
    ::chmod(dir.c_str(), 0700);
    JV_ASSIGN_OR_RETURN(
        crypto::TlsCertificate c,
        crypto::MakeSelfSignedCertificate("localhost", {"localhost"}, {"127.0.0.1", "::1"}, 825));
    JV_RETURN_IF_ERROR(WriteFile(out.key_file, c.key_pem.str(), 0600));
    JV_RETURN_IF_ERROR(WriteFile(out.cert_file, c.cert_pem, 0644));
    out.created = true;
  }
  std::ifstream f(out.cert_file, std::ios::binary);
  std::string pem((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  JV_ASSIGN_OR_RETURN(out.fingerprint, crypto::CertificateFingerprint(pem));
  return out;
}

Status Serve(Api& api, AccessLog& log, const ServeOptions& o) {
  if (o.cert_file.empty() || o.key_file.empty()) {
    return FailedPreconditionError("serve needs a certificate and a key");
  }
  httplib::SSLServer svr(o.cert_file.c_str(), o.key_file.c_str());
  if (!svr.is_valid()) {
    return FailedPreconditionError("cannot load the TLS certificate or key");
  }
  SSL_CTX_set_min_proto_version(svr.ssl_context(), TLS1_2_VERSION);

  httplib::Headers defaults;
  for (const auto& [k, v] : SecurityHeaders()) defaults.emplace(k, v);
  svr.set_default_headers(defaults);
  // The library's limit is the largest any route takes (an upload); every other route is
  // held to max_body_bytes before its body is read (pre-routing handler below).
  std::vector<std::string> upload_paths;
  for (const Route& r : Routes()) {
    if (r.raw_body) upload_paths.push_back(r.path);
  }
  svr.set_payload_max_length(std::max(o.max_body_bytes, o.max_upload_bytes));
  int threads = o.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_keep_alive_max_count(20);

  const size_t max_body = o.max_body_bytes;
  svr.set_pre_routing_handler([upload_paths, max_body](const httplib::Request& req,
                                                       httplib::Response& res) {
    t_facts = RequestFacts{};
    bool upload = std::find(upload_paths.begin(), upload_paths.end(), req.path) !=
                  upload_paths.end();
    if (!upload) {
      bool chunked = req.has_header("Transfer-Encoding");
      std::string len = req.get_header_value("Content-Length");
      bool digits = !len.empty() && len.size() <= 18 &&
                    len.find_first_not_of("0123456789") == std::string::npos;
      bool too_long = !len.empty() && (!digits || std::stoull(len) > max_body);
      if (too_long || chunked) {
        // Not read: close the connection rather than parse the body as the next request.
        res.set_header("Connection", "close");
        WriteJson(res, 413, ErrorBody("payload_too_large", "request body too large"));
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_logger([&log](const httplib::Request& req, const httplib::Response& res) {
    AccessRecord r;
    r.method = req.method;
    r.route = t_facts.route;
    r.status = res.status;
    r.user = t_facts.user;
    r.duration_ms =
        std::chrono::duration<double, std::milli>(Steady::now() - t_facts.start).count();
    r.bytes = res.body.size();
    log.Write(r);
    t_facts = RequestFacts{};
  });
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string code = res.status == 413   ? "payload_too_large"
                       : res.status == 404 ? "not_found"
                                           : "http_error";
    std::string message = res.status == 413 ? "request body too large" : "not found";
    WriteJson(res, res.status, ErrorBody(code, message));
  });
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        WriteJson(res, 500, ErrorBody("internal", "internal error"));
      });

  for (const Route& route : Routes()) {
    std::string tmpl = route.path;
    std::vector<std::string> params = TemplateParams(tmpl);
    std::string method = route.method;
    bool raw_body = route.raw_body;
    auto handler = [&api, tmpl, params, method, raw_body](const httplib::Request& req,
                                                          httplib::Response& res) {
      t_facts.route = tmpl;
      if (method == "POST" && !raw_body) {
        std::string ct = req.get_header_value("Content-Type");
        if (ct.rfind("application/json", 0) != 0) {
          WriteJson(res, 415,
                    ErrorBody("unsupported_media_type", "Content-Type must be application/json"));
          return;
        }
      }
      ApiRequest a;
      a.method = method;
      a.route = tmpl;
      for (size_t i = 0; i < params.size() && i + 1 < req.matches.size(); ++i) {
        a.path_params[params[i]] = req.matches[i + 1];
      }
      for (const auto& [k, v] : req.params) a.query.emplace(k, v);
      a.body = req.body;
      a.content_type = req.get_header_value("Content-Type");
      a.session_token = CookieValue(req, kSessionCookie);
      a.csrf_token = req.get_header_value("X-CSRF-Token");
      a.client_ip = req.remote_addr;
      ApiResponse r = api.Handle(a);
      t_facts.user = r.user;
      for (const std::string& c : r.set_cookies) res.set_header("Set-Cookie", c);
      WriteJson(res, r.status, r.body);
    };
    std::string re = TemplateRegex(tmpl);
    if (method == "GET") svr.Get(re, handler);
    if (method == "POST") svr.Post(re, handler);
    if (method == "DELETE") svr.Delete(re, handler);
  }
  if (o.portal != nullptr) RegisterPortal(svr, *o.portal);
  svr.Get(R"(/|/static/[A-Za-z0-9._-]+)", [](const httplib::Request& req, httplib::Response& res) {
    t_facts.route = req.path == "/" ? "/" : "/static/{file}";
    const StaticAsset* a = FindStaticAsset(req.path);
    if (a == nullptr) {
      WriteJson(res, 404, ErrorBody("not_found", "not found"));
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(a->data), std::string(a->content_type));
  });

  // SIGINT / SIGTERM stop the server: blocked here (inherited by the worker threads) and
  // taken by one watcher thread.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  int port = o.port;
  if (port == 0) {
    port = svr.bind_to_any_port(o.host);
    if (port < 0) return UnavailableError("cannot bind the listen address");
  } else if (!svr.bind_to_port(o.host, port)) {
    return UnavailableError("cannot bind the listen address");
  }
  std::thread watcher([&svr, sigs] {
    int sig = 0;
    sigwait(&sigs, &sig);
    svr.stop();
  });
  if (o.on_listening) o.on_listening(port);
  bool ok = svr.listen_after_bind();
  pthread_kill(watcher.native_handle(), SIGTERM);  // wakes the watcher if still waiting
  watcher.join();
  if (!ok) return UnavailableError("the server stopped with an error");
  return Status::Ok();
}

}  // namespace jv::server
