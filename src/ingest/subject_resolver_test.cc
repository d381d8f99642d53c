#include "src/ingest/subject_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "src/common/bytes.h"
#include "src/crypto/hash.h"

namespace jv::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A key like the importer's (the first 96 bits of a MAC), here from SHA-256 of a label.
IndexKey K(const std::string& kind, const std::string& value) {
  return IndexKeyFromMac(crypto::Sha256(AsBytes(kind + '\0' + value)));
}

// Drives the resolver as the importer does: resolve, create or join, record holdings.
struct Sim {
  SubjectResolver r;
  int shared = 0;
  int merged = 0;

  struct Row {
    std::optional<std::string> id, mobile, email;
  };

  uint32_t Add(const Row& row, SubjectResolver::Decision* out = nullptr) {
    SubjectResolver::RowKeys keys;
    if (row.id) keys.id_number = K("id_number", *row.id);
    if (row.mobile) keys.mobile = K("mobile", *row.mobile);
    if (row.email) keys.email = K("email", *row.email);
    SubjectResolver::Decision d = r.Resolve(keys);
    if (out != nullptr) *out = d;
    uint32_t s;
    if (d.create) {
      s = r.AddSubject("s_" + std::to_string(r.subject_count()));
      if (d.shared_contact) ++shared;
    } else {
      s = d.subject;
      ++merged;
    }
    if (keys.id_number) r.AddHolding(KeyKind::kIdNumber, *keys.id_number, s);
    if (keys.mobile) r.AddHolding(KeyKind::kMobile, *keys.mobile, s);
    if (keys.email) r.AddHolding(KeyKind::kEmail, *keys.email, s);
    return s;
  }
};

const std::string kId1 = "id-one", kId2 = "id-two", kId3 = "id-three";
const std::string kM = "13800000001", kM2 = "13800000002";
const std::string kE = "a@example.com";

TEST(SubjectResolverTest, RowWithoutAnyKeyAlwaysCreates) {
  Sim s;
  EXPECT_EQ(s.Add({}), 0u);
  EXPECT_EQ(s.Add({}), 1u);
  EXPECT_EQ(s.r.subject_count(), 2u);
  EXPECT_EQ(s.merged, 0);
}

TEST(SubjectResolverTest, ClearForgetsEverything) {
  Sim s;
  uint32_t a = s.Add({kId1, kM, std::nullopt});
  EXPECT_EQ(s.Add({kId1, std::nullopt, std::nullopt}), a);
  s.r.Clear();
  EXPECT_EQ(s.r.subject_count(), 0u);
  SubjectResolver::Decision d;
  EXPECT_EQ(s.Add({kId1, kM, std::nullopt}, &d), 0u);  // a new subject again
  EXPECT_TRUE(d.create);
}

TEST(SubjectResolverTest, Rule1aSameIdJoins) {
  Sim s;
  uint32_t a = s.Add({kId1, kM, std::nullopt});
  SubjectResolver::Decision d;
  EXPECT_EQ(s.Add({kId1, kM2, kE}, &d), a);  // other contact, same ID: same person
  EXPECT_FALSE(d.create);
  EXPECT_FALSE(d.takes_id);
  EXPECT_FALSE(d.shared_contact);
  EXPECT_TRUE(s.r.HasIdNumber(a));
}

TEST(SubjectResolverTest, Rule1bSubjectWithoutIdTakesTheId) {
  Sim s;
  uint32_t a = s.Add({std::nullopt, kM, std::nullopt});
  EXPECT_FALSE(s.r.HasIdNumber(a));
  SubjectResolver::Decision d;
  EXPECT_EQ(s.Add({kId1, kM, std::nullopt}, &d), a);
  EXPECT_TRUE(d.takes_id);
  EXPECT_TRUE(s.r.HasIdNumber(a));
  // From now on the ID finds it directly.
  EXPECT_EQ(s.Add({kId1, std::nullopt, std::nullopt}, &d), a);
  EXPECT_FALSE(d.takes_id);
}

TEST(SubjectResolverTest, Rule1cContactOfAnotherIdCreatesAndCountsSharedContact) {
  Sim s;
  uint32_t a = s.Add({kId1, kM, std::nullopt});
  SubjectResolver::Decision d;
  uint32_t b = s.Add({kId2, kM, std::nullopt}, &d);  // a family member on the same phone
  EXPECT_NE(a, b);
  EXPECT_TRUE(d.create);
  EXPECT_TRUE(d.shared_contact);
  EXPECT_EQ(s.shared, 1);
  // Two IDs never merge, whatever comes later.
  EXPECT_EQ(s.Add({kId2, kM, kE}), b);
  EXPECT_EQ(s.Add({kId1, kM, kE}), a);
  EXPECT_EQ(s.shared, 1);
}

