// Imports over HTTP: POST /api/v1/imports?kind=&filename=[&import_date=YYYY-MM-DD] with the
// file as the raw body (application/octet-stream) -> {"job"}; the import (ingest::ImportFile,
// as `import`) runs as a background job (jobs.h) whose result is the CLI's `import --json`
// report.
//
// The upload is written to <vault>/uploads/<random>/<filename> (directory 0700, file 0600)
// only for the import, and removed when the job ends, whatever its outcome. The report's
// "source" is the file name the browser gave (the CLI's is the path typed).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/ingest/importer.h"
#include "src/server/api_routes.h"
#include "src/server/api_util.h"

namespace jv::server {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A plain file name: no directory part, no control characters, not "." or "..",
// at most 200 bytes.
bool PlainFileName(const std::string& name) {
  if (name.empty() || name.size() > 200 || name == "." || name == "..") return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':') return false;
  }
  return name[0] != '.';
}

ApiResponse StartImport(Call& c) {
  const ApiRequest& req = c.req;
  policy::Decision allowed = policy::Authorize(c.role, policy::Action::kImport);
  if (!allowed.allowed) return Refused(allowed);
  if (req.content_type.rfind("application/octet-stream", 0) != 0) {
    return Error(415, "unsupported_media_type", "Content-Type must be application/octet-stream");
  }
  std::string kind_text = QueryValue(req, "kind");
  if (kind_text.empty()) kind_text = "customers";
  auto kind = ingest::ParseImportKind(kind_text);
  if (!kind.ok()) return Error(400, "invalid_argument", "kind is not a known import kind");
  std::string filename = QueryValue(req, "filename");
  if (filename.empty()) return Error(400, "invalid_argument", "filename is required");
  if (!PlainFileName(filename)) {
    return Error(400, "invalid_argument", "filename must be a plain file name");
  }
  std::optional<Date> import_date;
  std::string date_text = QueryValue(req, "import_date");
  if (!date_text.empty()) {
    auto d = Date::Parse(date_text);
    if (!d.ok()) return Error(400, "invalid_argument", "import_date must be YYYY-MM-DD");
    import_date = *d;
  }
  if (req.body.empty()) return Error(400, "invalid_argument", "the uploaded file is empty");
  policy::Decision d = policy::Authorize(c.role, policy::Action::kImport);
  if (!d.allowed) return Refused(d);

  fs::path dir = fs::path(c.vault.dir()) / "uploads";
  std::error_code ec;
  fs::create_directories(dir, ec);
  ::chmod(dir.c_str(), 0700);
  dir /= "u_" + HexEncode(c.vault.random().RandomBytes(12));
  if (ec || !fs::create_directory(dir, ec) || ec) {
    return ErrorResponse(InternalError("imports: cannot make the upload directory"));
  }
  ::chmod(dir.c_str(), 0700);
  fs::path file = dir / filename;
  {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    ::chmod(file.c_str(), 0600);
    f.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
    if (!f) {
      fs::remove_all(dir, ec);
      return ErrorResponse(InternalError("imports: cannot write the upload"));
    }
  }
  ingest::ImportOptions o;
  o.path = file.string();
  o.kind = *kind;
  o.batch_rows = c.options.import_batch_rows;
  o.import_date = import_date;
  std::string id = c.jobs.Start(
      c.user, "import",
      [o, dir, filename](vault::Vault& v, const JobProgress& progress) -> Result<json> {
        ingest::ImportOptions opts = o;
        opts.progress = progress.count;
        // After the last row: the last batch and, on a first import, the index build.
        opts.finishing = [&progress] { progress.phase("finishing"); };
        auto r = ingest::ImportFile(v, opts);
        std::error_code ec;
        fs::remove_all(dir, ec);
        if (!r.ok()) return r.status();
        json doc = r->ToJson();
        doc["ok"] = true;
        doc["source"] = filename;
        return doc;
      },
      c.vault.random());
  return Ok({{"job", id}});
}

}  // namespace

std::vector<Route> ImportRoutes() {
  return {
      {"POST", "/api/v1/imports", policy::Action::kImport, true, StartImport, true},
  };
}

}  // namespace jv::server
