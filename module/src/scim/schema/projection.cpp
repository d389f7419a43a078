#include "scim/schema/projection.hpp"

#include <boost/json/array.hpp>

#include <string>

namespace kestra::scim::schema {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxParameter = 8192;

enum class Selection { None, Whole, Partial };

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '$' || c == ':' || c == '.';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `given` is set when the parameter holds at least one (possibly unknown) name.
Result<std::vector<Projection::Name>> parse_names(const Registry& registry, const ResourceType& type,
                                                  std::string_view text, std::string_view parameter, bool& given) {
  std::vector<Projection::Name> names;
  given = false;
  if (text.size() > kMaxParameter)
    return Error::invalid("'" + std::string(parameter) + "' is longer than 8192 characters", "invalidValue");
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    given = true;
    for (char c : item)
      if (!name_char(c))
        return Error::invalid("'" + std::string(parameter) + "': '" + std::string(item) + "' is not an attribute name",
                              "invalidValue");
    auto path = registry.split_path(type, item);
    if (path.attribute.empty()) {
      // A bare schema URN: the whole core schema or extension.
      const Schema* s = nullptr;
      if (iequals(path.urn, type.schema->id)) s = type.schema;
      else if (auto* ext = type.extension(path.urn)) s = ext->schema;
      if (s && path.sub_attribute.empty()) names.push_back({s, nullptr, nullptr});
      continue;
    }
    auto r = registry.resolve(type, path.urn, path.attribute, path.sub_attribute);
    if (!r) continue;  // unknown: ignored
    names.push_back({r->schema, r->attribute, r->sub_attribute});
  }
  return names;
}

// `owner` is the schema an attribute lives in; naming the core URN also names
// the common attributes.
bool covers(const Projection& p, const Schema* named, const Schema* owner) {
  return named == owner || (named == p.type->schema && owner == &p.registry->common());
}

bool named_whole(const Projection& p, const std::vector<Projection::Name>& names, const Schema* s,
                 const Attribute& a) {
  for (const auto& n : names)
    if ((n.attribute == &a && !n.sub_attribute) || (!n.attribute && covers(p, n.schema, s))) return true;
  return false;
}

bool named_part(const std::vector<Projection::Name>& names, const Attribute& a) {
  for (const auto& n : names)
    if (n.attribute == &a && n.sub_attribute) return true;
  return false;
}

bool named_sub(const std::vector<Projection::Name>& names, const Attribute& a, const Attribute& sub) {
  for (const auto& n : names)
    if (n.attribute == &a && n.sub_attribute == &sub) return true;
  return false;
}

Selection select(const Projection& p, const Schema* s, const Attribute& a) {
  if (a.returned == Returned::Never) return Selection::None;
  if (a.returned == Returned::Always) return Selection::Whole;
  Selection sel;
  if (p.has_attributes) {
    sel = named_whole(p, p.attributes, s, a) ? Selection::Whole
          : named_part(p.attributes, a)      ? Selection::Partial
                                             : Selection::None;
  } else {
    sel = a.returned == Returned::Request ? Selection::None : Selection::Whole;
  }
  if (sel != Selection::None && named_whole(p, p.excluded, s, a)) return Selection::None;
  return sel;
}

bool keep_sub(const Projection& p, const Schema* s, const Attribute& a, Selection sel, const Attribute& sub) {
  if (sub.returned == Returned::Never) return false;
  if (sub.returned == Returned::Always) return true;
  if (named_sub(p.excluded, a, sub)) return false;
  if (sel == Selection::Partial) return named_sub(p.attributes, a, sub);
  if (sub.returned == Returned::Request)
    return named_sub(p.attributes, a, sub) || (p.has_attributes && named_whole(p, p.attributes, s, a));
  return true;
}

// Trims one complex object; returns false when nothing is left.
bool project_element(const Projection& p, const Schema* s, const Attribute& a, Selection sel, json::object& element) {
  std::vector<std::string> drop;
  for (const auto& kv : element) {
    auto* sub = a.sub_attribute(kv.key());
    bool keep = sub ? keep_sub(p, s, a, sel, *sub) : sel == Selection::Whole;
    if (!keep) drop.emplace_back(kv.key());
  }
  for (const auto& k : drop) element.erase(k);
  return !element.empty();
}

