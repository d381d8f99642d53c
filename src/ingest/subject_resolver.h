// SubjectResolver: the subject-matching rules of SPEC §5.4, over blind-index keys held in
// memory.
//
// The resolver knows subjects by a dense local index (0, 1, 2, ... in the order they were
// added) and, per key kind (ID number, mobile, e-mail, member number), which subjects hold
// which key, in the order they came to hold it ("holders", earliest first — the order the
// store's blind index keeps, store.h FindIndex / ForEachIndex). Keys are the first 96 bits
// of the blind-index HMAC (collision probability ~ n² / 2^97, negligible for any vault):
// the resolver never sees a personal value.
//
// Customer rows (Resolve), exactly as §5.4 says, with "contact" = the row's valid mobile
// if it has one, else its valid e-mail (the same fallback as the subject key):
//   1. Row with a valid ID number:
//      a. a subject holds that ID             -> join it (the earliest, if ever several);
//      b. else a subject WITHOUT any ID holds the contact -> join the earliest such
//         subject; it takes the ID (takes_id);
//      c. else a subject with a different ID holds the contact -> create a subject and
//         count shared_contact (two ID numbers never merge);
//      d. else -> create a subject.
//   2. Row without a valid ID: the earliest subject holding the contact -> join it;
//      otherwise create a subject.
// After acting on a decision the caller records what the subject now holds (AddHolding):
// the row's valid ID, mobiles, e-mails and member numbers.
//
// Other kinds (Match): the earliest subject holding the row's valid ID number, else its
// valid mobile, else its member number; nullopt when none does (the row is "unmatched").
//
// Memory: 16 bytes per (kind, key) slot in open-addressing tables (load <= 3/4) plus 4
// bytes per extra holder and ~30 bytes per subject, so a vault of a million customers
// needs well under 150 MiB.
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/common/bytes.h"

namespace jv::ingest {

// The 96-bit lookup key of one blind-index entry.
struct IndexKey {
  uint64_t lo = 0;
  uint32_t hi = 0;
  friend bool operator==(const IndexKey& a, const IndexKey& b) = default;
};

// The key of a blind-index MAC (its first 12 bytes). Precondition (JV_CHECK): >= 12 bytes.
IndexKey IndexKeyFromMac(ByteView mac);

enum class KeyKind : uint8_t { kIdNumber = 0, kMobile = 1, kEmail = 2, kMemberNo = 3 };
inline constexpr int kKeyKinds = 4;
// The blind-index kind names: "id_number", "mobile", "email", "member_no".
std::string_view KeyKindName(KeyKind k);

class SubjectResolver {
 public:
  SubjectResolver();
  SubjectResolver(const SubjectResolver&) = delete;
  SubjectResolver& operator=(const SubjectResolver&) = delete;

  // Forgets every subject and holding and gives their memory back (as if new).
  void Clear();
  // Adds a subject (no holdings yet) and returns its local index.
  uint32_t AddSubject(std::string_view subject_id);
  size_t subject_count() const { return id_off_.size(); }
  std::string_view SubjectId(uint32_t subject) const;
  // True once the subject holds an ID number.
  bool HasIdNumber(uint32_t subject) const { return has_id_[subject] != 0; }

  // Records that `subject` holds `key` of `kind` (appended as its latest holder); a
  // repeated (kind, key, subject) is ignored, as the store ignores a duplicate entry.
  // Returns false for a repeated one (the subject held the key already).
  bool AddHolding(KeyKind kind, const IndexKey& key, uint32_t subject);
  // The holders of a key, earliest first (empty if none).
  void Holders(KeyKind kind, const IndexKey& key, std::vector<uint32_t>* out) const;

  struct RowKeys {
    std::optional<IndexKey> id_number;  // the row's valid ID number
    std::optional<IndexKey> mobile;     // the row's valid mobile
    std::optional<IndexKey> email;      // the row's valid e-mail
  };
  struct Decision {
    bool create = true;           // create a subject (else join `subject`)
    uint32_t subject = 0;         // when joining
    bool takes_id = false;        // rule 1b: the joined subject had no ID number
    bool shared_contact = false;  // rule 1c
  };
  Decision Resolve(const RowKeys& row) const;

  // Other kinds: see the top comment.
  std::optional<uint32_t> Match(const std::optional<IndexKey>& id_number,
                                const std::optional<IndexKey>& mobile,
                                const std::optional<IndexKey>& member_no) const;

 private:
  struct Slot {
    uint64_t lo;
    uint32_t hi;
    uint32_t first;  // first holder; kEmpty = free slot; kMany bit = more in extra_
  };
  struct Table {
    std::vector<Slot> slots;
    size_t used = 0;
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr uint32_t kMany = 0x80000000u;

  Slot* Find(Table& t, const IndexKey& key, bool insert);
  const Slot* FindConst(const Table& t, const IndexKey& key) const;
  static void Grow(Table& t);
  uint32_t FirstHolderMatching(KeyKind kind, const IndexKey& key, bool without_id_only) const;
  static uint64_t ExtraKey(KeyKind kind, const IndexKey& key);

  std::string ids_;               // subject ids, concatenated
  std::vector<uint32_t> id_off_;  // start of each id in ids_ (its end is the next start)
  std::vector<uint8_t> has_id_;
  Table tables_[kKeyKinds];
  // Holders after the first, for the (rare) keys held by several subjects. Keyed by a
  // 64-bit digest of (kind, key); each value starts with the full key for verification.
  struct Extra {
    KeyKind kind;
    IndexKey key;
    std::vector<uint32_t> holders;  // all holders, first included
  };
  std::unordered_multimap<uint64_t, Extra> extra_;
};

}  // namespace jv::ingest
