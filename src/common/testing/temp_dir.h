// TempDir: a fresh private directory for one test, removed with everything in it when the
// object is destroyed. Header-only; for tests only.
//
// The directory is made with mkdtemp(3) under $TMPDIR (or /tmp), mode 0700. Path() never
// ends in '/'. File(name) joins a name to it; Write(name, data) writes a file there and
// returns its path. Shared by every module's tests. Not thread-safe; one object per test.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "src/common/bytes.h"
#include "src/common/check.h"

namespace jv::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                       "/jv_test_XXXXXX";
    JV_CHECK(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);  // best effort
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& Path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }
  std::string Write(std::string_view name, ByteView data) const {
    std::string p = File(name);
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    JV_CHECK(f.good());
    return p;
  }
  std::string Write(std::string_view name, std::string_view text) const {
    return Write(name, AsBytes(text));
  }

 private:
  std::string path_;
};

}  // namespace jv::testing
