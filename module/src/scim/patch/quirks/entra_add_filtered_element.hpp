// Microsoft Entra ID maps a user's work email to `emails[type eq "work"].value`
// and, when the target has no such element yet, sends an add through the
// filter (the request of wso2/charon#309, thomaspoignant/scim-patch#176):
//   {"op":"Add","path":"emails[type eq \"work\"].value","value":"john_doe@foo.com"}
// RFC 7644 gives a value filter that matches nothing no target, so a strict
// server answers noTarget and Entra retries the same request forever.  As
// SCIM-SDK does (patch/workarounds/msazure), the element is created from the
// filter: every `attr eq "literal"` term of an `and`-only filter becomes a
// sub-attribute, then the operation's value is written into it.  Only add
// does this; replace keeps RFC 7644 3.5.2.3's noTarget.
#pragma once

#include "scim/filter/ast.hpp"

#include <boost/json/object.hpp>

#include <optional>

namespace kestra::scim::patch::quirks {

// {type:"work"} for `type eq "work"`, {type:"work", primary:true} for
// `type eq "work" and primary eq true`.  nullopt when the filter has a term
// that is not `eq` on a string or boolean, an or/not, or names a
// sub-attribute twice.
std::optional<boost::json::object> element_from_filter(const filter::Node& filter);

}  // namespace kestra::scim::patch::quirks
