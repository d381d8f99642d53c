// Test-only helpers for the crypto module's *_test.cc files: hex literals, the
// shared temporary directory and a shell runner for the openssl CLI cross-checks. Not
// used by library code.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "src/common/bytes.h"
#include "src/common/check.h"
#include "src/common/secret_buffer.h"
#include "src/common/strings.h"
#include "src/common/testing/temp_dir.h"

namespace jv::crypto::testing {

// Decodes a hex literal from a test vector; aborts on a typo (a broken test,
// not input).
inline Bytes Unhex(std::string_view hex) {
  std::string compact;
  for (char c : hex) {
    if (c != ' ' && c != '\n' && c != ':') compact.push_back(c);
  }
  Result<Bytes> b = HexDecode(compact);
  JV_CHECK(b.ok());
  return *b;
}

inline std::string Hex(ByteView b) { return HexEncode(b); }
inline std::string Hex(const SecretBuffer& b) { return HexEncode(b.view()); }

inline Bytes Repeat(uint8_t byte, size_t n) { return Bytes(n, byte); }

// The shared temporary directory of every module's tests.
using jv::testing::TempDir;

// Runs `command` with /bin/sh, output discarded; returns its exit status (-1 if
// it did not exit normally).
inline int RunQuiet(const std::string& command) {
  int rc = std::system((command + " >/dev/null 2>&1").c_str());
  if (rc == -1 || !WIFEXITED(rc)) return -1;
  return WEXITSTATUS(rc);
}

inline bool HaveOpensslCli() { return RunQuiet("openssl version") == 0; }

}  // namespace jv::crypto::testing
