// Unlocking the vault from the command line: where the secret comes from.
//
// Order (SPEC §10): --share FILE (repeated: any K custodian share files of one set; the
// passphrase is then not asked for); else --key-file; else --passphrase-file; else $JADEVAULT_PASSPHRASE; else a
// prompt on the terminal (no echo). With no terminal and no other source, the vault stays
// locked (kUnauthenticated, exit 3). Secrets are held in SecretBuffers and never logged.
#pragma once

#include <memory>
#include <string>

#include "src/cli/context.h"
#include "src/common/result.h"
#include "src/common/secret_buffer.h"
#include "src/vault/vault.h"

namespace jv::cli {

// Asks for a secret on the terminal without echo; kUnauthenticated naming `no_tty_hint`
// when there is no terminal.
Result<SecretBuffer> PromptSecret(const char* prompt, const std::string& no_tty_hint);
// Reads the passphrase from the sources above. `confirm` asks twice on a terminal (init).
Result<SecretBuffer> ReadPassphrase(const CommandContext& ctx, bool confirm);
// Reads a key file's secret (its bytes, trailing white space removed).
Result<SecretBuffer> ReadKeyFile(const std::string& path);
// The credentials given on the command line (shares, key file or passphrase, in the order
// above). Share files that do not parse: kInvalidArgument naming the file and line; fewer
// than K shares, or shares of different sets: kUnauthenticated.
Result<vault::UnlockOptions> ReadUnlockOptions(const CommandContext& ctx);
// Opens and unlocks the vault named by --vault, then passes it through the access gate
// (access_gate.h): the audit actor becomes "custodian" without --as, "user:NAME" with it;
// a refused command gets kPermissionDenied (exit 5), bad user credentials
// kUnauthenticated (exit 3).
Result<std::unique_ptr<vault::Vault>> OpenVault(CommandContext& ctx);

}  // namespace jv::cli
