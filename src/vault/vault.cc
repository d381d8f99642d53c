#include "src/vault/vault.h"

#include <sys/stat.h>

#include <filesystem>

#include "src/common/strings.h"
#include "src/crypto/aead.h"
#include "src/store/open_store.h"

namespace jv::vault {

namespace fs = std::filesystem;

namespace {

constexpr char kIndexKeyLabel[] = "index_key";
constexpr char kSigningKeyLabel[] = "signing_key";

std::string ConfigPath(const std::string& dir) { return dir + "/vault.toml"; }

Result<std::string> RequireMeta(store::Store& s, const std::string& key) {
  JV_ASSIGN_OR_RETURN(auto v, s.GetMeta(key));
  if (!v) return DataLossError("vault store is missing its " + key);
  return *v;
}

}  // namespace

Vault::Vault(std::string dir, VaultConfig config, Clock& clock, Random& random)
    : dir_(std::move(dir)), config_(std::move(config)), clock_(clock), random_(random) {}

Vault::~Vault() = default;

Result<VaultConfig> Vault::ReadConfig(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(ConfigPath(dir), ec)) {
    return NotFoundError("no vault at " + dir + " (create one with `jadevault init`)");
  }
  JV_ASSIGN_OR_RETURN(std::string text, ReadFileToString(ConfigPath(dir)));
  return VaultConfig::FromToml(text);
}

Result<InitResult> Vault::Init(const InitOptions& o, Clock& clock, Random& random) {
  std::error_code ec;
  if (fs::exists(ConfigPath(o.dir), ec)) {
    return AlreadyExistsError("a vault already exists at " + o.dir +
                              "; refusing to overwrite it");
  }
  if (o.company.empty()) return InvalidArgumentError("--company is required");
  if (o.case_type != "transfer" && o.case_type != "liquidation" &&
      o.case_type != "transfer+liquidation") {
    return InvalidArgumentError("--case must be transfer, liquidation or transfer+liquidation");
  }
  if (o.passphrase.empty() && !o.key_file_secret) {
    return InvalidArgumentError("a passphrase (or key file) is required to protect the vault");
  }
  fs::create_directories(o.dir, ec);
  if (ec) return InternalError("cannot create directory " + o.dir + ": " + ec.message());
  ::chmod(o.dir.c_str(), 0700);

  VaultConfig config;
  config.vault_id = NewId(random, "v_");
  config.company = o.company;
  config.case_type = o.case_type;
  config.crypto = std::string(crypto::SuiteName(o.suite));
  config.store = o.store_location.empty() ? "vault.db" : o.store_location;
  config.created = FormatRfc3339Seconds(clock.NowMicros());

  JV_ASSIGN_OR_RETURN(auto store,
                      store::OpenStore(StoreLocation(o.dir, config), store::OpenMode::kCreate));

  SecretBuffer master(crypto::kKeySize);
  random.Fill(master.data(), master.size());
  JV_ASSIGN_OR_RETURN(SecretBuffer index_key,
                      Keyring::DeriveIndexKey(o.suite, config.vault_id, master));
  JV_ASSIGN_OR_RETURN(crypto::SigningKey signer, crypto::SigningKey::Generate(o.suite));
  JV_ASSIGN_OR_RETURN(SecretBuffer signer_der, signer.PrivateKeyDer());
  Keyring keys(o.suite, config.vault_id, master.Clone(), index_key.Clone());

  JV_ASSIGN_OR_RETURN(Bytes sealed_index, keys.SealSecret(kIndexKeyLabel, index_key, random));
  JV_ASSIGN_OR_RETURN(Bytes sealed_signer, keys.SealSecret(kSigningKeyLabel, signer_der, random));

  store::Transaction txn(*store);
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(store->PutMeta("vault_id", config.vault_id));
  JV_RETURN_IF_ERROR(store->PutMeta("crypto", config.crypto));
  JV_RETURN_IF_ERROR(store->PutMeta("company", config.company));
  JV_RETURN_IF_ERROR(store->PutMeta("case", config.case_type));
  JV_RETURN_IF_ERROR(store->PutMeta("sealed_index_key", HexEncode(sealed_index)));
  JV_RETURN_IF_ERROR(store->PutMeta("sealed_signing_key", HexEncode(sealed_signer)));
  JV_RETURN_IF_ERROR(store->PutMeta("signing_public_key_pem", signer.PublicKeyPem()));
  JV_RETURN_IF_ERROR(store->PutMeta("signing_algorithm", signer.AlgorithmName()));
  if (!o.passphrase.empty()) {
    JV_ASSIGN_OR_RETURN(auto slot,
                        Keyring::MakePassphraseSlot(o.suite, config.vault_id, master, o.passphrase,
                                                    o.scrypt, random, clock.NowMicros()));
    JV_RETURN_IF_ERROR(store->PutKeySlot(slot));
  }
  if (o.key_file_secret) {
    JV_ASSIGN_OR_RETURN(auto slot,
                        Keyring::MakeKeyFileSlot(o.suite, config.vault_id, master,
                                                 *o.key_file_secret, random, clock.NowMicros()));
    JV_RETURN_IF_ERROR(store->PutKeySlot(slot));
  }
  audit::AuditLog log(*store, o.suite, clock, config.vault_id);
  JV_RETURN_IF_ERROR(log.Append("cli", "vault.init", "", "administration",
                                {{"vault_id", config.vault_id},
                                 {"crypto", config.crypto},
                                 {"case", config.case_type},
                                 {"store", store->Backend()}})
                         .status());
  JV_RETURN_IF_ERROR(txn.Commit());

  JV_RETURN_IF_ERROR(WriteFileAtomic(ConfigPath(o.dir), config.ToToml(), 0600));
  InitResult result;
  result.config = config;
  result.signing_public_key_pem = signer.PublicKeyPem();
  result.signing_algorithm = signer.AlgorithmName();
  return result;
}

