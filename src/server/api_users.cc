// Staff users over HTTP (admin), as `users list | add`:
//   GET  /api/v1/users   users.manage  {"users": [{"name","role","totp","status","created"}]}
//   POST /api/v1/users   users.manage  {"name","role","password","totp": bool}
//        -> {"user","role","totp","totp_secret"?,"otpauth_uri"?} (the secret is shown once;
//        audited "user.add" without it)
#include "src/common/date.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"
#include "src/server/users.h"

namespace jv::server {

namespace {

using json = nlohmann::json;

ApiResponse List(Call& c) {
  auto users = ListUsers(c.vault.store());
  if (!users.ok()) return ErrorResponse(users.status());
  json list = json::array();
  for (const User& u : *users) {
    list.push_back({{"name", u.name},
                    {"role", std::string(policy::RoleName(u.role))},
                    {"totp", u.totp},
                    {"status", u.status},
                    {"created", FormatRfc3339Seconds(u.created_micros)}});
  }
  return Ok({{"users", list}});
}

ApiResponse Add(Call& c) {
  auto body = ParseBody(c.req.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto name = StringField(*body, "name", true);
  if (!name.ok()) return ErrorResponse(name.status());
  auto role_text = StringField(*body, "role", true);
  if (!role_text.ok()) return ErrorResponse(role_text.status());
  auto role = policy::ParseRole(*role_text);
  if (!role.ok()) return Error(400, "invalid_argument", "role is not a known role");
  auto password = StringField(*body, "password", true);
  if (!password.ok()) return ErrorResponse(password.status());
  bool totp = false;
  if (body->contains("totp")) {
    if (!(*body)["totp"].is_boolean())
      return Error(400, "invalid_argument", "totp must be true or false");
    totp = (*body)["totp"].get<bool>();
  }
  NewUser nu;
  nu.name = *name;
  nu.role = *role;
  nu.password = SecretBuffer::FromString(*password);
  std::fill(password->begin(), password->end(), '\0');
  nu.totp = totp;
  auto added = AddUser(c.vault, nu);
  if (!added.ok()) return ErrorResponse(added.status());
  json doc = {{"ok", true},
              {"user", added->user.name},
              {"role", std::string(policy::RoleName(added->user.role))},
              {"totp", added->user.totp}};
  if (added->user.totp) {
    doc["totp_secret"] = added->totp_secret;
    doc["otpauth_uri"] = added->otpauth_uri;
  }
  return Ok(std::move(doc));
}

}  // namespace

std::vector<Route> UserRoutes() {
  return {
      {"GET", "/api/v1/users", policy::Action::kUsersManage, false, List},
      {"POST", "/api/v1/users", policy::Action::kUsersManage, true, Add},
  };
}

}  // namespace jv::server
