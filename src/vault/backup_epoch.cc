#include "src/vault/backup_epoch.h"

#include <fcntl.h>
#include <unistd.h>

#include "src/common/clock.h"
#include "src/common/strings.h"
#include "src/vault/vault.h"

namespace jv::vault {

namespace {

constexpr char kMetaEpoch[] = "backup_epoch";
constexpr char kMetaEpochKey[] = "backup_epoch_key";
constexpr char kMetaEnded[] = "backup_epochs_ended";
constexpr char kMetaKeyringPath[] = "backup_keyring_path";
constexpr std::string_view kKeyringMagic = "JVBKEYS1";

std::string EpochKeyLabel(int64_t epoch) { return "backup_epoch_key/" + std::to_string(epoch); }

EpochTombstone TombstoneFromJson(const nlohmann::json& j) {
  EpochTombstone t;
  t.epoch = j.value("epoch", int64_t{0});
  t.ended_at = j.value("ended_at", "");
  t.reason = j.value("reason", "");
  t.shredded = j.value("shredded", int64_t{0});
  t.audit_seq = j.value("audit_seq", int64_t{0});
  return t;
}

nlohmann::json EndedToJson(const std::vector<EpochTombstone>& ended) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& t : ended) a.push_back(TombstoneToJson(t));
  return a;
}

Result<std::vector<EpochTombstone>> ParseEnded(std::string_view text) {
  nlohmann::json a = nlohmann::json::parse(text, nullptr, false);
  if (!a.is_array()) return DataLossError("the vault's list of ended backup epochs is corrupt");
  std::vector<EpochTombstone> out;
  for (const auto& j : a) {
    if (!j.is_object()) return DataLossError("the vault's list of ended backup epochs is corrupt");
    out.push_back(TombstoneFromJson(j));
  }
  return out;
}

// Overwrites the bytes of an open (already replaced) file in place, best effort, so the old
// sealed epoch key does not survive in the old inode's blocks on simple file systems.
void ScrubAndClose(int fd) {
  if (fd < 0) return;
  ScrubFileContents(fd);
  ::close(fd);
}

// Puts a new epoch key in meta (inside the caller's transaction) and returns it.
Result<SecretBuffer> PutNewEpochKey(Vault& v, int64_t epoch) {
  SecretBuffer key(32);
  v.random().Fill(key.data(), key.size());
  JV_ASSIGN_OR_RETURN(Bytes sealed, v.keys().SealSecret(EpochKeyLabel(epoch), key, v.random()));
  JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaEpoch, std::to_string(epoch)));
  JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaEpochKey, HexEncode(sealed)));
  return key;
}

// Ends the epoch in the vault (one transaction); the keyring file is the caller's.
Result<BackupEpochState> EndInVault(Vault& v, BackupEpochState state, const std::string& reason,
                                    int64_t shredded) {
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  EpochTombstone t;
  t.epoch = state.epoch;
  t.ended_at = FormatRfc3339Seconds(v.clock().NowMicros());
  t.reason = reason;
  t.shredded = shredded;
  const int64_t next = state.epoch + 1;
  JV_ASSIGN_OR_RETURN(state.key, PutNewEpochKey(v, next));
  JV_ASSIGN_OR_RETURN(t.audit_seq, v.AuditInTxn("backup.epoch.end", "", "security",
                                                {{"ended", t.epoch},
                                                 {"started", next},
                                                 {"reason", reason},
                                                 {"shredded", shredded}}));
  state.ended.push_back(t);
  state.epoch = next;
  JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaEnded, EndedToJson(state.ended).dump()));
  JV_RETURN_IF_ERROR(txn.Commit());
  // The old sealed E_n was overwritten in the page (secure_delete); move that page out of
  // the WAL too.
  JV_RETURN_IF_ERROR(v.store().Compact());
  return state;
}

}  // namespace

nlohmann::json TombstoneToJson(const EpochTombstone& t) {
  return {{"epoch", t.epoch},
          {"ended_at", t.ended_at},
          {"reason", t.reason},
          {"shredded", t.shredded},
          {"audit_seq", t.audit_seq}};
}

