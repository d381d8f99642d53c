#include "src/ingest/subject_attrs.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "src/ingest/json_text.h"

namespace jv::ingest {
namespace {

using json = nlohmann::json;

// The reference: the object built key by key with nlohmann and dumped, as
// Importer::SubjectAttrs does for a subject that already exists.
std::string Reference(const CreatedSubjectAttrs& a) {
  json o = json::object();
  if (a.store) o["store"] = std::string(*a.store);
  if (a.region) {
    o["province"] = std::string(a.region->province);
    o["city"] = std::string(a.region->city);
    o["region_from"] = std::string(a.region->from);
  }
  json cl = json::array();
  for (std::string_view c : a.categories) cl.push_back(std::string(c));
  o["categories"] = std::move(cl);
  if (a.customer) {
    o["has_id"] = a.customer->has_id;
    o["minor"] = a.customer->minor;
    o["last_source"] = std::string(a.customer->last_source);
  }
  return o.dump();
}

TEST(CreatedSubjectAttrsTest, SameBytesAsNlohmannForEveryCombination) {
  // Store names need every kind of escape; the rest are plain.
  const std::string stores[] = {"旗舰店", "A\"B\\C", "tab\there\nnew\x01\x1f\x7f", ""};
  const std::vector<std::string_view> category_sets[] = {
      {}, {"identity"}, {"identity", "contact", "financial", "customer_items"}};
  int checked = 0;
  for (int mask = 0; mask < 8; ++mask) {
    for (const auto& cats : category_sets) {
      for (const std::string& store : stores) {
        for (int flags = 0; flags < 4; ++flags) {
          CreatedSubjectAttrs a;
          a.categories = cats;
          if (mask & 1) a.store = store;
          if (mask & 2) a.region = CreatedSubjectAttrs::Region{"44", "4401", flags & 1 ? "id" : "address"};
          if (mask & 4) {
            a.customer = CreatedSubjectAttrs::Customer{(flags & 1) != 0, (flags & 2) != 0,
                                                       "src_0001"};
          }
          EXPECT_EQ(CreatedSubjectAttrsJson(a), Reference(a)) << mask << " " << flags;
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 8 * 3 * 4 * 4);
}

TEST(JsonTextTest, EscapesLikeNlohmann) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all += "玉匣\xF0\x9F\x92\x8E";
  std::string out;
  AppendJsonString(all, &out);
  EXPECT_EQ(out, json(all).dump());
  out.clear();
  AppendJsonString("", &out);
  EXPECT_EQ(out, "\"\"");
}

}  // namespace
}  // namespace jv::ingest
