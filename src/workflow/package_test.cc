#include "src/workflow/package.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "src/audit/merkle.h"
#include "src/common/strings.h"
#include "src/crypto/hash.h"
#include "src/crypto/sign.h"
#include "src/workflow/deletion.h"
#include "src/workflow/shred.h"
#include "src/workflow/synthetic_people.h"
#include "src/workflow/tar.h"

namespace jv::workflow {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
namespace age = crypto::age;

// Independent RFC 6962 §2.1 Merkle Tree Hash over SHA-256, for cross-checking.
Bytes Mth(const std::vector<std::string>& leaves, size_t lo, size_t hi) {
  if (hi - lo == 1) {
    std::string in = std::string(1, '\0') + leaves[lo];
    return crypto::Sha256(AsBytes(in));
  }
  size_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  Bytes l = Mth(leaves, lo, lo + k), r = Mth(leaves, lo + k, hi);
  Bytes in = {0x01};
  in.insert(in.end(), l.begin(), l.end());
  in.insert(in.end(), r.begin(), r.end());
  return crypto::Sha256(in);
}

// Known answers from RFC 6962 §2.1 definitions as used by the certificate-transparency test
// data (github.com/google/certificate-transparency, merkle_tree_test): MTH({}) = SHA-256("")
// and MTH({""}) = SHA-256(0x00).
TEST(MerkleRootTest, KnownAnswers) {
  EXPECT_EQ(MerkleRootHex({}),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(MerkleRootHex({""}),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  std::vector<std::string> lines;
  for (int n = 1; n <= 9; ++n) {
    lines.push_back("{\"subject\":\"s_" + std::to_string(n) + "\"}");
    EXPECT_EQ(MerkleRootHex(lines), HexEncode(Mth(lines, 0, lines.size()))) << n;
  }
}

class PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jv-package-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    from_ = MakeVault(root_ + "/from", "转让方珠宝有限公司");
    to_ = MakeVault(root_ + "/to", "受让方珠宝有限公司");
    identity_ = std::make_unique<age::X25519Identity>(age::X25519Identity::Generate(random_));
    AddRecipient("r_one", {"name", "mobile", "id_number"});
    today_ = ChinaDateFromMicros(clock_.NowMicros());
  }
  void TearDown() override {
    from_.reset();
    to_.reset();
    fs::remove_all(root_);
  }

  std::unique_ptr<vault::Vault> MakeVault(const std::string& dir, const std::string& company) {
    vault::InitOptions o;
    o.dir = dir;
    o.company = company;
    o.passphrase = SecretBuffer::FromString("a synthetic test passphrase");
    o.scrypt.n = 1 << 10;
    EXPECT_TRUE(vault::Vault::Init(o, clock_, random_).ok());
    vault::UnlockOptions u;
    u.passphrase = SecretBuffer::FromString("a synthetic test passphrase");
    auto v = vault::Vault::Open(dir, std::move(u), clock_, random_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return std::move(v).value();
  }

  void AddRecipient(const std::string& id, std::vector<std::string> scope) {
    store::ObjectRow r;
    r.kind = "recipient";
    r.id = id;
    r.status = "active";
    r.attrs_json = json{{"name", "受让方珠宝有限公司"},
                        {"uscc", "91110000600037341L"},
                        {"region", "CN"},
                        {"age_recipient", identity_->Recipient().Encode()},
                        {"scope", scope},
                        {"purposes", {"membership", "after_sales"}},
                        {"legal_basis", "PIPL 22"}}
                       .dump();
    ASSERT_TRUE(from_->store().PutObject(r).ok());
  }

  // A subject with a profile record and blind indexes; returns its id.
  std::string AddSubject(const std::string& recipient, const std::string& state,
                         SyntheticPerson* person_out = nullptr) {
    SyntheticPerson p = MakeSyntheticPerson(people_random_, today_);
    json attrs = json::object();
    if (!recipient.empty()) attrs["recipient"] = recipient;
    auto id = from_->CreateSubject(attrs);
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(from_->AddRecord(*id, "profile", "src_test", 1,
                                 {{"name", p.name},
                                  {"mobile", p.mobile},
                                  {"id_number", p.id_number},
                                  {"bank_card", "6222020200112233445"}})
                    .ok());
    EXPECT_TRUE(from_->AddBlindIndex(*id, "mobile", p.mobile).ok());
    EXPECT_TRUE(from_->AddBlindIndex(*id, "id_number", p.id_number).ok());
    if (state != "active") {
      auto s = from_->store().GetSubject(*id);
      s->state = state;
      EXPECT_TRUE(from_->store().UpdateSubject(*s).ok());
    }
    if (person_out != nullptr) *person_out = p;
    return *id;
  }

  std::vector<TarMember> Open(const Bytes& file) {
    std::vector<age::X25519Identity> ids;
    ids.push_back(identity_->Clone());
    auto plain = age::Decrypt(file, ids);
    EXPECT_TRUE(plain.ok()) << plain.status().ToString();
    auto m = ReadTar(plain->view());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return *m;
  }

  Bytes Reseal(const std::vector<TarMember>& members) {
    auto tar = WriteTar(members, 0);
    std::vector<age::X25519Recipient> r{identity_->Recipient()};
    return *age::EncryptToRecipients(AsBytes(*tar), r, false, random_);
  }

  ImportPackageOptions ImportOpts(Bytes file) {
    ImportPackageOptions o;
    o.file = std::move(file);
    o.identities.push_back(identity_->Clone());
    o.signer_pem = from_->signer().PublicKeyPem();
    return o;
  }

  std::string root_;
  FakeClock clock_{int64_t{1790000000} * 1000000};
  SystemRandom random_;
  FakeRandom people_random_{42};
  Date today_;
  std::unique_ptr<vault::Vault> from_, to_;
  std::unique_ptr<age::X25519Identity> identity_;
};

TEST_F(PackageTest, BuildSelectsAllocatedNotObjectedInScope) {
  std::string a = AddSubject("r_one", "active");
  std::string b = AddSubject("r_one", "notified");
  std::string objector = AddSubject("r_one", "objected");
  AddSubject("r_other", "active");
  AddSubject("", "active");
  auto pkg = BuildPackage(*from_, {"r_one", nullptr});
  ASSERT_TRUE(pkg.ok()) << pkg.status().ToString();
  EXPECT_EQ(pkg->subject_ids.size(), 2u);

  auto members = Open(pkg->encrypted);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].name, "data.jsonl");
  EXPECT_EQ(members[1].name, "manifest.json");
  EXPECT_EQ(members[2].name, "manifest.sig");
  EXPECT_EQ(members[0].data, pkg->data_jsonl);
  std::vector<std::string> lines;
  for (auto l : Split(members[0].data, '\n')) {
    if (!l.empty()) lines.emplace_back(l);
  }
  ASSERT_EQ(lines.size(), 2u);
  std::set<std::string> seen;
  for (const auto& l : lines) {
    json j = json::parse(l);
    seen.insert(j["subject"].get<std::string>());
    EXPECT_TRUE(j["fields"].contains("mobile"));
    EXPECT_FALSE(j["fields"].contains("bank_card")) << "outside the recipient's scope";
  }
  EXPECT_EQ(seen, (std::set<std::string>{a, b}));
  EXPECT_EQ(seen.count(objector), 0u);

