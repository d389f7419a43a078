// replace (RFC 7644 3.5.2.3).
#include "scim/patch/detail.hpp"

#include "scim/schema/validator.hpp"

namespace kestra::scim::patch::detail {

// attr[filter] replaces the matches; attr[filter].sub sets sub in each.  No match: noTarget.
Result<void> replace_filtered(Context& ctx, const Target& target, const json::value& value) {
  const schema::Attribute& a = target.attribute();
  const schema::Attribute* sub = target.element_sub;
  json::object* c = container(ctx, target.resolved, false);
  const json::value* current = c ? get(*c, a.name) : nullptr;
  json::array elements;
  if (current && current->is_array()) elements = current->get_array();
  const auto matches = matching_elements(ctx, target, elements);
  if (matches.empty())
    return no_target("No value of " + quoted(a.name) + " matches " + quoted(target.text) +
                     " (RFC 7644 3.5.2.3: replace through a filter needs a match)");
  const auto before = primary_flags(elements);

  if (sub) {
    auto checked = schema::validate_value(*sub, value, target.text);
    if (!checked) return checked.error();
    for (std::size_t i : matches) {
      auto* object = elements[i].if_object();
      if (!object) continue;
      if (auto ok = set_in_element(*sub, *object, *checked ? &**checked : nullptr, target.text); !ok) return ok;
    }
  } else if (absent(&value)) {
    for (std::size_t k = matches.size(); k-- > 0;)
      elements.erase(elements.begin() + static_cast<std::ptrdiff_t>(matches[k]));
  } else {
    auto element = one_element(a, value, target.text);
    if (!element) return element.error();
    for (std::size_t i : matches) elements[i] = *element;
  }
  if (auto ok = enforce_primary(a, elements, before, target.text); !ok) return ok;
  drop_empty_elements(elements);
  return store_value(*c, a, current, std::move(elements));
}

}  // namespace kestra::scim::patch::detail
