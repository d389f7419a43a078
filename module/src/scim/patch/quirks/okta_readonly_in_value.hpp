// Okta renames a pushed group ("Update Group Name" in Okta's SCIM 2.0 protocol
// reference) with a path-less replace that repeats the group's id:
//   {"op":"replace","value":{"id":"abf4dd94-a4c0-4f67-89c9-76b03340cb9b","displayName":"Test SCIMv2"}}
// id is readOnly.  As in a PUT (RFC 7644 3.5.1), readOnly attributes inside a
// path-less value are ignored; a path that names one is still refused.
#pragma once

#include "scim/schema/registry.hpp"

namespace kestra::scim::patch::quirks {

// True when a path-less value's key resolving to `resolved` is skipped.
bool ignored_in_pathless_value(const schema::Resolved& resolved);

}  // namespace kestra::scim::patch::quirks
