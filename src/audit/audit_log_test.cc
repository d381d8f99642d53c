#include "src/audit/audit_log.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/common/strings.h"
#include "src/store/sqlite/sqlite_store.h"
#include "src/common/testing/temp_dir.h"

namespace jv::audit {
namespace {

using crypto::Suite;
using jv::testing::TempDir;

constexpr char kVaultId[] = "v_test0001";

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// Changes one member of a canonical line without fixing its hash: the result is still a
// canonical line (so only the hash/chain checks can catch it).
std::string EditField(const std::string& line, const std::string& field) {
  nlohmann::ordered_json o = nlohmann::ordered_json::parse(line);
  if (field == "seq") {
    o["seq"] = o["seq"].get<int64_t>() + 1000;
  } else if (field == "details") {
    o["details"]["n"] = o["details"]["n"].get<int64_t>() + 1;
  } else if (field == "prev" || field == "hash") {
    std::string h = o[field].get<std::string>();
    h[10] = h[10] == 'a' ? 'b' : 'a';
    o[field] = h;
  } else if (field == "time") {
    std::string t = o["time"].get<std::string>();
    t[25] = t[25] == '1' ? '2' : '1';
    o["time"] = t;
  } else {
    o[field] = o[field].get<std::string>() + "x";
  }
  return o.dump(-1, ' ', false);
}

const char* const kFields[] = {"seq",     "time",    "actor", "action", "subject",
                               "purpose", "details", "prev",  "hash"};

class AuditLogTest : public ::testing::TestWithParam<Suite> {
 protected:
  void SetUp() override {
    db_path_ = dir_.File("vault.db");
    auto s = store::SqliteStore::Open(db_path_, store::OpenMode::kCreate);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    log_ = std::make_unique<AuditLog>(*store_, GetParam(), clock_, kVaultId);
    auto k = crypto::SigningKey::Generate(GetParam());
    ASSERT_TRUE(k.ok()) << k.status().ToString();
    key_ = std::make_unique<crypto::SigningKey>(std::move(*k));
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw_), SQLITE_OK);
  }
  void TearDown() override { sqlite3_close(raw_); }

  Suite suite() const { return GetParam(); }

  void AppendN(int n) {
    for (int i = 0; i < n; ++i) {
      clock_.SetMicros(1767225600000000 + static_cast<int64_t>(next_) * 1000001);
      const std::string subject = next_ % 3 == 0 ? "" : "s_" + std::to_string(next_);
      auto seq = log_->AppendInOwnTransaction("u_op" + std::to_string(next_ % 4), "reveal",
                                              subject, "transfer",
                                              {{"n", next_}, {"field", "mobile"}});
      ASSERT_TRUE(seq.ok()) << seq.status().ToString();
      ASSERT_EQ(*seq, next_);
      ++next_;
    }
  }

  // Raw SQL on the vault file, bypassing the Store (an attacker with file access).
  void Sql(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(raw_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "");
  }
  std::string StoredLine(int64_t seq) {
    std::string line;
    EXPECT_TRUE(store_->ForEachAudit(seq, seq, [&](const store::AuditRow& r) {
      line = r.line;
      return Status::Ok();
    }).ok());
    return line;
  }
  void SetStoredLine(int64_t seq, const std::string& line) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(raw_, "UPDATE audit SET line = ?1 WHERE seq = ?2", -1, &st,
                                 nullptr),
              SQLITE_OK);
    sqlite3_bind_text(st, 1, line.data(), static_cast<int>(line.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, seq);
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
  }
  VerifyReport MustVerify() {
    auto r = log_->Verify(key_->PublicKeyPem());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyReport{};
  }

  TempDir dir_;
  std::string db_path_;
  FakeClock clock_{1767225600000000};
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<crypto::SigningKey> key_;
  sqlite3* raw_ = nullptr;
  int next_ = 1;
};

