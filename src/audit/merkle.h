// Merkle trees of RFC 6962 §2.1 (and RFC 9162 §2.1): tree hashes, inclusion proofs
// (audit paths) and consistency proofs, over SHA-256 (std suite) or SM3 (gm suite).
//
//   leaf hash  = H(0x00 || leaf bytes)
//   node hash  = H(0x01 || left || right)
//   empty tree = H("")
//   MTH(D[n])  splits at k, the largest power of two smaller than n.
//
// Leaves are identified by a 0-based index (the audit log's seq N is leaf N-1). Proofs are
// lists of hashes in RFC 6962 order: from the leaf (or the old tree) towards the root.
//
// Everything here is pure and thread-safe. Generation functions work on a caller-owned
// span of leaf hashes and use O(log n) extra memory and O(n) hash computations.
// Verification functions return OK when the proof holds, kDataLoss when it does not
// (wrong hash, wrong length, wrong sizes for this proof), and kInvalidArgument for
// impossible parameters (index >= size, old size > new size).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "src/common/bytes.h"
#include "src/common/result.h"
#include "src/crypto/suite.h"

namespace jv::audit {

// One hash of either suite (both are 32 bytes).
using Digest = std::array<uint8_t, 32>;

inline ByteView AsView(const Digest& d) { return ByteView(d.data(), d.size()); }
inline Bytes DigestBytes(const Digest& d) { return Bytes(d.begin(), d.end()); }

// The RFC 6962 hashing rules for one suite.
class TreeHasher {
 public:
  explicit TreeHasher(crypto::Suite suite) : suite_(suite) {}
  crypto::Suite suite() const { return suite_; }

  Digest EmptyRoot() const;                           // H("")
  Digest HashLeaf(ByteView leaf) const;               // H(0x00 || leaf)
  Digest HashChildren(ByteView l, ByteView r) const;  // H(0x01 || l || r)

 private:
  crypto::Suite suite_;
};

// Streaming root computation: append leaf hashes one at a time (O(log n) memory), then
// ask for the root of everything appended so far. Equal to MTH over the same leaves.
class RootAccumulator {
 public:
  explicit RootAccumulator(const TreeHasher& hasher) : hasher_(hasher) {}
  void AppendLeafHash(const Digest& leaf_hash);
  uint64_t size() const { return size_; }
  // MTH of the leaves appended so far (EmptyRoot() if none).
  Digest Root() const;

 private:
  TreeHasher hasher_;
  uint64_t size_ = 0;
  // Roots of the perfect subtrees making up the tree, largest (leftmost) first.
  std::vector<Digest> stack_;
};

// MTH over all of `leaf_hashes`.
Digest RootFromLeafHashes(const TreeHasher& hasher, std::span<const Digest> leaf_hashes);

// PATH(index, D[size]) of RFC 6962 §2.1.1 over the first `size` leaf hashes.
// kInvalidArgument if index >= size or size > leaf_hashes.size().
Result<std::vector<Digest>> InclusionProof(const TreeHasher& hasher,
                                           std::span<const Digest> leaf_hashes,
                                           uint64_t index, uint64_t size);

// PROOF(old_size, D[new_size]) of RFC 6962 §2.1.2. Empty when old_size is 0 or equals
// new_size. kInvalidArgument if old_size > new_size or new_size > leaf_hashes.size().
Result<std::vector<Digest>> ConsistencyProof(const TreeHasher& hasher,
                                             std::span<const Digest> leaf_hashes,
                                             uint64_t old_size, uint64_t new_size);

// The root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1-4).
// kInvalidArgument if index >= size; kDataLoss if the proof has the wrong length or an
// element is not a 32-byte hash.
Result<Digest> RootFromInclusionProof(const TreeHasher& hasher, uint64_t index,
                                      uint64_t size, ByteView leaf_hash,
                                      const std::vector<Bytes>& proof);

// RFC 9162 §2.1.3.2: OK if `proof` shows that `leaf_hash` is leaf `index` of the tree of
// `size` leaves with root `root`. kDataLoss if not; kInvalidArgument if index >= size.
Status VerifyInclusion(const TreeHasher& hasher, uint64_t index, uint64_t size,
                       ByteView leaf_hash, const std::vector<Bytes>& proof, ByteView root);

// RFC 9162 §2.1.4.2: OK if `proof` shows that the tree of `old_size` leaves with root
// `old_root` is a prefix of the tree of `new_size` leaves with root `new_root`.
// old_size == new_size needs an empty proof and equal roots; old_size == 0 needs an empty
// proof. kDataLoss if the proof fails; kInvalidArgument if old_size > new_size.
Status VerifyConsistency(const TreeHasher& hasher, uint64_t old_size, uint64_t new_size,
                         const std::vector<Bytes>& proof, ByteView old_root,
                         ByteView new_root);

// Convenience for callers holding Digest lists.
std::vector<Bytes> ToBytesList(const std::vector<Digest>& hashes);

}  // namespace jv::audit
