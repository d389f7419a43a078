#include "user_columns.hpp"
#include "core/case_fold.hpp"
#include "core/text.hpp"

#include "sql_params.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace kestra::adapters {
namespace {

namespace json = boost::json;

constexpr std::string_view kEnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user";

const json::value* member(const json::object& object, std::string_view name) {
  for (const auto& entry : object) {
    if (iequals(entry.key(), name)) return &entry.value();
  }
  return nullptr;
}

OptionalColumn text(const json::object& object, std::string_view name) {
  const json::value* v = member(object, name);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

OptionalColumn key_of(const OptionalColumn& value) {
  if (!value) return {};
  return fold_case(*value);
}

const json::object* object_member(const json::object& object, std::string_view name) {
  const json::value* v = member(object, name);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

// true, or the string "true" in any case (as Microsoft Entra sends).
bool flag(const json::object& object, std::string_view name) {
  const json::value* v = member(object, name);
  if (v == nullptr) return false;
  if (v->is_bool()) return v->get_bool();
  return v->is_string() && iequals(v->get_string(), "true");
}

// The text at `path` ("name.givenname"); "x.value" also reads x given as a
// plain string (a manager sent as its id).
OptionalColumn path_text(const json::object& object, std::string_view path) {
  const std::size_t dot = path.find('.');
  if (dot == std::string_view::npos) return text(object, path);
  const std::string_view sub = path.substr(dot + 1);
  if (const json::object* parent = object_member(object, path.substr(0, dot))) return text(*parent, sub);
  return sub == "value" ? text(object, path.substr(0, dot)) : OptionalColumn();
}

}  // namespace

Result<UserColumns> extract_user_columns(std::string_view resource_json) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(resource_json, ec);
  if (ec || !parsed.is_object()) return Error::invalid("the stored user document is not a JSON object");
  const json::object& user = parsed.get_object();

  UserColumns c;
  const json::object* enterprise = object_member(user, kEnterpriseUrn);
  for (std::size_t i = 0; i < kUserAttributeCount; ++i) {
    const UserAttribute& attribute = kUserAttributes[i];
    const json::object* holder = attribute.enterprise ? enterprise : &user;
    if (holder == nullptr) continue;
    c.attributes[i] = path_text(*holder, attribute.path);
    if (attribute.keyed) c.keys[i] = key_of(c.attributes[i]);
  }

  for (const UserMultiValued& attribute : kUserMultiValued) {
    const json::value* items = member(user, attribute.name);
    if (items == nullptr || !items->is_array()) continue;
    int position = 0;
    for (const json::value& item : items->get_array()) {
      UserValue v;
      v.attribute = std::string(attribute.name);
      v.position = position++;
      if (item.is_string()) {
        v.value = std::string(item.get_string());
      } else if (item.is_object()) {
        const json::object& element = item.get_object();
        v.value = text(element, attribute.value_member);
        v.type = text(element, "type");
        v.primary = flag(element, "primary") ? 1 : 0;
        v.display = text(element, "display");
      } else {
        continue;
      }
      if (attribute.keyed) v.value_key = key_of(v.value);
      c.values.push_back(std::move(v));
    }
  }
  return c;
}

}  // namespace kestra::adapters
