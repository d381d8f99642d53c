#include "src/audit/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "src/common/strings.h"

namespace jv::audit {
namespace {

std::string HexOf(const Digest& d) { return HexEncode(AsView(d)); }

std::vector<std::string> HexList(const std::vector<Digest>& ds) {
  std::vector<std::string> out;
  out.reserve(ds.size());
  for (const Digest& d : ds) out.push_back(HexOf(d));
  return out;
}

bool SameBytes(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// The streaming core shared by store and file verification: feed lines in order.
class ChainChecker {
 public:
  explicit ChainChecker(crypto::Suite suite) : suite_(suite), hasher_(suite), acc_(hasher_) {}

  // Returns the leaf hash of `line`. `stored_leaf` (may be null) is the leaf hash the store
  // kept for it; `seq` (may be 0) the seq the store kept.
  Digest Feed(std::string_view line, const Bytes* stored_leaf, int64_t stored_seq) {
    const int64_t pos = ++entries_;
    Digest leaf = hasher_.HashLeaf(AsBytes(line));
    acc_.AppendLeafHash(leaf);
    if (!ok_) return leaf;
    if (stored_seq != 0 && stored_seq != pos) {
      Fail(pos, "entry " + std::to_string(pos) + ": row has seq " +
                    std::to_string(stored_seq) + " (entries missing or reordered)");
      return leaf;
    }
    Result<AuditEntry> e = CheckEntryLine(suite_, line);
    if (!e.ok()) {
      Fail(pos, "entry " + std::to_string(pos) + ": " + e.status().message());
      return leaf;
    }
    if (e->seq != pos) {
      Fail(pos, "entry " + std::to_string(pos) + ": line has seq " + std::to_string(e->seq) +
                    " (entries missing or reordered)");
      return leaf;
    }
    if (e->prev != prev_) {
      Fail(pos, "entry " + std::to_string(pos) +
                    ": prev does not match the previous entry's hash");
      return leaf;
    }
    if (stored_leaf != nullptr && !SameBytes(*stored_leaf, AsView(leaf))) {
      Fail(pos, "entry " + std::to_string(pos) + ": stored leaf hash does not match the line");
      return leaf;
    }
    prev_ = std::move(e->hash);
    return leaf;
  }

  void Fail(int64_t seq, std::string reason) {
    if (!ok_) return;
    ok_ = false;
    first_bad_seq_ = seq;
    reason_ = std::move(reason);
  }

  bool ok() const { return ok_; }
  int64_t entries() const { return entries_; }
  Digest Root() const { return acc_.Root(); }

  VerifyReport Report() const {
    VerifyReport r;
    r.ok = ok_;
    r.entries = entries_;
    r.tree_size = entries_;
    r.root_hash = HexOf(acc_.Root());
    r.first_bad_seq = first_bad_seq_;
    r.reason = reason_;
    return r;
  }

 private:
  crypto::Suite suite_;
  TreeHasher hasher_;
  RootAccumulator acc_;
  int64_t entries_ = 0;
  std::string prev_{kGenesisPrev};
  bool ok_ = true;
  int64_t first_bad_seq_ = 0;
  std::string reason_;
};

const char* HashName(crypto::Suite s) { return s == crypto::Suite::kGm ? "sm3" : "sha256"; }

}  // namespace

nlohmann::json VerifyReportToJson(const VerifyReport& r, crypto::Suite suite) {
  nlohmann::ordered_json j;
  j["ok"] = r.ok;
  j["entries"] = r.entries;
  j["tree_size"] = r.tree_size;
  j["root_hash"] = r.root_hash;
  j["first_bad_seq"] = r.first_bad_seq > 0 ? nlohmann::json(r.first_bad_seq) : nlohmann::json();
  j["reason"] = r.ok ? nlohmann::json() : nlohmann::json(r.reason);
  j["checkpoints_checked"] = r.checkpoints_checked;
  j["bad_checkpoint_tree_size"] = r.bad_checkpoint_tree_size > 0
                                      ? nlohmann::json(r.bad_checkpoint_tree_size)
                                      : nlohmann::json();
  j["signatures_checked"] = r.signatures_checked;
  j["algorithm"] = HashName(suite);
  return nlohmann::json(j);
}

nlohmann::json CheckpointToJson(const Checkpoint& c) {
  return nlohmann::json{{"tree_size", c.tree_size},
                        {"root_hash", HexEncode(c.root_hash)},
                        {"message_b64", Base64Encode(AsBytes(c.message))},
                        {"signature_b64", Base64Encode(c.signature)},
                        {"public_key_pem", c.public_key_pem},
                        {"algorithm", c.algorithm},
                        {"created", FormatRfc3339Micros(c.created_micros)}};
}

nlohmann::json InclusionProofToJson(const InclusionProofResult& p) {
  return nlohmann::json{{"seq", p.seq},
                        {"leaf_index", p.leaf_index},
                        {"tree_size", p.tree_size},
                        {"leaf_hash", HexOf(p.leaf_hash)},
                        {"root_hash", HexOf(p.root_hash)},
                        {"path", HexList(p.path)}};
}

nlohmann::json ConsistencyProofToJson(const ConsistencyProofResult& p) {
  return nlohmann::json{{"old_size", p.old_size},
                        {"new_size", p.new_size},
                        {"old_root", HexOf(p.old_root)},
                        {"new_root", HexOf(p.new_root)},
                        {"path", HexList(p.path)}};
}

std::string CheckpointMessage(const std::string& vault_id, crypto::Suite suite,
                              int64_t tree_size, ByteView root_hash) {
  std::string m = "jadevault-checkpoint v1\n";
  m += vault_id;
  m += '\n';
  m += crypto::SuiteName(suite);
  m += '\n';
  m += std::to_string(tree_size);
  m += '\n';
  m += HexEncode(root_hash);
  m += '\n';
  return m;
}

AuditLog::AuditLog(store::Store& store, crypto::Suite suite, Clock& clock, std::string vault_id)
    : store_(store), suite_(suite), clock_(clock), vault_id_(std::move(vault_id)) {}

Result<int64_t> AuditLog::Size() { return store_.AuditSize(); }

Result<std::string> AuditLog::LastHash(int64_t size) {
  if (size == 0) return std::string(kGenesisPrev);
  std::string hash;
  bool found = false;
  JV_RETURN_IF_ERROR(store_.ForEachAudit(size, size, [&](const store::AuditRow& row) -> Status {
    Result<AuditEntry> e = CheckEntryLine(suite_, row.line);
    if (!e.ok() || e->seq != size) {
      return DataLossError("audit entry " + std::to_string(size) +
                           " is damaged; run `audit verify`");
    }
    hash = e->hash;
    found = true;
    return Status::Ok();
  }));
  if (!found) return DataLossError("audit entry " + std::to_string(size) + " is missing");
  return hash;
}

Result<int64_t> AuditLog::Append(const std::string& actor, const std::string& action,
                                 const std::string& subject, const std::string& purpose,
                                 const nlohmann::json& details) {
  JV_RETURN_IF_ERROR(store_.LockAudit());
  JV_ASSIGN_OR_RETURN(int64_t size, store_.AuditSize());
  AuditEntry e;
  JV_ASSIGN_OR_RETURN(e.prev, LastHash(size));
  e.seq = size + 1;
  e.time = FormatRfc3339Micros(clock_.NowMicros());
  e.actor = actor;
  e.action = action;
  e.subject = subject;
  e.purpose = purpose;
  // `{}` written at a call site becomes JSON null; treat it as the empty object.
  e.details = details.is_null() ? nlohmann::json::object() : details;
  JV_ASSIGN_OR_RETURN(std::string line, MakeEntryLine(suite_, e));
  store::AuditRow row;
  row.seq = e.seq;
  row.leaf_hash = DigestBytes(TreeHasher(suite_).HashLeaf(AsBytes(line)));
  row.line = std::move(line);
  JV_RETURN_IF_ERROR(store_.AppendAudit(row));
  return e.seq;
}

Result<int64_t> AuditLog::AppendInOwnTransaction(const std::string& actor,
                                                 const std::string& action,
                                                 const std::string& subject,
                                                 const std::string& purpose,
                                                 const nlohmann::json& details) {
  store::Transaction txn(store_);
  JV_RETURN_IF_ERROR(txn.Start());
  JV_ASSIGN_OR_RETURN(int64_t seq, Append(actor, action, subject, purpose, details));
  JV_RETURN_IF_ERROR(txn.Commit());
  return seq;
}

Result<VerifyReport> AuditLog::Verify(const std::string& public_key_pem) {
  JV_ASSIGN_OR_RETURN(std::vector<store::CheckpointRow> cps, store_.ListCheckpoints());
  std::sort(cps.begin(), cps.end(), [](const auto& a, const auto& b) {
    return a.tree_size < b.tree_size;
  });
  // Roots at each checkpointed size, captured while streaming.
  std::vector<std::pair<int64_t, Digest>> roots;
  size_t next_cp = 0;

  ChainChecker checker(suite_);
  JV_ASSIGN_OR_RETURN(int64_t size, store_.AuditSize());
  auto capture = [&] {
    while (next_cp < cps.size() && cps[next_cp].tree_size <= checker.entries()) {
      if (cps[next_cp].tree_size == checker.entries()) {
        roots.emplace_back(checker.entries(), checker.Root());
      }
      ++next_cp;
    }
  };
  capture();
  JV_RETURN_IF_ERROR(store_.ForEachAudit(1, size, [&](const store::AuditRow& row) -> Status {
    checker.Feed(row.line, &row.leaf_hash, row.seq);
    capture();
    return Status::Ok();
  }));
  if (checker.entries() != size) {
    checker.Fail(checker.entries() + 1, "entry " + std::to_string(checker.entries() + 1) +
                                            ": missing (the store reports " +
                                            std::to_string(size) + " entries)");
  }

  VerifyReport report = checker.Report();
  report.signatures_checked = !public_key_pem.empty();
  auto fail_cp = [&](int64_t tree_size, const std::string& why, int64_t bad_seq) {
    if (report.bad_checkpoint_tree_size == 0) report.bad_checkpoint_tree_size = tree_size;
    if (!report.ok) return;
    report.ok = false;
    report.first_bad_seq = bad_seq;
    report.reason = "checkpoint at tree size " + std::to_string(tree_size) + ": " + why;
  };
  for (const store::CheckpointRow& cp : cps) {
    ++report.checkpoints_checked;
    if (cp.tree_size < 1) {
      fail_cp(cp.tree_size, "invalid tree size", 0);
      continue;
    }
    if (cp.tree_size > report.entries) {
      fail_cp(cp.tree_size, "log has only " + std::to_string(report.entries) +
                                " entries (truncated)", report.entries + 1);
      continue;
    }
    auto it = std::find_if(roots.begin(), roots.end(),
                           [&](const auto& r) { return r.first == cp.tree_size; });
    JV_CHECK(it != roots.end());
    if (!SameBytes(AsView(it->second), cp.root_hash)) {
      fail_cp(cp.tree_size, "recomputed root does not match the signed root", 0);
      continue;
    }
    std::string expected = CheckpointMessage(vault_id_, suite_, cp.tree_size, cp.root_hash);
    if (!SameBytes(AsBytes(expected), cp.message)) {
      fail_cp(cp.tree_size, "stored message is not the checkpoint message", 0);
      continue;
    }
    if (!public_key_pem.empty()) {
      Status sig = crypto::VerifySignature(public_key_pem, cp.message, cp.signature);
      if (sig.code() == StatusCode::kInvalidArgument) return sig;
      if (!sig.ok()) fail_cp(cp.tree_size, "signature does not verify", 0);
    }
  }
  return report;
}

Result<std::vector<Checkpoint>> AuditLog::ListCheckpoints() {
  JV_ASSIGN_OR_RETURN(std::vector<store::CheckpointRow> rows, store_.ListCheckpoints());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.tree_size < b.tree_size;
  });
  std::vector<Checkpoint> out;
  for (const auto& r : rows) {
    Checkpoint c;
    c.tree_size = r.tree_size;
    c.root_hash = r.root_hash;
    c.message = std::string(AsString(r.message));
    c.signature = r.signature;
    c.created_micros = r.created_micros;
    out.push_back(std::move(c));
  }
  return out;
}

