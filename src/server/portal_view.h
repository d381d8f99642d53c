// What a customer sees of themself on the portal (GET /portal/api/me): the same masked
// values as `subjects show` (workflow::ShowSubject, which audits "subject.read" with purpose
// rights_request), the notice that applies to them (the transfer notice rendered from the
// vault's template, else the liquidation creditor notice, else none) with every clear value
// of theirs in it (name, mobile, ID number, e-mail, address…) replaced by its mask, their
// responses (objection / consent) and their rights requests with status and due date.
//
// Result: {"state", "masked": {field: masked}, "notice": {"kind": "transfer"|"liquidation",
// "text"} | null, "objection": {"objected": bool, "responses": [{"type","via","at"}]},
// "requests": [{"id","type","via","received","due","status","overdue"}]}.
// Errors: kNotFound for an unknown subject; store / decryption errors as they come.
// Thread-safety: uses the vault; one thread at a time.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "src/common/result.h"
#include "src/vault/vault.h"

namespace jv::server {

Result<nlohmann::json> PortalView(vault::Vault& v, const std::string& subject_id);

// `text` with every occurrence of the values in `clear` (field -> clear value, 2+ bytes)
// replaced by the field's mask (classify::MaskValue); longest values first.
std::string MaskClearValues(std::string text,
                            const std::map<std::string, nlohmann::json>& clear);

}  // namespace jv::server
