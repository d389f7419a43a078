// A canonical text form of the AST, for logs, tests and debugging.  Every
// "and"/"or" is parenthesised, "not" is written "not (…)" around atoms, names
// keep their case, operators are lowercase, strings are JSON-escaped.  The
// result parses back to the same tree.
#pragma once

#include "scim/filter/ast.hpp"

#include <string>
#include <string_view>

namespace kestra::scim::filter {

std::string_view to_string(CompareOp op);
std::string to_string(const AttrPath& path);  // "urn:…:User:name.familyName"
std::string to_string(const Literal& literal);
std::string to_string(const Node& node);

}  // namespace kestra::scim::filter
