// `jadevault demo --serve [--listen ADDR]`: after the demo, the staff UI and the customer
// portal on the demo vault, until SIGINT / SIGTERM (docs/manual.md "Demo server").
//
// The vault: the main demo vault if it still holds customers who are not shredded,
// transferred or restricted — with --serve the demo stops the transfer inside the objection
// window (customers notified, the notice on the portal, objection possible), and a
// `--subjects N` demo never transfers — else (a vault whose transfer an earlier run
// finished) the liquidation vault `<vault>.liquidation`. It is opened again on the real clock (not the demo's
// fast-forwarded one), so TOTP codes from a phone work.
//
// In `<vault>.serve/` (0700): two staff users, `demo-dpo` (role dpo, TOTP) and
// `demo-operator`, with random passwords in demo-dpo.password / demo-operator.password and
// the dpo's TOTP secret and otpauth URI in demo-dpo.totp (all 0600; a re-run reuses them);
// portal-outbox/ where the portal's codes are written (one CSV file per code); and
// portal-try-mobile.txt with one customer's (synthetic) mobile to try the portal with.
// Printed: the URLs, the login names, the password file paths, the TOTP secret and URI, the
// outbox — never a password or a customer value. With --json one line {"serve": {...}}.
// Errors: as OpenVault / Serve; the command exits with their code.
#pragma once

#include <string>

#include "src/cli/context.h"

namespace jv::cli::demo {

void ServeDemo(CommandContext& ctx, const std::string& listen);

}  // namespace jv::cli::demo
