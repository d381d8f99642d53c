#include "src/ingest/subject_attrs.h"

#include "src/ingest/json_text.h"

namespace jv::ingest {

std::string CreatedSubjectAttrsJson(const CreatedSubjectAttrs& a) {
  std::string out;
  out.reserve(160);
  // Keys in bytewise order: categories, city, has_id, last_source, minor, province,
  // region_from, store.
  out.append("{\"categories\":[");
  for (size_t i = 0; i < a.categories.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(a.categories[i], &out);
  }
  out.push_back(']');
  if (a.region) {
    out.append(",\"city\":");
    AppendJsonString(a.region->city, &out);
  }
  if (a.customer) {
    out.append(a.customer->has_id ? ",\"has_id\":true" : ",\"has_id\":false");
    out.append(",\"last_source\":");
    AppendJsonString(a.customer->last_source, &out);
    out.append(a.customer->minor ? ",\"minor\":true" : ",\"minor\":false");
  }
  if (a.region) {
    out.append(",\"province\":");
    AppendJsonString(a.region->province, &out);
    out.append(",\"region_from\":");
    AppendJsonString(a.region->from, &out);
  }
  if (a.store) {
    out.append(",\"store\":");
    AppendJsonString(*a.store, &out);
  }
  out.push_back('}');
  return out;
}

}  // namespace jv::ingest
