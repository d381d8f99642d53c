#include "src/vault/custody.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>

extern "C" {  // libgfshare.h has no C++ guards
#include <libgfshare.h>
}

#include "src/common/clock.h"
#include "src/common/strings.h"
#include "src/crypto/hash.h"
#include "src/vault/vault.h"

namespace jv::vault {

namespace fs = std::filesystem;

namespace {

constexpr int kLines = 4;          // share data lines
constexpr int kBytesPerLine = 8;   // 4 groups of 2 bytes (4 hex digits)
constexpr std::string_view kLineLabel = "jadevault/share-line/v1";

// libgfshare draws the polynomial coefficients (and the bytes it scrubs buffers with in
// gfshare_ctx_free) through a global callback that is null by default. We point it at the
// caller's Random during a split and at the system CSPRNG otherwise.
thread_local Random* g_share_random = nullptr;
void FillShareRandom(unsigned char* out, unsigned int n) {
  (g_share_random != nullptr ? *g_share_random : SystemRandom::Get()).Fill(out, n);
}
struct ShareRandomScope {
  explicit ShareRandomScope(Random* r) {
    gfshare_fill_rand = FillShareRandom;
    g_share_random = r;
  }
  ~ShareRandomScope() { g_share_random = nullptr; }
};

// The 2-byte checksum of one data line: SHA-256(label, set id, index, line number, bytes).
std::string LineChecksum(const std::string& set_id, int index, int line, ByteView bytes) {
  Bytes in(kLineLabel.begin(), kLineLabel.end());
  auto add = [&](std::string_view s) {
    in.push_back(0);
    in.insert(in.end(), s.begin(), s.end());
  };
  add(set_id);
  add(std::to_string(index));
  add(std::to_string(line));
  in.push_back(0);
  in.insert(in.end(), bytes.begin(), bytes.end());
  Bytes h = crypto::Sha256(in);
  return HexEncode(ByteView(h.data(), 2));
}

std::string Pad2(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

bool ParseInt(std::string_view s, int* out) {
  s = TrimSpace(s);
  if (s.empty() || s.size() > 3) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Result<std::vector<Share>> SplitSecret(const SecretBuffer& secret, int count, int threshold,
                                       const std::string& vault_id, const std::string& set_id,
                                       Random& random) {
  if (threshold < 2 || threshold > count || count > 255) {
    return InvalidArgumentError(
        "--threshold must be at least 2 and at most --shares, and --shares at most 255");
  }
  if (secret.size() != kShareSecretSize) {
    return InvalidArgumentError("the share secret must be 32 bytes");
  }
  std::vector<unsigned char> xs(count);
  for (int i = 0; i < count; ++i) xs[i] = static_cast<unsigned char>(i + 1);
  gfshare_ctx* ctx = gfshare_ctx_init_enc(xs.data(), static_cast<unsigned>(count),
                                          static_cast<unsigned char>(threshold),
                                          static_cast<unsigned>(kShareSecretSize));
  if (ctx == nullptr) return InternalError("libgfshare could not set up the split");
  ShareRandomScope scope(&random);
  SecretBuffer copy = secret.Clone();  // libgfshare takes a non-const pointer
  gfshare_ctx_enc_setsecret(ctx, copy.data());
  std::vector<Share> out;
  for (int i = 0; i < count; ++i) {
    Share s;
    s.vault_id = vault_id;
    s.set_id = set_id;
    s.index = i + 1;
    s.count = count;
    s.threshold = threshold;
    s.y.resize(kShareSecretSize);
    gfshare_ctx_enc_getshare(ctx, static_cast<unsigned char>(i), s.y.data());
    out.push_back(std::move(s));
  }
  gfshare_ctx_free(ctx);  // scrubs the coefficients
  return out;
}

Result<SecretBuffer> CombineShares(const std::vector<Share>& shares) {
  if (shares.empty()) return UnauthenticatedError("no custodian share was given");
  const Share& first = shares.front();
  std::map<int, const Share*> by_index;
  for (const Share& s : shares) {
    if (s.vault_id != first.vault_id) {
      return UnauthenticatedError("the shares belong to different vaults (" + first.vault_id +
                                  ", " + s.vault_id + "): use shares of this vault only");
    }
    if (s.set_id != first.set_id || s.count != first.count || s.threshold != first.threshold) {
      return UnauthenticatedError("the shares come from different share sets (" +
                                  first.set_id + ", " + s.set_id + "): use " +
                                  std::to_string(first.threshold) +
                                  " shares of the same set (the latest `keys split`)");
    }
    if (s.y.size() != kShareSecretSize || s.index < 1 || s.index > s.count) {
      return InvalidArgumentError("share " + std::to_string(s.index) + " is malformed");
    }
    auto [it, inserted] = by_index.emplace(s.index, &s);
    if (!inserted && it->second->y != s.y) {
      return DataLossError("two different shares claim to be share " + std::to_string(s.index) +
                           " of set " + s.set_id + ": one of them is corrupted");
    }
  }
  const int have = static_cast<int>(by_index.size());
  if (have < first.threshold) {
    return UnauthenticatedError("share set " + first.set_id + " needs " +
                                std::to_string(first.threshold) + " different shares to unlock (" +
                                std::to_string(first.threshold) + " of " +
                                std::to_string(first.count) + "); " + std::to_string(have) +
                                " given");
  }
  ShareRandomScope scope(nullptr);
  std::vector<unsigned char> xs;
  for (const auto& [x, _] : by_index) xs.push_back(static_cast<unsigned char>(x));
  gfshare_ctx* ctx = gfshare_ctx_init_dec(xs.data(), static_cast<unsigned>(xs.size()),
                                          static_cast<unsigned>(kShareSecretSize));
  if (ctx == nullptr) return InternalError("libgfshare could not set up the combination");
  int i = 0;
  for (const auto& [x, s] : by_index) {
    Bytes y = s->y;
    gfshare_ctx_dec_giveshare(ctx, static_cast<unsigned char>(i++), y.data());
  }
  SecretBuffer secret(kShareSecretSize);
  gfshare_ctx_dec_extract(ctx, secret.data());
  gfshare_ctx_free(ctx);
  return secret;
}

std::string FormatShareFile(const Share& s, const std::string& company,
                            const std::string& created) {
  const std::string i = std::to_string(s.index), n = std::to_string(s.count),
                    k = std::to_string(s.threshold);
  std::string t;
  t += "玉匣 主密钥保管分片 — jadevault master key custodian share\n";
  t += "==========================================================\n\n";
  t += "公司 company:        " + company + "\n";
  t += "保险库 vault:        " + s.vault_id + "\n";
  t += "分片组 share set:    " + s.set_id + "\n";
  t += "分片 share:          " + i + " of " + n + "\n";
  t += "门限 threshold:      " + k + "\n";
  t += "生成时间 created:    " + created + "\n\n";
  t += "分片数据 share data (每行末尾为校验码 / the last group of each line is its checksum):\n\n";
  for (int line = 1; line <= kLines; ++line) {
    ByteView bytes(s.y.data() + (line - 1) * kBytesPerLine, kBytesPerLine);
    std::string hex = HexEncode(bytes);
    t += "  " + Pad2(line) + ":";
    for (int g = 0; g < kBytesPerLine / 2; ++g) t += " " + hex.substr(g * 4, 4);
    t += " : " + LineChecksum(s.set_id, s.index, line, bytes) + "\n";
  }
  t += "\n说明 Instructions\n";
  t += "  - 任意 " + k + " 份分片即可解锁保险库，少于 " + k + " 份无法解锁。请单独保管本分片，\n";
  t += "    不要复印、拍照或与其他分片放在一起。\n";
  t += "    Any " + k + " of the " + n +
       " shares unlock the vault; fewer cannot. Keep this share on your own:\n";
  t += "    do not copy or photograph it, never store it with another share.\n";
  t += "  - 使用 use:  jadevault --share share-A.txt --share share-B.txt COMMAND ...\n";
  t += "    抄录时请逐行核对；校验码能发现抄错的行。\n";
  t += "    If you retype it, the checksum at the end of each line names a mistyped line.\n";
  t += "  - 重新分片 (keys split) 或轮换主密钥 (keys rotate) 后，本分片作废。\n";
  t += "    A new `keys split` (or a `keys rotate` not unlocked with shares) voids this share.\n";
  return t;
}

Result<Share> ParseShareFile(std::string_view text) {
  Share s;
  bool have_vault = false, have_set = false, have_share = false, have_k = false;
  Bytes y(kShareSecretSize);
  bool seen_line[kLines + 1] = {};
  int line_no = 0;
  for (std::string_view raw : Split(text, '\n')) {
    ++line_no;
    std::string_view line = TrimSpace(raw);
    if (!have_vault && line.find("vault:") != std::string_view::npos) {
      s.vault_id = std::string(TrimSpace(line.substr(line.find("vault:") + 6)));
      have_vault = true;
      continue;
    }
    if (line.find("share set:") != std::string_view::npos) {
      s.set_id = std::string(TrimSpace(line.substr(line.find("share set:") + 10)));
      have_set = true;
      continue;
    }
    if (line.find("share:") != std::string_view::npos && line.find(" of ") != std::string_view::npos) {
      std::string_view rest = TrimSpace(line.substr(line.find("share:") + 6));
      size_t of = rest.find(" of ");
      if (!ParseInt(rest.substr(0, of), &s.index) || !ParseInt(rest.substr(of + 4), &s.count)) {
        return InvalidArgumentError("share file line " + std::to_string(line_no) +
                                    ": expected \"share: i of N\"");
      }
      have_share = true;
      continue;
    }
    if (line.find("threshold:") != std::string_view::npos) {
      if (!ParseInt(line.substr(line.find("threshold:") + 10), &s.threshold)) {
        return InvalidArgumentError("share file line " + std::to_string(line_no) +
                                    ": expected \"threshold: K\"");
      }
      have_k = true;
      continue;
    }
    // Data lines: "NN: hhhh hhhh hhhh hhhh : cccc".
    if (line.size() >= 3 && line[0] >= '0' && line[0] <= '9' && line[1] >= '0' &&
        line[1] <= '9' && line[2] == ':') {
      int n = (line[0] - '0') * 10 + (line[1] - '0');
      if (n < 1 || n > kLines) {
        return InvalidArgumentError("share file line " + std::to_string(line_no) +
                                    ": there is no share data line " + std::to_string(n));
      }
      std::string_view body = line.substr(3);
      size_t sep = body.rfind(':');
      if (sep == std::string_view::npos) {
        return InvalidArgumentError("share data line " + std::to_string(n) +
                                    " has no checksum");
      }
      std::string hex;
      for (char c : body.substr(0, sep))
        if (c != ' ' && c != '\t') hex += c;
      std::string sum(TrimSpace(body.substr(sep + 1)));
      auto bytes = HexDecode(ToLowerAscii(hex));
      if (!bytes.ok() || bytes->size() != static_cast<size_t>(kBytesPerLine)) {
        return InvalidArgumentError("share data line " + std::to_string(n) +
                                    " is malformed: expected " +
                                    std::to_string(kBytesPerLine * 2) + " hex digits");
      }
      if (!have_set || !have_share) {
        return InvalidArgumentError("share file: the share set and share number must come "
                                    "before the share data");
      }
      if (ToLowerAscii(sum) != LineChecksum(s.set_id, s.index, n, *bytes)) {
        return InvalidArgumentError("share data line " + std::to_string(n) +
                                    " fails its checksum: it was mistyped or altered");
      }
      std::copy(bytes->begin(), bytes->end(), y.begin() + (n - 1) * kBytesPerLine);
      seen_line[n] = true;
    }
  }
  if (!have_vault || !have_set || !have_share || !have_k) {
    return InvalidArgumentError(
        "not a jadevault share file: the vault, share set, share and threshold lines are "
        "required");
  }
  for (int n = 1; n <= kLines; ++n) {
    if (!seen_line[n]) {
      return InvalidArgumentError("share data line " + std::to_string(n) + " is missing");
    }
  }
  if (s.index < 1 || s.index > s.count || s.threshold < 2 || s.threshold > s.count) {
    return InvalidArgumentError("share file: the share number or threshold is out of range");
  }
  s.y = std::move(y);
  return s;
}

Result<SplitReport> SplitMasterKey(Vault& vault, int count, int threshold,
                                   const std::string& out_dir) {
  SplitReport rep;
  rep.count = count;
  rep.threshold = threshold;
  rep.set_id = NewId(vault.random(), "kss_");
  SecretBuffer secret(kShareSecretSize);
  vault.random().Fill(secret.data(), secret.size());
  JV_ASSIGN_OR_RETURN(std::vector<Share> shares,
                      SplitSecret(secret, count, threshold, vault.config().vault_id, rep.set_id,
                                  vault.random()));
  // Check before anything is changed that the shares recombine (any K: the first K).
  {
    std::vector<Share> first(shares.begin(), shares.begin() + threshold);
    JV_ASSIGN_OR_RETURN(SecretBuffer back, CombineShares(first));
    if (!(back == secret)) return InternalError("the share split does not recombine");
  }
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return InvalidArgumentError("cannot create --out " + out_dir + ": " + ec.message());
  ::chmod(out_dir.c_str(), 0700);
  for (const Share& s : shares) {
    std::string path = out_dir + "/share-" + std::to_string(s.index) + "-of-" +
                       std::to_string(count) + ".txt";
    if (fs::exists(path, ec)) {
      return AlreadyExistsError(path + " exists: give an empty --out directory");
    }
    rep.files.push_back(path);
  }

  JV_ASSIGN_OR_RETURN(store::KeySlotRow slot,
                      Keyring::MakeSharesSlot(vault.suite(), vault.config().vault_id,
                                              vault.keys().master_key(), secret, rep.set_id,
                                              count, threshold, vault.random(),
                                              vault.clock().NowMicros()));
  rep.slot_id = slot.id;
  store::Store& st = vault.store();
  {
    store::Transaction txn(st);
    JV_RETURN_IF_ERROR(txn.Start());
    JV_ASSIGN_OR_RETURN(auto slots, st.ListKeySlots());
    for (const auto& old : slots) {
      if (old.kind != "shares") continue;
      JV_RETURN_IF_ERROR(st.DeleteKeySlot(old.id));
      ++rep.slots_replaced;
    }
    JV_RETURN_IF_ERROR(st.PutKeySlot(slot));
    JV_RETURN_IF_ERROR(vault.AuditInTxn("keys.split", "", "administration",
                                        {{"share_set", rep.set_id},
                                         {"slot", rep.slot_id},
                                         {"shares", count},
                                         {"threshold", threshold},
                                         {"slots_replaced", rep.slots_replaced}})
                           .status());
    // Files first, commit last: if a file cannot be written, the old shares stay valid.
    const std::string created = FormatRfc3339Seconds(vault.clock().NowMicros());
    for (size_t i = 0; i < shares.size(); ++i) {
      JV_RETURN_IF_ERROR(WriteFileAtomic(
          rep.files[i], FormatShareFile(shares[i], vault.config().company, created), 0600));
    }
    JV_RETURN_IF_ERROR(txn.Commit());
  }
  return rep;
}

}  // namespace jv::vault
