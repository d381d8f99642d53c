#include "src/ingest/subject_resolver.h"

#include <cstring>

#include "src/common/check.h"

namespace jv::ingest {

IndexKey IndexKeyFromMac(ByteView mac) {
  JV_CHECK(mac.size() >= 12);
  IndexKey k;
  std::memcpy(&k.lo, mac.data(), 8);
  std::memcpy(&k.hi, mac.data() + 8, 4);
  return k;
}

std::string_view KeyKindName(KeyKind k) {
  switch (k) {
    case KeyKind::kIdNumber: return "id_number";
    case KeyKind::kMobile: return "mobile";
    case KeyKind::kEmail: return "email";
    case KeyKind::kMemberNo: return "member_no";
  }
  return "";
}

SubjectResolver::SubjectResolver() {
  for (Table& t : tables_) t.slots.assign(1024, Slot{0, 0, kEmpty});
}

void SubjectResolver::Clear() {
  std::string().swap(ids_);
  std::vector<uint32_t>().swap(id_off_);
  std::vector<uint8_t>().swap(has_id_);
  for (Table& t : tables_) {
    std::vector<Slot>(1024, Slot{0, 0, kEmpty}).swap(t.slots);
    t.used = 0;
  }
  std::unordered_multimap<uint64_t, Extra>().swap(extra_);
}

uint32_t SubjectResolver::AddSubject(std::string_view subject_id) {
  JV_CHECK(id_off_.size() < kMany - 1);
  uint32_t idx = static_cast<uint32_t>(id_off_.size());
  id_off_.push_back(static_cast<uint32_t>(ids_.size()));
  ids_.append(subject_id);
  has_id_.push_back(0);
  return idx;
}

std::string_view SubjectResolver::SubjectId(uint32_t subject) const {
  JV_CHECK(subject < id_off_.size());
  size_t start = id_off_[subject];
  size_t end = subject + 1 < id_off_.size() ? id_off_[subject + 1] : ids_.size();
  return std::string_view(ids_).substr(start, end - start);
}

void SubjectResolver::Grow(Table& t) {
  std::vector<Slot> old = std::move(t.slots);
  t.slots.assign(old.size() * 2, Slot{0, 0, kEmpty});
  const size_t mask = t.slots.size() - 1;
  for (const Slot& s : old) {
    if (s.first == kEmpty) continue;
    size_t i = static_cast<size_t>(s.lo) & mask;
    while (t.slots[i].first != kEmpty) i = (i + 1) & mask;
    t.slots[i] = s;
  }
}

SubjectResolver::Slot* SubjectResolver::Find(Table& t, const IndexKey& key, bool insert) {
  if (insert && (t.used + 1) * 4 > t.slots.size() * 3) Grow(t);
  const size_t mask = t.slots.size() - 1;
  size_t i = static_cast<size_t>(key.lo) & mask;
  for (;;) {
    Slot& s = t.slots[i];
    if (s.first == kEmpty) {
      if (!insert) return nullptr;
      s.lo = key.lo;
      s.hi = key.hi;
      ++t.used;
      return &s;  // caller sets `first`
    }
    if (s.lo == key.lo && s.hi == key.hi) return &s;
    i = (i + 1) & mask;
  }
}

const SubjectResolver::Slot* SubjectResolver::FindConst(const Table& t,
                                                        const IndexKey& key) const {
  const size_t mask = t.slots.size() - 1;
  size_t i = static_cast<size_t>(key.lo) & mask;
  for (;;) {
    const Slot& s = t.slots[i];
    if (s.first == kEmpty) return nullptr;
    if (s.lo == key.lo && s.hi == key.hi) return &s;
    i = (i + 1) & mask;
  }
}

uint64_t SubjectResolver::ExtraKey(KeyKind kind, const IndexKey& key) {
  return key.lo ^ (static_cast<uint64_t>(key.hi) << 17) ^
         (static_cast<uint64_t>(kind) * 0x9E3779B97F4A7C15ull);
}

bool SubjectResolver::AddHolding(KeyKind kind, const IndexKey& key, uint32_t subject) {
  JV_CHECK(subject < id_off_.size());
  if (kind == KeyKind::kIdNumber) has_id_[subject] = 1;
  Table& t = tables_[static_cast<int>(kind)];
  Slot* s = Find(t, key, /*insert=*/true);
  if (s->first == kEmpty) {
    s->first = subject;
    return true;
  }
  if ((s->first & ~kMany) == subject) return false;
  const uint64_t ek = ExtraKey(kind, key);
  if ((s->first & kMany) == 0) {
    Extra e{kind, key, {s->first, subject}};
    extra_.emplace(ek, std::move(e));
    s->first |= kMany;
    return true;
  }
  auto [b, e] = extra_.equal_range(ek);
  for (auto it = b; it != e; ++it) {
    if (it->second.kind == kind && it->second.key == key) {
      for (uint32_t h : it->second.holders) {
        if (h == subject) return false;
      }
      it->second.holders.push_back(subject);
      return true;
    }
  }
  JV_CHECK(false && "resolver: holder list missing");
  return false;
}

void SubjectResolver::Holders(KeyKind kind, const IndexKey& key,
                              std::vector<uint32_t>* out) const {
  out->clear();
  const Slot* s = FindConst(tables_[static_cast<int>(kind)], key);
  if (s == nullptr) return;
  if ((s->first & kMany) == 0) {
    out->push_back(s->first);
    return;
  }
  auto [b, e] = extra_.equal_range(ExtraKey(kind, key));
  for (auto it = b; it != e; ++it) {
    if (it->second.kind == kind && it->second.key == key) {
      *out = it->second.holders;
      return;
    }
  }
  JV_CHECK(false && "resolver: holder list missing");
}

uint32_t SubjectResolver::FirstHolderMatching(KeyKind kind, const IndexKey& key,
                                              bool without_id_only) const {
  const Slot* s = FindConst(tables_[static_cast<int>(kind)], key);
  if (s == nullptr) return kEmpty;
  if ((s->first & kMany) == 0) {
    if (without_id_only && has_id_[s->first]) return kEmpty;
    return s->first;
  }
  std::vector<uint32_t> all;
  Holders(kind, key, &all);
  for (uint32_t h : all) {
    if (!without_id_only || !has_id_[h]) return h;
  }
  return kEmpty;
}

SubjectResolver::Decision SubjectResolver::Resolve(const RowKeys& row) const {
  Decision d;
  // The contact: the valid mobile, else the valid e-mail.
  KeyKind contact_kind = KeyKind::kMobile;
  const std::optional<IndexKey>* contact = &row.mobile;
  if (!row.mobile) {
    contact_kind = KeyKind::kEmail;
    contact = &row.email;
  }
  if (row.id_number) {
    uint32_t holder = FirstHolderMatching(KeyKind::kIdNumber, *row.id_number, false);
    if (holder != kEmpty) {  // 1a
      d.create = false;
      d.subject = holder;
      return d;
    }
    if (contact->has_value()) {
      uint32_t no_id = FirstHolderMatching(contact_kind, **contact, /*without_id_only=*/true);
      if (no_id != kEmpty) {  // 1b
        d.create = false;
        d.subject = no_id;
        d.takes_id = true;
        return d;
      }
      if (FirstHolderMatching(contact_kind, **contact, false) != kEmpty) {
        d.shared_contact = true;  // 1c: every holder has another ID
      }
    }
    return d;  // 1c / 1d: create
  }
  if (contact->has_value()) {
    uint32_t holder = FirstHolderMatching(contact_kind, **contact, false);
    if (holder != kEmpty) {  // 2: join the earliest holder
      d.create = false;
      d.subject = holder;
    }
  }
  return d;
}

std::optional<uint32_t> SubjectResolver::Match(const std::optional<IndexKey>& id_number,
                                               const std::optional<IndexKey>& mobile,
                                               const std::optional<IndexKey>& member_no) const {
  if (id_number) {
    uint32_t h = FirstHolderMatching(KeyKind::kIdNumber, *id_number, false);
    if (h != kEmpty) return h;
  }
  if (mobile) {
    uint32_t h = FirstHolderMatching(KeyKind::kMobile, *mobile, false);
    if (h != kEmpty) return h;
  }
  if (member_no) {
    uint32_t h = FirstHolderMatching(KeyKind::kMemberNo, *member_no, false);
    if (h != kEmpty) return h;
  }
  return std::nullopt;
}

}  // namespace jv::ingest
