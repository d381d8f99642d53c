#include "src/vault/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "src/common/strings.h"
#include "src/crypto/aead.h"
#include "src/crypto/hash.h"
#include "src/store/open_store.h"
#include "src/vault/backup_epoch.h"

namespace jv::vault {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "JVBACKUP";
constexpr uint8_t kFormatVersion = 1;
constexpr size_t kChunkSize = 64 * 1024;
constexpr uint32_t kMaxHeader = 16 * 1024 * 1024;
constexpr uint32_t kMaxChunkCiphertext = kChunkSize + 1024;

// Row tags of the plaintext stream (docs/formats/backup.md).
enum Tag : uint8_t {
  kConfig = 0x01,
  kMeta = 0x10,
  kKeySlot = 0x11,
  kSubject = 0x12,
  kDataKey = 0x13,
  kRecord = 0x14,
  kIndex = 0x15,
  kSource = 0x16,
  kAudit = 0x17,
  kCheckpoint = 0x18,
  kObject = 0x19,
  kEnd = 0xFF,
};
constexpr const char* kTables[] = {"meta",   "key_slots", "subjects", "data_keys",
                                   "records", "indexes",  "sources",  "audit",
                                   "checkpoints", "objects"};

void PutU32(std::string& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((v >> s) & 0xff));
}
void PutI64(std::string& b, int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v);
  for (int s = 56; s >= 0; s -= 8) b.push_back(static_cast<char>((u >> s) & 0xff));
}
void PutStr(std::string& b, std::string_view s) {
  PutU32(b, static_cast<uint32_t>(s.size()));
  b.append(s);
}
void PutBytes(std::string& b, const Bytes& v) { PutStr(b, AsString(v)); }

// associated data: label NUL part NUL part ...
Bytes Ad(std::string_view label, std::initializer_list<std::string_view> parts) {
  Bytes ad(label.begin(), label.end());
  for (std::string_view p : parts) {
    ad.push_back(0);
    ad.insert(ad.end(), p.begin(), p.end());
  }
  return ad;
}

Bytes ChunkAd(const std::string& backup_id, const std::string& header_hash, uint64_t counter,
              bool final) {
  return Ad("jadevault/backup/chunk/v1",
            {backup_id, header_hash, std::to_string(counter), final ? "1" : "0"});
}
Bytes BackupKeyAd(const std::string& vault_id, const std::string& backup_id, int64_t epoch) {
  return Ad("jadevault/backup/key/v1", {vault_id, backup_id, std::to_string(epoch)});
}

// --- writing --------------------------------------------------------------------------------

// Encrypts a byte stream into counted chunks, written to `fd`.
class ChunkWriter {
 public:
  ChunkWriter(crypto::Aead& aead, Random& random, std::string backup_id, std::string header_hash,
              FILE* f)
      : aead_(aead), random_(random), id_(std::move(backup_id)), hh_(std::move(header_hash)),
        f_(f) {}
  Status Append(std::string_view data) {
    pending_.append(data);
    while (pending_.size() > kChunkSize) {
      JV_RETURN_IF_ERROR(Emit(std::string_view(pending_).substr(0, kChunkSize), false));
      pending_.erase(0, kChunkSize);
    }
    return Status::Ok();
  }
  Status Finish() {
    JV_RETURN_IF_ERROR(Emit(pending_, true));
    SecureWipe(pending_.data(), pending_.size());
    pending_.clear();
    return Status::Ok();
  }
  ~ChunkWriter() { SecureWipe(pending_.data(), pending_.size()); }

 private:
  Status Emit(std::string_view plain, bool final) {
    JV_ASSIGN_OR_RETURN(Bytes sealed, aead_.Seal(AsBytes(plain), ChunkAd(id_, hh_, counter_, final),
                                                 random_));
    ++counter_;
    std::string frame;
    PutU32(frame, static_cast<uint32_t>(sealed.size()));
    if (std::fwrite(frame.data(), 1, frame.size(), f_) != frame.size() ||
        std::fwrite(sealed.data(), 1, sealed.size(), f_) != sealed.size()) {
      return InternalError("cannot write the backup file");
    }
    return Status::Ok();
  }

  crypto::Aead& aead_;
  Random& random_;
  std::string id_, hh_;
  FILE* f_;
  uint64_t counter_ = 0;
  std::string pending_;
};

