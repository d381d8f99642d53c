#include "src/cli/unlock.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "src/cli/access_gate.h"
#include "src/common/strings.h"
#include "src/vault/custody.h"

namespace jv::cli {

namespace {

SecretBuffer TrimTrailingNewlines(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return SecretBuffer::FromString(s);
}

}  // namespace

Result<SecretBuffer> PromptSecret(const char* prompt, const std::string& no_tty_hint) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) return UnauthenticatedError(no_tty_hint);
  int fd = fileno(tty);
  struct termios old_t;
  bool have_termios = tcgetattr(fd, &old_t) == 0;
  if (have_termios) {
    struct termios t = old_t;
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &t);
  }
  std::fputs(prompt, tty);
  std::fflush(tty);
  SecretBuffer buf(1024);
  size_t n = 0;
  int c;
  while ((c = std::fgetc(tty)) != EOF && c != '\n' && n < buf.size()) {
    buf.data()[n++] = static_cast<uint8_t>(c);
  }
  if (have_termios) tcsetattr(fd, TCSAFLUSH, &old_t);
  std::fputs("\n", tty);
  std::fclose(tty);
  return SecretBuffer(ByteView(buf.data(), n));
}

namespace {

Result<SecretBuffer> PromptNoEcho(const char* prompt) {
  return PromptSecret(prompt,
                      "the vault is locked and there is no terminal to ask for the passphrase: "
                      "use --passphrase-file or $JADEVAULT_PASSPHRASE");
}

}  // namespace

Result<SecretBuffer> ReadPassphrase(const CommandContext& ctx, bool confirm) {
  if (!ctx.opts.passphrase_file.empty()) {
    auto text = ReadFileToString(ctx.opts.passphrase_file);
    if (!text.ok()) return NotFoundError("cannot read the passphrase file");
    SecretBuffer p = TrimTrailingNewlines(*text);
    SecureWipe(text->data(), text->size());
    if (p.empty()) return InvalidArgumentError("the passphrase file is empty");
    return p;
  }
  if (const char* env = std::getenv("JADEVAULT_PASSPHRASE"); env != nullptr && *env != 0) {
    return SecretBuffer::FromString(env);
  }
  JV_ASSIGN_OR_RETURN(SecretBuffer p, PromptNoEcho("jadevault passphrase: "));
  if (confirm) {
    JV_ASSIGN_OR_RETURN(SecretBuffer again, PromptNoEcho("repeat the passphrase: "));
    if (!(again == p)) return InvalidArgumentError("the two passphrases differ");
  }
  if (p.empty()) return InvalidArgumentError("empty passphrase");
  return p;
}

Result<SecretBuffer> ReadKeyFile(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return NotFoundError("cannot read the key file " + path);
  std::string_view v = TrimSpace(*text);
  SecretBuffer s = SecretBuffer::FromString(v);
  SecureWipe(text->data(), text->size());
  if (s.size() < 32) return InvalidArgumentError("the key file is too short to be a key");
  return s;
}

Result<vault::UnlockOptions> ReadUnlockOptions(const CommandContext& ctx) {
  vault::UnlockOptions unlock;
  if (!ctx.opts.share_files.empty()) {
    std::vector<vault::Share> shares;
    for (const auto& path : ctx.opts.share_files) {
      auto text = ReadFileToString(path);
      if (!text.ok()) return NotFoundError("cannot read the share file " + path);
      auto share = vault::ParseShareFile(*text);
      SecureWipe(text->data(), text->size());
      if (!share.ok()) {
        return Status(share.status().code(), path + ": " + share.status().message());
      }
      shares.push_back(std::move(share).value());
    }
    JV_ASSIGN_OR_RETURN(SecretBuffer secret, vault::CombineShares(shares));
    unlock.shares = vault::SharesUnlock{shares[0].vault_id, shares[0].set_id, std::move(secret)};
  } else if (!ctx.opts.key_file.empty()) {
    JV_ASSIGN_OR_RETURN(unlock.key_file_secret, ReadKeyFile(ctx.opts.key_file));
  } else {
    JV_ASSIGN_OR_RETURN(unlock.passphrase, ReadPassphrase(ctx, /*confirm=*/false));
  }
  return unlock;
}

Result<std::unique_ptr<vault::Vault>> OpenVault(CommandContext& ctx) {
  // Fail fast with "no vault" before asking for a passphrase.
  JV_RETURN_IF_ERROR(vault::Vault::ReadConfig(ctx.opts.vault_dir).status());
  JV_ASSIGN_OR_RETURN(vault::UnlockOptions unlock, ReadUnlockOptions(ctx));
  JV_ASSIGN_OR_RETURN(auto v, vault::Vault::Open(ctx.opts.vault_dir, std::move(unlock),
                                                 *ctx.clock, *ctx.random));
  JV_RETURN_IF_ERROR(AuthorizeCommand(ctx, *v));
  return v;
}

}  // namespace jv::cli
