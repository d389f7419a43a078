#include "scim/patch/quirks/members_value_list.hpp"
#include "core/text.hpp"

#include "scim/patch/detail.hpp"
#include "scim/schema/validator.hpp"

#include <unordered_set>

namespace kestra::scim::patch::quirks {

namespace json = boost::json;

Result<std::vector<ports::MemberRef>> member_refs(const schema::Attribute& members, const json::value& value,
                                                  std::string_view path) {
  auto checked = schema::validate_value(members, value, path);
  if (!checked) return checked.error();
  // validate_value drops readOnly sub-attributes: a member of only "display" would vanish silently.
  auto has_id = [](const json::value& item) {
    const auto* object = item.if_object();
    const json::value* id = object ? detail::get(*object, "value") : nullptr;
    return item.is_null() || (id && id->is_string() && !id->get_string().empty());
  };
  bool all_have_ids = true;
  if (const auto* items = value.if_array()) {
    for (const auto& item : *items) all_have_ids = all_have_ids && has_id(item);
  } else {
    all_have_ids = has_id(value);
  }
  if (!all_have_ids)
    return detail::invalid_value("Each member of " + detail::quoted(path) + " needs a 'value': the member's id");
  std::vector<ports::MemberRef> out;
  if (!*checked) return out;
  std::unordered_set<std::string> listed;  // a member listed twice is kept once
  for (const auto& item : (*checked)->get_array()) {
    const auto& element = item.get_object();
    const json::value* id = detail::get(element, "value");
    if (!id || !id->is_string() || id->get_string().empty())
      return detail::invalid_value("Each member of " + detail::quoted(path) + " needs a 'value': the member's id");
    ports::MemberRef ref;
    ref.value = std::string(id->get_string());
    ref.type = "User";
    if (const json::value* type = detail::get(element, "type"); type && type->is_string()) {
      if (iequals(type->get_string(), "Group")) {
        ref.type = "Group";
      } else if (!iequals(type->get_string(), "User")) {
        return detail::invalid_value("Member " + detail::quoted(ref.value) + " has type " +
                                     detail::quoted(type->get_string()) + "; it must be 'User' or 'Group'");
      }
    }
    if (listed.insert(ref.value).second) out.push_back(std::move(ref));
  }
  return out;
}

std::size_t remove_listed(const schema::Attribute& attribute, json::array& elements, const json::array& listed) {
  detail::ElementIndex index(attribute);
  for (std::size_t i = 0; i < elements.size(); ++i) index.add(elements, i);
  std::vector<bool> hit(elements.size(), false);
  std::unordered_set<std::string> asked;  // a value listed twice is looked up once
  for (const auto& given : listed) {
    if (!asked.insert(detail::value_key(attribute, given)).second) continue;
    for (std::size_t i : index.containing(elements, given)) hit[i] = true;
  }
  json::array kept;
  kept.reserve(elements.size());
  std::size_t removed = 0;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (hit[i]) {
      ++removed;
    } else {
      kept.push_back(std::move(elements[i]));
    }
  }
  elements = std::move(kept);
  return removed;
}

}  // namespace kestra::scim::patch::quirks
