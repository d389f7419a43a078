// Microsoft Entra ID (default SCIM job, documented in "Develop a SCIM endpoint"
// and "Known issues and resolutions with SCIM 2.0 compliance"), JumpCloud and
// authentik remove group members by listing them under path "members":
//   {"op":"Remove","path":"members","value":[{"$ref":null,"value":"f648f8d5ea4e4cd38e9c"}]}
//   {"op":"Remove","path":"members","value":[{"value":"u1091"}]}
// RFC 7644 3.5.2.2 defines no value for remove, and path "members" alone
// removes every member: taking it literally would empty the group.  With a
// value, only the listed values are removed — for any multi-valued attribute.
// Entra's members also carry "$ref": null, which (like any null) means absent.
#pragma once

#include "core/result.hpp"
#include "ports/resource_store.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string_view>
#include <vector>

namespace kestra::scim::patch::quirks {

// The members a value lists (an array of member objects, or one object):
// `value` required, `type` "User" (default) or "Group" in any case, null
// "$ref" and readOnly "display" ignored.  Duplicates are kept once.
// `members` is the Group schema's members attribute.
Result<std::vector<ports::MemberRef>> member_refs(const schema::Attribute& members, const boost::json::value& value,
                                                  std::string_view path);

// Removes from `elements` each element that holds every sub-attribute of some
// `listed` element with the same value.  Returns how many were removed.
std::size_t remove_listed(const schema::Attribute& attribute, boost::json::array& elements,
                          const boost::json::array& listed);

}  // namespace kestra::scim::patch::quirks