  json m = json::parse(members[1].data);
  EXPECT_EQ(m["merkle_root"], HexEncode(Mth(lines, 0, lines.size())));
  EXPECT_EQ(m["subjects"], 2);
  EXPECT_EQ(m["counts"]["fields"]["mobile"], 2);
  EXPECT_EQ(m["counts"]["categories"]["contact"], 2);
  EXPECT_EQ(m["counts"]["subjects_with_sensitive_fields"], 2);  // id_number
  EXPECT_EQ(m["selection"]["excluded_objected"], 1);
  EXPECT_EQ(m["vault_id"], from_->config().vault_id);
  EXPECT_TRUE(crypto::VerifySignature(from_->signer().PublicKeyPem(), AsBytes(members[1].data),
                                      AsBytes(members[2].data))
                  .ok());
  auto obj = from_->store().GetObject("package", pkg->package_id);
  ASSERT_TRUE(obj.ok());
  EXPECT_EQ(obj->status, "built");
}

TEST_F(PackageTest, SaleTakesOnlyConsentingSubjects) {
  ASSERT_TRUE(from_->store().PutMeta("transfer", R"({"reason":"sale","objection_days":30})").ok());
  AddSubject("r_one", "silent");
  std::string yes = AddSubject("r_one", "consented");
  AddSubject("r_one", "notified");
  auto pkg = BuildPackage(*from_, {"r_one", nullptr});
  ASSERT_TRUE(pkg.ok()) << pkg.status().ToString();
  EXPECT_EQ(pkg->subject_ids, std::vector<std::string>{yes});
  EXPECT_EQ(pkg->manifest["selection"]["excluded_no_consent"], 2);
}