TEST(SubjectResolverTest, Rule1dNothingKnownCreatesWithoutSharedContact) {
  Sim s;
  s.Add({kId1, kM, std::nullopt});
  SubjectResolver::Decision d;
  s.Add({kId2, kM2, std::nullopt}, &d);
  EXPECT_TRUE(d.create);
  EXPECT_FALSE(d.shared_contact);
}

TEST(SubjectResolverTest, Rule1bPrefersTheSubjectWithoutIdOverAnEarlierOneWithAnId) {
  Sim s;
  uint32_t with_id = s.Add({kId1, kM, std::nullopt});
  // A row without ID but with an e-mail only creates a subject; give it the mobile too.
  uint32_t no_id = s.r.AddSubject("s_manual");
  s.r.AddHolding(KeyKind::kMobile, K("mobile", kM), no_id);
  SubjectResolver::Decision d;
  EXPECT_EQ(s.Add({kId2, kM, std::nullopt}, &d), no_id);
  EXPECT_TRUE(d.takes_id);
  EXPECT_FALSE(d.shared_contact);
  EXPECT_NE(no_id, with_id);
}

TEST(SubjectResolverTest, ContactIsTheEmailOnlyWhenThereIsNoValidMobile) {
  Sim s;
  uint32_t a = s.Add({std::nullopt, std::nullopt, kE});
  SubjectResolver::Decision d;
  // Row with ID and e-mail, no mobile: the e-mail is the contact -> joins, takes the ID.
  EXPECT_EQ(s.Add({kId1, std::nullopt, kE}, &d), a);
  EXPECT_TRUE(d.takes_id);
  // Row with ID, a new mobile and the known e-mail: the mobile is the contact; nobody
  // holds it -> a new subject (documented reading of "mobile (else e-mail)").
  Sim t;
  uint32_t b = t.Add({std::nullopt, std::nullopt, kE});
  EXPECT_NE(t.Add({kId1, kM, kE}, &d), b);
  EXPECT_TRUE(d.create);
  EXPECT_FALSE(d.shared_contact);
  // Same for a row without ID.
  Sim u;
  uint32_t c = u.Add({std::nullopt, std::nullopt, kE});
  EXPECT_NE(u.Add({std::nullopt, kM, kE}), c);
  EXPECT_EQ(u.Add({std::nullopt, std::nullopt, kE}), c);
}

TEST(SubjectResolverTest, Rule2RowWithoutIdJoinsTheEarliestHolder) {
  Sim s;
  uint32_t a = s.Add({kId1, kM, std::nullopt});
  uint32_t b = s.Add({kId2, kM, std::nullopt});  // shared contact
  ASSERT_NE(a, b);
  SubjectResolver::Decision d;
  EXPECT_EQ(s.Add({std::nullopt, kM, std::nullopt}, &d), a);
  EXPECT_FALSE(d.create);
  EXPECT_FALSE(d.takes_id);
  // A subject with an ID is joined by a row without ID (the rule only looks at holders).
  EXPECT_EQ(s.Add({std::nullopt, kM, kE}), a);
  EXPECT_EQ(s.Add({std::nullopt, std::nullopt, kE}), a);
}

TEST(SubjectResolverTest, Rule2WithoutAnyHolderCreates) {
  Sim s;
  s.Add({std::nullopt, kM, std::nullopt});
  SubjectResolver::Decision d;
  s.Add({std::nullopt, kM2, std::nullopt}, &d);
  EXPECT_TRUE(d.create);
}

TEST(SubjectResolverTest, OrderEffectsAreThoseOfTheRules) {
  // Order A: contact first, then two IDs.
  Sim a;
  uint32_t s1 = a.Add({std::nullopt, kM, std::nullopt});  // creates S1
  EXPECT_EQ(a.Add({kId1, kM, std::nullopt}), s1);           // S1 takes ID1
  uint32_t s2 = a.Add({kId2, kM, std::nullopt});            // shared contact -> S2
  EXPECT_NE(s2, s1);
  EXPECT_EQ(a.Add({std::nullopt, kM, std::nullopt}), s1);   // earliest holder
  EXPECT_EQ(a.r.subject_count(), 2u);
  EXPECT_EQ(a.shared, 1);
  EXPECT_EQ(a.merged, 2);

  // Order B: the same rows, the ID rows first: the contact-only row joins ID1's subject.
  Sim b;
  uint32_t t1 = b.Add({kId1, kM, std::nullopt});
  uint32_t t2 = b.Add({kId2, kM, std::nullopt});
  EXPECT_NE(t1, t2);
  EXPECT_EQ(b.Add({std::nullopt, kM, std::nullopt}), t1);
  EXPECT_EQ(b.Add({std::nullopt, kM, std::nullopt}), t1);
  EXPECT_EQ(b.r.subject_count(), 2u);
  EXPECT_EQ(b.shared, 1);

  // Order C: ID2 first, then a contact-only row, then ID1: the contact-only row joined the
  // subject with ID2, so ID1 cannot take it -> shared contact.
  Sim c;
  uint32_t u2 = c.Add({kId2, kM, std::nullopt});
  EXPECT_EQ(c.Add({std::nullopt, kM, std::nullopt}), u2);
  uint32_t u1 = c.Add({kId1, kM, std::nullopt});
  EXPECT_NE(u1, u2);
  EXPECT_EQ(c.shared, 1);
}

