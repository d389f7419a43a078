#include "scim/patch/quirks/case_insensitive_names.hpp"
#include "core/text.hpp"

#include "scim/schema/registry.hpp"

namespace kestra::scim::patch::quirks {

std::optional<OpKind> op_kind_from_name(std::string_view name) {
  if (iequals(name, "add")) return OpKind::Add;
  if (iequals(name, "remove")) return OpKind::Remove;
  if (iequals(name, "replace")) return OpKind::Replace;
  return std::nullopt;
}

const boost::json::value* find_any_case(const boost::json::object& object, std::string_view key) {
  if (auto* v = object.if_contains(key)) return v;
  for (const auto& kv : object)
    if (iequals(kv.key(), key)) return &kv.value();
  return nullptr;
}

}  // namespace kestra::scim::patch::quirks
