// The claims builder of report.h: counts and fen sums by claim status, customer items by
// kind, the creditors' totals. No subject id, name, contact or single amount is listed.
// (Apart from the retention builders: liquidation.h and retention_rules.h both define the
// class names.)
#include <map>

#include "src/report/builders_internal.h"
#include "src/workflow/claims.h"
#include "src/workflow/items.h"
#include "src/workflow/liquidation.h"

namespace jv::report {

using json = nlohmann::json;
namespace wf = jv::workflow;

namespace {

int64_t Int(const json& o, const char* k) {
  if (!o.is_object() || !o.contains(k) || !o[k].is_number_integer()) return 0;
  return o[k].get<int64_t>();
}

}  // namespace

Result<Report> BuildClaimsReport(vault::Vault& v) {
  Report r{"claims", "债权申报与客户财物", "Claims and customer items", "", "", {}};
  JV_ASSIGN_OR_RETURN(json claims, wf::ListClaims(v));
  struct Sums {
    int64_t count = 0, declared = 0, ledger = 0, confirmed = 0, paid = 0;
  };
  std::map<std::string, Sums> by;
  const std::vector<std::string> order = {"declared", "verified", "disputed", "confirmed", "paid"};
  for (const json& c : claims["claims"]) {
    Sums& s = by[c.value("status", "")];
    ++s.count;
    s.declared += Int(c, "declared_fen");
    s.ledger += Int(c, "ledger_fen");
    s.confirmed += Int(c, "confirmed_fen");
    s.paid += Int(c, "paid_fen");
  }
  Table t{"claims_by_status",
          "按状态（金额单位：分）",
          "By status (amounts in fen)",
          {{"status", "状态", "Status"},
           {"count", "件数", "Claims"},
           {"declared_fen", "申报金额", "Declared"},
           {"ledger_fen", "账面金额", "Ledger"},
           {"confirmed_fen", "确认金额", "Confirmed"},
           {"paid_fen", "已付金额", "Paid"}},
          {},
          1};
  Sums total;
  for (const auto& st : order) {
    const Sums s = by.count(st) ? by[st] : Sums{};
    t.rows.push_back({st, s.count, s.declared, s.ledger, s.confirmed, s.paid});
    total.count += s.count;
    total.declared += s.declared;
    total.ledger += s.ledger;
    total.confirmed += s.confirmed;
    total.paid += s.paid;
  }
  r.tables.push_back(std::move(t));
  r.tables.push_back({"claims_totals",
                      "合计（金额单位：分）",
                      "Totals (amounts in fen)",
                      {{"count", "件数", "Claims"},
                       {"declared_fen", "申报金额", "Declared"},
                       {"ledger_fen", "账面金额", "Ledger"},
                       {"confirmed_fen", "确认金额", "Confirmed"},
                       {"paid_fen", "已付金额", "Paid"}},
                      {{total.count, total.declared, total.ledger, total.confirmed, total.paid}},
                      -1});

  JV_ASSIGN_OR_RETURN(json items, wf::ListItems(v, {}));
  std::map<std::string, std::pair<int64_t, int64_t>> kinds;  // kind -> (held, returned)
  for (const json& it : items["items"]) {
    const json& f = it.contains("item") ? it["item"] : json::object();
    std::string kind = f.contains("item_type") && f["item_type"].is_string()
                           ? f["item_type"].get<std::string>()
                           : "";
    if (kind.empty()) kind = "unknown";
    auto& k = kinds[kind];
    (it.value("status", "") == "returned" ? k.second : k.first) += 1;
  }
  Table ik{"items_by_kind",
           "客户财物（按类型）",
           "Customer items by kind",
           {{"kind", "类型", "Kind"}, {"held", "在库", "Held"}, {"returned", "已返还", "Returned"}},
           {},
           1};
  for (const auto& [k, n] : kinds) ik.rows.push_back({k, n.first, n.second});
  r.tables.push_back(std::move(ik));

  JV_ASSIGN_OR_RETURN(wf::CreditorsReport cr, wf::ListCreditors(v));
  r.tables.push_back({"creditors",
                      "客户债权人（金额单位：分）",
                      "Customer creditors (amounts in fen)",
                      {{"creditors", "债权人数", "Creditors"},
                       {"prepaid_holders", "储值余额持有人", "Prepaid holders"},
                       {"deposit_holders", "定金持有人", "Deposit holders"},
                       {"points_holders", "积分持有人", "Points holders"},
                       {"item_owners", "财物所有人", "Item owners"},
                       {"total_prepaid_fen", "储值余额合计", "Prepaid total"},
                       {"total_deposit_fen", "定金合计", "Deposit total"},
                       {"unmatched_balance_rows", "未匹配余额行", "Unmatched balance rows"},
                       {"unmatched_item_rows", "未匹配财物行", "Unmatched item rows"}},
                      {{static_cast<int64_t>(cr.creditors.size()), cr.prepaid_holders,
                        cr.deposit_holders, cr.points_holders, cr.item_owners, cr.total_prepaid_fen,
                        cr.total_deposit_fen, cr.unmatched_balance_rows, cr.unmatched_item_rows}},
                      -1});
  return r;
}

}  // namespace jv::report
