// Shared by the report builders (builders.cc, builders_more.cc); not part of report.h's
// contract. Errors and thread-safety as in report.h.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/report/report.h"

namespace jv::report {

// The object of an attrs_json string; {} when it is not an object.
nlohmann::json Attrs(const std::string& s);

// A two-column table (key, "count") of `counts` in key order; `chart` draws column 1.
Table CountTable(std::string id, std::string zh, std::string en, Column key,
                 const std::map<std::string, int64_t>& counts, bool chart);

// builders_claims.cc
Result<Report> BuildClaimsReport(vault::Vault& v);
// builders_records.cc
Result<Report> BuildRetentionReport(vault::Vault& v, const ReportOptions& options);
Result<Report> BuildCertificateReport(vault::Vault& v);
Result<Report> BuildAuditReport(vault::Vault& v);
// builders_requests.cc
Result<Report> BuildRequestsReport(vault::Vault& v);
// "s_abc***yz": the prefix, 3 characters and the last 2 of an id.
std::string MaskSubjectId(const std::string& id);
// "7", "7.5" or "" (no values): the median of whole days.
std::string MedianDaysText(std::vector<int64_t> days);

}  // namespace jv::report