Result<Checkpoint> AuditLog::MakeCheckpoint(const crypto::SigningKey& key) {
  if (key.suite() != suite_) {
    return InvalidArgumentError("checkpoint: signing key is not of the vault's suite");
  }
  // Never sign a damaged log: verify everything (including earlier checkpoints) first.
  JV_ASSIGN_OR_RETURN(VerifyReport report, Verify(key.PublicKeyPem()));
  if (!report.ok) return DataLossError("checkpoint refused: " + report.reason);
  if (report.tree_size == 0) return FailedPreconditionError("checkpoint: the audit log is empty");
  JV_ASSIGN_OR_RETURN(Bytes root, HexDecode(report.root_hash));

  JV_ASSIGN_OR_RETURN(std::vector<Checkpoint> existing, ListCheckpoints());
  for (Checkpoint& c : existing) {
    if (c.tree_size == report.tree_size) {
      c.public_key_pem = key.PublicKeyPem();
      c.algorithm = key.AlgorithmName();
      return c;
    }
  }
  Checkpoint c;
  c.tree_size = report.tree_size;
  c.root_hash = root;
  c.message = CheckpointMessage(vault_id_, suite_, c.tree_size, root);
  JV_ASSIGN_OR_RETURN(c.signature, key.Sign(AsBytes(c.message)));
  c.public_key_pem = key.PublicKeyPem();
  c.algorithm = key.AlgorithmName();
  c.created_micros = clock_.NowMicros();
  store::CheckpointRow row;
  row.tree_size = c.tree_size;
  row.root_hash = c.root_hash;
  row.message = jv::ToBytes(c.message);
  row.signature = c.signature;
  row.created_micros = c.created_micros;
  JV_RETURN_IF_ERROR(store_.PutCheckpoint(row));
  return c;
}