Result<std::unique_ptr<Vault>> Vault::Open(const std::string& dir, UnlockOptions unlock,
                                           Clock& clock, Random& random) {
  JV_ASSIGN_OR_RETURN(VaultConfig config, ReadConfig(dir));
  JV_ASSIGN_OR_RETURN(crypto::Suite suite, crypto::ParseSuite(config.crypto));
  JV_ASSIGN_OR_RETURN(auto store,
                      store::OpenStore(StoreLocation(dir, config), store::OpenMode::kExisting));
  JV_ASSIGN_OR_RETURN(std::string stored_id, RequireMeta(*store, "vault_id"));
  if (stored_id != config.vault_id) {
    return DataLossError("vault.toml and the vault store belong to different vaults");
  }
  JV_ASSIGN_OR_RETURN(auto slots, store->ListKeySlots());
  JV_ASSIGN_OR_RETURN(SecretBuffer master_key,
                      UnlockMasterKey(suite, config.vault_id, slots, unlock));
  std::optional<SecretBuffer> master(std::move(master_key));
  // Index key and signing key, sealed by the master key.
  Keyring probe(suite, config.vault_id, master->Clone(), SecretBuffer());
  JV_ASSIGN_OR_RETURN(std::string sealed_index_hex, RequireMeta(*store, "sealed_index_key"));
  JV_ASSIGN_OR_RETURN(std::string sealed_signer_hex, RequireMeta(*store, "sealed_signing_key"));
  JV_ASSIGN_OR_RETURN(Bytes sealed_index, HexDecode(sealed_index_hex));
  JV_ASSIGN_OR_RETURN(Bytes sealed_signer, HexDecode(sealed_signer_hex));
  auto index_key = probe.OpenSecret(kIndexKeyLabel, sealed_index);
  if (!index_key.ok()) return DataLossError("the vault's index key is corrupt");
  auto signer_der = probe.OpenSecret(kSigningKeyLabel, sealed_signer);
  if (!signer_der.ok()) return DataLossError("the vault's signing key is corrupt");
  JV_ASSIGN_OR_RETURN(crypto::SigningKey signer,
                      crypto::SigningKey::FromPrivateKeyDer(suite, signer_der->view()));

  std::unique_ptr<Vault> v(new Vault(dir, std::move(config), clock, random));
  v->keys_ = std::make_unique<Keyring>(suite, v->config_.vault_id, std::move(*master),
                                       std::move(index_key).value());
  v->signer_ = std::make_unique<crypto::SigningKey>(std::move(signer));
  v->audit_ = std::make_unique<audit::AuditLog>(*store, suite, clock, v->config_.vault_id);
  v->store_ = std::move(store);
  v->unlock_ = std::move(unlock);
  return v;
}