Result<BackupEpochState> ReadBackupEpoch(Vault& v) {
  BackupEpochState state;
  state.vault_id = v.config().vault_id;
  JV_ASSIGN_OR_RETURN(auto epoch, v.store().GetMeta(kMetaEpoch));
  if (!epoch) return state;
  try {
    state.epoch = std::stoll(*epoch);
  } catch (...) {
    return DataLossError("the vault's backup epoch number is corrupt");
  }
  JV_ASSIGN_OR_RETURN(auto ended, v.store().GetMeta(kMetaEnded));
  if (ended) {
    JV_ASSIGN_OR_RETURN(state.ended, ParseEnded(*ended));
  }
  JV_ASSIGN_OR_RETURN(auto sealed_hex, v.store().GetMeta(kMetaEpochKey));
  if (!sealed_hex) return DataLossError("the vault's backup epoch key is missing");
  JV_ASSIGN_OR_RETURN(Bytes sealed, HexDecode(*sealed_hex));
  auto key = v.keys().OpenSecret(EpochKeyLabel(state.epoch), sealed);
  if (!key.ok()) return DataLossError("the vault's backup epoch key cannot be opened");
  state.key = std::move(key).value();
  return state;
}

Result<BackupEpochState> EnsureBackupEpoch(Vault& v) {
  auto state = ReadBackupEpoch(v);
  if (state.ok() && state->epoch > 0) return state;
  if (state.ok()) {  // the first backup: epoch 1
    store::Transaction txn(v.store());
    JV_RETURN_IF_ERROR(txn.Start());
    JV_ASSIGN_OR_RETURN(state->key, PutNewEpochKey(v, 1));
    state->epoch = 1;
    JV_RETURN_IF_ERROR(
        v.AuditInTxn("backup.epoch.start", "", "security", {{"epoch", 1}}).status());
    JV_RETURN_IF_ERROR(txn.Commit());
    return state;
  }
  // A stored key that no longer opens (keys rotate interrupted before the epoch ended):
  // end that epoch and go on with a fresh one.
  JV_ASSIGN_OR_RETURN(auto epoch, v.store().GetMeta(kMetaEpoch));
  if (!epoch) return state.status();
  BackupEpochState s;
  s.vault_id = v.config().vault_id;
  try {
    s.epoch = std::stoll(*epoch);
  } catch (...) {
    return state.status();
  }
  JV_ASSIGN_OR_RETURN(auto ended, v.store().GetMeta(kMetaEnded));
  if (ended) {
    JV_ASSIGN_OR_RETURN(s.ended, ParseEnded(*ended));
  }
  return EndInVault(v, std::move(s), "unreadable epoch key", 0);
}

Status WriteBackupKeyring(Vault& v, const BackupEpochState& state, const std::string& path) {
  nlohmann::json header = {{"format", 1},
                           {"vault_id", v.config().vault_id},
                           {"suite", std::string(crypto::SuiteName(v.suite()))}};
  const std::string header_text = header.dump();
  nlohmann::json body = {{"vault_id", v.config().vault_id},
                         {"epoch", state.epoch},
                         {"key", HexEncode(state.key.view())},
                         {"ended", EndedToJson(state.ended)},
                         {"written", FormatRfc3339Seconds(v.clock().NowMicros())}};
  std::string body_text = body.dump();
  SecretBuffer plain = SecretBuffer::FromString(body_text);
  SecureWipe(body_text.data(), body_text.size());
  body["key"] = "";
  JV_ASSIGN_OR_RETURN(Bytes sealed,
                      v.keys().SealSecret("backup_keyring\n" + header_text, plain, v.random()));
  std::string file(kKeyringMagic);
  const uint32_t n = static_cast<uint32_t>(header_text.size());
  for (int s = 24; s >= 0; s -= 8) file.push_back(static_cast<char>((n >> s) & 0xff));
  file += header_text;
  file += AsString(sealed);
  // Keep the old file open, replace it atomically, then overwrite the old inode.
  int old_fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  Status written = WriteFileAtomic(path, file, 0600);
  if (written.ok()) {
    ScrubAndClose(old_fd);
  } else if (old_fd >= 0) {
    ::close(old_fd);
  }
  JV_RETURN_IF_ERROR(written);
  JV_ASSIGN_OR_RETURN(auto old, v.store().GetMeta(kMetaKeyringPath));
  if (!old || *old != path) JV_RETURN_IF_ERROR(v.store().PutMeta(kMetaKeyringPath, path));
  return Status::Ok();
}