TEST_F(PackageTest, ObjectionResponseExcludesEvenIfStateMoved) {
  std::string s = AddSubject("r_one", "notified");
  std::string keep = AddSubject("r_one", "notified");
  store::ObjectRow r;
  r.kind = "response";
  r.id = "rs_1";
  r.subject_id = s;
  r.status = "recorded";
  r.attrs_json = R"({"type":"object","via":"phone"})";
  ASSERT_TRUE(from_->store().PutObject(r).ok());
  auto pkg = BuildPackage(*from_, {"r_one", nullptr});
  ASSERT_TRUE(pkg.ok());
  EXPECT_EQ(pkg->subject_ids, std::vector<std::string>{keep});
}

TEST_F(PackageTest, BlockedGateRefusesNamingRules) {
  AddSubject("r_one", "active");
  GateReport gate;
  RuleResult fail;
  fail.id = "PIPL-22-NOTICE";
  fail.status = RuleStatus::kFail;
  fail.blocking = true;
  RuleResult warn;
  warn.id = "SOFT-RULE";
  warn.status = RuleStatus::kFail;
  warn.blocking = false;
  gate.rules = {fail, warn};
  auto pkg = BuildPackage(*from_, {"r_one", &gate});
  ASSERT_EQ(pkg.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(pkg.status().message().find("PIPL-22-NOTICE"), std::string::npos);
  EXPECT_EQ(pkg.status().message().find("SOFT-RULE"), std::string::npos);
  EXPECT_EQ(BlockingRuleIds(gate), std::vector<std::string>{"PIPL-22-NOTICE"});
}

TEST_F(PackageTest, RefusesRecipientWithoutKeyOrSubjects) {
  EXPECT_EQ(BuildPackage(*from_, {"r_missing", nullptr}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(BuildPackage(*from_, {"r_one", nullptr}).status().code(),
            StatusCode::kFailedPrecondition);  // nobody allocated
}

TEST_F(PackageTest, ImportAckShredCertificateEndToEnd) {
  SyntheticPerson p;
  std::string s = AddSubject("r_one", "active", &p);
  AddSubject("r_one", "active");
  auto pkg = BuildPackage(*from_, {"r_one", nullptr});
  ASSERT_TRUE(pkg.ok()) << pkg.status().ToString();

  auto imp = ImportPackage(*to_, ImportOpts(pkg->encrypted));
  ASSERT_TRUE(imp.ok()) << imp.status().ToString();
  EXPECT_EQ(imp->subject_ids.size(), 2u);
  // Found by mobile in the recipient vault, with provenance and inherited purposes.
  auto found = to_->FindByIndex("mobile", p.mobile);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  auto subj = to_->store().GetSubject((*found)[0]);
  json attrs = json::parse(subj->attrs_json);
  EXPECT_EQ(attrs["provenance"]["package_id"], pkg->package_id);
  EXPECT_EQ(attrs["provenance"]["vault_id"], from_->config().vault_id);
  EXPECT_EQ(attrs["provenance"]["source_subject"], s);
  EXPECT_EQ(attrs["purposes"], json({"membership", "after_sales"}));
  auto recs = to_->ReadRecords((*found)[0]);
  ASSERT_TRUE(recs.ok());
  EXPECT_EQ((*recs)[0].fields["id_number"], p.id_number);
  // Importing twice is refused.
  EXPECT_EQ(ImportPackage(*to_, ImportOpts(pkg->encrypted)).status().code(),
            StatusCode::kFailedPrecondition);
  // A purpose beyond the inherited ones is flagged.
  auto flagged = RecordPurposeChange(*to_, {"membership", "marketing"});
  ASSERT_TRUE(flagged.ok());
  EXPECT_EQ(*flagged, std::vector<std::string>{pkg->package_id});

  // A tampered receipt is refused; the real one acknowledges.
  // (The package id's first random character is changed: replacing the id's start with
  // a fixed "p_x" left the receipt intact whenever the id began with "p_x".)
  std::string bad = imp->receipt;
  const size_t at = bad.find(pkg->package_id) + 2;
  bad[at] = bad[at] == 'x' ? 'y' : 'x';
  EXPECT_FALSE(AckPackage(*from_, bad, "").ok());
  auto ack = AckPackage(*from_, imp->receipt, to_->signer().PublicKeyPem());
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->subjects_transferred, 2);
  EXPECT_EQ(from_->store().GetSubject(s)->state, "transferred");
  EXPECT_EQ(AckPackage(*from_, imp->receipt, "").status().code(),
            StatusCode::kFailedPrecondition);

  auto run = ShredTransferred(*from_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->shredded.size(), 2u);
  EXPECT_EQ(run->audit_seqs.size(), 2u);
  EXPECT_TRUE(from_->FindByIndex("mobile", p.mobile)->empty());
  EXPECT_TRUE(from_->FindByIndex("id_number", p.id_number)->empty());
  EXPECT_TRUE(from_->store().ListDataKeys(s)->empty());
  EXPECT_EQ(from_->store().GetSubject(s)->state, "shredded");

  auto cert = BuildDeletionCertificate(*from_);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_TRUE(crypto::VerifySignature(from_->signer().PublicKeyPem(), AsBytes(cert->json_text),
                                      cert->signature)
                  .ok());
  EXPECT_EQ(cert->doc["shredded"], 2);
  EXPECT_EQ(cert->doc["restricted"], 0);
  EXPECT_EQ(cert->doc["transfers"][0]["package_id"], pkg->package_id);
  // Each shred entry's inclusion proof leads to the certified checkpoint root.
  audit::TreeHasher hasher(from_->suite());
  auto root = HexDecode(cert->doc["checkpoint"]["root_hash"].get<std::string>());
  for (const auto& e : cert->doc["shred_entries"]) {
    std::vector<Bytes> path;
    for (const auto& h : e["proof"]["path"]) path.push_back(*HexDecode(h.get<std::string>()));
    audit::Digest leaf = hasher.HashLeaf(AsBytes(e["line"].get<std::string>()));
    EXPECT_TRUE(audit::VerifyInclusion(hasher, e["seq"].get<uint64_t>() - 1,
                                       cert->doc["checkpoint"]["tree_size"].get<uint64_t>(),
                                       audit::AsView(leaf), path, *root)
                    .ok());
  }
  EXPECT_NE(cert->html.find("个人信息删除证明"), std::string::npos);
  auto verify = from_->audit().Verify(from_->signer().PublicKeyPem());
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok) << verify->reason;
}

class PackageTamperTest : public PackageTest {
 protected:
  void SetUp() override {
    PackageTest::SetUp();
    AddSubject("r_one", "active");
    AddSubject("r_one", "active");
    auto pkg = BuildPackage(*from_, {"r_one", nullptr});
    ASSERT_TRUE(pkg.ok());
    file_ = pkg->encrypted;
    members_ = Open(file_);
  }
  StatusCode ImportCode(const std::vector<TarMember>& m) {
    return ImportPackage(*to_, ImportOpts(Reseal(m))).status().code();
  }
  Bytes file_;
  std::vector<TarMember> members_;
};

TEST_F(PackageTamperTest, UntouchedRepackIsAccepted) {
  EXPECT_TRUE(ImportPackage(*to_, ImportOpts(Reseal(members_))).ok());
}

TEST_F(PackageTamperTest, ChangedManifestRefused) {
  auto m = members_;
  m[1].data.replace(m[1].data.find("\"subjects\": 2"), 13, "\"subjects\": 3");
  EXPECT_EQ(ImportCode(m), StatusCode::kDataLoss);
}

TEST_F(PackageTamperTest, ChangedSignatureRefused) {
  auto m = members_;
  m[2].data[5] ^= 1;
  EXPECT_EQ(ImportCode(m), StatusCode::kDataLoss);
}

TEST_F(PackageTamperTest, ChangedDataRefused) {
  auto m = members_;
  m[0].data[m[0].data.find("\"mobile\":\"") + 11] ^= 1;
  EXPECT_EQ(ImportCode(m), StatusCode::kDataLoss);
  auto dropped = members_;
  dropped[0].data = dropped[0].data.substr(dropped[0].data.find('\n') + 1);
  EXPECT_EQ(ImportCode(dropped), StatusCode::kDataLoss);
}

TEST_F(PackageTamperTest, WrongSignerRefused) {
  auto o = ImportOpts(file_);
  o.signer_pem = to_->signer().PublicKeyPem();
  EXPECT_EQ(ImportPackage(*to_, o).status().code(), StatusCode::kDataLoss);
  o.signer_pem = "";
  EXPECT_EQ(ImportPackage(*to_, o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PackageTamperTest, ExtraMemberOrFlippedCiphertextRefused) {
  auto m = members_;
  m.push_back({"extra.txt", "x"});
  EXPECT_EQ(ImportCode(m), StatusCode::kDataLoss);
  Bytes f = file_;
  f[f.size() - 20] ^= 1;
  EXPECT_EQ(ImportPackage(*to_, ImportOpts(f)).status().code(), StatusCode::kDataLoss);
  // Nothing was imported by the refused attempts.
  EXPECT_TRUE(to_->store().CountSubjectsByState()->empty());
}

// A run larger than one commit batch (256) shreds every transferred subject, each with its
// own audit entry, and leaves the others alone.
TEST_F(PackageTest, ShredTransferredAcrossSeveralCommitBatches) {
  std::vector<std::string> gone;
  for (int i = 0; i < 300; ++i) gone.push_back(AddSubject("r_one", "transferred"));
  std::string kept = AddSubject("r_one", "notified");
  auto run = ShredTransferred(*from_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->shredded.size(), 300u);
  EXPECT_EQ(run->audit_seqs.size(), 300u);
  EXPECT_EQ(std::set<std::string>(run->shredded.begin(), run->shredded.end()),
            std::set<std::string>(gone.begin(), gone.end()));
  for (const std::string& id : {gone.front(), gone[256], gone.back()}) {
    EXPECT_EQ(from_->store().GetSubject(id)->state, "shredded");
    EXPECT_TRUE(from_->store().ListDataKeys(id)->empty());
  }
  EXPECT_EQ(from_->store().GetSubject(kept)->state, "notified");
  EXPECT_FALSE(from_->store().ListDataKeys(kept)->empty());
  EXPECT_TRUE(from_->audit().Verify(from_->signer().PublicKeyPem()).ok());
}

// Outside a transaction the in-transaction form refuses before deleting anything.
TEST_F(PackageTest, ShredInTxnOutsideATransactionDeletesNothing) {
  std::string s = AddSubject("r_one", "transferred");
  auto r = ShredSubjectClassesInTxn(*from_, s, "test", IsLockedClass);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(from_->store().GetSubject(s)->state, "transferred");
  EXPECT_FALSE(from_->store().ListDataKeys(s)->empty());
}

}  // namespace
}  // namespace jv::workflow
