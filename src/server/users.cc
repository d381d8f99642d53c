#include "src/server/users.h"

#include <nlohmann/json.hpp>

#include "src/common/strings.h"
#include "src/crypto/hash.h"
#include "src/server/totp.h"

namespace jv::server {

namespace {

using json = nlohmann::json;
constexpr char kKind[] = "user";
constexpr size_t kSaltSize = 16;
constexpr size_t kHashSize = 32;
constexpr size_t kTotpSecretSize = 20;  // RFC 4226 recommends 160 bits

std::string TotpLabel(const std::string& name) { return "user.totp:" + name; }

int Log2(uint64_t n) {
  int l = 0;
  while (n > 1) {
    n >>= 1;
    ++l;
  }
  return l;
}

Result<User> FromRow(const store::ObjectRow& row) {
  json a = json::parse(row.attrs_json, nullptr, false);
  if (!a.is_object() || !a.contains("role") || !a["role"].is_string()) {
    return DataLossError("user object is malformed");
  }
  JV_ASSIGN_OR_RETURN(policy::Role role, policy::ParseRole(a["role"].get<std::string>()));
  User u;
  u.name = row.id;
  u.role = role;
  u.totp = a.value("totp", false);
  u.status = row.status;
  u.created_micros = row.created_micros;
  return u;
}

// The work of a password check, for a user that does not exist (no timing oracle).
void DummyScrypt(const SecretBuffer& password) {
  Bytes salt(kSaltSize, 0);
  crypto::Scrypt(password.view(), salt, NewUser{}.scrypt, kHashSize).status().IgnoreError();
}

}  // namespace

Status ValidateUserName(const std::string& name) {
  if (name.empty() || name.size() > 32 || !(name[0] >= 'a' && name[0] <= 'z')) {
    return InvalidArgumentError(
        "user name must be 1-32 characters a-z 0-9 . _ - starting "
        "with a letter");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) {
      return InvalidArgumentError(
          "user name must be 1-32 characters a-z 0-9 . _ - starting "
          "with a letter");
    }
  }
  return Status::Ok();
}

Result<AddedUser> AddUser(vault::Vault& vault, const NewUser& nu) {
  JV_RETURN_IF_ERROR(ValidateUserName(nu.name));
  if (nu.password.size() < kMinPasswordLength) {
    return InvalidArgumentError("password must be at least " + std::to_string(kMinPasswordLength) +
                                " bytes");
  }
  Bytes salt = vault.random().RandomBytes(kSaltSize);
  JV_ASSIGN_OR_RETURN(SecretBuffer hash,
                      crypto::Scrypt(nu.password.view(), salt, nu.scrypt, kHashSize));
  json attrs = {{"role", std::string(policy::RoleName(nu.role))},
                {"totp", nu.totp},
                {"totp_last_step", 0},
                {"password",
                 {{"kdf", "scrypt"},
                  {"log_n", Log2(nu.scrypt.n)},
                  {"r", nu.scrypt.r},
                  {"p", nu.scrypt.p},
                  {"salt", HexEncode(salt)},
                  {"hash", HexEncode(hash.view())}}}};
  AddedUser out;
  store::ObjectRow row;
  row.kind = kKind;
  row.id = nu.name;
  row.status = "active";
  row.created_micros = row.updated_micros = vault.clock().NowMicros();
  if (nu.totp) {
    SecretBuffer secret(vault.random().RandomBytes(kTotpSecretSize));
    JV_ASSIGN_OR_RETURN(row.sealed,
                        vault.keys().SealSecret(TotpLabel(nu.name), secret, vault.random()));
    out.totp_secret = Base32Encode(secret.view());
    out.otpauth_uri = OtpauthUri("jadevault", nu.name, out.totp_secret);
  }
  row.attrs_json = attrs.dump();
  {
    store::Transaction txn(vault.store());
    JV_RETURN_IF_ERROR(txn.Start());
    auto existing = vault.store().GetObject(kKind, nu.name);
    if (existing.ok()) return AlreadyExistsError("a user with this name exists");
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    JV_RETURN_IF_ERROR(vault.store().PutObject(row));
    JV_RETURN_IF_ERROR(vault
                           .AuditInTxn("user.add", "", "administration",
                                       {{"user", nu.name},
                                        {"role", std::string(policy::RoleName(nu.role))},
                                        {"totp", nu.totp}})
                           .status());
    JV_RETURN_IF_ERROR(txn.Commit());
  }
  JV_ASSIGN_OR_RETURN(out.user, FromRow(row));
  return out;
}

