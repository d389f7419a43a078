// The PATCH "path" (RFC 7644 3.5.2): PATH = attrPath / valuePath [subAttr].
#pragma once

#include "core/result.hpp"
#include "scim/filter/ast.hpp"
#include "scim/filter/parser.hpp"

#include <string>
#include <string_view>

namespace kestra::scim::filter {

//   "name.familyName"                      → attribute {"", name, familyName}
//   "urn:…:enterprise:2.0:User:manager"    → attribute {urn…:User, manager, ""}
//   "members[value eq \"2819c223\"]"        → attribute {"", members, ""}, value_filter
//   "emails[type eq \"work\"].value"        → … value_filter, sub_attribute_after_filter "value"
// value_filter is relative to the elements (evaluate it with matches_element).
// A path that is exactly a schema URN ("urn:…:enterprise:2.0:User") parses as
// urn "urn:…:enterprise:2.0", attribute "User": callers that accept a bare
// schema URN as a path must check for it before parsing.
struct PatchPath {
  AttrPath attribute;
  NodePtr value_filter;                     // null when the path has no "[…]"
  std::string sub_attribute_after_filter;  // only with a value_filter; may be empty
};

// Errors: Error::invalid(detail, "invalidPath"), with the position.  Never throws.
Result<PatchPath> parse_patch_path(std::string_view text, const Limits& limits = {});

}  // namespace kestra::scim::filter