Result<std::unique_ptr<Vault>> Vault::OpenAgain() const {
  UnlockOptions again;
  if (unlock_.passphrase) again.passphrase = unlock_.passphrase->Clone();
  if (unlock_.key_file_secret) again.key_file_secret = unlock_.key_file_secret->Clone();
  if (unlock_.shares) {
    again.shares = SharesUnlock{unlock_.shares->vault_id, unlock_.shares->set_id,
                                unlock_.shares->secret.Clone()};
  }
  return Open(dir_, std::move(again), clock_, random_);
}

Result<SecretBuffer> UnlockMasterKey(crypto::Suite suite, const std::string& vault_id,
                                     const std::vector<store::KeySlotRow>& slots,
                                     const UnlockOptions& unlock) {
  if (unlock.shares) {
    const SharesUnlock& sh = *unlock.shares;
    if (sh.vault_id != vault_id) {
      return UnauthenticatedError("the shares are for vault " + sh.vault_id +
                                  ", not for this vault (" + vault_id + ")");
    }
    for (const auto& slot : slots) {
      if (slot.kind != "shares") continue;
      nlohmann::json p = nlohmann::json::parse(slot.params_json, nullptr, false);
      if (!p.is_object() || p.value("set", "") != sh.set_id) continue;
      auto m = Keyring::OpenSlot(suite, vault_id, slot, sh.secret);
      if (m.ok()) return m;
      if (m.status().code() != StatusCode::kUnauthenticated) return m.status();
      return UnauthenticatedError("the shares of set " + sh.set_id +
                                  " do not unlock the vault: one of them is corrupted or "
                                  "altered");
    }
    return UnauthenticatedError("share set " + sh.set_id +
                                " is not a key slot of this vault: it was replaced by a later "
                                "`keys split` or removed by `keys rotate`");
  }
  if (!unlock.passphrase && !unlock.key_file_secret) {
    return UnauthenticatedError(
        "the vault is locked: give a passphrase (prompt, --passphrase-file or "
        "$JADEVAULT_PASSPHRASE), a key file, or custodian shares (--share)");
  }
  for (const auto& slot : slots) {
    const std::optional<SecretBuffer>* secret = nullptr;
    if (slot.kind == "passphrase" && unlock.passphrase) secret = &unlock.passphrase;
    if (slot.kind == "keyfile" && unlock.key_file_secret) secret = &unlock.key_file_secret;
    if (secret == nullptr) continue;
    auto m = Keyring::OpenSlot(suite, vault_id, slot, **secret);
    if (m.ok()) return m;
    if (m.status().code() != StatusCode::kUnauthenticated) return m.status();
  }
  return UnauthenticatedError(unlock.passphrase ? "wrong passphrase: the vault stays locked"
                                                : "the key file does not unlock this vault");
}

Result<int64_t> Vault::Audit(const std::string& action, const std::string& subject,
                             const std::string& purpose, const nlohmann::json& details) {
  return audit_->AppendInOwnTransaction(actor_, action, subject, purpose, details);
}

Result<int64_t> Vault::AuditInTxn(const std::string& action, const std::string& subject,
                                  const std::string& purpose, const nlohmann::json& details) {
  return audit_->Append(actor_, action, subject, purpose, details);
}

Result<std::string> Vault::CreateSubject(const nlohmann::json& attrs) {
  store::SubjectRow row;
  row.id = NewId(random_, "s_");
  row.state = "active";
  row.attrs_json = attrs.dump();
  row.created_micros = row.updated_micros = clock_.NowMicros();
  JV_RETURN_IF_ERROR(store_->InsertSubject(row));
  return row.id;
}