// Serializes every visited row into the chunk writer and counts them.
class RowWriter : public store::SnapshotVisitor {
 public:
  explicit RowWriter(ChunkWriter& w) : w_(w) {}
  RowCounts counts;

  Status Config(const std::string& toml) {
    std::string b(1, static_cast<char>(kConfig));
    PutStr(b, toml);
    return w_.Append(b);
  }
  Status End() {
    std::string b(1, static_cast<char>(kEnd));
    for (const char* t : kTables) PutI64(b, counts[t]);
    return w_.Append(b);
  }
  Status OnMeta(const std::string& k, const std::string& v) override {
    std::string b = Start(kMeta, "meta");
    PutStr(b, k);
    PutStr(b, v);
    return w_.Append(b);
  }
  Status OnKeySlot(const store::KeySlotRow& r) override {
    std::string b = Start(kKeySlot, "key_slots");
    PutStr(b, r.id);
    PutStr(b, r.kind);
    PutStr(b, r.params_json);
    PutBytes(b, r.wrapped);
    PutI64(b, r.created_micros);
    return w_.Append(b);
  }
  Status OnSubject(const store::SubjectRow& r) override {
    std::string b = Start(kSubject, "subjects");
    PutStr(b, r.id);
    PutStr(b, r.state);
    PutStr(b, r.attrs_json);
    PutI64(b, r.created_micros);
    PutI64(b, r.updated_micros);
    return w_.Append(b);
  }
  Status OnDataKey(const store::DataKeyRow& r) override {
    std::string b = Start(kDataKey, "data_keys");
    PutStr(b, r.subject_id);
    PutStr(b, r.key_class);
    PutBytes(b, r.wrapped);
    return w_.Append(b);
  }
  Status OnRecord(const store::RecordRow& r) override {
    std::string b = Start(kRecord, "records");
    PutI64(b, r.id);
    PutStr(b, r.subject_id);
    PutStr(b, r.key_class);
    PutStr(b, r.source_id);
    PutI64(b, r.row_no);
    PutStr(b, r.fields);
    PutBytes(b, r.ciphertext);
    PutI64(b, r.created_micros);
    return w_.Append(b);
  }
  Status OnIndex(const store::IndexRow& r) override {
    std::string b = Start(kIndex, "indexes");
    PutStr(b, r.kind);
    PutBytes(b, r.mac);
    PutStr(b, r.subject_id);
    return w_.Append(b);
  }
  Status OnSource(const store::SourceRow& r) override {
    std::string b = Start(kSource, "sources");
    PutStr(b, r.id);
    PutStr(b, r.kind);
    PutStr(b, r.file_hash);
    PutStr(b, r.status);
    PutStr(b, r.report_json);
    PutI64(b, r.created_micros);
    PutI64(b, r.updated_micros);
    return w_.Append(b);
  }
  Status OnAudit(const store::AuditRow& r) override {
    std::string b = Start(kAudit, "audit");
    PutI64(b, r.seq);
    PutStr(b, r.line);
    PutBytes(b, r.leaf_hash);
    return w_.Append(b);
  }
  Status OnCheckpoint(const store::CheckpointRow& r) override {
    std::string b = Start(kCheckpoint, "checkpoints");
    PutI64(b, r.tree_size);
    PutBytes(b, r.root_hash);
    PutBytes(b, r.message);
    PutBytes(b, r.signature);
    PutI64(b, r.created_micros);
    return w_.Append(b);
  }
  Status OnObject(const store::ObjectRow& r) override {
    std::string b = Start(kObject, "objects");
    PutStr(b, r.kind);
    PutStr(b, r.id);
    PutStr(b, r.subject_id);
    PutStr(b, r.status);
    PutStr(b, r.attrs_json);
    PutBytes(b, r.sealed);
    PutI64(b, r.created_micros);
    PutI64(b, r.updated_micros);
    return w_.Append(b);
  }

 private:
  std::string Start(Tag tag, const char* table) {
    ++counts[table];
    return std::string(1, static_cast<char>(tag));
  }
  ChunkWriter& w_;
};

// --- reading --------------------------------------------------------------------------------

struct Header {
  std::string text;  // the exact JSON bytes
  nlohmann::json json;
  std::string hash;  // hex digest of `text` (suite hash)
  std::string backup_id, vault_id, created, keyring_hint;
  crypto::Suite suite = crypto::Suite::kStd;
  int64_t epoch = 0;
  Bytes wrapped_key;
  std::vector<store::KeySlotRow> slots;
};

