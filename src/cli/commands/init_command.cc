// jadevault init: create a vault (SPEC §10; issue "vault core").
#include "src/cli/commands/commands.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/crypto/suite.h"
#include "src/server/server.h"
#include "src/vault/vault.h"

namespace jv::cli {

namespace {

struct InitArgs {
  std::string company;
  std::string case_type = "transfer";
  std::string crypto = "std";
  std::string store;
  std::string key_file_out;
  int scrypt_log_n = 17;
};

void RunInit(CommandContext& ctx, const InitArgs& a) {
  auto suite = crypto::ParseSuite(a.crypto);
  if (!suite.ok()) return ctx.Fail(InvalidArgumentError("--crypto must be std or gm"));
  if (a.scrypt_log_n < 14 || a.scrypt_log_n > 22) {
    return ctx.Fail(InvalidArgumentError("--scrypt-log-n must be between 14 and 22"));
  }
  vault::InitOptions o;
  o.dir = ctx.opts.vault_dir;
  o.company = a.company;
  o.case_type = a.case_type;
  o.suite = *suite;
  o.store_location = a.store;
  o.scrypt.n = uint64_t{1} << a.scrypt_log_n;
  // Refuse an existing vault before prompting for anything.
  if (vault::Vault::ReadConfig(o.dir).ok()) {
    return ctx.Fail(AlreadyExistsError("a vault already exists at " + o.dir +
                                       "; refusing to overwrite it"));
  }
  auto pass = ReadPassphrase(ctx, /*confirm=*/true);
  if (ctx.FailIfError(pass.status())) return;
  o.passphrase = std::move(pass).value();
  if (!a.key_file_out.empty()) {
    // A second way to unlock: 32 random bytes, hex, written 0600.
    SecretBuffer raw(32);
    ctx.random->Fill(raw.data(), raw.size());
    std::string hex = HexEncode(raw.view());
    if (ctx.FailIfError(WriteFileAtomic(a.key_file_out, hex + "\n", 0600))) return;
    o.key_file_secret = SecretBuffer::FromString(hex);
    SecureWipe(hex.data(), hex.size());
  }
  auto r = vault::Vault::Init(o, *ctx.clock, *ctx.random);
  if (ctx.FailIfError(r.status())) return;
  // The server's certificate is made now (SPEC §4), so its fingerprint can be handed to the
  // staff's browsers before the first `serve`; `serve --tls-cert/--tls-key` overrides it.
  auto tls = server::EnsureVaultCertificate(o.dir);
  if (ctx.FailIfError(tls.status())) return;
  nlohmann::json doc = {{"ok", true},
                        {"vault", o.dir},
                        {"vault_id", r->config.vault_id},
                        {"company", r->config.company},
                        {"case", r->config.case_type},
                        {"crypto", r->config.crypto},
                        {"store", r->config.store},
                        {"signing_algorithm", r->signing_algorithm},
                        {"signing_public_key_pem", r->signing_public_key_pem},
                        {"tls_cert", tls->cert_file},
                        {"tls_cert_sha256", tls->fingerprint}};
  std::string human = "已创建保管库 (vault created): " + o.dir + "\n  vault_id: " +
                      r->config.vault_id + "\n  crypto: " + r->config.crypto + " (" +
                      r->signing_algorithm + ")\n  case: " + r->config.case_type + "\n  TLS certificate (SHA-256): " +
                      tls->fingerprint + "\n";
  ctx.Report(doc, human);
}

}  // namespace

void RegisterInitCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* cmd = app.add_subcommand("init", "create a new vault");
  cmd->add_option("--company", args->company, "the company whose customer data this is")->required();
  cmd->add_option("--case", args->case_type, "transfer | liquidation | transfer+liquidation");
  cmd->add_option("--crypto", args->crypto, "std (AES-GCM, Ed25519) | gm (SM4, SM3, SM2)");
  cmd->add_option("--store", args->store, "postgresql://... (default: vault.db in the vault)");
  cmd->add_option("--key-file-out", args->key_file_out,
                  "also create a key file that unlocks the vault (written 0600)");
  cmd->add_option("--scrypt-log-n", args->scrypt_log_n,
                  "scrypt cost for the passphrase, log2 N (14..22, default 17)");
  cmd->callback([&ctx, args] { RunInit(ctx, *args); });
}

}  // namespace jv::cli
