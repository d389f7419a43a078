// add (RFC 7644 3.5.2.1).
#include "scim/patch/detail.hpp"

#include "scim/patch/quirks/entra_add_filtered_element.hpp"
#include "scim/schema/validator.hpp"

namespace kestra::scim::patch::detail {

// attr[filter] or attr[filter].sub: updates the matches, or creates the element.
Result<void> add_filtered(Context& ctx, const Target& target, const json::value& value) {
  const schema::Attribute& a = target.attribute();
  const schema::Attribute* sub = target.element_sub;

  // What the operation writes into each selected element.
  json::object given;
  if (sub) {
    auto checked = schema::validate_value(*sub, value, target.text);
    if (!checked) return checked.error();
    if (!*checked || sub->mutability == schema::Mutability::WriteOnly) return {};
    given[sub->name] = std::move(**checked);
  } else {
    auto element = one_element(a, value, target.text);
    if (!element) return element.error();
    if (!element->is_object()) return invalid_value("Path " + quoted(target.text) + " needs an object value");
    given = std::move(element->get_object());
  }

  json::object* c = container(ctx, target.resolved, true);
  const json::value* current = get(*c, a.name);
  json::array elements;
  if (current && current->is_array()) elements = current->get_array();
  const auto before = primary_flags(elements);
  const auto matches = matching_elements(ctx, target, elements);

  if (matches.empty()) {
    auto made = quirks::element_from_filter(*target.filter);
    if (!made)
      return no_target("No value of " + quoted(a.name) + " matches " + quoted(target.text) +
                       ", and the filter does not describe one to add");
    for (const auto& kv : given) put(*made, kv.key(), kv.value());
    auto element = one_element(a, json::value(std::move(*made)), target.text);
    if (!element) return element.error();
    elements.push_back(std::move(*element));
  }
  for (std::size_t i : matches) {
    auto* object = elements[i].if_object();
    if (!object) continue;
    for (const auto& kv : given) {
      const schema::Attribute* s = a.sub_attribute(kv.key());
      if (!s) continue;  // validate_value spelled every name as the schema does
      if (auto ok = set_in_element(*s, *object, &kv.value(), target.text + "." + s->name); !ok) return ok;
    }
  }
  if (auto ok = enforce_primary(a, elements, before, target.text); !ok) return ok;
  return store_value(*c, a, current, std::move(elements));
}

}  // namespace kestra::scim::patch::detail