uint32_t GetU32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

// Reads the fixed prefix and the header; leaves `in` at the first chunk.
Result<Header> ReadHeader(std::ifstream& in, const std::string& path) {
  std::string prefix(kMagic.size() + 1 + 4, '\0');
  if (!in.read(prefix.data(), static_cast<std::streamsize>(prefix.size())) ||
      prefix.compare(0, kMagic.size(), kMagic) != 0) {
    return DataLossError(path + " is not a jadevault backup file");
  }
  if (static_cast<uint8_t>(prefix[kMagic.size()]) != kFormatVersion) {
    return FailedPreconditionError(path + " is a backup of a newer format than this binary reads");
  }
  uint32_t n = GetU32(prefix, kMagic.size() + 1);
  if (n == 0 || n > kMaxHeader) return DataLossError("the backup header is corrupt");
  Header h;
  h.text.resize(n);
  if (!in.read(h.text.data(), n)) return DataLossError("the backup file is truncated (header)");
  h.json = nlohmann::json::parse(h.text, nullptr, false);
  if (!h.json.is_object()) return DataLossError("the backup header is corrupt");
  try {
    h.backup_id = h.json.at("backup_id").get<std::string>();
    h.vault_id = h.json.at("vault_id").get<std::string>();
    h.created = h.json.at("created").get<std::string>();
    h.epoch = h.json.at("epoch").get<int64_t>();
    h.keyring_hint = h.json.value("keyring_file", "");
    JV_ASSIGN_OR_RETURN(h.suite, crypto::ParseSuite(h.json.at("suite").get<std::string>()));
    JV_ASSIGN_OR_RETURN(h.wrapped_key, HexDecode(h.json.at("wrapped_key").get<std::string>()));
    for (const auto& s : h.json.at("key_slots")) {
      store::KeySlotRow k;
      k.id = s.at("id").get<std::string>();
      k.kind = s.at("kind").get<std::string>();
      k.params_json = s.at("params_json").get<std::string>();
      JV_ASSIGN_OR_RETURN(k.wrapped, HexDecode(s.at("wrapped").get<std::string>()));
      k.created_micros = s.at("created_micros").get<int64_t>();
      h.slots.push_back(std::move(k));
    }
  } catch (const nlohmann::json::exception&) {
    return DataLossError("the backup header is missing a field");
  }
  h.hash = HexEncode(crypto::Hash(h.suite, AsBytes(h.text)));
  return h;
}

// Parses the plaintext row stream incrementally.
class RowReader {
 public:
  RowReader(store::SnapshotVisitor& sink, std::string* config) : sink_(sink), config_(config) {}
  RowCounts counts;
  bool ended = false;

  Status Feed(ByteView plain) {
    buf_.append(reinterpret_cast<const char*>(plain.data()), plain.size());
    for (;;) {
      pos_ = 0;
      auto row = ParseOne();
      if (!row.ok()) return row.status();
      if (!*row) break;  // incomplete: wait for the next chunk
      buf_.erase(0, pos_);
    }
    return Status::Ok();
  }
  Status Finish() {
    if (!ended || !buf_.empty()) return DataLossError("the backup's row stream is incomplete");
    return Status::Ok();
  }
  ~RowReader() { SecureWipe(buf_.data(), buf_.size()); }

 private:
  // Each getter returns false when the buffer ends first.
  bool U32(uint32_t* v) {
    if (buf_.size() - pos_ < 4) return false;
    *v = GetU32(buf_, pos_);
    pos_ += 4;
    return true;
  }
  bool I64(int64_t* v) {
    if (buf_.size() - pos_ < 8) return false;
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(buf_[pos_ + i]);
    *v = static_cast<int64_t>(u);
    pos_ += 8;
    return true;
  }
  bool Str(std::string* s) {
    uint32_t n;
    if (!U32(&n) || buf_.size() - pos_ < n) return false;
    s->assign(buf_, pos_, n);
    pos_ += n;
    return true;
  }
  bool Blob(Bytes* b) {
    std::string s;
    if (!Str(&s)) return false;
    b->assign(s.begin(), s.end());
    return true;
  }