TEST_P(AuditLogTest, AppendChainsAndVerifies) {
  AppendN(10);
  VerifyReport r = MustVerify();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 10);
  EXPECT_EQ(r.tree_size, 10);
  EXPECT_EQ(r.first_bad_seq, 0);
  // The root is the RFC 6962 root over the leaf hashes of the stored lines.
  TreeHasher h(suite());
  std::vector<Digest> leaves;
  std::string prev(kGenesisPrev);
  for (int64_t seq = 1; seq <= 10; ++seq) {
    std::string line = StoredLine(seq);
    leaves.push_back(h.HashLeaf(AsBytes(line)));
    Result<AuditEntry> e = CheckEntryLine(suite(), line);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->seq, seq);
    EXPECT_EQ(e->prev, prev);
    EXPECT_EQ(e->action, "reveal");
    EXPECT_EQ(e->purpose, "transfer");
    prev = e->hash;
  }
  EXPECT_EQ(r.root_hash, HexEncode(AsView(RootFromLeafHashes(h, leaves))));
  EXPECT_EQ(StoredLine(1).substr(0, 49), R"({"seq":1,"time":"2026-01-01T00:00:01.000001Z","ac)");
  nlohmann::json j = VerifyReportToJson(r, suite());
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["entries"], 10);
  EXPECT_TRUE(j["first_bad_seq"].is_null());
  EXPECT_EQ(j["algorithm"], suite() == Suite::kStd ? "sha256" : "sm3");
}

TEST_P(AuditLogTest, EmptyLogVerifies) {
  VerifyReport r = MustVerify();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.entries, 0);
  EXPECT_EQ(r.root_hash, HexEncode(AsView(TreeHasher(suite()).EmptyRoot())));
  EXPECT_EQ(log_->MakeCheckpoint(*key_).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(AuditLogTest, AppendBadFieldStoresNothing) {
  AppendN(1);
  auto r = log_->AppendInOwnTransaction("u_a", "", "", "", {});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = log_->AppendInOwnTransaction("u_a", "x", "", "", {{"f", 1.5}});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*log_->Size(), 1);
}

TEST_P(AuditLogTest, AppendJoinsCallerTransaction) {
  AppendN(2);
  // Outside any transaction, Append refuses (the store cannot lock the audit log).
  EXPECT_FALSE(log_->Append("u_a", "import", "", "", {}).ok());
  {
    store::Transaction txn(*store_);
    ASSERT_TRUE(txn.Start().ok());
    EXPECT_EQ(*log_->Append("u_a", "import", "", "", {}), 3);
    EXPECT_EQ(*log_->Append("u_a", "import", "", "", {}), 4);
    // Destroyed without Commit: rolled back.
  }
  EXPECT_EQ(*log_->Size(), 2);
  {
    store::Transaction txn(*store_);
    ASSERT_TRUE(txn.Start().ok());
    EXPECT_EQ(*log_->Append("u_a", "import", "", "", {}), 3);
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(*log_->Size(), 3);
  EXPECT_TRUE(MustVerify().ok);
}

// Any field of any stored line changed (hash not fixed) -> first_bad_seq is that line.
TEST_P(AuditLogTest, TamperAnyFieldOfAnyStoredLine) {
  AppendN(6);
  for (int64_t seq = 1; seq <= 6; ++seq) {
    const std::string good = StoredLine(seq);
    for (const char* field : kFields) {
      SetStoredLine(seq, EditField(good, field));
      VerifyReport r = MustVerify();
      EXPECT_FALSE(r.ok) << seq << " " << field;
      EXPECT_EQ(r.first_bad_seq, seq) << field << ": " << r.reason;
      EXPECT_EQ(r.entries, 6);
    }
    SetStoredLine(seq, good);
  }
  EXPECT_TRUE(MustVerify().ok);
}

TEST_P(AuditLogTest, TamperStoredLeafHashOrBytes) {
  AppendN(5);
  Sql("UPDATE audit SET leaf_hash = zeroblob(32) WHERE seq = 3");
  VerifyReport r = MustVerify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 3);
  EXPECT_EQ(r.reason, "entry 3: stored leaf hash does not match the line");
  // Proofs refuse to use a damaged leaf.
  EXPECT_EQ(log_->ProveInclusion(1).status().code(), StatusCode::kDataLoss);
}

