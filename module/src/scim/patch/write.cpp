// Writes shared by add and replace.
#include "scim/patch/detail.hpp"

#include "scim/filter/evaluator.hpp"
#include "scim/patch/quirks/singleton_array.hpp"
#include "scim/schema/validator.hpp"

namespace kestra::scim::patch::detail {

std::vector<std::size_t> matching_elements(const Context& ctx, const Target& target, const json::array& elements) {
  std::vector<std::size_t> out;
  const filter::AttrPath parent = target.parent_path();
  for (std::size_t i = 0; i < elements.size(); ++i)
    if (filter::matches_element(*target.filter, elements[i], parent, ctx.lookup)) out.push_back(i);
  return out;
}

Result<json::value> one_element(const schema::Attribute& attribute, const json::value& value, std::string_view path) {
  auto checked = schema::validate_value(attribute, value, path);
  if (!checked) return checked.error();
  if (!*checked || (*checked)->get_array().size() != 1)
    return invalid_value("Path " + quoted(path) + " selects values of " + quoted(attribute.name) +
                         ": the operation's value must be exactly one of them");
  return std::move((*checked)->get_array().front());
}

Result<void> set_in_element(const schema::Attribute& sub, json::object& element, const json::value* value,
                            std::string_view path) {
  const json::value* current = get(element, sub.name);
  if (auto ok = check_change(sub, current, value, path); !ok) return ok;
  if (absent(value)) {
    erase(element, sub.name);
  } else if (sub.mutability != schema::Mutability::WriteOnly) {
    put(element, sub.name, *value);
  }
  return {};
}

Result<void> write_attribute(Context& ctx, const Target& target, const json::value& value, Write mode) {
  const schema::Attribute& a = target.attribute();
  auto checked = schema::validate_value(a, quirks::unwrap_singleton_array(a, value), target.text);
  if (!checked) return checked.error();
  if (!*checked) {  // null, [] or {}: nothing to add; a replace with nothing removes
    if (mode == Write::Add) return {};
    return apply_remove(ctx, target, nullptr);
  }
  if (a.mutability == schema::Mutability::WriteOnly) return {};  // type-checked, never stored

  json::object* c = container(ctx, target.resolved, true);
  const json::value* current = get(*c, a.name);
  json::value next = std::move(**checked);
  // An immutable value sent again (maybe in another case) keeps its stored spelling.
  if (a.mutability == schema::Mutability::Immutable && !absent(current) && same_value(a, *current, next)) return {};
  if (a.multi_valued && mode == Write::Add && !absent(current) && current->is_array()) {
    json::array merged = current->get_array();
    const auto before = primary_flags(merged);
    ElementIndex index(a);
    for (std::size_t i = 0; i < merged.size(); ++i) index.add(merged, i);
    for (const auto& element : next.get_array()) {
      if (index.contains(merged, element)) continue;
      merged.push_back(element);
      index.add(merged, merged.size() - 1);
    }
    if (auto ok = enforce_primary(a, merged, before, target.text); !ok) return ok;
    next = std::move(merged);
  } else if (!a.multi_valued && a.type == schema::Type::Complex && !absent(current) && current->is_object()) {
    // RFC 7644 3.5.2.1 / 3.5.2.3: sub-attributes not given are left unchanged.
    json::object merged = current->get_object();
    for (const auto& sub : a.sub_attributes) {
      const json::value* given = get(next.get_object(), sub.name);
      if (!given) continue;
      if (auto ok = set_in_element(sub, merged, given, target.text + "." + sub.name); !ok) return ok;
    }
    next = std::move(merged);
  }
  return store_value(*c, a, current, std::move(next), target.text);
}

Result<void> write_complex_sub(Context& ctx, const Target& target, const json::value& value, Write mode) {
  const schema::Attribute& a = target.attribute();
  const schema::Attribute& sub = *target.resolved.sub_attribute;
  auto checked = schema::validate_value(sub, quirks::unwrap_singleton_array(sub, value), target.text);
  if (!checked) return checked.error();
  if (!*checked) {
    if (mode == Write::Add) return {};
    return apply_remove(ctx, target, nullptr);
  }
  if (sub.mutability == schema::Mutability::WriteOnly) return {};

  json::object* c = container(ctx, target.resolved, true);
  const json::value* current = get(*c, a.name);
  json::object parent;
  if (current && current->is_object()) parent = current->get_object();
  if (auto ok = set_in_element(sub, parent, &**checked, target.text); !ok) return ok;
  return store_value(*c, a, current, std::move(parent));
}

Result<void> write_every_element(Context& ctx, const Target& target, const json::value& value, Write mode) {
  const schema::Attribute& a = target.attribute();
  const schema::Attribute& sub = *target.resolved.sub_attribute;
  auto checked = schema::validate_value(sub, value, target.text);
  if (!checked) return checked.error();
  if (!*checked && mode == Write::Add) return {};

  json::object* c = container(ctx, target.resolved, false);
  const json::value* current = c ? get(*c, a.name) : nullptr;
  if (absent(current) || !current->is_array())
    return no_target("Path " + quoted(target.text) + " sets " + quoted(sub.name) + " in every value of " +
                     quoted(a.name) + ", which has none");
  json::array elements = current->get_array();
  const auto before = primary_flags(elements);
  for (auto& element : elements) {
    auto* object = element.if_object();
    if (!object) continue;
    if (auto ok = set_in_element(sub, *object, *checked ? &**checked : nullptr, target.text); !ok) return ok;
  }
  if (auto ok = enforce_primary(a, elements, before, target.text); !ok) return ok;
  drop_empty_elements(elements);
  return store_value(*c, a, current, std::move(elements));
}

Result<void> write_target(Context& ctx, const Target& target, const json::value& value, Write mode) {
  if (target.filter) {
    return mode == Write::Add ? add_filtered(ctx, target, value) : replace_filtered(ctx, target, value);
  }
  if (target.resolved.sub_attribute) {
    if (target.attribute().multi_valued) return write_every_element(ctx, target, value, mode);
    return write_complex_sub(ctx, target, value, mode);
  }
  return write_attribute(ctx, target, value, mode);
}

void drop_empty_elements(json::array& elements) {
  json::array kept;
  kept.reserve(elements.size());
  for (auto& element : elements)
    if (!absent(&element)) kept.push_back(std::move(element));
  elements = std::move(kept);
}

}  // namespace kestra::scim::patch::detail