Result<const SecretBuffer*> Vault::DataKey(const std::string& subject_id,
                                           const std::string& key_class, bool create) {
  auto key = std::make_pair(subject_id, key_class);
  auto it = dek_cache_.find(key);
  if (it != dek_cache_.end()) return &it->second;
  auto row = store_->GetDataKey(subject_id, key_class);
  SecretBuffer dek;
  if (row.ok()) {
    JV_ASSIGN_OR_RETURN(dek, keys_->UnwrapDataKey(subject_id, key_class, row->wrapped));
  } else if (row.status().code() == StatusCode::kNotFound && create) {
    dek = keys_->NewDataKey(random_);
    JV_ASSIGN_OR_RETURN(Bytes wrapped, keys_->WrapDataKey(subject_id, key_class, dek, random_));
    JV_RETURN_IF_ERROR(store_->PutDataKey({subject_id, key_class, std::move(wrapped)}));
  } else {
    return row.status();
  }
  auto [ins, _] = dek_cache_.emplace(key, std::move(dek));
  return &ins->second;
}

Status Vault::AddRecord(const std::string& subject_id, const std::string& key_class,
                        const std::string& source_id, int64_t row_no,
                        const nlohmann::json& fields) {
  if (!fields.is_object()) return InvalidArgumentError("record fields must be an object");
  std::string names;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!names.empty()) names += ",";
    names += it.key();
  }
  JV_ASSIGN_OR_RETURN(const SecretBuffer* dek, DataKey(subject_id, key_class, true));
  std::string plaintext = fields.dump();
  auto sealed = crypto::Seal(suite(), *dek, AsBytes(plaintext),
                             RecordAad(subject_id, key_class, names), random_);
  SecureWipe(plaintext.data(), plaintext.size());
  if (!sealed.ok()) return sealed.status();
  store::RecordRow r;
  r.subject_id = subject_id;
  r.key_class = key_class;
  r.source_id = source_id;
  r.row_no = row_no;
  r.fields = names;
  r.ciphertext = std::move(sealed).value();
  r.created_micros = clock_.NowMicros();
  return store_->InsertRecord(r).status();
}

Status Vault::AddBlindIndex(const std::string& subject_id, const std::string& kind,
                            std::string_view normalized_value) {
  return store_->PutIndex({kind, keys_->BlindIndex(kind, normalized_value), subject_id});
}

Result<std::vector<std::string>> Vault::FindByIndex(const std::string& kind,
                                                    std::string_view normalized_value) {
  return store_->FindIndex(kind, keys_->BlindIndex(kind, normalized_value));
}

