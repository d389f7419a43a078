// Microsoft Entra ID (the SCIM job without ?aadOptscim062020, per Microsoft's
// "Known issues and resolutions with SCIM 2.0 protocol compliance") writes the
// operation names capitalised:
//   {"op":"Replace","path":"active","value":"False"}
//   {"op":"Remove","path":"members","value":[{"value":"u1091"}]}
// and clients differ on "Operations" / "operations".  Names of the PatchOp
// message are matched ASCII case-insensitively.
#pragma once

#include "scim/patch/patch.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace kestra::scim::patch::quirks {

// "add" / "remove" / "replace" in any case; nullopt for anything else.
std::optional<OpKind> op_kind_from_name(std::string_view name);

// The member named `key` in any case (an exact match first); null when absent.
const boost::json::value* find_any_case(const boost::json::object& object, std::string_view key);

}  // namespace kestra::scim::patch::quirks
