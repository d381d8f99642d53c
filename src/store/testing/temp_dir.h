// TempDir: a fresh private directory for one test, removed with everything in it when the
// object is destroyed. Header-only; for tests only.
//
// The directory is made with mkdtemp(3) under $TMPDIR (or /tmp), mode 0700. Path() never
// ends in '/'. File(name) joins a name to it. Not thread-safe; one object per test.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "src/common/check.h"

namespace jv::store::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                       "/jv_store_test_XXXXXX";
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
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace jv::store::testing