Result<BackupEpochState> ReadBackupKeyring(const std::string& path, crypto::Suite suite,
                                           const std::string& vault_id,
                                           const SecretBuffer& master) {
  auto file = ReadFileToString(path);
  if (!file.ok()) {
    return NotFoundError("cannot read the backup keyring file " + path +
                         " (give it with --backup-keys FILE)");
  }
  const std::string& f = *file;
  if (f.size() < kKeyringMagic.size() + 4 || f.compare(0, 8, kKeyringMagic) != 0) {
    return DataLossError(path + " is not a jadevault backup keyring file");
  }
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(f[8 + i]);
  if (f.size() < 12 + static_cast<size_t>(n)) {
    return DataLossError("the backup keyring file " + path + " is truncated");
  }
  const std::string header_text = f.substr(12, n);
  nlohmann::json header = nlohmann::json::parse(header_text, nullptr, false);
  if (!header.is_object()) return DataLossError("the backup keyring file " + path + " is corrupt");
  if (header.value("vault_id", "") != vault_id) {
    return InvalidArgumentError("the backup keyring file " + path + " belongs to vault " +
                                header.value("vault_id", "?") + ", not " + vault_id);
  }
  Keyring probe(suite, vault_id, master.Clone(), SecretBuffer());
  auto plain = probe.OpenSecret("backup_keyring\n" + header_text,
                                ByteView(reinterpret_cast<const uint8_t*>(f.data()) + 12 + n,
                                         f.size() - 12 - n));
  if (!plain.ok()) {
    return DataLossError("the backup keyring file " + path +
                         " does not open with this vault's master key: it is corrupt, or the "
                         "master key was rotated after this backup");
  }
  nlohmann::json body = nlohmann::json::parse(plain->str(), nullptr, false);
  if (!body.is_object() || !body.contains("ended") || !body["ended"].is_array()) {
    return DataLossError("the backup keyring file " + path + " is corrupt");
  }
  BackupEpochState s;
  s.vault_id = vault_id;
  s.epoch = body.value("epoch", int64_t{0});
  auto key = HexDecode(body.value("key", ""));
  if (!key.ok()) return DataLossError("the backup keyring file " + path + " is corrupt");
  s.key = SecretBuffer(*key);
  SecureWipe(key->data(), key->size());
  for (const auto& j : body["ended"]) s.ended.push_back(TombstoneFromJson(j));
  return s;
}

Result<EpochEnd> EndBackupEpochWithReport(Vault& v, const std::string& reason,
                                          int64_t shredded) {
  EpochEnd out;
  JV_ASSIGN_OR_RETURN(auto epoch, v.store().GetMeta(kMetaEpoch));
  if (!epoch) return out;  // no backup was ever taken: no epoch to end
  BackupEpochState state;
  state.vault_id = v.config().vault_id;
  try {
    state.epoch = std::stoll(*epoch);
  } catch (...) {
    return DataLossError("the vault's backup epoch number is corrupt");
  }
  JV_ASSIGN_OR_RETURN(auto ended, v.store().GetMeta(kMetaEnded));
  if (ended) {
    JV_ASSIGN_OR_RETURN(state.ended, ParseEnded(*ended));
  }
  out.had_epoch = true;
  out.ended = state.epoch;
  JV_ASSIGN_OR_RETURN(state, EndInVault(v, std::move(state), reason, shredded));
  out.current = state.epoch;
  JV_ASSIGN_OR_RETURN(auto path, v.store().GetMeta(kMetaKeyringPath));
  if (path && !path->empty()) {
    out.keyring_path = *path;
    Status st = WriteBackupKeyring(v, state, *path);
    out.keyring_updated = st.ok();
    if (!st.ok()) out.keyring_error = st.message();
  }
  return out;
}

Status EndBackupEpoch(Vault& v, const std::string& reason, int64_t shredded) {
  JV_ASSIGN_OR_RETURN(EpochEnd e, EndBackupEpochWithReport(v, reason, shredded));
  if (!e.keyring_error.empty()) {
    return FailedPreconditionError("backup epoch " + std::to_string(e.ended) +
                                   " ended in the vault, but the backup keyring file " +
                                   e.keyring_path + " could not be rewritten (" +
                                   e.keyring_error + "): destroy that file's old copy");
  }
  return Status::Ok();
}

}  // namespace jv::vault
