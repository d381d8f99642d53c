// E-mail addresses (SPEC §5.3 "email"): after NFKC + trim, lower-case (ASCII);
// valid iff the whole value matches
// ^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$ (so exactly one '@', and the
// part after the last '.' of the domain is >= 2 letters). No other checks (no
// DNS, no consecutive-dot rule). Canonical form: the lower-cased value. Pure
// functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "src/classify/checked.h"

namespace jv::classify {

Checked<std::string> CheckEmail(std::string_view cell);

// True iff `s` matches the regular expression above exactly (no normalization).
bool IsEmailSyntax(std::string_view s);

// Character classes of the rule, shared with the free-text scanner.
bool IsEmailLocalChar(char c);   // [A-Za-z0-9._%+-]
bool IsEmailDomainChar(char c);  // [A-Za-z0-9.-]

}  // namespace jv::classify
