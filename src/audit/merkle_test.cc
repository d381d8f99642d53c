#include "src/audit/merkle.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/common/strings.h"

namespace jv::audit {
namespace {

using crypto::Suite;

Bytes Hx(std::string_view hex) {
  Result<Bytes> b = HexDecode(hex);
  JV_CHECK(b.ok());
  return *b;
}
std::string HexOf(const Digest& d) { return HexEncode(AsView(d)); }

// Certificate Transparency reference vectors (RFC 6962 hashing, SHA-256), as published in
// transparency-dev/merkle, proof/verify_test.go (`leaves`, `roots`, `inclusionProofs`,
// `consistencyProofs`; originally google/certificate-transparency merkle_tree_test.cc).
const char* const kLeafHex[] = {"",
                                "00",
                                "10",
                                "2021",
                                "3031",
                                "40414243",
                                "5051525354555657",
                                "606162636465666768696a6b6c6d6e6f"};
const char* const kRootHex[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct ProofVector {
  uint64_t a;  // inclusion: 0-based leaf index; consistency: old size
  uint64_t size;
  std::vector<const char*> path;
};

// inclusionProofs of verify_test.go (there 1-based leaf numbers 1, 6, 3, 2).
const ProofVector kInclusion[] = {
    {0, 8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5, 8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1, 5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

// consistencyProofs of verify_test.go.
const ProofVector kConsistency[] = {
    {1, 8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6, 7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

std::vector<Digest> CtLeafHashes() {
  TreeHasher h(Suite::kStd);
  std::vector<Digest> out;
  for (const char* hex : kLeafHex) out.push_back(h.HashLeaf(Hx(hex)));
  return out;
}

std::vector<std::string> HexPath(const std::vector<Digest>& p) {
  std::vector<std::string> out;
  for (const Digest& d : p) out.push_back(HexOf(d));
  return out;
}

std::vector<Bytes> BytesPath(const std::vector<const char*>& p) {
  std::vector<Bytes> out;
  for (const char* h : p) out.push_back(Hx(h));
  return out;
}

// RFC 6962 §2.1: MTH({}) = SHA-256(""); leaf hash of "" = SHA-256(0x00).
TEST(TreeHasherTest, EmptyAndLeafKnownAnswers) {
  TreeHasher h(Suite::kStd);
  EXPECT_EQ(HexOf(h.EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexOf(h.HashLeaf(ByteView())), kRootHex[0]);
  EXPECT_EQ(HexOf(RootFromLeafHashes(h, {})), HexOf(h.EmptyRoot()));
}

// Roots for every size 1..8 of the CT reference tree (transparency-dev/merkle
// proof/verify_test.go `roots`).
TEST(MerkleTest, CtReferenceRoots) {
  TreeHasher h(Suite::kStd);
  std::vector<Digest> leaves = CtLeafHashes();
  RootAccumulator acc(h);
  for (size_t n = 1; n <= 8; ++n) {
    acc.AppendLeafHash(leaves[n - 1]);
    EXPECT_EQ(HexOf(RootFromLeafHashes(h, std::span(leaves).subspan(0, n))), kRootHex[n - 1])
        << "size " << n;
    EXPECT_EQ(HexOf(acc.Root()), kRootHex[n - 1]) << "size " << n;
  }
}

// Inclusion proofs of transparency-dev/merkle proof/verify_test.go `inclusionProofs`.
TEST(MerkleTest, CtReferenceInclusionProofs) {
  TreeHasher h(Suite::kStd);
  std::vector<Digest> leaves = CtLeafHashes();
  for (const ProofVector& v : kInclusion) {
    Result<std::vector<Digest>> got = InclusionProof(h, leaves, v.a, v.size);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(HexPath(*got), std::vector<std::string>(v.path.begin(), v.path.end()))
        << "leaf " << v.a << " size " << v.size;
    EXPECT_TRUE(VerifyInclusion(h, v.a, v.size, AsView(leaves[v.a]), BytesPath(v.path),
                                Hx(kRootHex[v.size - 1]))
                    .ok());
  }
}

// Consistency proofs of transparency-dev/merkle proof/verify_test.go `consistencyProofs`.
TEST(MerkleTest, CtReferenceConsistencyProofs) {
  TreeHasher h(Suite::kStd);
  std::vector<Digest> leaves = CtLeafHashes();
  for (const ProofVector& v : kConsistency) {
    Result<std::vector<Digest>> got = ConsistencyProof(h, leaves, v.a, v.size);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(HexPath(*got), std::vector<std::string>(v.path.begin(), v.path.end()))
        << "sizes " << v.a << " -> " << v.size;
    EXPECT_TRUE(VerifyConsistency(h, v.a, v.size, BytesPath(v.path), Hx(kRootHex[v.a - 1]),
                                  Hx(kRootHex[v.size - 1]))
                    .ok());
    // Swapped roots must fail.
    EXPECT_EQ(VerifyConsistency(h, v.a, v.size, BytesPath(v.path), Hx(kRootHex[v.size - 1]),
                                Hx(kRootHex[v.a - 1]))
                  .code(),
              StatusCode::kDataLoss);
  }
}

TEST(MerkleTest, ParameterErrors) {
  TreeHasher h(Suite::kStd);
  std::vector<Digest> leaves = CtLeafHashes();
  EXPECT_EQ(InclusionProof(h, leaves, 8, 8).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(h, leaves, 0, 9).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(h, leaves, 5, 4).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(h, leaves, 1, 9).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ConsistencyProof(h, leaves, 0, 8)->empty());
  EXPECT_TRUE(ConsistencyProof(h, leaves, 8, 8)->empty());
  Bytes root = Hx(kRootHex[7]);
  EXPECT_EQ(VerifyInclusion(h, 8, 8, AsView(leaves[0]), {}, root).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(h, 3, 2, {}, root, root).code(), StatusCode::kInvalidArgument);
  // Equal sizes: empty proof and equal roots only.
  EXPECT_TRUE(VerifyConsistency(h, 8, 8, {}, root, root).ok());
  EXPECT_EQ(VerifyConsistency(h, 8, 8, {}, root, Hx(kRootHex[6])).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(h, 8, 8, {root}, root, root).code(), StatusCode::kDataLoss);
  // Old size 0 is consistent with anything, with an empty proof only.
  EXPECT_TRUE(VerifyConsistency(h, 0, 8, {}, Bytes(), root).ok());
  EXPECT_EQ(VerifyConsistency(h, 0, 8, {root}, Bytes(), root).code(), StatusCode::kDataLoss);
  // A one-leaf tree: the leaf hash is the root, the proof is empty.
  EXPECT_TRUE(VerifyInclusion(h, 0, 1, AsView(leaves[0]), {}, Hx(kRootHex[0])).ok());
  EXPECT_EQ(VerifyInclusion(h, 0, 1, AsView(leaves[0]), {Hx(kRootHex[0])}, Hx(kRootHex[0]))
                .code(),
            StatusCode::kDataLoss);
}

std::vector<Digest> SyntheticLeaves(const TreeHasher& h, size_t n) {
  std::vector<Digest> out;
  for (size_t i = 0; i < n; ++i) {
    std::string data = "leaf-" + std::to_string(i);
    out.push_back(h.HashLeaf(AsBytes(data)));
  }
  return out;
}

class MerkleExhaustiveTest : public ::testing::TestWithParam<Suite> {
 protected:
  // Every byte for std; every 7th byte for gm (SM3 through EVP is ~3x slower and the
  // tree logic is shared, so this keeps the test under a few seconds).
  const size_t byte_step = GetParam() == Suite::kStd ? 1 : 7;
};

// Every (index, size) with size <= 64: the generated proof verifies, and flipping any one
// bit of any proof byte, dropping or adding an element, or changing index/size fails.
TEST_P(MerkleExhaustiveTest, InclusionGenerateVerifyTamper) {
  TreeHasher h(GetParam());
  std::vector<Digest> leaves = SyntheticLeaves(h, 64);
  RootAccumulator acc(h);
  for (uint64_t size = 1; size <= 64; ++size) {
    acc.AppendLeafHash(leaves[size - 1]);
    Digest root = RootFromLeafHashes(h, std::span(leaves).subspan(0, size));
    ASSERT_EQ(HexOf(root), HexOf(acc.Root())) << size;
    for (uint64_t i = 0; i < size; ++i) {
      std::vector<Bytes> proof = ToBytesList(*InclusionProof(h, leaves, i, size));
      ASSERT_TRUE(VerifyInclusion(h, i, size, AsView(leaves[i]), proof, AsView(root)).ok())
          << i << "/" << size;
      for (size_t e = 0; e < proof.size(); ++e) {
        for (size_t b = 0; b < proof[e].size(); b += byte_step) {
          std::vector<Bytes> bad = proof;
          bad[e][b] ^= 0x01;
          ASSERT_FALSE(VerifyInclusion(h, i, size, AsView(leaves[i]), bad, AsView(root)).ok())
              << i << "/" << size << " element " << e << " byte " << b;
        }
      }
      if (!proof.empty()) {
        std::vector<Bytes> shorter(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(VerifyInclusion(h, i, size, AsView(leaves[i]), shorter, AsView(root)).ok());
      }
      std::vector<Bytes> longer = proof;
      longer.push_back(DigestBytes(root));
      EXPECT_FALSE(VerifyInclusion(h, i, size, AsView(leaves[i]), longer, AsView(root)).ok());
      if (size > 1) {
        uint64_t other = (i + 1) % size;
        EXPECT_FALSE(VerifyInclusion(h, other, size, AsView(leaves[i]), proof, AsView(root)).ok());
        EXPECT_FALSE(
            VerifyInclusion(h, i, size, AsView(leaves[other]), proof, AsView(root)).ok());
      }
      EXPECT_FALSE(VerifyInclusion(h, i, size * 2, AsView(leaves[i]), proof, AsView(root)).ok());
    }
  }
}

TEST_P(MerkleExhaustiveTest, ConsistencyGenerateVerifyTamper) {
  TreeHasher h(GetParam());
  std::vector<Digest> leaves = SyntheticLeaves(h, 64);
  std::vector<Digest> roots(65);
  for (uint64_t n = 1; n <= 64; ++n) {
    roots[n] = RootFromLeafHashes(h, std::span(leaves).subspan(0, n));
  }
  for (uint64_t n = 1; n <= 64; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      std::vector<Bytes> proof = ToBytesList(*ConsistencyProof(h, leaves, m, n));
      ASSERT_TRUE(VerifyConsistency(h, m, n, proof, AsView(roots[m]), AsView(roots[n])).ok())
          << m << " -> " << n;
      if (m == n) continue;
      for (size_t e = 0; e < proof.size(); ++e) {
        for (size_t b = 0; b < proof[e].size(); b += byte_step) {
          std::vector<Bytes> bad = proof;
          bad[e][b] ^= 0x01;
          ASSERT_FALSE(VerifyConsistency(h, m, n, bad, AsView(roots[m]), AsView(roots[n])).ok())
              << m << " -> " << n << " element " << e << " byte " << b;
        }
      }
      std::vector<Bytes> shorter(proof.begin(), proof.end() - 1);
      EXPECT_FALSE(VerifyConsistency(h, m, n, shorter, AsView(roots[m]), AsView(roots[n])).ok());
      std::vector<Bytes> longer = proof;
      longer.push_back(DigestBytes(roots[n]));
      EXPECT_FALSE(VerifyConsistency(h, m, n, longer, AsView(roots[m]), AsView(roots[n])).ok());
      EXPECT_FALSE(VerifyConsistency(h, m, n, proof, AsView(roots[n]), AsView(roots[n])).ok());
      if (m > 1) {
        EXPECT_FALSE(
            VerifyConsistency(h, m, n, proof, AsView(roots[m - 1]), AsView(roots[n])).ok());
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, MerkleExhaustiveTest,
                         ::testing::Values(Suite::kStd, Suite::kGm),
                         [](const auto& info) {
                           return std::string(crypto::SuiteName(info.param));
                         });

TEST(MerkleTest, GmRootsDifferFromStd) {
  TreeHasher std_h(Suite::kStd), gm_h(Suite::kGm);
  EXPECT_NE(HexOf(RootFromLeafHashes(std_h, SyntheticLeaves(std_h, 5))),
            HexOf(RootFromLeafHashes(gm_h, SyntheticLeaves(gm_h, 5))));
  // The gm empty root is SM3(""), the value OpenSSL's `openssl dgst -sm3` prints for empty
  // input (cross-checked; GB/T 32905-2016 itself only lists "abc" and the 64-byte message).
  EXPECT_EQ(HexOf(gm_h.EmptyRoot()),
            "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

}  // namespace
}  // namespace jv::audit
