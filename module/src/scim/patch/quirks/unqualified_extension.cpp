#include "scim/patch/quirks/unqualified_extension.hpp"

namespace kestra::scim::patch::quirks {

std::optional<schema::Resolved> resolve_in_single_extension(const schema::Registry& registry,
                                                            const schema::ResourceType& type,
                                                            const filter::AttrPath& path) {
  if (!path.urn.empty()) return std::nullopt;
  std::optional<schema::Resolved> found;
  for (const auto& ext : type.extensions) {
    if (!ext.schema->attribute(path.attribute)) continue;
    if (found) return std::nullopt;  // ambiguous
    found = registry.resolve(type, ext.schema->id, path.attribute, path.sub_attribute);
    if (!found) return std::nullopt;
  }
  return found;
}

}  // namespace kestra::scim::patch::quirks
