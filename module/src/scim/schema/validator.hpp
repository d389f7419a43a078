// Turns a POST / PUT body into the stored document of a resource, driven by
// the schemas (RFC 7643, RFC 7644 3.3 and 3.5.1).
//
// Rules, where the RFCs leave a choice:
// - `schemas` must be an array listing the core schema.  Extension URNs of the
//   resource type are kept when their object holds data; an extension object
//   whose URN is not listed is refused.  Other URNs (Entra lists Microsoft's)
//   are dropped when the body holds no data under them, refused otherwise.
// - Names match case-insensitively and come out in the schema's spelling; a
//   name that is in no schema is refused (invalidSyntax: the body does not
//   conform to the request schema).  So is one attribute given twice.
// - readOnly attributes (id, meta, groups, members.display, ...) are ignored;
//   writeOnly ones (password) are type-checked and dropped, never stored.
// - null, an empty array and an empty complex value mean "absent".
// - A single value where an array is expected is wrapped; "true"/"False"
//   strings become booleans (Entra); a singular complex attribute with a
//   `value` sub-attribute accepts a bare string as that value (Entra's manager).
// - canonicalValues are not enforced: IdPs send their own `type` labels.
// - At most one element of a multi-valued attribute has primary: true.
// - Required attributes (userName, Group displayName) must be present and,
//   for strings, not blank.
// - Replace: an immutable attribute already set must keep its value
//   (scimType mutability); omitted, it is carried over from `existing`.
//   Sub-attributes of multi-valued attributes are not compared (PUT replaces
//   the whole list: members.value is immutable per member, not per list).
// - externalId and active stay in the result (the caller stores them apart).
#pragma once

#include "core/result.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace kestra::scim::schema {

enum class Mode { Create, Replace };

// The normalised document: `schemas` first, core and common attributes by
// their schema names, extension data under the extension URN.  `existing`
// (the stored document) is read only for Replace.
Result<boost::json::object> validate_resource(const Registry& registry, const ResourceType& type,
                                              const boost::json::object& input, Mode mode,
                                              const boost::json::object* existing = nullptr);

// One value for `attribute` (type checks, wrapping, boolean strings, primary
// rule, sub-attribute names), as PATCH needs it.  nullopt: the value means
// "absent".  `path` names the attribute in error messages.  Mutability of
// `attribute` itself is the caller's concern.
Result<std::optional<boost::json::value>> validate_value(const Attribute& attribute, const boost::json::value& value,
                                                         std::string_view path);

// RFC 3339 date-time (offset required: "Z" or "+hh:mm").
bool is_date_time(std::string_view text);

// invalidValue when `value` (the attribute `name`) has more than `max_chars`
// characters.
Result<void> check_length(std::string_view name, std::string_view value, std::size_t max_chars);
// InvalidInput (invalidValue) when `value` holds a control character (C0,
// DEL, C1: CR, LF, NUL among them) or a bidirectional embedding, override
// or isolate (U+202A..U+202E, U+2066..U+2069): names and addresses people
// read in logs, lists and mail must look like what they are.
Result<void> check_plain_text(std::string_view name, std::string_view value);

}  // namespace kestra::scim::schema
