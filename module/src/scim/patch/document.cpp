// Reading and writing the working document.
#include "core/case_fold.hpp"
#include "core/text.hpp"
#include "scim/patch/detail.hpp"

#include "scim/schema/validator.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

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
    if (iequals(kv.key(), name)) return &kv.value();
  return nullptr;
}

void erase(json::object& object, std::string_view name) {
  for (auto it = object.begin(); it != object.end();) {
    if (iequals(it->key(), name)) {
      it = object.erase(it);
    } else {
      ++it;
    }
  }
}

void put(json::object& object, std::string_view name, json::value value) {
  for (auto it = object.begin(); it != object.end();) {
    if (it->key() != name && iequals(it->key(), name)) {
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

std::string value_key(const schema::Attribute& attribute, const json::value& value) {
  // Each part carries its length, so that no two values share a key.
  const auto part = [](std::string& out, char tag, std::string_view text) {
    out += tag;
    out += std::to_string(text.size());
    out += ':';
    out += text;
  };
  std::string key;
  if (const auto* elements = value.if_array()) {
    std::vector<std::string> keys;
    keys.reserve(elements->size());
    for (const auto& element : *elements) keys.push_back(value_key(attribute, element));
    std::sort(keys.begin(), keys.end());  // order does not matter, repetition does
    for (const auto& k : keys) part(key, 'a', k);
    return key;
  }
  if (attribute.type == schema::Type::Complex && value.is_object()) {
    for (const auto& sub : attribute.sub_attributes) {
      const json::value* v = get(value.get_object(), sub.name);
      if (absent(v)) {
        key += '-';
      } else {
        part(key, 'o', value_key(sub, *v));
      }
    }
    return key;
  }
  if (value.is_string() && !attribute.case_exact) {
    part(key, 's', fold_case(value.get_string()));
    return key;
  }
  part(key, 'j', json::serialize(value));
  return key;
}

bool same_value(const schema::Attribute& attribute, const json::value& a, const json::value& b) {
  if (a.is_array() != b.is_array()) return false;
  if (a.is_array() && a.get_array().size() != b.get_array().size()) return false;
  return value_key(attribute, a) == value_key(attribute, b);
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

namespace {

std::string sub_key(const schema::Attribute& sub, const json::value& value) {
  return sub.name + "\n" + value_key(sub, value);
}

const std::vector<std::size_t> kNone;

}  // namespace

std::string ElementIndex::whole_key(const json::value& value) const { return "=" + value_key(attribute_, value); }

void ElementIndex::add(const json::array& elements, std::size_t i) {
  const json::value& element = elements[i];
  by_key_[whole_key(element)].push_back(i);
  const auto* object = element.if_object();
  if (!object || attribute_.type != schema::Type::Complex) return;
  objects_.push_back(i);
  for (const auto& kv : *object) {
    const schema::Attribute* sub = attribute_.sub_attribute(kv.key());
    if (sub && !absent(&kv.value())) by_key_[sub_key(*sub, kv.value())].push_back(i);
  }
}

std::optional<const std::vector<std::size_t>*> ElementIndex::candidates(const json::value& given) const {
  if (attribute_.type != schema::Type::Complex || !given.is_object()) {
    auto found = by_key_.find(whole_key(given));
    return found == by_key_.end() ? &kNone : &found->second;
  }
  const std::vector<std::size_t>* fewest = nullptr;
  for (const auto& kv : given.get_object()) {
    if (kv.value().is_null()) continue;
    const schema::Attribute* sub = attribute_.sub_attribute(kv.key());
    if (!sub) return &kNone;
    auto found = by_key_.find(sub_key(*sub, kv.value()));
    if (found == by_key_.end()) return &kNone;
    if (!fewest || found->second.size() < fewest->size()) fewest = &found->second;
  }
  if (!fewest) return std::nullopt;
  return fewest;
}

bool ElementIndex::contains(const json::array& elements, const json::value& given) const {
  const auto some = candidates(given);
  if (!some) return !objects_.empty();
  for (std::size_t i : **some)
    if (element_contains(attribute_, elements[i], given)) return true;
  return false;
}

std::vector<std::size_t> ElementIndex::containing(const json::array& elements, const json::value& given) const {
  const auto some = candidates(given);
  const std::vector<std::size_t>& from = some ? **some : objects_;
  std::vector<std::size_t> out;
  for (std::size_t i : from)
    if (element_contains(attribute_, elements[i], given)) out.push_back(i);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
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
    for (const auto& s : list) listed = listed || (s.is_string() && iequals(s.get_string(), ext.schema->id));
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

Result<void> store_value(json::object& container, const schema::Attribute& attribute, const json::value* current,
                         json::value next, std::string_view path) {
  if (auto ok = check_change(attribute, current, &next, path.empty() ? attribute.name : path); !ok) return ok;
  if (absent(&next)) {
    erase(container, attribute.name);
  } else {
    put(container, attribute.name, std::move(next));
  }
  return {};
}

}  // namespace kestra::scim::patch::detail
