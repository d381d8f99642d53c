// Customer-owned items held by the company (SPEC §7; RULEBOOK B5: goods under custody,
// repair, processing or consignment are not the debtor's and go back to their owners).
//
// An item is one record of class "customer_items" (one row of an `import --kind items`
// file); its id is "it_<record id>". Rows that matched no customer stay items of the
// source's "unmatched" placeholder subject and are listed with "matched": false.
// A return is an ObjectRow kind "item_return", id = the item id, subject_id = the owner,
// status "returned", attrs {returned_on, to_owner, has_reason} (nothing identifying); the
// person who collected it, the receipt number and the reason are sealed under the
// subject's "customer_items" data key (AAD binds item id and subject id).
//
// Errors: kNotFound for an unknown item; kAlreadyExists for an item already returned;
// kInvalidArgument for a missing --receipt, or a return to someone other than the owner
// without --reason; kFailedPrecondition for an item whose owner is unknown returned to
// "owner". Every call appends audit entries without personal data.
// Thread-safety: functions use the vault; one thread at a time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::workflow {

inline constexpr char kKindItemReturn[] = "item_return";

std::string ItemIdForRecord(int64_t record_id);

struct ItemsFilter {
  std::string status;  // "" (all) | "held" | "returned"
};

// Every item (masked descriptions only: type, weight, date received, fees, store, and the
// owner's masked name/mobile), in subject then record order. Audited "items.list"
// (count; purpose liquidation).
Result<nlohmann::json> ListItems(vault::Vault& v, const ItemsFilter& filter);

struct ItemReturn {
  std::string item_id;
  std::string to;       // a name, or "owner"
  std::string receipt;  // the signed receipt's number
  std::string reason;   // required when `to` is not the owner
};
// Records the return; returns {"item","subject","status":"returned","returned_on",
// "to_owner"}. Audited "items.return".
Result<nlohmann::json> ReturnItem(vault::Vault& v, const ItemReturn& r);

}  // namespace jv::workflow
