#include "scim/patch/quirks/pathless_value_paths.hpp"
#include "core/text.hpp"

namespace kestra::scim::patch::quirks {

std::vector<PathValue> expand_pathless_value(const schema::ResourceType& type, const boost::json::object& value) {
  std::vector<PathValue> out;
  out.reserve(value.size());
  for (const auto& kv : value) {
    std::string_view key = kv.key();
    if (iequals(key, "schemas")) continue;
    const schema::SchemaExtension* ext = type.extension(key);
    if (ext && kv.value().is_object()) {
      for (const auto& inner : kv.value().get_object()) {
        if (iequals(inner.key(), "schemas")) continue;  // repeated inside the extension's value
        out.push_back({ext->schema->id + ":" + std::string(inner.key()), &inner.value()});
      }
      continue;
    }
    out.push_back({std::string(key), &kv.value()});
  }
  return out;
}

}  // namespace kestra::scim::patch::quirks