TEST_P(AuditLogTest, DeletedSwappedAndTruncatedRows) {
  AppendN(8);
  ASSERT_TRUE(log_->MakeCheckpoint(*key_).ok());
  const std::string l4 = StoredLine(4), l5 = StoredLine(5);

  Sql("DELETE FROM audit WHERE seq = 4");
  VerifyReport r = MustVerify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 4) << r.reason;
  // Also blocks further appends and checkpoints (fail closed).
  Sql("INSERT INTO audit (seq, line, leaf_hash) VALUES (4, '" + l4 + "', x'00')");
  Sql("UPDATE audit SET leaf_hash = (SELECT leaf_hash FROM audit WHERE seq = 5) WHERE seq = 4");
  Sql("UPDATE audit SET leaf_hash = x'" +
      HexEncode(AsView(TreeHasher(suite()).HashLeaf(AsBytes(l4)))) + "' WHERE seq = 4");
  ASSERT_TRUE(MustVerify().ok);

  // Swap two lines (with their leaf hashes).
  SetStoredLine(4, l5);
  SetStoredLine(5, l4);
  Sql("UPDATE audit SET leaf_hash = x'" +
      HexEncode(AsView(TreeHasher(suite()).HashLeaf(AsBytes(l5)))) + "' WHERE seq = 4");
  Sql("UPDATE audit SET leaf_hash = x'" +
      HexEncode(AsView(TreeHasher(suite()).HashLeaf(AsBytes(l4)))) + "' WHERE seq = 5");
  r = MustVerify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 4) << r.reason;
  SetStoredLine(4, l4);
  SetStoredLine(5, l5);
  Sql("UPDATE audit SET leaf_hash = x'" +
      HexEncode(AsView(TreeHasher(suite()).HashLeaf(AsBytes(l4)))) + "' WHERE seq = 4");
  Sql("UPDATE audit SET leaf_hash = x'" +
      HexEncode(AsView(TreeHasher(suite()).HashLeaf(AsBytes(l5)))) + "' WHERE seq = 5");
  ASSERT_TRUE(MustVerify().ok);

  // Truncation: the chain alone is intact, the checkpoint at size 8 catches it.
  Sql("DELETE FROM audit WHERE seq >= 7");
  r = MustVerify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.entries, 6);
  EXPECT_EQ(r.first_bad_seq, 7) << r.reason;
  EXPECT_EQ(r.bad_checkpoint_tree_size, 8);
}

// Rewriting the tail with correct hashes defeats the chain but not a signed checkpoint.
TEST_P(AuditLogTest, RehashedRewriteCaughtByCheckpoint) {
  AppendN(5);
  ASSERT_TRUE(log_->MakeCheckpoint(*key_).ok());
  Result<AuditEntry> e = ParseEntryLine(StoredLine(5));
  ASSERT_TRUE(e.ok());
  e->actor = "u_someone_else";
  std::string forged = *MakeEntryLine(suite(), *e);
  SetStoredLine(5, forged);
  Sql("UPDATE audit SET leaf_hash = x'" +
      HexEncode(AsView(TreeHasher(suite()).HashLeaf(AsBytes(forged)))) + "' WHERE seq = 5");
  VerifyReport r = MustVerify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_checkpoint_tree_size, 5);
  EXPECT_EQ(r.reason, "checkpoint at tree size 5: recomputed root does not match the signed root");
  // A damaged log is never signed.
  EXPECT_EQ(log_->MakeCheckpoint(*key_).status().code(), StatusCode::kDataLoss);
}

TEST_P(AuditLogTest, AppendRefusesWhenLastLineDamaged) {
  AppendN(3);
  SetStoredLine(3, EditField(StoredLine(3), "actor"));
  EXPECT_EQ(log_->AppendInOwnTransaction("u_a", "x", "", "", {}).status().code(),
            StatusCode::kDataLoss);
}

