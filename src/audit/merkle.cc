#include "src/audit/merkle.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "src/crypto/hash.h"

namespace jv::audit {
namespace {

Digest ToDigest(const Bytes& b) {
  JV_CHECK(b.size() == 32);
  Digest d;
  std::memcpy(d.data(), b.data(), 32);
  return d;
}

// Largest power of two strictly smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

// MTH(D[0:n]) of RFC 6962 §2.1, n >= 1.
Digest Mth(const TreeHasher& h, std::span<const Digest> d) {
  if (d.size() == 1) return d[0];
  uint64_t k = SplitPoint(d.size());
  Digest l = Mth(h, d.subspan(0, k));
  Digest r = Mth(h, d.subspan(k));
  return h.HashChildren(AsView(l), AsView(r));
}

// PATH(m, D[n]) of RFC 6962 §2.1.1; appends leaf-to-root.
void Path(const TreeHasher& h, uint64_t m, std::span<const Digest> d,
          std::vector<Digest>& out) {
  if (d.size() <= 1) return;
  uint64_t k = SplitPoint(d.size());
  if (m < k) {
    Path(h, m, d.subspan(0, k), out);
    out.push_back(Mth(h, d.subspan(k)));
  } else {
    Path(h, m - k, d.subspan(k), out);
    out.push_back(Mth(h, d.subspan(0, k)));
  }
}

// SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2.
void SubProof(const TreeHasher& h, uint64_t m, std::span<const Digest> d, bool b,
              std::vector<Digest>& out) {
  uint64_t n = d.size();
  if (m == n) {
    if (!b) out.push_back(Mth(h, d));
    return;
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(h, m, d.subspan(0, k), b, out);
    out.push_back(Mth(h, d.subspan(k)));
  } else {
    SubProof(h, m - k, d.subspan(k), false, out);
    out.push_back(Mth(h, d.subspan(0, k)));
  }
}

bool IsHash(ByteView b) { return b.size() == 32; }

bool Equal(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

Digest TreeHasher::EmptyRoot() const { return ToDigest(crypto::Hash(suite_, ByteView())); }

Digest TreeHasher::HashLeaf(ByteView leaf) const {
  crypto::Hasher hs(suite_);
  const uint8_t prefix = 0x00;
  hs.Update(ByteView(&prefix, 1));
  hs.Update(leaf);
  return ToDigest(hs.Final());
}

Digest TreeHasher::HashChildren(ByteView l, ByteView r) const {
  uint8_t buf[1 + 2 * 64];
  JV_CHECK(l.size() <= 64 && r.size() <= 64);
  buf[0] = 0x01;
  std::memcpy(buf + 1, l.data(), l.size());
  std::memcpy(buf + 1 + l.size(), r.data(), r.size());
  return ToDigest(crypto::Hash(suite_, ByteView(buf, 1 + l.size() + r.size())));
}

void RootAccumulator::AppendLeafHash(const Digest& leaf_hash) {
  stack_.push_back(leaf_hash);
  ++size_;
  // Merge equal-sized perfect subtrees: one merge per trailing 1 bit of the old size.
  for (uint64_t s = size_; (s & 1) == 0; s >>= 1) {
    Digest r = stack_.back();
    stack_.pop_back();
    Digest l = stack_.back();
    stack_.back() = hasher_.HashChildren(AsView(l), AsView(r));
  }
}

Digest RootAccumulator::Root() const {
  if (stack_.empty()) return hasher_.EmptyRoot();
  Digest acc = stack_.back();
  for (size_t i = stack_.size() - 1; i-- > 0;) {
    acc = hasher_.HashChildren(AsView(stack_[i]), AsView(acc));
  }
  return acc;
}

Digest RootFromLeafHashes(const TreeHasher& hasher, std::span<const Digest> leaf_hashes) {
  if (leaf_hashes.empty()) return hasher.EmptyRoot();
  return Mth(hasher, leaf_hashes);
}

Result<std::vector<Digest>> InclusionProof(const TreeHasher& hasher,
                                           std::span<const Digest> leaf_hashes,
                                           uint64_t index, uint64_t size) {
  if (size > leaf_hashes.size()) {
    return InvalidArgumentError("inclusion proof: tree size " + std::to_string(size) +
                                " exceeds the " + std::to_string(leaf_hashes.size()) +
                                " leaves available");
  }
  if (index >= size) {
    return InvalidArgumentError("inclusion proof: leaf index " + std::to_string(index) +
                                " is not below tree size " + std::to_string(size));
  }
  std::vector<Digest> out;
  Path(hasher, index, leaf_hashes.subspan(0, size), out);
  return out;
}

Result<std::vector<Digest>> ConsistencyProof(const TreeHasher& hasher,
                                             std::span<const Digest> leaf_hashes,
                                             uint64_t old_size, uint64_t new_size) {
  if (new_size > leaf_hashes.size()) {
    return InvalidArgumentError("consistency proof: tree size " + std::to_string(new_size) +
                                " exceeds the " + std::to_string(leaf_hashes.size()) +
                                " leaves available");
  }
  if (old_size > new_size) {
    return InvalidArgumentError("consistency proof: old size " + std::to_string(old_size) +
                                " is larger than new size " + std::to_string(new_size));
  }
  std::vector<Digest> out;
  if (old_size == 0 || old_size == new_size) return out;
  SubProof(hasher, old_size, leaf_hashes.subspan(0, new_size), true, out);
  return out;
}

Result<Digest> RootFromInclusionProof(const TreeHasher& hasher, uint64_t index,
                                      uint64_t size, ByteView leaf_hash,
                                      const std::vector<Bytes>& proof) {
  if (index >= size) {
    return InvalidArgumentError("inclusion proof: leaf index " + std::to_string(index) +
                                " is not below tree size " + std::to_string(size));
  }
  if (!IsHash(leaf_hash)) return DataLossError("inclusion proof: leaf hash is not 32 bytes");
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Digest r;
  std::memcpy(r.data(), leaf_hash.data(), 32);
  for (size_t i = 0; i < proof.size(); ++i) {
    const Bytes& p = proof[i];
    if (!IsHash(p)) {
      return DataLossError("inclusion proof: element " + std::to_string(i) +
                           " is not a 32-byte hash");
    }
    if (sn == 0) return DataLossError("inclusion proof: too many elements");
    if ((fn & 1) == 1 || fn == sn) {
      r = hasher.HashChildren(p, AsView(r));
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = hasher.HashChildren(AsView(r), p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLossError("inclusion proof: too few elements");
  return r;
}

Status VerifyInclusion(const TreeHasher& hasher, uint64_t index, uint64_t size,
                       ByteView leaf_hash, const std::vector<Bytes>& proof, ByteView root) {
  JV_ASSIGN_OR_RETURN(Digest got, RootFromInclusionProof(hasher, index, size, leaf_hash, proof));
  if (!Equal(AsView(got), root)) {
    return DataLossError("inclusion proof: computed root does not match");
  }
  return Status::Ok();
}

Status VerifyConsistency(const TreeHasher& hasher, uint64_t old_size, uint64_t new_size,
                         const std::vector<Bytes>& proof, ByteView old_root,
                         ByteView new_root) {
  if (old_size > new_size) {
    return InvalidArgumentError("consistency proof: old size " + std::to_string(old_size) +
                                " is larger than new size " + std::to_string(new_size));
  }
  if (old_size == new_size) {
    if (!proof.empty()) return DataLossError("consistency proof: must be empty for equal sizes");
    if (!Equal(old_root, new_root)) {
      return DataLossError("consistency proof: roots of equal-sized trees differ");
    }
    return Status::Ok();
  }
  if (old_size == 0) {
    if (!proof.empty()) return DataLossError("consistency proof: must be empty for old size 0");
    return Status::Ok();
  }
  if (proof.empty()) return DataLossError("consistency proof: empty");
  for (size_t i = 0; i < proof.size(); ++i) {
    if (!IsHash(proof[i])) {
      return DataLossError("consistency proof: element " + std::to_string(i) +
                           " is not a 32-byte hash");
    }
  }
  if (!IsHash(old_root) || !IsHash(new_root)) {
    return DataLossError("consistency proof: a root is not a 32-byte hash");
  }
  // RFC 9162 §2.1.4.2. Step 2: if old_size is a power of two, the path starts with old_root.
  std::vector<ByteView> path;
  path.reserve(proof.size() + 1);
  if ((old_size & (old_size - 1)) == 0) path.push_back(old_root);
  for (const Bytes& p : proof) path.push_back(p);

  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Digest fr, sr;
  std::memcpy(fr.data(), path[0].data(), 32);
  sr = fr;
  for (size_t i = 1; i < path.size(); ++i) {
    ByteView c = path[i];
    if (sn == 0) return DataLossError("consistency proof: too many elements");
    if ((fn & 1) == 1 || fn == sn) {
      fr = hasher.HashChildren(c, AsView(fr));
      sr = hasher.HashChildren(c, AsView(sr));
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = hasher.HashChildren(AsView(sr), c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLossError("consistency proof: too few elements");
  if (!Equal(AsView(fr), old_root)) {
    return DataLossError("consistency proof: old root does not match");
  }
  if (!Equal(AsView(sr), new_root)) {
    return DataLossError("consistency proof: new root does not match");
  }
  return Status::Ok();
}

std::vector<Bytes> ToBytesList(const std::vector<Digest>& hashes) {
  std::vector<Bytes> out;
  out.reserve(hashes.size());
  for (const Digest& d : hashes) out.push_back(DigestBytes(d));
  return out;
}

}  // namespace jv::audit
