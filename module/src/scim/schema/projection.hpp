// The `attributes` / `excludedAttributes` parameters (RFC 7644 3.4.2.5, 3.9)
// and the `returned` characteristic (RFC 7643 2.4), applied to a stored
// resource before it is sent.
//
// - Names are comma-separated, case-insensitive, optionally URN-qualified
//   ("urn:…:User:name.givenName"); a sub-attribute selects that part of a
//   complex attribute ("emails.value"); a bare extension URN names the whole
//   extension.  Names that match no attribute are ignored (the RFC defines no
//   error for them); malformed ones (brackets, quotes, blanks inside a name)
//   are refused with invalidValue, as is a parameter over 8 KiB.
// - `returned: always` (id, and meta, as RFC 7644 3.9's example shows) is
//   kept whatever the parameters say; `never` (password) is never returned;
//   `request` only when named in `attributes`.
// - With `attributes`, only the named attributes (plus always) remain; with
//   `excludedAttributes`, the default set minus the named ones.  Both may be
//   given: the named set minus the excluded names.
// - A complex value left empty is removed, and so is an extension's URN from
//   `schemas` when its object is removed.
#pragma once

#include "core/result.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/object.hpp>

#include <string_view>
#include <vector>

namespace kestra::scim::schema {

struct Projection {
  // One name from a parameter.  attribute == nullptr: a whole schema (a bare URN).
  struct Name {
    const Schema* schema = nullptr;  // the common schema for id / externalId / meta
    const Attribute* attribute = nullptr;
    const Attribute* sub_attribute = nullptr;
  };

  // Points into the registry: it must outlive the projection.
  const Registry* registry = nullptr;
  const ResourceType* type = nullptr;
  bool has_attributes = false;  // `attributes` named something (even if none of its names is known)
  std::vector<Name> attributes;
  std::vector<Name> excluded;
};

// The parameters as received, URL-decoded by the caller; empty (or only
// commas and blanks) means "parameter absent".
Result<Projection> parse_projection(const Registry& registry, const ResourceType& type, std::string_view attributes,
                                    std::string_view excluded);

// Removes from `resource` (a stored document of the projection's type) what the
// client should not see.
void apply(const Projection& projection, boost::json::object& resource);

// Whether any part of `attribute` ("members", "emails.value", a URN-qualified
// name or an extension URN) survives apply(): lets callers skip loading it.
// Unknown names answer true.
bool wants(const Projection& projection, std::string_view attribute);

}  // namespace kestra::scim::schema