TEST_P(AuditLogTest, CheckpointSignatureAndMessage) {
  AppendN(7);
  Result<Checkpoint> c = log_->MakeCheckpoint(*key_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  VerifyReport r = MustVerify();
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.checkpoints_checked, 1);
  EXPECT_TRUE(r.signatures_checked);
  EXPECT_EQ(c->tree_size, 7);
  EXPECT_EQ(HexEncode(c->root_hash), r.root_hash);
  EXPECT_EQ(c->message, "jadevault-checkpoint v1\nv_test0001\n" +
                            std::string(crypto::SuiteName(suite())) + "\n7\n" + r.root_hash +
                            "\n");
  EXPECT_TRUE(crypto::VerifySignature(c->public_key_pem, AsBytes(c->message), c->signature).ok());
  std::string other = c->message;
  other[other.size() - 2] ^= 1;
  EXPECT_FALSE(crypto::VerifySignature(c->public_key_pem, AsBytes(other), c->signature).ok());
  EXPECT_EQ(c->algorithm, suite() == Suite::kStd ? "Ed25519" : "SM2-SM3");

  nlohmann::json j = CheckpointToJson(*c);
  EXPECT_EQ(j["tree_size"], 7);
  EXPECT_EQ(j["root_hash"], r.root_hash);
  EXPECT_EQ(*Base64Decode(j["message_b64"].get<std::string>()), ToBytes(c->message));
  EXPECT_EQ(*Base64Decode(j["signature_b64"].get<std::string>()), c->signature);

  // Same size again: the stored checkpoint is returned, not a second one.
  Result<Checkpoint> again = log_->MakeCheckpoint(*key_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->signature, c->signature);
  EXPECT_EQ(log_->ListCheckpoints()->size(), 1u);

  // Another key's signature fails; a different vault id fails the message check.
  auto other_key = crypto::SigningKey::Generate(suite());
  r = *log_->Verify(other_key->PublicKeyPem());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "checkpoint at tree size 7: signature does not verify");
  AuditLog wrong_vault(*store_, suite(), clock_, "v_other");
  r = *wrong_vault.Verify(key_->PublicKeyPem());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_checkpoint_tree_size, 7);
  // Without a key, signatures are skipped (and the report says so).
  r = *log_->Verify("");
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.signatures_checked);
  // A stored signature altered in the database fails.
  Sql("UPDATE checkpoints SET signature = zeroblob(length(signature))");
  r = MustVerify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_checkpoint_tree_size, 7);
}