Result<std::vector<DecryptedRecord>> Vault::ReadRecords(const std::string& subject_id) {
  JV_ASSIGN_OR_RETURN(auto rows, store_->ListRecords(subject_id));
  std::vector<DecryptedRecord> out;
  for (const auto& r : rows) {
    auto dek = DataKey(subject_id, r.key_class, false);
    if (!dek.ok()) {
      if (dek.status().code() == StatusCode::kNotFound) continue;  // shredded class
      return dek.status();
    }
    auto plain = crypto::Open(suite(), **dek, r.ciphertext,
                              RecordAad(subject_id, r.key_class, r.fields));
    if (!plain.ok()) {
      return DataLossError("record " + std::to_string(r.id) + " of subject " + subject_id +
                           " failed authentication");
    }
    DecryptedRecord d;
    d.id = r.id;
    d.key_class = r.key_class;
    d.source_id = r.source_id;
    d.row_no = r.row_no;
    d.created_micros = r.created_micros;
    d.fields = nlohmann::json::parse(plain->str(), nullptr, false);
    if (d.fields.is_discarded()) {
      return DataLossError("record " + std::to_string(r.id) + " is not valid JSON");
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<RotateReport> Vault::RotateMasterKey() {
  RotateReport report;
  SecretBuffer new_master(crypto::kKeySize);
  random_.Fill(new_master.data(), new_master.size());
  Keyring next(suite(), config_.vault_id, new_master.Clone(), SecretBuffer());

  store::Transaction txn(*store_);
  JV_RETURN_IF_ERROR(txn.Start());
  std::vector<store::DataKeyRow> rewrapped;
  JV_RETURN_IF_ERROR(store_->ForEachDataKey([&](const store::DataKeyRow& row) -> Status {
    JV_ASSIGN_OR_RETURN(SecretBuffer dek,
                        keys_->UnwrapDataKey(row.subject_id, row.key_class, row.wrapped));
    JV_ASSIGN_OR_RETURN(Bytes w, next.WrapDataKey(row.subject_id, row.key_class, dek, random_));
    rewrapped.push_back({row.subject_id, row.key_class, std::move(w)});
    return Status::Ok();
  }));
  for (const auto& row : rewrapped) JV_RETURN_IF_ERROR(store_->PutDataKey(row));
  report.rewrapped = static_cast<int64_t>(rewrapped.size());

  // Index and signing keys keep their values; only their wrapping changes.
  JV_ASSIGN_OR_RETURN(std::string sealed_index_hex, RequireMeta(*store_, "sealed_index_key"));
  JV_ASSIGN_OR_RETURN(std::string sealed_signer_hex, RequireMeta(*store_, "sealed_signing_key"));
  JV_ASSIGN_OR_RETURN(Bytes sealed_index, HexDecode(sealed_index_hex));
  JV_ASSIGN_OR_RETURN(Bytes sealed_signer, HexDecode(sealed_signer_hex));
  JV_ASSIGN_OR_RETURN(SecretBuffer index_key, keys_->OpenSecret(kIndexKeyLabel, sealed_index));
  JV_ASSIGN_OR_RETURN(SecretBuffer signer_der, keys_->OpenSecret(kSigningKeyLabel, sealed_signer));
  JV_ASSIGN_OR_RETURN(Bytes resealed_index, next.SealSecret(kIndexKeyLabel, index_key, random_));
  JV_ASSIGN_OR_RETURN(Bytes resealed_signer,
                      next.SealSecret(kSigningKeyLabel, signer_der, random_));
  JV_RETURN_IF_ERROR(store_->PutMeta("sealed_index_key", HexEncode(resealed_index)));
  JV_RETURN_IF_ERROR(store_->PutMeta("sealed_signing_key", HexEncode(resealed_signer)));

  // Unlock slots: re-create the ones we hold a secret for, drop the rest. A shares slot
  // can be re-wrapped only when the share secret is known (unlocked with the shares).
  JV_ASSIGN_OR_RETURN(auto slots, store_->ListKeySlots());
  for (const auto& slot : slots) {
    JV_RETURN_IF_ERROR(store_->DeleteKeySlot(slot.id));
    bool recreated = (slot.kind == "passphrase" && unlock_.passphrase) ||
                     (slot.kind == "keyfile" && unlock_.key_file_secret);
    if (slot.kind == "shares" && unlock_.shares) {
      nlohmann::json p = nlohmann::json::parse(slot.params_json, nullptr, false);
      if (p.is_object() && p.value("set", "") == unlock_.shares->set_id) {
        JV_ASSIGN_OR_RETURN(
            auto again, Keyring::MakeSharesSlot(suite(), config_.vault_id, new_master,
                                                unlock_.shares->secret, unlock_.shares->set_id,
                                                p.value("shares", 0), p.value("threshold", 0),
                                                random_, clock_.NowMicros()));
        JV_RETURN_IF_ERROR(store_->PutKeySlot(again));
        recreated = true;
        report.shares_kept = true;
      }
    }
    if (!recreated) {
      ++report.slots_removed;
      report.removed_kinds.push_back(slot.kind);
    }
  }
  if (unlock_.passphrase) {
    JV_ASSIGN_OR_RETURN(auto slot, Keyring::MakePassphraseSlot(
                                       suite(), config_.vault_id, new_master, *unlock_.passphrase,
                                       crypto::DefaultPassphraseScrypt(), random_,
                                       clock_.NowMicros()));
    JV_RETURN_IF_ERROR(store_->PutKeySlot(slot));
  }
  if (unlock_.key_file_secret) {
    JV_ASSIGN_OR_RETURN(auto slot, Keyring::MakeKeyFileSlot(suite(), config_.vault_id,
                                                            new_master, *unlock_.key_file_secret,
                                                            random_, clock_.NowMicros()));
    JV_RETURN_IF_ERROR(store_->PutKeySlot(slot));
  }
  JV_RETURN_IF_ERROR(AuditInTxn("keys.rotate", "", "administration",
                           {{"rewrapped", report.rewrapped},
                            {"slots_removed", report.slots_removed},
                            {"removed_kinds", report.removed_kinds},
                            {"shares_kept", report.shares_kept}})
                         .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  keys_ = std::make_unique<Keyring>(suite(), config_.vault_id, std::move(new_master),
                                    std::move(index_key));
  dek_cache_.clear();
  JV_RETURN_IF_ERROR(store_->Compact());
  return report;
}

}  // namespace jv::vault
