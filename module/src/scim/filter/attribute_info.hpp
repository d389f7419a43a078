// What the evaluator needs to know of an attribute: filled from the schemas
// (scim/schema) so that caseExact and typed comparison follow them.
#pragma once

#include "scim/filter/ast.hpp"

#include <functional>
#include <optional>

namespace kestra::scim::filter {

struct AttributeInfo {
  enum class Type { String, Boolean, Decimal, Integer, DateTime, Binary, Reference, Complex } type = Type::String;
  bool case_exact = false;
  bool multi_valued = false;
};

// Resolves a path (relative to the resource, or, inside a value path, to the
// element: then `parent` names the multi-valued attribute).  nullopt: no such
// attribute.
using AttributeLookup =
    std::function<std::optional<AttributeInfo>(const AttrPath& path, const AttrPath* parent)>;

}  // namespace kestra::scim::filter
