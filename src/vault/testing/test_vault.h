// Unit-test helpers over a real (temporary, synthetic) vault, shared by the tests of the
// modules above vault (server, workflow, report). Not for production code.
#pragma once

#include <memory>
#include <string>

#include "src/common/clock.h"
#include "src/common/random.h"
#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/vault/vault.h"

namespace jv::vault::testing {

inline constexpr char kTestPassphrase[] = "a synthetic test passphrase";

// Makes a vault in `dir` (cheap scrypt, std suite) and opens it with the same passphrase.
inline Result<std::unique_ptr<Vault>> MakeTestVault(const std::string& dir, Clock& clock,
                                                    Random& random,
                                                    const std::string& company = "测试珠宝有限公司") {
  InitOptions o;
  o.dir = dir;
  o.company = company;
  o.passphrase = SecretBuffer::FromString(kTestPassphrase);
  o.scrypt.n = 1 << 10;
  JV_RETURN_IF_ERROR(Vault::Init(o, clock, random).status());
  UnlockOptions u;
  u.passphrase = SecretBuffer::FromString(kTestPassphrase);
  return Vault::Open(dir, std::move(u), clock, random);
}

// Every audit line, one per line (to check what an entry says or must not say).
inline std::string AuditText(Vault& v) {
  std::string all;
  v.store()
      .ForEachAudit(1, int64_t{1} << 30,
                    [&](const store::AuditRow& row) {
                      all += row.line + "\n";
                      return Status::Ok();
                    })
      .IgnoreError();
  return all;
}

}  // namespace jv::vault::testing
