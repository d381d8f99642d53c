// The synthetic population behind a generated file: persons, the households they live
// in, and a replay of SPEC §5.4 (rows → subjects) restricted to one household.
//
// Every value is made up. Names come from surname and given-name lists; mobiles, ID
// numbers and e-mail addresses are built from the person's sequential index through
// injective maps, so two different persons never share a mobile, an ID number or an
// e-mail unless the plan says so (family members share the household's mobile). That is
// what lets the generator count subjects household by household, with no global map:
// keys of different households never meet (docs/design/datagen.md).
//
//  * mobile   = "1" + [3-9] + 9 digits, an affine bijection of the person index modulo
//               7·10^9 (every index below 7·10^9 gets its own number).
//  * ID       = a real GB/T 2260 county code + birth date + a 3-digit sequence + the
//               ISO 7064 MOD 11-2 check digit; (county, sequence/2) is an injective map
//               of the person index (kMaxPersons of them), the sequence's parity is the
//               gender (GB 11643: odd = male).
//  * email    = latin handle + the person index @ example.com / example.cn / example.net.
//
// Thread-safety: PersonFactory and HouseholdSim are not thread-safe (one owner).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/common/date.h"
#include "src/common/result.h"
#include "src/datagen/rng.h"

namespace jv::datagen {

struct Person {
  int64_t index = 0;     // global person number, 0-based
  std::string name;      // canonical (what NFKC + trim yields)
  bool male = false;
  Date birth;
  bool minor = false;    // under 14 on the import date (only for minor households)
  bool has_id = false;   // the company recorded an ID number
  std::string id18;      // valid 18-character ID ("" unless has_id)
  bool has_email = false;
  std::string email;     // canonical, lower-case ("" unless has_email)
  std::string address;
  std::string bank_card; // digits, Luhn-valid, "" if none
  int ring_size = 0;     // 0 = unknown
  int level = 0;         // member level index
};

// How many persons PersonFactory can make with distinct ID numbers.
inline constexpr int64_t kMaxPersons = 3'000'000;

class PersonFactory {
 public:
  // `seed` varies the injective maps; `import_date` bounds birth dates.
  PersonFactory(uint64_t seed, const Date& import_date);

  // The next person (index = persons made so far). `minor`: born 3–13 years before the
  // import date, else 18–85 years. `has_id` / `has_email` as given.
  // Precondition (JV_CHECK): fewer than kMaxPersons made.
  Person Make(Rng& rng, bool minor, bool has_id, bool has_email);

  // The mobile of person `index` (11 digits).
  std::string MobileOf(int64_t index) const;
  // The ID number person `index` gets for `birth` and gender (distinct for distinct
  // indexes below kMaxPersons, whatever the birth dates).
  std::string IdOf(int64_t index, const Date& birth, bool male) const;
  // A valid ID number for a random adult, for free text (not unique, never a key).
  std::string RandomValidId(Rng& rng) const;
  // A random Luhn-valid card number of 16–19 digits starting with 62.
  static std::string RandomCard(Rng& rng);
  // A random plausible address in county `area` (an index into the division table):
  // "广东省广州市天河区体育西路103号…".
  std::string RandomAddress(Rng& rng, size_t area) const;

  int64_t made() const { return made_; }
  const Date& import_date() const { return import_date_; }

 private:
  // The county (index into the division table) person `index`'s ID number names, or -1
  // for a synthetic region; and the sequence pair.
  void IdSlot(int64_t index, int64_t* area, uint64_t* pair, std::string* region) const;

  Date import_date_;
  int64_t made_ = 0;
  uint64_t mobile_mul_, mobile_add_;
  uint64_t id_mul_, id_add_;
  // Per county of the division table: "省市区" and "市区" (address prefixes).
  std::vector<std::string> prefix_full_, prefix_short_;
};

// The keys one row carries, as the generator intended them after normalization:
// the household member whose ID number is valid in the row (-1: none), whether the
// household's mobile is valid in the row, the member whose e-mail is valid (-1: none).
struct RowKeys {
  int id_member = -1;
  bool mobile = false;
  int email_member = -1;
};

enum class RowOutcome { kCreated, kCreatedSharedContact, kMerged };

// SPEC §5.4 replayed over the rows of one household, in file order. Exact for the whole
// file because no key is shared between households. The ambiguous corners of §5.4
// ("else its valid email") are never reached because the generator keeps every row that
// has a valid e-mail also carrying a valid mobile, unless the person has no mobile at all
// (docs/design/datagen.md §Subjects).
class HouseholdSim {
 public:
  RowOutcome Apply(const RowKeys& k);
  size_t subjects() const { return subjects_.size(); }

 private:
  struct Subject {
    int id_member;  // -1: no ID number yet
    bool mobile;
    uint8_t emails;  // bit per member
  };
  // Earliest subject holding the row's mobile (else e-mail); `idless_only` restricts to
  // subjects without an ID number. -1 if none.
  int FindByContact(const RowKeys& k, bool idless_only) const;
  std::vector<Subject> subjects_;  // creation order
};

}  // namespace jv::datagen