TEST(SubjectResolverTest, EarliestHolderIsTheFirstToHoldTheKey) {
  Sim s;
  uint32_t a = s.Add({kId1, kM2, std::nullopt});  // A: ID1, M2
  uint32_t b = s.Add({kId2, kM, std::nullopt});   // B: ID2, M (first holder of M)
  EXPECT_EQ(s.Add({kId1, kM, std::nullopt}), a);  // A now also holds M (second)
  std::vector<uint32_t> h;
  s.r.Holders(KeyKind::kMobile, K("mobile", kM), &h);
  EXPECT_THAT(h, ElementsAre(b, a));
  EXPECT_EQ(s.Add({std::nullopt, kM, std::nullopt}), b);
}

TEST(SubjectResolverTest, HoldingsIgnoreDuplicatesAndKeepOrder) {
  SubjectResolver r;
  uint32_t a = r.AddSubject("s_a");
  uint32_t b = r.AddSubject("s_b");
  uint32_t c = r.AddSubject("s_c");
  IndexKey k = K("mobile", kM);
  r.AddHolding(KeyKind::kMobile, k, c);
  r.AddHolding(KeyKind::kMobile, k, a);
  r.AddHolding(KeyKind::kMobile, k, c);
  r.AddHolding(KeyKind::kMobile, k, b);
  r.AddHolding(KeyKind::kMobile, k, a);
  std::vector<uint32_t> h;
  r.Holders(KeyKind::kMobile, k, &h);
  EXPECT_THAT(h, ElementsAre(c, a, b));
  // Kinds are separate tables.
  r.Holders(KeyKind::kEmail, k, &h);
  EXPECT_THAT(h, IsEmpty());
  EXPECT_EQ(r.SubjectId(b), "s_b");
  EXPECT_FALSE(r.HasIdNumber(a));
  r.AddHolding(KeyKind::kIdNumber, K("id_number", kId1), a);
  EXPECT_TRUE(r.HasIdNumber(a));
}

TEST(SubjectResolverTest, ManyKeysSurviveTableGrowth) {
  SubjectResolver r;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    uint32_t s = r.AddSubject("s_" + std::to_string(i));
    r.AddHolding(KeyKind::kMobile, K("mobile", std::to_string(i)), s);
    if (i % 1000 == 0) r.AddHolding(KeyKind::kMobile, K("mobile", "shared"), s);
  }
  std::vector<uint32_t> h;
  for (int i = 0; i < n; i += 997) {
    r.Holders(KeyKind::kMobile, K("mobile", std::to_string(i)), &h);
    ASSERT_THAT(h, ElementsAre(static_cast<uint32_t>(i))) << i;
  }
  r.Holders(KeyKind::kMobile, K("mobile", "shared"), &h);
  ASSERT_EQ(h.size(), static_cast<size_t>(n / 1000));
  EXPECT_EQ(h[0], 0u);
  EXPECT_EQ(h[1], 1000u);
  r.Holders(KeyKind::kMobile, K("mobile", "absent"), &h);
  EXPECT_THAT(h, IsEmpty());
}

TEST(SubjectResolverTest, MatchFallsThroughIdMobileMemberNumber) {
  SubjectResolver r;
  uint32_t a = r.AddSubject("s_a");
  uint32_t b = r.AddSubject("s_b");
  uint32_t c = r.AddSubject("s_c");
  r.AddHolding(KeyKind::kIdNumber, K("id_number", kId1), a);
  r.AddHolding(KeyKind::kMobile, K("mobile", kM), b);
  r.AddHolding(KeyKind::kMemberNo, K("member_no", "VIP001"), c);
  EXPECT_EQ(r.Match(K("id_number", kId1), K("mobile", kM), std::nullopt), a);
  EXPECT_EQ(r.Match(K("id_number", kId2), K("mobile", kM), std::nullopt), b);
  EXPECT_EQ(r.Match(std::nullopt, K("mobile", kM2), K("member_no", "VIP001")), c);
  EXPECT_EQ(r.Match(K("id_number", kId3), K("mobile", kM2), K("member_no", "X")), std::nullopt);
  EXPECT_EQ(r.Match(std::nullopt, std::nullopt, std::nullopt), std::nullopt);
}

}  // namespace
}  // namespace jv::ingest