Result<std::vector<User>> ListUsers(store::Store& store) {
  store::ObjectFilter filter;
  filter.kind = kKind;
  JV_ASSIGN_OR_RETURN(auto rows, store.ListObjects(filter));
  std::vector<User> out;
  for (const auto& row : rows) {
    JV_ASSIGN_OR_RETURN(User u, FromRow(row));
    out.push_back(std::move(u));
  }
  return out;
}

Result<User> GetUser(store::Store& store, const std::string& name) {
  auto row = store.GetObject(kKind, name);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) return NotFoundError("no such user");
    return row.status();
  }
  return FromRow(*row);
}

Result<User> CheckCredentials(vault::Vault& vault, const std::string& name,
                              const SecretBuffer& password, const std::string& totp_code,
                              int64_t now_seconds) {
  const Status bad = UnauthenticatedError("bad user name, password or one-time code");
  if (!ValidateUserName(name).ok()) {
    DummyScrypt(password);
    return bad;
  }
  auto row = vault.store().GetObject(kKind, name);
  if (!row.ok()) {
    if (row.status().code() != StatusCode::kNotFound) return row.status();
    DummyScrypt(password);
    return bad;
  }
  JV_ASSIGN_OR_RETURN(User user, FromRow(*row));
  json a = json::parse(row->attrs_json, nullptr, false);
  const json& pw = a["password"];
  if (!pw.is_object() || pw.value("kdf", "") != "scrypt") {
    return DataLossError("user object is malformed");
  }
  crypto::ScryptParams params{uint64_t{1} << pw.value("log_n", 15), pw.value("r", 8u),
                              pw.value("p", 1u)};
  JV_ASSIGN_OR_RETURN(Bytes salt, HexDecode(pw.value("salt", "")));
  JV_ASSIGN_OR_RETURN(Bytes want, HexDecode(pw.value("hash", "")));
  JV_ASSIGN_OR_RETURN(SecretBuffer got, crypto::Scrypt(password.view(), salt, params, kHashSize));
  bool ok = crypto::ConstantTimeEqual(got.view(), want);
  if (user.status != "active") ok = false;
  std::optional<int64_t> step;
  if (user.totp) {
    JV_ASSIGN_OR_RETURN(SecretBuffer secret, vault.keys().OpenSecret(TotpLabel(name), row->sealed));
    step = MatchTotp(secret.view(), totp_code, now_seconds);
    if (!step || *step <= a.value("totp_last_step", int64_t{0})) ok = false;
  }
  if (!ok) return bad;
  if (step) {
    // Check-and-set of the last accepted step, atomic across connections and nodes: the
    // row is read again inside a write transaction that holds the store's audit lock
    // (SQLite: BEGIN IMMEDIATE holds the database's write lock; PostgreSQL: the advisory
    // lock, after which READ COMMITTED sees every earlier commit). Of two logins with one
    // code, the second sees the first's step and is refused.
    store::Store& st = vault.store();
    store::Transaction txn(st);
    JV_RETURN_IF_ERROR(txn.Start());
    JV_RETURN_IF_ERROR(st.LockAudit());
    auto fresh = st.GetObject(kKind, name);
    if (!fresh.ok()) {
      if (fresh.status().code() == StatusCode::kNotFound) return bad;
      return fresh.status();
    }
    json fa = json::parse(fresh->attrs_json, nullptr, false);
    if (!fa.is_object()) return DataLossError("user object is malformed");
    if (*step <= fa.value("totp_last_step", int64_t{0}) || fresh->status != "active") return bad;
    fa["totp_last_step"] = *step;
    store::ObjectRow updated = *fresh;
    updated.attrs_json = fa.dump();
    updated.updated_micros = vault.clock().NowMicros();
    JV_RETURN_IF_ERROR(st.PutObject(updated));
    JV_RETURN_IF_ERROR(txn.Commit());
  }
  return user;
}

}  // namespace jv::server