  // true: one row parsed and delivered; false: need more bytes.
  Result<bool> ParseOne() {
    if (buf_.empty()) return false;
    if (ended) return DataLossError("the backup has bytes after its end record");
    const uint8_t tag = static_cast<uint8_t>(buf_[0]);
    pos_ = 1;
    switch (tag) {
      case kConfig: {
        std::string t;
        if (!Str(&t)) return false;
        *config_ = t;
        return true;
      }
      case kMeta: {
        std::string k, v;
        if (!Str(&k) || !Str(&v)) return false;
        ++counts["meta"];
        JV_RETURN_IF_ERROR(sink_.OnMeta(k, v));
        return true;
      }
      case kKeySlot: {
        store::KeySlotRow r;
        if (!Str(&r.id) || !Str(&r.kind) || !Str(&r.params_json) || !Blob(&r.wrapped) ||
            !I64(&r.created_micros))
          return false;
        ++counts["key_slots"];
        JV_RETURN_IF_ERROR(sink_.OnKeySlot(r));
        return true;
      }
      case kSubject: {
        store::SubjectRow r;
        if (!Str(&r.id) || !Str(&r.state) || !Str(&r.attrs_json) || !I64(&r.created_micros) ||
            !I64(&r.updated_micros))
          return false;
        ++counts["subjects"];
        JV_RETURN_IF_ERROR(sink_.OnSubject(r));
        return true;
      }
      case kDataKey: {
        store::DataKeyRow r;
        if (!Str(&r.subject_id) || !Str(&r.key_class) || !Blob(&r.wrapped)) return false;
        ++counts["data_keys"];
        JV_RETURN_IF_ERROR(sink_.OnDataKey(r));
        return true;
      }
      case kRecord: {
        store::RecordRow r;
        if (!I64(&r.id) || !Str(&r.subject_id) || !Str(&r.key_class) || !Str(&r.source_id) ||
            !I64(&r.row_no) || !Str(&r.fields) || !Blob(&r.ciphertext) ||
            !I64(&r.created_micros))
          return false;
        ++counts["records"];
        JV_RETURN_IF_ERROR(sink_.OnRecord(r));
        return true;
      }
      case kIndex: {
        store::IndexRow r;
        if (!Str(&r.kind) || !Blob(&r.mac) || !Str(&r.subject_id)) return false;
        ++counts["indexes"];
        JV_RETURN_IF_ERROR(sink_.OnIndex(r));
        return true;
      }
      case kSource: {
        store::SourceRow r;
        if (!Str(&r.id) || !Str(&r.kind) || !Str(&r.file_hash) || !Str(&r.status) ||
            !Str(&r.report_json) || !I64(&r.created_micros) || !I64(&r.updated_micros))
          return false;
        ++counts["sources"];
        JV_RETURN_IF_ERROR(sink_.OnSource(r));
        return true;
      }
      case kAudit: {
        store::AuditRow r;
        if (!I64(&r.seq) || !Str(&r.line) || !Blob(&r.leaf_hash)) return false;
        ++counts["audit"];
        JV_RETURN_IF_ERROR(sink_.OnAudit(r));
        return true;
      }
      case kCheckpoint: {
        store::CheckpointRow r;
        if (!I64(&r.tree_size) || !Blob(&r.root_hash) || !Blob(&r.message) ||
            !Blob(&r.signature) || !I64(&r.created_micros))
          return false;
        ++counts["checkpoints"];
        JV_RETURN_IF_ERROR(sink_.OnCheckpoint(r));
        return true;
      }
      case kObject: {
        store::ObjectRow r;
        if (!Str(&r.kind) || !Str(&r.id) || !Str(&r.subject_id) || !Str(&r.status) ||
            !Str(&r.attrs_json) || !Blob(&r.sealed) || !I64(&r.created_micros) ||
            !I64(&r.updated_micros))
          return false;
        ++counts["objects"];
        JV_RETURN_IF_ERROR(sink_.OnObject(r));
        return true;
      }
      case kEnd: {
        RowCounts declared;
        for (const char* t : kTables) {
          int64_t n;
          if (!I64(&n)) return false;
          declared[t] = n;
        }
        for (const char* t : kTables) {
          if (declared[t] != counts[t]) {
            return DataLossError(std::string("the backup's ") + t + " rows do not match its "
                                 "end record");
          }
        }
        ended = true;
        return true;
      }
      default:
        return DataLossError("the backup's row stream holds an unknown row type");
    }
  }

