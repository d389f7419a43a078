// The same Entra request (unqualified_extension.hpp) gives the single-valued
// complex manager as a one-element array:
//   "value":[{"$ref":"http://.../scim/Users/2819c223-…","value":"2819c223-…"}]
// For a single-valued attribute, a one-element array stands for its element.
#pragma once

#include "scim/schema/registry.hpp"

#include <boost/json/value.hpp>

namespace kestra::scim::patch::quirks {

// `value` itself unless `attribute` is single-valued and `value` is an array of exactly one element.
const boost::json::value& unwrap_singleton_array(const schema::Attribute& attribute, const boost::json::value& value);

}  // namespace kestra::scim::patch::quirks
