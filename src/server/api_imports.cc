// Imports over HTTP: POST /api/v1/imports?kind=&filename=[&import_date=YYYY-MM-DD] with the
// file as the raw body (application/octet-stream) -> {"job"}; the import (ingest::ImportFile,
// as `import`) runs as a background job (jobs.h) whose result is the CLI's `import --json`
// report.
//
// The upload is never written to disk: it is held in an anonymous memory file
// (memfd_create(2)) that the import reads as /proc/self/fd/N, with the format the file
// name's extension gives (else the first bytes), and closed when the job ends, whatever its
// outcome. So a server killed during an import leaves no customer file in the clear under
// the vault directory. Up to 2026-11-28 uploads were written to <vault>/uploads/, which a
// killed server left behind: RemoveLeftoverUploads clears that directory when the API
// starts. The report's "source" and error messages name the file by the name the browser
// gave (the CLI's is the path typed).
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/ingest/importer.h"
#include "src/ingest/row_reader.h"
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

// An upload held in memory; Close() (or the destructor) closes it, which frees it. The job
// closes it when the import ends; the destructor runs only once no one else holds it.
class Upload {
 public:
  explicit Upload(int fd) : fd_(fd) {}
  ~Upload() { Close(); }
  Upload(const Upload&) = delete;
  Upload& operator=(const Upload&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

Result<std::shared_ptr<Upload>> HoldInMemory(const std::string& body) {
  int fd = ::memfd_create("jadevault-upload", MFD_CLOEXEC);
  if (fd < 0) return InternalError("imports: cannot hold the upload in memory");
  auto upload = std::make_shared<Upload>(fd);
  for (size_t done = 0; done < body.size();) {
    ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return InternalError("imports: cannot hold the upload in memory");
    done += static_cast<size_t>(n);
  }
  return upload;
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

  auto format = ingest::FormatFromFileName(filename);
  if (!format.ok()) return Error(400, "invalid_argument", std::string(format.status().message()));
  auto upload = HoldInMemory(req.body);
  if (!upload.ok()) return ErrorResponse(upload.status());
  ingest::ImportOptions o;
  o.path = (*upload)->path();
  o.name = filename;
  o.format = *format;
  o.kind = *kind;
  o.batch_rows = c.options.import_batch_rows;
  o.import_date = import_date;
  std::string id = c.jobs.Start(
      c.user, "import",
      [o, upload = *upload](vault::Vault& v, const JobProgress& progress) -> Result<json> {
        ingest::ImportOptions opts = o;
        opts.progress = progress.count;
        // After the last row: the last batch and, on a first import, the index build.
        opts.finishing = [&progress] { progress.phase("finishing"); };
        auto r = ingest::ImportFile(v, opts);
        upload->Close();
        if (!r.ok()) return r.status();
        json doc = r->ToJson();
        doc["ok"] = true;
        return doc;
      },
      c.vault.random());
  return Ok({{"job", id}});
}

}  // namespace

void RemoveLeftoverUploads(const std::string& vault_dir) {
  const fs::path dir = fs::path(vault_dir) / "uploads";
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    // Best effort (see ScrubFileContents): the old blocks may survive elsewhere.
    int fd = ::open(it->path().c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    ScrubFileContents(fd);
    ::close(fd);
  }
  fs::remove_all(dir, ec);
}

std::vector<Route> ImportRoutes() {
  return {
      {"POST", "/api/v1/imports", policy::Action::kImport, true, StartImport, true},
  };
}

}  // namespace jv::server