  store::SnapshotVisitor& sink_;
  std::string* config_;
  std::string buf_;
  size_t pos_ = 0;
};

// Decrypts every chunk after the header and feeds the row reader.
Status ReadChunks(std::ifstream& in, const Header& h, const SecretBuffer& backup_key,
                  RowReader& rows) {
  JV_ASSIGN_OR_RETURN(auto aead, crypto::Aead::Create(h.suite, backup_key));
  uint64_t counter = 0;
  char lenbuf[4];
  std::string sealed;
  bool have = static_cast<bool>(in.read(lenbuf, 4));
  if (!have) return DataLossError("the backup file is truncated: it has no data");
  for (;;) {
    uint32_t n = GetU32(std::string(lenbuf, 4), 0);
    if (n > kMaxChunkCiphertext) return DataLossError("the backup file is corrupt (chunk size)");
    sealed.resize(n);
    if (!in.read(sealed.data(), n)) {
      return DataLossError("the backup file is truncated (chunk " + std::to_string(counter) + ")");
    }
    const bool last = !in.read(lenbuf, 4);
    if (last && in.gcount() != 0) {
      return DataLossError("the backup file has trailing bytes after chunk " +
                           std::to_string(counter));
    }
    auto plain = aead->Open(AsBytes(sealed), ChunkAd(h.backup_id, h.hash, counter, last));
    if (!plain.ok()) {
      return DataLossError("backup chunk " + std::to_string(counter) +
                           " fails authentication: the file was altered, truncated or "
                           "reordered");
    }
    JV_RETURN_IF_ERROR(rows.Feed(plain->view()));
    ++counter;
    if (last) break;
  }
  return rows.Finish();
}

// Discards rows (used to count them when verifying).
class NullSink : public store::SnapshotVisitor {
 public:
  Status OnMeta(const std::string&, const std::string&) override { return Status::Ok(); }
  Status OnKeySlot(const store::KeySlotRow&) override { return Status::Ok(); }
  Status OnSubject(const store::SubjectRow&) override { return Status::Ok(); }
  Status OnDataKey(const store::DataKeyRow&) override { return Status::Ok(); }
  Status OnRecord(const store::RecordRow&) override { return Status::Ok(); }
  Status OnIndex(const store::IndexRow&) override { return Status::Ok(); }
  Status OnSource(const store::SourceRow&) override { return Status::Ok(); }
  Status OnAudit(const store::AuditRow&) override { return Status::Ok(); }
  Status OnCheckpoint(const store::CheckpointRow&) override { return Status::Ok(); }
  Status OnObject(const store::ObjectRow&) override { return Status::Ok(); }
};

// Writes rows into a new store, as restore does.
class StoreSink : public store::SnapshotVisitor {
 public:
  explicit StoreSink(store::Store& s) : s_(s) {}
  Status OnMeta(const std::string& k, const std::string& v) override {
    if (k == "schema_version") {  // the new store has its own; refuse a newer one
      JV_ASSIGN_OR_RETURN(auto mine, s_.GetMeta(k));
      if (mine && (v.size() > mine->size() || (v.size() == mine->size() && v > *mine))) {
        return FailedPreconditionError("the backup's schema version " + v +
                                       " is newer than this binary's " + *mine);
      }
      return Status::Ok();
    }
    return s_.PutMeta(k, v);
  }
  Status OnKeySlot(const store::KeySlotRow& r) override { return s_.PutKeySlot(r); }
  Status OnSubject(const store::SubjectRow& r) override { return s_.InsertSubject(r); }
  Status OnDataKey(const store::DataKeyRow& r) override { return s_.PutDataKey(r); }
  Status OnRecord(const store::RecordRow& r) override { return s_.RestoreRecord(r); }
  Status OnIndex(const store::IndexRow& r) override { return s_.PutIndex(r); }
  Status OnSource(const store::SourceRow& r) override { return s_.PutSource(r); }
  Status OnAudit(const store::AuditRow& r) override { return s_.AppendAudit(r); }
  Status OnCheckpoint(const store::CheckpointRow& r) override { return s_.PutCheckpoint(r); }
  Status OnObject(const store::ObjectRow& r) override { return s_.PutObject(r); }

 private:
  store::Store& s_;
};

