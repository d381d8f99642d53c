#include "src/vault/keyring.h"

#include <nlohmann/json.hpp>

#include "src/common/strings.h"
#include "src/crypto/aead.h"
#include "src/crypto/blind_index.h"

namespace jv::vault {

namespace {

constexpr std::string_view kSlotLabel = "jadevault/slot/v1";
constexpr std::string_view kDekLabel = "jadevault/dek/v1";
constexpr std::string_view kSecretLabel = "jadevault/secret/v1";
constexpr std::string_view kRecordLabel = "jadevault/record/v1";

// label NUL part1 NUL part2 ...
Bytes Ad(std::string_view label, std::initializer_list<std::string_view> parts) {
  Bytes ad(label.begin(), label.end());
  for (std::string_view p : parts) {
    ad.push_back(0);
    ad.insert(ad.end(), p.begin(), p.end());
  }
  return ad;
}

Result<store::KeySlotRow> SealSlot(crypto::Suite suite, const std::string& vault_id,
                                   const std::string& kind, nlohmann::json params,
                                   const SecretBuffer& slot_key, const SecretBuffer& master,
                                   Random& random, int64_t now, std::string id = "") {
  store::KeySlotRow slot;
  slot.id = id.empty() ? NewId(random, "ks_") : std::move(id);
  slot.kind = kind;
  params["suite"] = std::string(crypto::SuiteName(suite));
  slot.params_json = params.dump();
  JV_ASSIGN_OR_RETURN(slot.wrapped,
                      crypto::Seal(suite, slot_key, master.view(),
                                   Ad(kSlotLabel, {vault_id, kind, slot.params_json}), random));
  slot.created_micros = now;
  return slot;
}

}  // namespace

Result<store::KeySlotRow> Keyring::MakePassphraseSlot(crypto::Suite suite,
                                                      const std::string& vault_id,
                                                      const SecretBuffer& master,
                                                      const SecretBuffer& passphrase,
                                                      const crypto::ScryptParams& params,
                                                      Random& random, int64_t now_micros) {
  Bytes salt = random.RandomBytes(16);
  JV_ASSIGN_OR_RETURN(SecretBuffer slot_key,
                      crypto::Scrypt(passphrase.view(), salt, params, crypto::kKeySize));
  nlohmann::json p = {{"kdf", "scrypt"},
                      {"salt", HexEncode(salt)},
                      {"n", params.n},
                      {"r", params.r},
                      {"p", params.p}};
  return SealSlot(suite, vault_id, "passphrase", p, slot_key, master, random, now_micros);
}

Result<store::KeySlotRow> Keyring::MakeKeyFileSlot(crypto::Suite suite,
                                                   const std::string& vault_id,
                                                   const SecretBuffer& master,
                                                   const SecretBuffer& key_file_secret,
                                                   Random& random, int64_t now_micros) {
  Bytes salt = random.RandomBytes(16);
  JV_ASSIGN_OR_RETURN(SecretBuffer slot_key,
                      crypto::Hkdf(suite, key_file_secret.view(), salt,
                                   "jadevault keyfile slot v1", crypto::kKeySize));
  nlohmann::json p = {{"kdf", "hkdf"}, {"salt", HexEncode(salt)}};
  return SealSlot(suite, vault_id, "keyfile", p, slot_key, master, random, now_micros);
}

Result<store::KeySlotRow> Keyring::MakeSharesSlot(crypto::Suite suite,
                                                  const std::string& vault_id,
                                                  const SecretBuffer& master,
                                                  const SecretBuffer& share_secret,
                                                  const std::string& set_id, int count,
                                                  int threshold, Random& random,
                                                  int64_t now_micros) {
  Bytes salt = random.RandomBytes(16);
  JV_ASSIGN_OR_RETURN(SecretBuffer slot_key,
                      crypto::Hkdf(suite, share_secret.view(), salt, "jadevault shares slot v1",
                                   crypto::kKeySize));
  std::string id = NewId(random, "ks_");
  nlohmann::json p = {{"kdf", "hkdf"},  {"salt", HexEncode(salt)}, {"set", set_id},
                      {"shares", count}, {"threshold", threshold}, {"slot", id}};
  return SealSlot(suite, vault_id, "shares", p, slot_key, master, random, now_micros, id);
}

Result<SecretBuffer> Keyring::OpenSlot(crypto::Suite suite, const std::string& vault_id,
                                       const store::KeySlotRow& slot,
                                       const SecretBuffer& secret) {
  nlohmann::json p = nlohmann::json::parse(slot.params_json, nullptr, false);
  if (p.is_discarded() || !p.is_object() || !p.contains("salt") || !p["salt"].is_string()) {
    return InvalidArgumentError("key slot " + slot.id + " has malformed parameters");
  }
  auto salt = HexDecode(p["salt"].get<std::string>());
  if (!salt.ok()) return InvalidArgumentError("key slot " + slot.id + " has a malformed salt");
  SecretBuffer slot_key;
  if (slot.kind == "passphrase") {
    if (!p.contains("n") || !p["n"].is_number_unsigned() || !p.contains("r") ||
        !p.contains("p")) {
      return InvalidArgumentError("key slot " + slot.id + " has malformed scrypt parameters");
    }
    crypto::ScryptParams params;
    params.n = p["n"].get<uint64_t>();
    params.r = p["r"].get<uint32_t>();
    params.p = p["p"].get<uint32_t>();
    JV_ASSIGN_OR_RETURN(slot_key, crypto::Scrypt(secret.view(), *salt, params, crypto::kKeySize));
  } else if (slot.kind == "keyfile" || slot.kind == "shares") {
    JV_ASSIGN_OR_RETURN(slot_key, crypto::Hkdf(suite, secret.view(), *salt,
                                               slot.kind == "keyfile"
                                                   ? "jadevault keyfile slot v1"
                                                   : "jadevault shares slot v1",
                                               crypto::kKeySize));
  } else {
    return InvalidArgumentError("key slot " + slot.id + " has an unknown kind");
  }
  auto master = crypto::Open(suite, slot_key, slot.wrapped,
                             Ad(kSlotLabel, {vault_id, slot.kind, slot.params_json}));
  if (!master.ok()) {
    return UnauthenticatedError("the " + slot.kind + " does not unlock this vault");
  }
  return master;
}

Result<Bytes> Keyring::SealSecret(std::string_view label, const SecretBuffer& secret,
                                  Random& random) const {
  return crypto::Seal(suite_, master_, secret.view(), Ad(kSecretLabel, {vault_id_, label}),
                      random);
}

Result<SecretBuffer> Keyring::OpenSecret(std::string_view label, ByteView sealed) const {
  return crypto::Open(suite_, master_, sealed, Ad(kSecretLabel, {vault_id_, label}));
}

SecretBuffer Keyring::NewDataKey(Random& random) const {
  SecretBuffer dek(crypto::kKeySize);
  random.Fill(dek.data(), dek.size());
  return dek;
}

Result<Bytes> Keyring::WrapDataKey(const std::string& subject_id, const std::string& key_class,
                                   const SecretBuffer& dek, Random& random) const {
  const KeyToWrap one{subject_id, &dek};
  JV_ASSIGN_OR_RETURN(std::vector<Bytes> wrapped,
                      WrapDataKeys(std::span<const KeyToWrap>(&one, 1), key_class, random));
  return std::move(wrapped.front());
}

Result<std::vector<Bytes>> Keyring::WrapDataKeys(std::span<const KeyToWrap> keys,
                                                 const std::string& key_class,
                                                 Random& random) const {
  std::vector<Bytes> out;
  if (keys.empty()) return out;
  JV_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Aead> aead, crypto::Aead::Create(suite_, master_));
  out.reserve(keys.size());
  for (const KeyToWrap& k : keys) {
    JV_ASSIGN_OR_RETURN(Bytes w, aead->Seal(k.dek->view(),
                                            Ad(kDekLabel, {vault_id_, k.subject_id, key_class}),
                                            random));
    out.push_back(std::move(w));
  }
  return out;
}

Result<SecretBuffer> Keyring::UnwrapDataKey(const std::string& subject_id,
                                            const std::string& key_class,
                                            ByteView wrapped) const {
  return crypto::Open(suite_, master_, wrapped,
                      Ad(kDekLabel, {vault_id_, subject_id, key_class}));
}

Bytes Keyring::BlindIndex(std::string_view kind, std::string_view normalized_value) const {
  return crypto::BlindIndex(*index_mac_, kind, normalized_value);
}

Result<SecretBuffer> Keyring::DeriveIndexKey(crypto::Suite suite, const std::string& vault_id,
                                             const SecretBuffer& master) {
  return crypto::Hkdf(suite, master.view(), AsBytes(vault_id), "jadevault blind index v1",
                      crypto::kKeySize);
}

Bytes RecordAad(const std::string& subject_id, const std::string& key_class,
                const std::string& fields_csv) {
  return Ad(kRecordLabel, {subject_id, key_class, fields_csv});
}

}  // namespace jv::vault