// Trims one attribute's value; returns false when the attribute should go.
bool project_value(const Projection& p, const Schema* s, const Attribute& a, json::value& value) {
  Selection sel = select(p, s, a);
  if (sel == Selection::None) return false;
  if (a.type != Type::Complex) return true;
  if (auto* obj = value.if_object()) return project_element(p, s, a, sel, *obj);
  if (auto* arr = value.if_array()) {
    json::array kept;
    for (auto& item : *arr) {
      if (auto* element = item.if_object()) {
        if (!project_element(p, s, a, sel, *element)) continue;
      } else if (sel != Selection::Whole) {
        continue;
      }
      kept.push_back(std::move(item));
    }
    *arr = std::move(kept);
    return !arr->empty();
  }
  return true;
}

// The attributes of one schema (or of core plus common) inside `obj`.
void project_object(const Projection& p, const Schema* schema, json::object& obj, bool top_level) {
  std::vector<std::string> drop;
  for (auto& kv : obj) {
    const Attribute* a = nullptr;
    const Schema* owner = schema;
    if (top_level) {
      if (iequals(kv.key(), "schemas") || p.type->extension(kv.key())) continue;  // extensions: done by apply()
      if ((a = p.registry->common().attribute(kv.key()))) owner = &p.registry->common();
    }
    if (!a) a = schema->attribute(kv.key());
    bool keep = a ? project_value(p, owner, *a, kv.value()) : !p.has_attributes;
    if (!keep) drop.emplace_back(kv.key());
  }
  for (const auto& k : drop) obj.erase(k);
}

}  // namespace

Result<Projection> parse_projection(const Registry& registry, const ResourceType& type, std::string_view attributes,
                                    std::string_view excluded) {
  Projection p;
  p.registry = &registry;
  p.type = &type;
  auto a = parse_names(registry, type, attributes, "attributes", p.has_attributes);
  if (!a) return a.error();
  p.attributes = std::move(*a);
  bool excluded_given = false;
  auto e = parse_names(registry, type, excluded, "excludedAttributes", excluded_given);
  if (!e) return e.error();
  p.excluded = std::move(*e);
  return p;
}

void apply(const Projection& p, json::object& resource) {
  std::vector<std::string> removed_extensions;
  std::vector<std::string> drop;
  for (auto& kv : resource) {
    auto* ext = p.type->extension(kv.key());
    if (!ext) continue;
    bool keep = false;
    if (auto* obj = kv.value().if_object()) {
      project_object(p, ext->schema, *obj, false);
      keep = !obj->empty();
    }
    if (!keep) {
      drop.emplace_back(kv.key());
      removed_extensions.push_back(ext->schema->id);
    }
  }
  for (const auto& k : drop) resource.erase(k);
  project_object(p, p.type->schema, resource, true);

  if (removed_extensions.empty()) return;
  auto* schemas = resource.if_contains("schemas");
  if (!schemas || !schemas->is_array()) return;
  json::array kept;
  for (auto& urn : schemas->get_array()) {
    bool removed = false;
    for (const auto& r : removed_extensions) removed = removed || (urn.is_string() && iequals(urn.get_string(), r));
    if (!removed) kept.push_back(std::move(urn));
  }
  schemas->get_array() = std::move(kept);
}

bool wants(const Projection& p, std::string_view attribute) {
  auto path = p.registry->split_path(*p.type, attribute);
  if (path.attribute.empty()) {
    // A bare extension URN: wanted if any of its attributes is.
    auto* ext = p.type->extension(path.urn);
    if (!ext) return true;
    for (const auto& a : ext->schema->attributes)
      if (select(p, ext->schema, a) != Selection::None) return true;
    return false;
  }
  auto r = p.registry->resolve(*p.type, path.urn, path.attribute, path.sub_attribute);
  if (!r) return true;
  Selection sel = select(p, r->schema, *r->attribute);
  if (sel == Selection::None) return false;
  if (!r->sub_attribute) {
    if (sel == Selection::Whole || r->attribute->type != Type::Complex) return true;
    for (const auto& sub : r->attribute->sub_attributes)
      if (keep_sub(p, r->schema, *r->attribute, sel, sub)) return true;
    return false;
  }
  return keep_sub(p, r->schema, *r->attribute, sel, *r->sub_attribute);
}

}  // namespace kestra::scim::schema
