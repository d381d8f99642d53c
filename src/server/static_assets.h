// The web UI's static files, compiled into the binary from src/server/static/ (the CMake
// step in src/server/CMakeLists.txt generates static_assets_data.cc). No build step, no
// files read at run time. Thread-safe (immutable data).
#pragma once

#include <string_view>

namespace jv::server {

struct StaticAsset {
  std::string_view path;          // URL path: "/" for index.html, else "/static/NAME"
  std::string_view content_type;  // by extension
  std::string_view data;
};

// nullptr if no asset has this URL path.
const StaticAsset* FindStaticAsset(std::string_view path);

}  // namespace jv::server