Result<std::vector<Digest>> AuditLog::LoadLeafHashes(int64_t size) {
  std::vector<Digest> leaves;
  leaves.reserve(static_cast<size_t>(size));
  TreeHasher hasher(suite_);
  JV_RETURN_IF_ERROR(store_.ForEachAudit(1, size, [&](const store::AuditRow& row) -> Status {
    const int64_t expected = static_cast<int64_t>(leaves.size()) + 1;
    if (row.seq != expected) {
      return DataLossError("audit entry " + std::to_string(expected) + " is missing");
    }
    Digest leaf = hasher.HashLeaf(AsBytes(row.line));
    if (!SameBytes(AsView(leaf), row.leaf_hash)) {
      return DataLossError("audit entry " + std::to_string(row.seq) +
                           ": stored leaf hash does not match the line");
    }
    leaves.push_back(leaf);
    return Status::Ok();
  }));
  if (static_cast<int64_t>(leaves.size()) != size) {
    return DataLossError("audit entry " + std::to_string(leaves.size() + 1) + " is missing");
  }
  return leaves;
}

Result<InclusionProofResult> AuditLog::ProveInclusion(int64_t seq, int64_t tree_size) {
  JV_ASSIGN_OR_RETURN(int64_t size, store_.AuditSize());
  if (seq < 1 || seq > size) {
    return InvalidArgumentError("prove: seq " + std::to_string(seq) + " is not in the log of " +
                                std::to_string(size) + " entries");
  }
  if (tree_size == 0) {
    tree_size = size;
    JV_ASSIGN_OR_RETURN(std::vector<Checkpoint> cps, ListCheckpoints());
    if (!cps.empty() && cps.back().tree_size >= seq && cps.back().tree_size <= size) {
      tree_size = cps.back().tree_size;
    }
  }
  if (tree_size < seq || tree_size > size) {
    return InvalidArgumentError("prove: tree size " + std::to_string(tree_size) +
                                " must be between seq and the log size " +
                                std::to_string(size));
  }
  JV_ASSIGN_OR_RETURN(std::vector<Digest> leaves, LoadLeafHashes(tree_size));
  TreeHasher hasher(suite_);
  InclusionProofResult p;
  p.seq = seq;
  p.leaf_index = seq - 1;
  p.tree_size = tree_size;
  p.leaf_hash = leaves[static_cast<size_t>(seq - 1)];
  p.root_hash = RootFromLeafHashes(hasher, leaves);
  JV_ASSIGN_OR_RETURN(p.path, InclusionProof(hasher, leaves, static_cast<uint64_t>(seq - 1),
                                             static_cast<uint64_t>(tree_size)));
  return p;
}

