// Microsoft's "Develop a SCIM endpoint" (example 5, a request of the Entra
// provisioning service) sets the enterprise manager without the extension URN:
//   {"op":"Add","path":"manager","value":[{"$ref":"http://.../scim/Users/2819c223-7f76-453a-919d-413861904646",
//                                          "value":"2819c223-7f76-453a-919d-413861904646"}]}
// A name that is no core or common attribute of the resource type resolves in
// the one extension that defines it; when several do, it stays unknown.
#pragma once

#include "scim/filter/ast.hpp"
#include "scim/schema/registry.hpp"

#include <optional>

namespace kestra::scim::patch::quirks {

// `path` has no URN.  nullopt when no extension, or more than one, defines it.
std::optional<schema::Resolved> resolve_in_single_extension(const schema::Registry& registry,
                                                            const schema::ResourceType& type,
                                                            const filter::AttrPath& path);

}  // namespace kestra::scim::patch::quirks