int RunQuiet(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// The checkpoint verifies with the real OpenSSL command line, exactly as
// docs/formats/audit.md tells users (Ed25519 for std, SM2-SM3 with the default id for gm).
TEST_P(AuditLogTest, CheckpointVerifiesWithOpensslCli) {
  if (RunQuiet("openssl version") != 0) GTEST_SKIP() << "no openssl binary";
  AppendN(3);
  nlohmann::json j = CheckpointToJson(*log_->MakeCheckpoint(*key_));
  WriteFile(dir_.File("pub.pem"), j["public_key_pem"].get<std::string>());
  WriteFile(dir_.File("msg.bin"),
            std::string(AsString(*Base64Decode(j["message_b64"].get<std::string>()))));
  WriteFile(dir_.File("sig.bin"),
            std::string(AsString(*Base64Decode(j["signature_b64"].get<std::string>()))));
  const std::string cmd = "openssl pkeyutl -verify -pubin -inkey " + dir_.File("pub.pem") +
                          " -rawin -in " + dir_.File("msg.bin") + " -sigfile " +
                          dir_.File("sig.bin") +
                          (suite() == Suite::kGm
                               ? " -digest sm3 -pkeyopt distid:1234567812345678"
                               : "");
  EXPECT_EQ(RunQuiet(cmd), 0) << cmd;
  WriteFile(dir_.File("msg.bin"), "jadevault-checkpoint v1\nforged\n");
  EXPECT_NE(RunQuiet(cmd), 0);
}

// Every entry of a 50-entry log is provably in the checkpointed tree.
TEST_P(AuditLogTest, InclusionProofOfEveryEntry) {
  AppendN(50);
  Checkpoint c = *log_->MakeCheckpoint(*key_);
  AppendN(3);  // the log grows past the checkpoint; proofs default to the checkpoint
  ASSERT_TRUE(log_->Export(dir_.File("a.jsonl")).ok());
  std::vector<std::string> lines = ReadLines(dir_.File("a.jsonl"));
  ASSERT_EQ(lines.size(), 53u);
  TreeHasher h(suite());
  for (int64_t seq = 1; seq <= 50; ++seq) {
    Result<InclusionProofResult> p = log_->ProveInclusion(seq);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->tree_size, 50);
    EXPECT_EQ(p->leaf_index, seq - 1);
    EXPECT_EQ(DigestBytes(p->root_hash), c.root_hash);
    // Verify from the JSON alone, as a third party would.
    nlohmann::json j = InclusionProofToJson(*p);
    std::vector<Bytes> path;
    for (const auto& hex : j["path"]) path.push_back(*HexDecode(hex.get<std::string>()));
    Digest leaf = h.HashLeaf(AsBytes(lines[seq - 1]));
    EXPECT_EQ(j["leaf_hash"], HexEncode(AsView(leaf)));
    EXPECT_TRUE(VerifyInclusion(h, j["leaf_index"].get<uint64_t>(),
                                j["tree_size"].get<uint64_t>(), AsView(leaf), path,
                                c.root_hash)
                    .ok())
        << seq;
    // The proof does not fit a different line.
    Digest other = h.HashLeaf(AsBytes(lines[seq % 50]));
    EXPECT_FALSE(VerifyInclusion(h, seq - 1, 50, AsView(other), path, c.root_hash).ok());
  }
  // Explicit size and bad arguments.
  EXPECT_EQ(log_->ProveInclusion(10, 53)->tree_size, 53);
  EXPECT_EQ(log_->ProveInclusion(0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveInclusion(54).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveInclusion(10, 9).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveInclusion(10, 54).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(AuditLogTest, ConsistencyBetweenCheckpoints) {
  AppendN(20);
  Checkpoint c1 = *log_->MakeCheckpoint(*key_);
  AppendN(31);
  Checkpoint c2 = *log_->MakeCheckpoint(*key_);
  ASSERT_EQ(log_->ListCheckpoints()->size(), 2u);
  Result<ConsistencyProofResult> p = log_->ProveConsistency(c1.tree_size, c2.tree_size);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(DigestBytes(p->old_root), c1.root_hash);
  EXPECT_EQ(DigestBytes(p->new_root), c2.root_hash);
  nlohmann::json j = ConsistencyProofToJson(*p);
  std::vector<Bytes> path;
  for (const auto& hex : j["path"]) path.push_back(*HexDecode(hex.get<std::string>()));
  TreeHasher h(suite());
  EXPECT_TRUE(VerifyConsistency(h, 20, 51, path, c1.root_hash, c2.root_hash).ok());
  path[0][0] ^= 0x80;
  EXPECT_FALSE(VerifyConsistency(h, 20, 51, path, c1.root_hash, c2.root_hash).ok());
  EXPECT_EQ(log_->ProveConsistency(0, 51).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveConsistency(52).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveConsistency(20)->new_size, 51);
  EXPECT_TRUE(MustVerify().ok);
}

TEST_P(AuditLogTest, ExportIsPrivateAndVerifies) {
  AppendN(12);
  const std::string path = dir_.File("audit.jsonl");
  Result<int64_t> n = log_->Export(path);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 12);
  struct stat sb;
  ASSERT_EQ(::stat(path.c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0600u);
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 12u);
  for (int64_t seq = 1; seq <= 12; ++seq) EXPECT_EQ(lines[seq - 1], StoredLine(seq));
  Result<VerifyReport> r = VerifyExportFile(path, suite());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok) << r->reason;
  EXPECT_EQ(r->entries, 12);
  EXPECT_EQ(r->root_hash, MustVerify().root_hash);
  // The wrong suite fails at line 1.
  Suite other = suite() == Suite::kStd ? Suite::kGm : Suite::kStd;
  EXPECT_EQ(VerifyExportFile(path, other)->first_bad_seq, 1);
  EXPECT_EQ(VerifyExportFile(dir_.File("missing"), suite()).status().code(),
            StatusCode::kNotFound);
}

// Any one field of any one exported line changed -> not ok, first_bad_seq = that line.
TEST_P(AuditLogTest, ExportTamperAnyFieldOfAnyLine) {
  AppendN(7);
  const std::string path = dir_.File("audit.jsonl");
  ASSERT_TRUE(log_->Export(path).ok());
  const std::vector<std::string> good = ReadLines(path);
  const std::string bad_path = dir_.File("bad.jsonl");
  for (size_t i = 0; i < good.size(); ++i) {
    for (const char* field : kFields) {
      std::vector<std::string> lines = good;
      lines[i] = EditField(lines[i], field);
      WriteFile(bad_path, JoinLines(lines));
      VerifyReport r = *VerifyExportFile(bad_path, suite());
      EXPECT_FALSE(r.ok) << i << " " << field;
      EXPECT_EQ(r.first_bad_seq, static_cast<int64_t>(i + 1)) << field << ": " << r.reason;
    }
    // A single flipped byte anywhere in the line, too.
    for (size_t b = 0; b < good[i].size(); b += 13) {
      std::vector<std::string> lines = good;
      lines[i][b] ^= 0x04;
      WriteFile(bad_path, JoinLines(lines));
      EXPECT_EQ(VerifyExportFile(bad_path, suite())->first_bad_seq, static_cast<int64_t>(i + 1))
          << "line " << i + 1 << " byte " << b;
    }
  }
}

TEST_P(AuditLogTest, ExportDeleteSwapTruncate) {
  AppendN(9);
  Checkpoint c = *log_->MakeCheckpoint(*key_);
  const std::string path = dir_.File("audit.jsonl");
  ASSERT_TRUE(log_->Export(path).ok());
  const std::vector<std::string> good = ReadLines(path);
  const std::string bad = dir_.File("bad.jsonl");
  auto check = [&](const std::string& data, int64_t want_bad, const ExportExpectation& ex = {}) {
    WriteFile(bad, data);
    VerifyReport r = *VerifyExportFile(bad, suite(), ex);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_bad_seq, want_bad) << r.reason;
    return r;
  };
  std::vector<std::string> lines = good;
  lines.erase(lines.begin() + 3);  // delete line 4
  check(JoinLines(lines), 4);
  lines = good;
  std::swap(lines[5], lines[6]);
  check(JoinLines(lines), 6);
  std::string all = JoinLines(good);
  check(all.substr(0, all.size() - 10), 9);           // cut inside the last line
  check(all.substr(0, all.size() - 1), 9);            // last newline missing
  check(all + "\n", 10);                              // a blank line
  check(JoinLines({good.begin(), good.end()}) + good[8] + "\n", 10);  // duplicated last line
  // Whole lines cut from the end: the chain alone cannot tell, the checkpoint can.
  std::string cut = JoinLines({good.begin(), good.begin() + 6});
  WriteFile(bad, cut);
  EXPECT_TRUE(VerifyExportFile(bad, suite())->ok);
  ExportExpectation ex{c.tree_size, c.root_hash};
  VerifyReport r = check(cut, 7, ex);
  EXPECT_EQ(r.bad_checkpoint_tree_size, 9);
  r = *VerifyExportFile(path, suite(), ex);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.checkpoints_checked, 1);
  // An empty file is an empty, valid log.
  WriteFile(bad, "");
  r = *VerifyExportFile(bad, suite());
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.entries, 0);
}

