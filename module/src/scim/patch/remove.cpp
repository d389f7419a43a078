// remove (RFC 7644 3.5.2.2).
#include "scim/patch/detail.hpp"

#include "scim/patch/quirks/members_value_list.hpp"
#include "scim/schema/validator.hpp"

namespace kestra::scim::patch::detail {
namespace {

// Writes `elements` back, or removes the attribute when none is left.
Result<void> remove_filtered(Context& ctx, const Target& target) {
  const schema::Attribute& a = target.attribute();
  json::object* c = container(ctx, target.resolved, false);
  const json::value* current = c ? get(*c, a.name) : nullptr;
  if (absent(current) || !current->is_array()) return {};
  json::array elements = current->get_array();
  const auto matches = matching_elements(ctx, target, elements);
  if (matches.empty()) return {};
  if (const schema::Attribute* sub = target.element_sub) {
    for (std::size_t i : matches) {
      auto* object = elements[i].if_object();
      if (!object) continue;
      if (auto ok = set_in_element(*sub, *object, nullptr, target.text); !ok) return ok;
    }
    drop_empty_elements(elements);
  } else {
    json::array kept;
    kept.reserve(elements.size() - matches.size());
    std::size_t next = 0;  // matches are ascending
    for (std::size_t i = 0; i < elements.size(); ++i) {
      if (next < matches.size() && matches[next] == i) {
        ++next;
      } else {
        kept.push_back(std::move(elements[i]));
      }
    }
    elements = std::move(kept);
  }
  return store_value(*c, a, current, std::move(elements));
}

Result<void> remove_sub(Context& ctx, const Target& target) {
  const schema::Attribute& a = target.attribute();
  const schema::Attribute& sub = *target.resolved.sub_attribute;
  if (auto ok = check_change(sub, nullptr, nullptr, target.text); !ok) return ok;  // readOnly, required
  json::object* c = container(ctx, target.resolved, false);
  const json::value* current = c ? get(*c, a.name) : nullptr;
  if (absent(current)) return {};
  if (a.multi_valued) {
    if (!current->is_array()) return {};
    json::array elements = current->get_array();
    for (auto& element : elements) {
      auto* object = element.if_object();
      if (!object) continue;
      if (auto ok = set_in_element(sub, *object, nullptr, target.text); !ok) return ok;
    }
    drop_empty_elements(elements);
    return store_value(*c, a, current, std::move(elements));
  }
  if (!current->is_object()) return {};
  json::object parent = current->get_object();
  if (auto ok = set_in_element(sub, parent, nullptr, target.text); !ok) return ok;
  return store_value(*c, a, current, std::move(parent));
}

// remove "attr" with a value: only the listed values (quirks/members_value_list.hpp).
Result<void> remove_listed_values(Context& ctx, const Target& target, const json::value& value) {
  const schema::Attribute& a = target.attribute();
  auto listed = schema::validate_value(a, value, target.text);
  if (!listed) return listed.error();
  if (!*listed) return {};
  json::object* c = container(ctx, target.resolved, false);
  const json::value* current = c ? get(*c, a.name) : nullptr;
  if (absent(current) || !current->is_array()) return {};
  json::array elements = current->get_array();
  if (quirks::remove_listed(a, elements, (*listed)->get_array()) == 0) return {};
  return store_value(*c, a, current, std::move(elements));
}

}  // namespace

Result<void> apply_remove(Context& ctx, const Target& target, const json::value* value) {
  if (target.filter) return remove_filtered(ctx, target);
  if (target.resolved.sub_attribute) return remove_sub(ctx, target);
  const schema::Attribute& a = target.attribute();
  if (a.multi_valued && value && !value->is_null()) return remove_listed_values(ctx, target, *value);
  json::object* c = container(ctx, target.resolved, false);
  const json::value* current = c ? get(*c, a.name) : nullptr;
  if (auto ok = check_change(a, current, nullptr, target.text); !ok) return ok;
  if (c) erase(*c, a.name);
  return {};
}

}  // namespace kestra::scim::patch::detail
