// Parses an RFC 7644 3.4.2.2 filter into the AST (ast.hpp).
#pragma once

#include "core/result.hpp"
#include "scim/filter/ast.hpp"

#include <cstddef>
#include <string_view>

namespace kestra::scim::filter {

// Input caps.  A filter beyond any of them is rejected, never truncated.
struct Limits {
  std::size_t max_length = 4096;  // bytes of text
  std::size_t max_nodes = 256;    // AST nodes
  std::size_t max_depth = 32;     // nesting of "(…)", "not (…)" and "[…]" groups
};

// Grammar (RFC 7644 3.4.2.2 with errata 7322 for valFilter), precedence
// or < and < not < atom, and/or left-associative:
//   filter    = or
//   or        = and *("or" and)
//   and       = not *("and" not)
//   not       = "not" "(" or ")" / atom
//   atom      = "(" or ")" / attrPath "[" valFilter "]" ["." ATTRNAME opTail] / attrPath opTail
//   opTail    = "pr" / compareOp compValue
// Operators, "and", "or", "not", true, false and null are case-insensitive.
// Strings are JSON strings (escapes and surrogate pairs decoded to UTF-8),
// numbers follow the JSON number grammar and keep their text.
//
// attrPath: a word with a ':' is split at its last ':' into the schema URN and
// "attr[.sub]" ("urn:…:enterprise:2.0:User:manager.value" → urn
// "urn:…:enterprise:2.0:User", attribute "manager", sub "value").  Inside
// "[…]" paths are relative to the element: no URN, no sub-attribute, no
// nested "[…]".
//
// The Microsoft Entra form `emails[type eq "work"].value eq "x"` becomes the
// value path `emails[(type eq "work" and value eq "x")]`: one element must
// satisfy both.
//
// Errors: Error::invalid(detail, "invalidFilter"); the detail names what is
// wrong and its 1-based position in the text.  Never throws.
Result<NodePtr> parse_filter(std::string_view text, const Limits& limits = {});

}  // namespace kestra::scim::filter
