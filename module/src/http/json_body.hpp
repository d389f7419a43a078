// Request bodies as JSON, read within limits by Boost.JSON's SAX parser
// (basic_parser), so that no document beyond them is ever built.
#pragma once

#include "core/result.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <string_view>

namespace kestra::http {

struct JsonLimits {
  std::size_t max_bytes = 1048576;    // the body's size
  std::size_t max_depth = 32;         // nesting of arrays and objects
  std::size_t max_elements = 100000;  // values of every kind, containers included
};

// The body as one JSON object.  Errors:
// - PayloadTooLarge: more than max_bytes;
// - InvalidInput "invalidSyntax": empty, not JSON (invalid UTF-8 included),
//   not an object, nested deeper than max_depth, more than max_elements
//   values, or a key that appears twice in one object (RFC 8259 leaves the
//   meaning open; Boost.JSON would keep one silently);
// - InvalidInput "invalidValue": a key or string holding U+0000 (no store
//   keeps it), a number beyond the range of a double.
Result<boost::json::object> parse_json_object(std::string_view body, const JsonLimits& limits);

}  // namespace kestra::http
