// The attributes JSON (subjects.attrs_json) of a customer an import creates, written
// directly: the same bytes as building the nlohmann::json object key by key and dumping
// it (keys in bytewise order), which cost ≈ 10 % of the import's main thread when it ran
// once per new customer. Subjects that already exist are merged with what the store holds
// through nlohmann (importer.cc, Importer::SubjectAttrs); both must agree on the keys below.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jv::ingest {

struct CreatedSubjectAttrs {
  std::vector<std::string_view> categories;  // "categories": always written, in this order
  std::optional<std::string_view> store;     // "store"
  // "province", "city", "region_from" ("id" or "address"): all three or none.
  struct Region {
    std::string_view province, city, from;
  };
  std::optional<Region> region;
  // Customers imports only: "has_id", "minor", "last_source".
  struct Customer {
    bool has_id = false;
    bool minor = false;
    std::string_view last_source;
  };
  std::optional<Customer> customer;
};

// The JSON object text, e.g. {"categories":["identity"],"has_id":true,...}.
std::string CreatedSubjectAttrsJson(const CreatedSubjectAttrs& a);

}  // namespace jv::ingest
