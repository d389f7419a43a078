// Reading and writing the working document.
#include "scim/patch/detail.hpp"

#include "scim/schema/validator.hpp"

namespace kestra::scim::patch::detail {
namespace {

bool is_true(const json::value& element) {
  const auto* object = element.if_object();
  if (!object) return false;
  const json::value* p = get(*object, "primary");
  return p && p->is_bool() && p->get_bool();
}

}  // namespace

const json::value* get(const json::object& object, std::string_view name) {
  if (auto* v = object.if_contains(name)) return v;
  for (const auto& kv : object)
    if (schema::iequals(kv.key(), name)) return &kv.value();
  return nullptr;
}

void erase(json::object& object, std::string_view name) {
  for (auto it = object.begin(); it != object.end();) {
    if (schema::iequals(it->key(), name)) {
      it = object.erase(it);
    } else {
      ++it;
    }
  }
}

void put(json::object& object, std::string_view name, json::value value) {
  for (auto it = object.begin(); it != object.end();) {
    if (it->key() != name && schema::iequals(it->key(), name)) {
      it = object.erase(it);
    } else {
      ++it;
    }
  }
  object[name] = std::move(value);
}

bool absent(const json::value* value) {
  if (!value || value->is_null()) return true;
  if (auto* a = value->if_array()) return a->empty();
  if (auto* o = value->if_object()) return o->empty();
  return false;
}

bool same_value(const schema::Attribute& attribute, const json::value& a, const json::value& b) {
  if (a.is_array() && b.is_array()) {
    const auto& xs = a.get_array();
    const auto& ys = b.get_array();
    if (xs.size() != ys.size()) return false;
    std::vector<bool> used(ys.size(), false);
    for (const auto& x : xs) {
      bool found = false;
      for (std::size_t i = 0; i < ys.size() && !found; ++i)
        if (!used[i] && same_value(attribute, x, ys[i])) found = used[i] = true;
      if (!found) return false;
    }
    return true;
  }
  if (attribute.type == schema::Type::Complex && a.is_object() && b.is_object()) {
    for (const auto& sub : attribute.sub_attributes) {
      const json::value* x = get(a.get_object(), sub.name);
      const json::value* y = get(b.get_object(), sub.name);
      if (absent(x) != absent(y)) return false;
      if (!absent(x) && !same_value(sub, *x, *y)) return false;
    }
    return true;
  }
  if (a.is_string() && b.is_string() && !attribute.case_exact)
    return schema::fold_key(a.get_string()) == schema::fold_key(b.get_string());
  return a == b;
}

bool element_contains(const schema::Attribute& attribute, const json::value& element, const json::value& given) {
  if (attribute.type != schema::Type::Complex || !given.is_object()) return same_value(attribute, element, given);
  const auto* object = element.if_object();
  if (!object) return false;
  for (const auto& kv : given.get_object()) {
    if (kv.value().is_null()) continue;
    const schema::Attribute* sub = attribute.sub_attribute(kv.key());
    const json::value* have = get(*object, kv.key());
    if (!sub || absent(have) || !same_value(*sub, *have, kv.value())) return false;
  }
  return true;
}

json::object* container(Context& ctx, const schema::Resolved& resolved, bool create) {
  if (!resolved.extension) return &ctx.doc;
  const std::string& urn = resolved.schema->id;
  if (const json::value* found = get(ctx.doc, urn); found && found->is_object()) {
    if (ctx.doc.if_contains(urn)) return &ctx.doc[urn].get_object();
    json::value moved = *found;  // spelled differently: keep the schema's spelling
    put(ctx.doc, urn, std::move(moved));
    return &ctx.doc[urn].get_object();
  }
  if (!create) return nullptr;
  put(ctx.doc, urn, json::object());
  list_extensions(ctx);
  return &ctx.doc[urn].get_object();
}

void list_extensions(Context& ctx) {
  json::value* schemas = ctx.doc.if_contains("schemas");
  if (!schemas || !schemas->is_array()) {
    put(ctx.doc, "schemas", json::array{json::value(ctx.type.schema->id)});
    schemas = ctx.doc.if_contains("schemas");
  }
  auto& list = schemas->get_array();
  for (const auto& ext : ctx.type.extensions) {
    const json::value* data = get(ctx.doc, ext.schema->id);
    if (absent(data)) continue;
    bool listed = false;
    for (const auto& s : list) listed = listed || (s.is_string() && schema::iequals(s.get_string(), ext.schema->id));
    if (!listed) list.emplace_back(ext.schema->id);
  }
}

std::vector<bool> primary_flags(const json::array& elements) {
  std::vector<bool> out;
  out.reserve(elements.size());
  for (const auto& e : elements) out.push_back(is_true(e));
  return out;
}

Result<void> enforce_primary(const schema::Attribute& attribute, json::array& elements,
                             const std::vector<bool>& before, std::string_view path) {
  if (attribute.type != schema::Type::Complex || !attribute.sub_attribute("primary")) return {};
  std::vector<std::size_t> newly;
  for (std::size_t i = 0; i < elements.size(); ++i)
    if (is_true(elements[i]) && (i >= before.size() || !before[i])) newly.push_back(i);
  if (newly.empty()) return {};
  if (newly.size() > 1)
    return invalid_value("The operation on " + quoted(path) + " sets primary on " + std::to_string(newly.size()) +
                         " values of " + quoted(attribute.name) + "; at most one may be primary");
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i == newly.front() || !is_true(elements[i])) continue;
    put(elements[i].get_object(), "primary", false);
  }
  return {};
}

Result<void> check_change(const schema::Attribute& attribute, const json::value* current, const json::value* next,
                          std::string_view path) {
  if (attribute.mutability == schema::Mutability::ReadOnly)
    return mutability("Attribute " + quoted(path) + " is readOnly");
  if (absent(next) && attribute.required)
    return mutability("Attribute " + quoted(path) + " is required and cannot be removed");
  if (attribute.mutability == schema::Mutability::Immutable && !absent(current) &&
      (absent(next) || !same_value(attribute, *current, *next)))
    return mutability("Attribute " + quoted(path) + " is immutable: it has a value that cannot be changed");
  return {};
}

}  // namespace kestra::scim::patch::detail
