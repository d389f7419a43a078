// Evaluates a filter AST against JSON in memory (PATCH value paths, and any
// check that must not go to the database).
#pragma once

#include "scim/filter/ast.hpp"
#include "scim/filter/attribute_info.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace kestra::scim::filter {

// Semantics (RFC 7644 3.4.2.2), shared with the SQL compiler:
// - Attribute names match JSON keys case-insensitively.  A URN-qualified path
//   reads inside the member keyed by the URN (extension schemas); when there
//   is no such object and the URN is a core schema
//   ("urn:ietf:params:scim:schemas:core:…") it reads at top level.
// - Multi-valued attributes match when ANY element matches.  A complex
//   attribute compared without a sub-attribute (`emails co "x"`,
//   `…:manager eq "id"`) compares its elements' (its) "value".
// - `ne` is exactly `not (eq)`: an absent attribute is `ne` anything, and a
//   multi-valued one is `ne v` when no element equals v.
// - `pr`: present and not null, "", [] or {} (an array counts when one of its
//   elements does, an object when one of its members does).
// - `eq null` is `not (pr)` (absent, null or empty); `ne null` is `pr`.
//   Other operators with null: false.
// - Strings: case-insensitive (ASCII folding) unless the lookup says
//   caseExact; co/sw/ew apply to strings only; gt/ge/lt/le compare bytes
//   (UTF-8 code point order).  DateTime attributes compare as instants when
//   both sides parse as RFC 3339 (offsets, fractional seconds; no offset = UTC),
//   else as strings.
// - Numbers compare numerically (exactly when both are integers).  Booleans:
//   eq/ne only; for a Boolean attribute a string literal "true"/"false"
//   (any case, as Microsoft Entra sends) compares to the JSON boolean.
// - Type mismatches are false (so `ne` on them is true); nothing throws.
//   (The SQL compiler rejects them as invalidFilter instead.)
// The lookup supplies type and caseExact; when it returns nullopt (or is
// empty) the JSON type of the value decides and strings are case-insensitive.
bool matches(const Node& node, const boost::json::object& resource, const AttributeLookup& lookup);

// Evaluates a value-path filter (paths relative to the element) against one
// element of the multi-valued attribute `parent`.  A primitive element is
// addressed as "value" (`schemas[value eq "urn:…"]`) and described by the
// lookup of `parent` itself; other paths are looked up as (path, &parent).
bool matches_element(const Node& node, const boost::json::value& element, const AttrPath& parent,
                     const AttributeLookup& lookup);

}  // namespace kestra::scim::filter