Result<ConsistencyProofResult> AuditLog::ProveConsistency(int64_t old_size, int64_t new_size) {
  JV_ASSIGN_OR_RETURN(int64_t size, store_.AuditSize());
  if (new_size == 0) new_size = size;
  if (old_size < 1 || old_size > new_size || new_size > size) {
    return InvalidArgumentError("prove: need 1 <= old size <= new size <= " +
                                std::to_string(size));
  }
  JV_ASSIGN_OR_RETURN(std::vector<Digest> leaves, LoadLeafHashes(new_size));
  TreeHasher hasher(suite_);
  std::span<const Digest> all(leaves);
  ConsistencyProofResult p;
  p.old_size = old_size;
  p.new_size = new_size;
  p.old_root = RootFromLeafHashes(hasher, all.subspan(0, static_cast<size_t>(old_size)));
  p.new_root = RootFromLeafHashes(hasher, all);
  JV_ASSIGN_OR_RETURN(p.path, ConsistencyProof(hasher, all, static_cast<uint64_t>(old_size),
                                               static_cast<uint64_t>(new_size)));
  return p;
}

Result<int64_t> AuditLog::Export(const std::string& path) {
  JV_ASSIGN_OR_RETURN(int64_t size, store_.AuditSize());
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return InternalError("export: cannot create " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  std::string buf;
  auto flush = [&]() -> Status {
    size_t done = 0;
    while (done < buf.size()) {
      ssize_t w = ::write(fd, buf.data() + done, buf.size() - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        return InternalError("export: cannot write " + tmp + ": " + std::strerror(errno));
      }
      done += static_cast<size_t>(w);
    }
    buf.clear();
    return Status::Ok();
  };
  int64_t count = 0;
  Status st = store_.ForEachAudit(1, size, [&](const store::AuditRow& row) -> Status {
    buf.append(row.line);
    buf.push_back('\n');
    ++count;
    if (buf.size() >= (1u << 20)) return flush();
    return Status::Ok();
  });
  if (st.ok()) st = flush();
  if (st.ok() && ::fsync(fd) != 0) st = InternalError("export: cannot sync " + tmp);
  if (::close(fd) != 0 && st.ok()) st = InternalError("export: cannot close " + tmp);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = InternalError("export: cannot rename " + tmp + ": " + std::strerror(errno));
  }
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return count;
}

