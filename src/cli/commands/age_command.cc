// jadevault age keygen | encrypt | decrypt: the age file format (age-encryption.org/v1),
// interoperable with the `age` tool. Format notes and exit codes: docs/formats/age.md.
//
// Input is read from stdin (binary), output goes to stdout or -o FILE. Every command
// writes nothing to stdout unless it fully succeeded: decrypt releases plaintext only
// after the whole file authenticated, encrypt writes its output in one piece at the end.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/common/strings.h"
#include "src/crypto/age.h"

namespace jv::cli {
namespace {

namespace age = jv::crypto::age;

struct AgeOptions {
  std::string output;                   // -o
  std::vector<std::string> recipients;  // encrypt -r
  std::vector<std::string> identities;  // decrypt -i
  std::string passphrase_file;          // --passphrase-file (falls back to the global one)
  bool armor = false;                   // encrypt -a
  int work_factor = age::kDefaultScryptWorkFactor;
};

// Reads all of stdin as bytes.
Result<Bytes> ReadStdin() {
  Bytes data;
  uint8_t buf[1 << 16];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof(buf), stdin);
    data.insert(data.end(), buf, buf + n);
    if (n < sizeof(buf)) {
      if (std::ferror(stdin)) return InternalError("cannot read standard input");
      break;
    }
  }
  return data;
}

// The passphrase file's contents without trailing CR/LF (as the vault reads its own).
Result<SecretBuffer> ReadPassphraseFile(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return NotFoundError("cannot read the passphrase file");
  std::string_view v = *text;
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
  SecretBuffer p = SecretBuffer::FromString(v);
  SecureWipe(text->data(), text->size());
  if (p.empty()) return InvalidArgumentError("the passphrase file is empty");
  return p;
}

std::string PassphrasePath(const CommandContext& ctx, const AgeOptions& o) {
  return o.passphrase_file.empty() ? ctx.opts.passphrase_file : o.passphrase_file;
}

// Writes the result to -o FILE (atomically, with `mode`) or to stdout.
Status WriteOutput(CommandContext& ctx, const std::string& path, ByteView data, int mode) {
  if (!path.empty()) return WriteFileAtomic(path, AsString(data), mode);
  ctx.out->write(reinterpret_cast<const char*>(data.data()),
                 static_cast<std::streamsize>(data.size()));
  ctx.out->flush();
  if (!*ctx.out) return InternalError("cannot write standard output");
  return Status::Ok();
}

void UsageError(CommandContext& ctx, const std::string& message) {
  *ctx.err << "jadevault: error: " << message << "\n";
  ctx.exit_code = kExitUsage;
}

void RunKeygen(CommandContext& ctx, const AgeOptions& o) {
  age::X25519Identity id = age::X25519Identity::Generate(*ctx.random);
  SecretBuffer text =
      age::FormatIdentityFile(id, FormatRfc3339Seconds(ctx.clock->NowMicros()));
  if (!o.output.empty()) {
    struct stat st;
    if (::stat(o.output.c_str(), &st) == 0) {
      ctx.Fail(AlreadyExistsError("age keygen: the output file already exists"));
      return;
    }
    if (ctx.FailIfError(WriteFileAtomic(o.output, text.str(), 0600))) return;
    *ctx.err << "Public key: " << id.Recipient().Encode() << "\n";
    ctx.exit_code = kExitOk;
    return;
  }
  if (ctx.FailIfError(WriteOutput(ctx, "", text.view(), 0600))) return;
  ctx.exit_code = kExitOk;
}

void RunEncrypt(CommandContext& ctx, const AgeOptions& o) {
  const std::string pass_path = PassphrasePath(ctx, o);
  if (o.recipients.empty() == pass_path.empty()) {
    UsageError(ctx, "age encrypt: give either -r RECIPIENT (repeatable) or --passphrase-file");
    return;
  }
  std::vector<age::X25519Recipient> recipients;
  for (size_t i = 0; i < o.recipients.size(); ++i) {
    auto r = age::X25519Recipient::Parse(o.recipients[i]);
    if (!r.ok()) {
      ctx.Fail(r.status().WithContext("recipient #" + std::to_string(i + 1)));
      return;
    }
    recipients.push_back(*r);
  }
  auto input = ReadStdin();
  if (ctx.FailIfError(input.status())) return;
  Result<Bytes> out = InternalError("unreachable");
  if (!recipients.empty()) {
    out = age::EncryptToRecipients(*input, recipients, o.armor, *ctx.random);
  } else {
    auto pass = ReadPassphraseFile(pass_path);
    if (ctx.FailIfError(pass.status())) return;
    out = age::EncryptWithPassphrase(*input, *pass, o.work_factor, o.armor, *ctx.random);
  }
  SecureWipe(input->data(), input->size());
  if (ctx.FailIfError(out.status())) return;
  if (ctx.FailIfError(WriteOutput(ctx, o.output, *out, 0644))) return;
  ctx.exit_code = kExitOk;
}