std::string DirOf(const std::string& path) {
  fs::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

Result<std::string> FileSha256(const std::string& path, int64_t* size) {
  JV_ASSIGN_OR_RETURN(std::string data, ReadFileToString(path));
  *size = static_cast<int64_t>(data.size());
  return HexEncode(crypto::Sha256(AsBytes(data)));
}

}  // namespace

Result<BackupResult> WriteBackup(Vault& v, const std::string& out,
                                 const std::string& keyring_path) {
  BackupResult res;
  res.out = out;
  res.backup_id = NewId(v.random(), "bk_");
  std::error_code ec;
  if (fs::exists(out, ec)) return AlreadyExistsError(out + " exists: choose a new --out file");

  JV_ASSIGN_OR_RETURN(BackupEpochState epoch, EnsureBackupEpoch(v));
  res.epoch = epoch.epoch;
  if (!keyring_path.empty()) {
    res.keyring_path = keyring_path;
  } else {
    JV_ASSIGN_OR_RETURN(auto recorded, v.store().GetMeta("backup_keyring_path"));
    res.keyring_path = recorded && !recorded->empty()
                           ? *recorded
                           : (fs::path(DirOf(out)) / kBackupKeyringFileName).string();
  }
  res.keyring_path = fs::absolute(res.keyring_path, ec).string();

  // Header: what restore needs before it can decrypt (no secret).
  SecretBuffer backup_key(crypto::kKeySize);
  v.random().Fill(backup_key.data(), backup_key.size());
  JV_ASSIGN_OR_RETURN(Bytes wrapped,
                      crypto::Seal(v.suite(), epoch.key, backup_key.view(),
                                   BackupKeyAd(v.config().vault_id, res.backup_id, res.epoch),
                                   v.random()));
  nlohmann::json slots = nlohmann::json::array();
  JV_ASSIGN_OR_RETURN(auto slot_rows, v.store().ListKeySlots());
  for (const auto& s : slot_rows) {
    slots.push_back({{"id", s.id},
                     {"kind", s.kind},
                     {"params_json", s.params_json},
                     {"wrapped", HexEncode(s.wrapped)},
                     {"created_micros", s.created_micros}});
  }
  nlohmann::json header = {{"format", kFormatVersion},
                           {"backup_id", res.backup_id},
                           {"vault_id", v.config().vault_id},
                           {"suite", std::string(crypto::SuiteName(v.suite()))},
                           {"created", FormatRfc3339Seconds(v.clock().NowMicros())},
                           {"backend", v.store().Backend()},
                           {"epoch", res.epoch},
                           {"keyring_file", res.keyring_path},
                           {"chunk_size", kChunkSize},
                           {"compression", "none"},
                           {"key_slots", slots},
                           {"wrapped_key", HexEncode(wrapped)}};
  const std::string header_text = header.dump();
  const std::string header_hash = HexEncode(crypto::Hash(v.suite(), AsBytes(header_text)));

  // Write to a temporary file beside `out`, then verify, then rename.
  const std::string tmp = out + ".tmp-" + res.backup_id;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return InvalidArgumentError("cannot create the backup file " + out + ": " +
                                std::error_code(errno, std::generic_category()).message());
  }
  FILE* f = ::fdopen(fd, "wb");
  if (f == nullptr) {
    ::close(fd);
    return InternalError("cannot open the backup file for writing");
  }
  auto cleanup = [&](Status st) {
    if (f != nullptr) std::fclose(f);
    f = nullptr;
    fs::remove(tmp, ec);
    return st;
  };
  std::string prefix(kMagic);
  prefix.push_back(static_cast<char>(kFormatVersion));
  PutU32(prefix, static_cast<uint32_t>(header_text.size()));
  prefix += header_text;
  if (std::fwrite(prefix.data(), 1, prefix.size(), f) != prefix.size()) {
    return cleanup(InternalError("cannot write the backup file"));
  }
  auto aead = crypto::Aead::Create(v.suite(), backup_key);
  if (!aead.ok()) return cleanup(aead.status());
  ChunkWriter chunks(**aead, v.random(), res.backup_id, header_hash, f);
  RowWriter rows(chunks);
  Status st = rows.Config(v.config().ToToml());
  if (st.ok()) st = v.store().VisitSnapshot(rows);
  if (st.ok()) st = rows.End();
  if (st.ok()) st = chunks.Finish();
  if (st.ok() && (std::fflush(f) != 0 || ::fsync(fileno(f)) != 0)) {
    st = InternalError("cannot flush the backup file");
  }
  if (!st.ok()) return cleanup(st);
  std::fclose(f);
  f = nullptr;

  // Verify: read it back with the key unwrapped from the header, count every row.
  {
    std::ifstream in(tmp, std::ios::binary);
    auto h = ReadHeader(in, tmp);
    if (!h.ok()) return cleanup(h.status());
    auto key = crypto::Open(h->suite, epoch.key, h->wrapped_key,
                            BackupKeyAd(h->vault_id, h->backup_id, h->epoch));
    if (!key.ok()) return cleanup(DataLossError("backup verification: the key does not unwrap"));
    NullSink sink;
    std::string config;
    RowReader reader(sink, &config);
    Status rst = ReadChunks(in, *h, *key, reader);
    if (!rst.ok()) return cleanup(DataLossError("backup verification failed: " + rst.message()));
    if (reader.counts != rows.counts || config != v.config().ToToml()) {
      return cleanup(DataLossError("backup verification failed: the rows read back differ"));
    }
    res.verified = true;
  }
  res.rows = rows.counts;
  fs::rename(tmp, out, ec);
  if (ec) return cleanup(InternalError("cannot move the backup into place: " + ec.message()));
  JV_ASSIGN_OR_RETURN(res.sha256, FileSha256(out, &res.bytes));

  // The keyring file: the current epoch key, sealed under the master key.
  JV_RETURN_IF_ERROR(WriteBackupKeyring(v, epoch, res.keyring_path));
  nlohmann::json counts(res.rows);
  JV_RETURN_IF_ERROR(v.Audit("backup.create", "", "security",
                             {{"backup_id", res.backup_id},
                              {"epoch", res.epoch},
                              {"rows", counts},
                              {"bytes", res.bytes},
                              {"sha256", res.sha256},
                              {"keyring", res.keyring_path}})
                         .status());
  return res;
}