Result<VerifyReport> VerifyExportFile(const std::string& path, crypto::Suite suite,
                                      const ExportExpectation& expect) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (::access(path.c_str(), F_OK) != 0) return NotFoundError("no such file: " + path);
    return InternalError("cannot open " + path);
  }
  ChainChecker checker(suite);
  std::optional<Digest> expected_root_at;
  std::string line;
  while (std::getline(in, line)) {
    const bool terminated = !in.eof();
    checker.Feed(line, nullptr, 0);
    if (!terminated) {
      checker.Fail(checker.entries(), "entry " + std::to_string(checker.entries()) +
                                          ": line is not terminated by a newline");
    }
    if (expect.tree_size > 0 && checker.entries() == expect.tree_size) {
      expected_root_at = checker.Root();
    }
  }
  if (in.bad()) return InternalError("cannot read " + path);
  VerifyReport report = checker.Report();
  if (expect.tree_size > 0) {
    report.checkpoints_checked = 1;
    if (!expected_root_at.has_value()) {
      if (report.ok) {
        report.ok = false;
        report.first_bad_seq = report.entries + 1;
        report.reason = "entry " + std::to_string(report.entries + 1) +
                        ": missing (the checkpoint covers " + std::to_string(expect.tree_size) +
                        " entries)";
      }
      report.bad_checkpoint_tree_size = expect.tree_size;
    } else if (!SameBytes(AsView(*expected_root_at), expect.root_hash)) {
      if (report.ok) {
        report.ok = false;
        report.first_bad_seq = 0;
        report.reason = "checkpoint at tree size " + std::to_string(expect.tree_size) +
                        ": recomputed root does not match";
      }
      report.bad_checkpoint_tree_size = expect.tree_size;
    }
  }
  return report;
}

}  // namespace jv::audit
