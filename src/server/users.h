// Staff users of the HTTP server (SPEC §4 "Server"): login name, role, scrypt password
// hash, optional TOTP second factor. Stored as store objects of kind "user" (id = login
// name), so every `serve` node over one database sees the same users:
//   attrs_json: {"role", "totp": bool, "totp_last_step": n,
//                "password": {"kdf": "scrypt", "log_n", "r", "p", "salt", "hash"}}  (hex)
//   sealed:     the TOTP secret, sealed by the vault master key (label "user.totp:NAME").
// The hash is scrypt(password, 16-byte random salt) -> 32 bytes; nothing about the password
// is stored in the clear. Login names are ASCII [a-z][a-z0-9._-]{0,31} (not personal data
// of customers; they appear in audit entries as "user:NAME").
//
// Errors: kInvalidArgument for a bad name, role or too short password (the message names
// what, never the value); kAlreadyExists for a taken name; kNotFound for an unknown user;
// CheckCredentials returns kUnauthenticated with one message for every cause (unknown
// user, wrong password, wrong / missing / replayed TOTP code) and spends the same scrypt
// work for an unknown user.
// Thread-safety: as the Vault / Store given (one thread at a time).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/kdf.h"
#include "src/policy/policy.h"
#include "src/vault/vault.h"

namespace jv::server {

inline constexpr size_t kMinPasswordLength = 12;

struct User {
  std::string name;
  policy::Role role = policy::Role::kOperator;
  bool totp = false;
  std::string status = "active";
  int64_t created_micros = 0;
};

struct NewUser {
  std::string name;
  policy::Role role = policy::Role::kOperator;
  SecretBuffer password;
  bool totp = false;
  crypto::ScryptParams scrypt = {uint64_t{1} << 15, 8, 1};
};

struct AddedUser {
  User user;
  std::string totp_secret;  // base32, "" without TOTP; shown once, to enrol an app
  std::string otpauth_uri;  // "" without TOTP
};

Status ValidateUserName(const std::string& name);

// Creates the user and audits "user.add" (details: name, role, totp; no secret).
Result<AddedUser> AddUser(vault::Vault& vault, const NewUser& user);
// Every user, by name.
Result<std::vector<User>> ListUsers(store::Store& store);
Result<User> GetUser(store::Store& store, const std::string& name);

// Checks the password and, for a TOTP user, the code at `now_seconds` (±1 step); on
// success records the code's step so the same code cannot be used twice. The replay check
// and the step update are one store transaction under Store::LockAudit, so two concurrent
// logins with one code (two threads, two connections, two nodes) let exactly one through.
Result<User> CheckCredentials(vault::Vault& vault, const std::string& name,
                              const SecretBuffer& password, const std::string& totp_code,
                              int64_t now_seconds);

}  // namespace jv::server