Result<RestoreResult> RestoreBackup(const RestoreOptions& o, Clock& clock, Random& random) {
  RestoreResult res;
  res.vault_dir = o.vault_dir;
  std::error_code ec;
  if (fs::exists(fs::path(o.vault_dir) / "vault.toml", ec)) {
    return AlreadyExistsError("a vault already exists at " + o.vault_dir +
                              "; restore into a new directory");
  }
  std::ifstream in(o.backup_file, std::ios::binary);
  if (!in) return NotFoundError("cannot read the backup file " + o.backup_file);
  JV_ASSIGN_OR_RETURN(Header h, ReadHeader(in, o.backup_file));
  res.backup_id = h.backup_id;
  res.vault_id = h.vault_id;
  res.epoch = h.epoch;
  res.backup_created = h.created;

  // 1. The master key, from the key slots the backup carries.
  JV_ASSIGN_OR_RETURN(SecretBuffer master, UnlockMasterKey(h.suite, h.vault_id, h.slots, o.unlock));

  // 2. The keyring: is the backup's epoch still live?
  if (!o.keyring_path.empty()) {
    res.keyring_path = o.keyring_path;
  } else {
    res.keyring_path = (fs::path(DirOf(o.backup_file)) / kBackupKeyringFileName).string();
    if (!fs::exists(res.keyring_path, ec) && !h.keyring_hint.empty()) {
      res.keyring_path = h.keyring_hint;
    }
  }
  JV_ASSIGN_OR_RETURN(BackupEpochState ring,
                      ReadBackupKeyring(res.keyring_path, h.suite, h.vault_id, master));
  for (const auto& t : ring.ended) {
    if (t.epoch != h.epoch) continue;
    return FailedPreconditionError(
        "拒绝恢复 (restore refused): backup " + h.backup_id + " belongs to backup epoch " +
        std::to_string(h.epoch) + ", which ended at " + t.ended_at + " by " + t.reason + " (" +
        std::to_string(t.shredded) +
        " subjects shredded); its key is destroyed so that shredded customers cannot come "
        "back. Restore a backup taken after that (epoch " + std::to_string(ring.epoch) +
        ").");
  }
  if (h.epoch > ring.epoch) {
    return FailedPreconditionError("the backup keyring file " + res.keyring_path +
                                   " is older than this backup (epoch " +
                                   std::to_string(ring.epoch) + " < " + std::to_string(h.epoch) +
                                   "): use the keyring file written with the backup");
  }
  if (h.epoch != ring.epoch) {
    return DataLossError("the backup keyring file has no record of backup epoch " +
                         std::to_string(h.epoch));
  }
  auto backup_key = crypto::Open(h.suite, ring.key, h.wrapped_key,
                                 BackupKeyAd(h.vault_id, h.backup_id, h.epoch));
  if (!backup_key.ok()) {
    return DataLossError("the backup's key does not unwrap under epoch " +
                         std::to_string(h.epoch) + ": the header was altered");
  }

  // 3. A new store, filled in one transaction.
  fs::create_directories(o.vault_dir, ec);
  if (ec) return InvalidArgumentError("cannot create " + o.vault_dir + ": " + ec.message());
  ::chmod(o.vault_dir.c_str(), 0700);
  const std::string db = (fs::path(o.vault_dir) / "vault.db").string();
  const std::string location =
      o.store_location.empty() ? fs::absolute(db, ec).string() : o.store_location;
  if (o.store_location.empty() && fs::exists(db, ec)) {
    return AlreadyExistsError(db + " exists; restore into a new directory");
  }
  std::string config_text;
  Status filled = [&]() -> Status {
    JV_ASSIGN_OR_RETURN(auto store, store::OpenStore(location, store::OpenMode::kCreate));
    JV_ASSIGN_OR_RETURN(auto existing, store->GetMeta("vault_id"));
    if (existing) return AlreadyExistsError("the target store already holds a vault");
    store::Transaction txn(*store);  // rolls back unless committed
    JV_RETURN_IF_ERROR(txn.Start());
    StoreSink sink(*store);
    RowReader reader(sink, &config_text);
    JV_RETURN_IF_ERROR(ReadChunks(in, h, *backup_key, reader));
    res.rows = reader.counts;
    JV_RETURN_IF_ERROR(store->PutMeta("backup_keyring_path",
                                      fs::absolute(res.keyring_path, ec).string()));
    return txn.Commit();
  }();
  if (!filled.ok()) {
    // Leave no half-made vault behind (a new SQLite file is ours to remove).
    if (o.store_location.empty()) {  // DIR/vault.db did not exist before (checked above)
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix, ec);
    }
    return filled;
  }
  JV_ASSIGN_OR_RETURN(VaultConfig config, VaultConfig::FromToml(config_text));
  if (config.vault_id != h.vault_id) {
    return DataLossError("the backup's settings name another vault than its header");
  }
  config.store = o.store_location.empty() ? "vault.db" : o.store_location;
  JV_RETURN_IF_ERROR(
      WriteFileAtomic((fs::path(o.vault_dir) / "vault.toml").string(), config.ToToml(), 0600));

  // 4. Open it like any vault, audit the restore, verify the chain.
  UnlockOptions again;
  if (o.unlock.passphrase) again.passphrase = o.unlock.passphrase->Clone();
  if (o.unlock.key_file_secret) again.key_file_secret = o.unlock.key_file_secret->Clone();
  if (o.unlock.shares) {
    again.shares = SharesUnlock{o.unlock.shares->vault_id, o.unlock.shares->set_id,
                                o.unlock.shares->secret.Clone()};
  }
  JV_ASSIGN_OR_RETURN(auto v, Vault::Open(o.vault_dir, std::move(again), clock, random));
  nlohmann::json counts(res.rows);
  JV_RETURN_IF_ERROR(v->Audit("vault.restore", "", "security",
                              {{"backup_id", h.backup_id},
                               {"epoch", h.epoch},
                               {"backup_created", h.created},
                               {"rows", counts}})
                         .status());
  JV_ASSIGN_OR_RETURN(auto pem, v->store().GetMeta("signing_public_key_pem"));
  JV_ASSIGN_OR_RETURN(auto report, v->audit().Verify(pem.value_or("")));
  res.audit_ok = report.ok;
  res.audit_entries = report.entries;
  if (!report.ok) {
    return DataLossError("the restored vault's audit log does not verify: " + report.reason);
  }
  JV_ASSIGN_OR_RETURN(res.subjects_by_state, v->store().CountSubjectsByState());
  return res;
}

}  // namespace jv::vault