void RunDecrypt(CommandContext& ctx, const AgeOptions& o) {
  const std::string pass_path = PassphrasePath(ctx, o);
  if (o.identities.empty() && pass_path.empty()) {
    UsageError(ctx, "age decrypt: give -i IDENTITY_FILE (repeatable) or --passphrase-file");
    return;
  }
  std::vector<age::X25519Identity> identities;
  for (const std::string& path : o.identities) {
    auto text = ReadFileToString(path);
    if (!text.ok()) {
      ctx.Fail(NotFoundError("cannot read identity file " + path));
      return;
    }
    auto ids = age::ParseIdentityFile(*text);
    SecureWipe(text->data(), text->size());
    if (!ids.ok()) {
      ctx.Fail(ids.status().WithContext(path));
      return;
    }
    for (auto& id : *ids) identities.push_back(std::move(id));
  }
  SecretBuffer passphrase;
  age::DecryptKeys keys;
  keys.identities = identities;
  if (!pass_path.empty()) {
    auto pass = ReadPassphraseFile(pass_path);
    if (ctx.FailIfError(pass.status())) return;
    passphrase = std::move(pass).value();
    keys.passphrase = &passphrase;
  }
  auto input = ReadStdin();
  if (ctx.FailIfError(input.status())) return;
  auto plain = age::Decrypt(*input, keys);
  if (!plain.ok() && plain.status().code() == StatusCode::kUnauthenticated) {
    // For a file (not the vault) a passphrase that does not open it is bad input, like any
    // other file that cannot be decrypted: exit 4, as for corrupted files.
    return ctx.Fail(DataLossError(plain.status().message()));
  }
  if (ctx.FailIfError(plain.status())) return;
  if (ctx.FailIfError(WriteOutput(ctx, o.output, plain->view(), 0600))) return;
  ctx.exit_code = kExitOk;
}

}  // namespace

void RegisterAgeCommands(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<AgeOptions>();
  CLI::App* age_cmd =
      app.add_subcommand("age", "age file encryption (age-encryption.org/v1), like the age tool");
  age_cmd->require_subcommand(1);

  CLI::App* keygen = age_cmd->add_subcommand(
      "keygen", "generate an X25519 identity (prints it like age-keygen)");
  keygen->add_option("-o,--output", opts->output, "write the identity to FILE (mode 0600)");
  keygen->callback([&ctx, opts] { RunKeygen(ctx, *opts); });

  CLI::App* encrypt =
      age_cmd->add_subcommand("encrypt", "encrypt stdin to age recipients or a passphrase");
  encrypt->add_option("-r,--recipient", opts->recipients, "an age1… recipient (repeatable)");
  encrypt->add_flag("-a,--armor", opts->armor, "PEM-armored output");
  encrypt->add_option("--passphrase-file", opts->passphrase_file,
                      "encrypt to the passphrase in FILE (scrypt)");
  encrypt->add_option("--scrypt-work-factor", opts->work_factor,
                      "log2 of the scrypt cost for --passphrase-file (default 18)")
      ->check(CLI::Range(1, age::kMaxScryptWorkFactor));
  encrypt->add_option("-o,--output", opts->output, "write to FILE instead of stdout");
  encrypt->callback([&ctx, opts] { RunEncrypt(ctx, *opts); });

  CLI::App* decrypt = age_cmd->add_subcommand("decrypt", "decrypt an age file from stdin");
  decrypt->add_option("-i,--identity", opts->identities,
                      "identity file with AGE-SECRET-KEY-1… lines (repeatable)");
  decrypt->add_option("--passphrase-file", opts->passphrase_file,
                      "decrypt with the passphrase in FILE (scrypt)");
  decrypt->add_option("-o,--output", opts->output, "write to FILE instead of stdout");
  decrypt->callback([&ctx, opts] { RunDecrypt(ctx, *opts); });
}

}  // namespace jv::cli