// The Python snippet of docs/formats/audit.md verifies an export and names the bad line.
TEST_P(AuditLogTest, DocsPythonSnippetVerifiesExport) {
  if (RunQuiet("python3 --version") != 0) GTEST_SKIP() << "no python3";
  std::ifstream doc(std::string(JV_SOURCE_DIR) + "/docs/formats/audit.md");
  ASSERT_TRUE(doc) << "docs/formats/audit.md missing";
  std::stringstream ss;
  ss << doc.rdbuf();
  std::string md = ss.str();
  size_t start = md.find("```python\n");
  ASSERT_NE(start, std::string::npos);
  start += 10;
  size_t end = md.find("```", start);
  WriteFile(dir_.File("verify.py"), md.substr(start, end - start));
  if (suite() == Suite::kGm &&
      RunQuiet("python3 -c 'import hashlib; hashlib.new(\"sm3\")'") != 0) {
    GTEST_SKIP() << "this python3's OpenSSL has no SM3";
  }
  AppendN(11);
  ASSERT_TRUE(log_->Export(dir_.File("a.jsonl")).ok());
  const std::string run = "python3 " + dir_.File("verify.py") + " " + dir_.File("a.jsonl") +
                          " " + std::string(crypto::SuiteName(suite()));
  EXPECT_EQ(RunQuiet(run), 0);
  std::vector<std::string> lines = ReadLines(dir_.File("a.jsonl"));
  lines[4] = EditField(lines[4], "purpose");
  WriteFile(dir_.File("a.jsonl"), JoinLines(lines));
  int rc = std::system((run + " >" + dir_.File("out.txt") + " 2>&1").c_str());
  EXPECT_NE(rc, 0);
  std::ifstream out(dir_.File("out.txt"));
  std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("line 5"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Suites, AuditLogTest, ::testing::Values(Suite::kStd, Suite::kGm),
                         [](const auto& info) {
                           return std::string(crypto::SuiteName(info.param));
                         });

}  // namespace
}  // namespace jv::audit
