#include "scim/schema/registry.hpp"
#include "core/text.hpp"

#include "kestra/resources.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace kestra::scim::schema {
namespace {

namespace json = boost::json;

template <class T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
  for (const auto& item : items)
    if (iequals(item.name, name)) return &item;
  return nullptr;
}

// --- parsing schema documents -------------------------------------------------

std::optional<std::string_view> string_member(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}

Result<bool> bool_member(const json::object& o, std::string_view key, bool fallback, const std::string& where) {
  auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (!v->is_bool()) return Error::internal(where + ": '" + std::string(key) + "' is not a boolean");
  return v->get_bool();
}

Result<std::vector<std::string>> strings_member(const json::object& o, std::string_view key, const std::string& where) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v) return out;
  auto* arr = v->if_array();
  if (!arr) return Error::internal(where + ": '" + std::string(key) + "' is not an array");
  for (const auto& item : *arr) {
    if (!item.is_string()) return Error::internal(where + ": '" + std::string(key) + "' holds a non-string");
    out.emplace_back(item.get_string());
  }
  return out;
}

template <class E, std::size_t N>
Result<E> enum_member(const json::object& o, std::string_view key, E fallback,
                      const std::pair<std::string_view, E> (&names)[N], const std::string& where) {
  auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (!v->is_string()) return Error::internal(where + ": '" + std::string(key) + "' is not a string");
  std::string_view text = v->get_string();
  for (const auto& [name, value] : names)
    if (iequals(name, text)) return value;
  return Error::internal(where + ": unknown " + std::string(key) + " '" + std::string(text) + "'");
}

constexpr std::pair<std::string_view, Type> kTypes[] = {
    {"string", Type::String},     {"boolean", Type::Boolean},   {"decimal", Type::Decimal},
    {"integer", Type::Integer},   {"dateTime", Type::DateTime}, {"binary", Type::Binary},
    {"reference", Type::Reference}, {"complex", Type::Complex},
};
constexpr std::pair<std::string_view, Mutability> kMutabilities[] = {
    {"readOnly", Mutability::ReadOnly},
    {"readWrite", Mutability::ReadWrite},
    {"immutable", Mutability::Immutable},
    {"writeOnly", Mutability::WriteOnly},
};
constexpr std::pair<std::string_view, Returned> kReturned[] = {
    {"always", Returned::Always},
    {"never", Returned::Never},
    {"default", Returned::Default},
    {"request", Returned::Request},
};
constexpr std::pair<std::string_view, Uniqueness> kUniqueness[] = {
    {"none", Uniqueness::None},
    {"server", Uniqueness::Server},
    {"global", Uniqueness::Global},
};

// RFC 7643 7; defaults per 2.2.
Result<Attribute> parse_attribute(const json::value& value, const std::string& owner, bool nested) {
  auto* o = value.if_object();
  if (!o) return Error::internal(owner + ": an attribute is not an object");
  auto name = string_member(*o, "name");
  if (!name || name->empty()) return Error::internal(owner + ": an attribute has no name");
  const std::string where = owner + "." + std::string(*name);

  Attribute a;
  a.name = std::string(*name);
  auto type = enum_member(*o, "type", Type::String, kTypes, where);
  if (!type) return type.error();
  a.type = *type;
  auto multi = bool_member(*o, "multiValued", false, where);
  if (!multi) return multi.error();
  a.multi_valued = *multi;
  auto required = bool_member(*o, "required", false, where);
  if (!required) return required.error();
  a.required = *required;
  auto case_exact = bool_member(*o, "caseExact", false, where);
  if (!case_exact) return case_exact.error();
  a.case_exact = *case_exact;
  auto mutability = enum_member(*o, "mutability", Mutability::ReadWrite, kMutabilities, where);
  if (!mutability) return mutability.error();
  a.mutability = *mutability;
  auto returned = enum_member(*o, "returned", Returned::Default, kReturned, where);
  if (!returned) return returned.error();
  a.returned = *returned;
  auto uniqueness = enum_member(*o, "uniqueness", Uniqueness::None, kUniqueness, where);
  if (!uniqueness) return uniqueness.error();
  a.uniqueness = *uniqueness;
  auto canonical = strings_member(*o, "canonicalValues", where);
  if (!canonical) return canonical.error();
  a.canonical_values = std::move(*canonical);
  auto references = strings_member(*o, "referenceTypes", where);
  if (!references) return references.error();
  a.reference_types = std::move(*references);

  auto* subs = o->if_contains("subAttributes");
  if (a.type != Type::Complex) {
    if (subs) return Error::internal(where + ": only complex attributes have subAttributes");
    return a;
  }
  // RFC 7643 2.3.8: a complex attribute has no complex sub-attributes.
  if (nested) return Error::internal(where + ": a sub-attribute cannot be complex");
  if (!subs || !subs->is_array() || subs->get_array().empty())
    return Error::internal(where + ": a complex attribute needs subAttributes");
  for (const auto& sub : subs->get_array()) {
    auto parsed = parse_attribute(sub, where, true);
    if (!parsed) return parsed.error();
    if (a.sub_attribute(parsed->name)) return Error::internal(where + ": sub-attribute defined twice: " + parsed->name);
    a.sub_attributes.push_back(std::move(*parsed));
  }
  return a;
}

Result<std::unique_ptr<Schema>> parse_schema(const json::object& doc) {
  auto id = string_member(doc, "id");
  if (!id || id->empty()) return Error::internal("a schema document has no id");
  auto schema = std::make_unique<Schema>();
  schema->id = std::string(*id);
  schema->name = std::string(string_member(doc, "name").value_or(""));
  schema->description = std::string(string_member(doc, "description").value_or(""));
  auto* attributes = doc.if_contains("attributes");
  if (!attributes || !attributes->is_array()) return Error::internal(schema->id + ": no attributes array");
  for (const auto& item : attributes->get_array()) {
    auto a = parse_attribute(item, schema->id, false);
    if (!a) return a.error();
    if (schema->attribute(a->name)) return Error::internal(schema->id + ": attribute defined twice: " + a->name);
    schema->attributes.push_back(std::move(*a));
  }
  return schema;
}

// RFC 7643 3.1: id, externalId and meta are common to every resource type.
std::unique_ptr<Schema> make_common() {
  auto s = std::make_unique<Schema>();
  s->name = "Common";
  s->description = "Attributes common to all resources (RFC 7643 3.1)";

  Attribute id;
  id.name = "id";
  id.case_exact = true;
  id.mutability = Mutability::ReadOnly;
  id.returned = Returned::Always;
  id.uniqueness = Uniqueness::Server;
  s->attributes.push_back(id);

  Attribute external_id;
  external_id.name = "externalId";
  external_id.case_exact = true;
  s->attributes.push_back(external_id);

  auto read_only = [](std::string name, Type type, bool case_exact) {
    Attribute a;
    a.name = std::move(name);
    a.type = type;
    a.case_exact = case_exact;
    a.mutability = Mutability::ReadOnly;
    return a;
  };
  // Returned with every representation, even when `attributes` names others:
  // RFC 7644 3.9's example answers ?attributes=userName with id and meta.
  Attribute meta = read_only("meta", Type::Complex, false);
  meta.returned = Returned::Always;
  meta.sub_attributes.push_back(read_only("resourceType", Type::String, true));
  meta.sub_attributes.push_back(read_only("created", Type::DateTime, false));
  meta.sub_attributes.push_back(read_only("lastModified", Type::DateTime, false));
  auto location = read_only("location", Type::Reference, true);
  location.reference_types = {"uri"};
  meta.sub_attributes.push_back(std::move(location));
  meta.sub_attributes.push_back(read_only("version", Type::String, true));
  s->attributes.push_back(std::move(meta));
  return s;
}

std::optional<Resolved> resolve_in(const Schema& common, const ResourceType& type, std::string_view urn,
                                   std::string_view attribute, std::string_view sub_attribute) {
  if (attribute.empty()) return std::nullopt;
  Resolved r;
  if (urn.empty() || iequals(urn, type.schema->id)) {
    if (auto* a = common.attribute(attribute)) {
      r = {&common, a, nullptr, true, false};
    } else if (auto* b = type.schema->attribute(attribute)) {
      r = {type.schema, b, nullptr, false, false};
    } else {
      return std::nullopt;
    }
  } else if (auto* ext = type.extension(urn)) {
    auto* a = ext->schema->attribute(attribute);
    if (!a) return std::nullopt;
    r = {ext->schema, a, nullptr, false, true};
  } else {
    return std::nullopt;
  }
  if (sub_attribute.empty()) return r;
  if (r.attribute->type != Type::Complex) return std::nullopt;
  r.sub_attribute = r.attribute->sub_attribute(sub_attribute);
  if (!r.sub_attribute) return std::nullopt;
  return r;
}

filter::AttributeInfo info_of(const Attribute& a, bool multi_valued) {
  filter::AttributeInfo info;
  switch (a.type) {
    case Type::String: info.type = filter::AttributeInfo::Type::String; break;
    case Type::Boolean: info.type = filter::AttributeInfo::Type::Boolean; break;
    case Type::Decimal: info.type = filter::AttributeInfo::Type::Decimal; break;
    case Type::Integer: info.type = filter::AttributeInfo::Type::Integer; break;
    case Type::DateTime: info.type = filter::AttributeInfo::Type::DateTime; break;
    case Type::Binary: info.type = filter::AttributeInfo::Type::Binary; break;
    case Type::Reference: info.type = filter::AttributeInfo::Type::Reference; break;
    case Type::Complex: info.type = filter::AttributeInfo::Type::Complex; break;
  }
  info.case_exact = a.case_exact;
  info.multi_valued = multi_valued;
  return info;
}

filter::AttrPath split_in(const ResourceType& type, std::string_view text) {
  filter::AttrPath path;
  std::string_view rest = text;
  const Schema* best = nullptr;
  auto consider = [&](const Schema* s) {
    if (!istarts_with(text, s->id)) return;
    if (text.size() != s->id.size() && text[s->id.size()] != ':') return;
    if (!best || s->id.size() > best->id.size()) best = s;
  };
  consider(type.schema);
  for (const auto& ext : type.extensions) consider(ext.schema);
  if (best) {
    path.urn = best->id;
    rest = text.size() == best->id.size() ? std::string_view{} : text.substr(best->id.size() + 1);
  } else if (istarts_with(text, "urn:")) {
    // An unknown URN: everything up to the last ':' before any sub-attribute dot.
    auto colon = text.rfind(':');
    path.urn = std::string(text.substr(0, colon));
    rest = text.substr(colon + 1);
  }
  auto dot = rest.find('.');
  path.attribute = std::string(rest.substr(0, dot));
  if (dot != std::string_view::npos) path.sub_attribute = std::string(rest.substr(dot + 1));
  return path;
}

json::object with_location(json::object doc, std::string_view resource_type, std::string_view location) {
  auto* meta = doc.if_contains("meta");
  if (!meta || !meta->is_object()) meta = &(doc["meta"] = json::object());
  auto& m = meta->get_object();
  m["resourceType"] = resource_type;
  m["location"] = location;
  return doc;
}

std::string join_location(std::string_view base, std::string_view id) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string out(base);
  out += '/';
  out += id;
  return out;
}

Result<json::object> parse_resource(std::string_view path) {
  auto text = resources::find(path);
  if (!text) return Error::internal("resource missing: " + std::string(path));
  boost::system::error_code ec;
  auto value = json::parse(*text, ec);
  if (ec || !value.is_object()) return Error::internal("resource is not a JSON object: " + std::string(path));
  return std::move(value.get_object());
}

}  // namespace

const Attribute* Attribute::sub_attribute(std::string_view n) const { return find_named(sub_attributes, n); }
const Attribute* Schema::attribute(std::string_view n) const { return find_named(attributes, n); }

const SchemaExtension* ResourceType::extension(std::string_view urn) const {
  for (const auto& e : extensions)
    if (iequals(e.schema->id, urn)) return &e;
  return nullptr;
}

Result<Registry> Registry::load() {
  json::array schemas;
  for (auto path : resources::list("scim/schemas/")) {
    auto doc = parse_resource(path);
    if (!doc) return doc.error();
    schemas.emplace_back(std::move(*doc));
  }
  auto paths = resources::list("scim/resource-types/");
  // User first, as RFC 7643's examples list them; then by file name.
  std::stable_partition(paths.begin(), paths.end(),
                        [](std::string_view p) { return p == "scim/resource-types/User.json"; });
  json::array resource_types;
  for (auto path : paths) {
    auto doc = parse_resource(path);
    if (!doc) return doc.error();
    resource_types.emplace_back(std::move(*doc));
  }
  if (schemas.empty() || resource_types.empty()) return Error::internal("no SCIM schemas or resource types embedded");
  return from_json(schemas, resource_types);
}

Result<Registry> Registry::from_json(const json::array& schemas, const json::array& resource_types) {
  Registry r;
  r.common_ = make_common();

  std::vector<std::unique_ptr<Schema>> parsed;
  std::vector<json::object> docs;
  for (const auto& item : schemas) {
    auto* doc = item.if_object();
    if (!doc) return Error::internal("a schema document is not an object");
    auto s = parse_schema(*doc);
    if (!s) return s.error();
    for (const auto& other : parsed)
      if (iequals(other->id, (*s)->id)) return Error::internal("schema defined twice: " + (*s)->id);
    json::object out = *doc;
    if (!out.contains("schemas")) out["schemas"] = json::array{kSchemaSchemaUrn};
    parsed.push_back(std::move(*s));
    docs.push_back(std::move(out));
  }
  auto find_parsed = [&](std::string_view urn) -> const Schema* {
    for (const auto& s : parsed)
      if (iequals(s->id, urn)) return s.get();
    return nullptr;
  };

  for (const auto& item : resource_types) {
    auto* doc = item.if_object();
    if (!doc) return Error::internal("a resource type document is not an object");
    auto id = string_member(*doc, "id");
    auto endpoint = string_member(*doc, "endpoint");
    auto core = string_member(*doc, "schema");
    if (!id || id->empty() || !endpoint || !core) return Error::internal("a resource type needs id, endpoint and schema");
    auto rt = std::make_unique<ResourceType>();
    rt->id = std::string(*id);
    rt->name = std::string(string_member(*doc, "name").value_or(*id));
    rt->endpoint = std::string(*endpoint);
    rt->description = std::string(string_member(*doc, "description").value_or(""));
    rt->schema = find_parsed(*core);
    if (!rt->schema) return Error::internal(rt->id + ": unknown schema " + std::string(*core));
    if (auto* exts = doc->if_contains("schemaExtensions")) {
      if (!exts->is_array()) return Error::internal(rt->id + ": schemaExtensions is not an array");
      for (const auto& e : exts->get_array()) {
        auto* eo = e.if_object();
        auto urn = eo ? string_member(*eo, "schema") : std::nullopt;
        if (!urn) return Error::internal(rt->id + ": a schema extension has no schema");
        SchemaExtension ext;
        ext.schema = find_parsed(*urn);
        if (!ext.schema || ext.schema == rt->schema)
          return Error::internal(rt->id + ": unknown schema extension " + std::string(*urn));
        auto required = bool_member(*eo, "required", false, rt->id);
        if (!required) return required.error();
        ext.required = *required;
        if (rt->extension(ext.schema->id)) return Error::internal(rt->id + ": extension listed twice");
        rt->extensions.push_back(ext);
      }
    }
    // id, externalId and meta stay unambiguous only if the core schema does not redefine them.
    for (const auto& a : rt->schema->attributes)
      if (r.common_->attribute(a.name)) return Error::internal(rt->id + ": schema redefines common attribute " + a.name);
    for (const auto& existing : r.resource_types_)
      if (iequals(existing->id, rt->id) || iequals(existing->endpoint, rt->endpoint))
        return Error::internal("resource type defined twice: " + rt->id);
    json::object out = *doc;
    if (!out.contains("schemas")) out["schemas"] = json::array{kResourceTypeSchemaUrn};
    r.resource_types_.push_back(std::move(rt));
    r.resource_type_docs_.push_back(std::move(out));
  }

  // Schemas in the order the resource types use them (core, then its
  // extensions), unreferenced ones last.
  std::vector<std::size_t> order;
  auto take = [&](const Schema* s) {
    for (std::size_t i = 0; i < parsed.size(); ++i)
      if (parsed[i].get() == s && std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);
  };
  for (const auto& rt : r.resource_types_) {
    take(rt->schema);
    for (const auto& e : rt->extensions) take(e.schema);
  }
  for (const auto& s : parsed) take(s.get());
  for (auto i : order) {
    r.schemas_.push_back(std::move(parsed[i]));
    r.schema_docs_.push_back(std::move(docs[i]));
  }
  return r;
}

const Schema* Registry::schema(std::string_view urn) const {
  for (const auto& s : schemas_)
    if (iequals(s->id, urn)) return s.get();
  return nullptr;
}

const ResourceType* Registry::resource_type(std::string_view id) const {
  for (const auto& rt : resource_types_)
    if (iequals(rt->id, id) || iequals(rt->name, id)) return rt.get();
  return nullptr;
}

const ResourceType* Registry::resource_type_by_endpoint(std::string_view endpoint) const {
  for (const auto& rt : resource_types_)
    if (iequals(rt->endpoint, endpoint)) return rt.get();
  return nullptr;
}

std::vector<const Schema*> Registry::schemas() const {
  std::vector<const Schema*> out;
  for (const auto& s : schemas_) out.push_back(s.get());
  return out;
}

std::vector<const ResourceType*> Registry::resource_types() const {
  std::vector<const ResourceType*> out;
  for (const auto& rt : resource_types_) out.push_back(rt.get());
  return out;
}

std::optional<Resolved> Registry::resolve(const ResourceType& type, std::string_view urn, std::string_view attribute,
                                          std::string_view sub_attribute) const {
  return resolve_in(*common_, type, urn, attribute, sub_attribute);
}

filter::AttrPath Registry::split_path(const ResourceType& type, std::string_view text) const {
  return split_in(type, text);
}

std::optional<Resolved> Registry::resolve_path(const ResourceType& type, std::string_view text) const {
  auto path = split_in(type, text);
  return resolve_in(*common_, type, path.urn, path.attribute, path.sub_attribute);
}

filter::AttributeLookup Registry::lookup_for(const ResourceType& type) const {
  const Schema* common = common_.get();
  const ResourceType* rt = &type;
  return [common, rt](const filter::AttrPath& path,
                      const filter::AttrPath* parent) -> std::optional<filter::AttributeInfo> {
    if (!parent) {
      auto r = resolve_in(*common, *rt, path.urn, path.attribute, path.sub_attribute);
      if (!r) return std::nullopt;
      return info_of(r->target(), r->attribute->multi_valued || r->target().multi_valued);
    }
    // Inside attr[...]: `path` is relative to one element of `parent`.
    if (!parent->sub_attribute.empty() || !path.sub_attribute.empty()) return std::nullopt;
    auto p = resolve_in(*common, *rt, parent->urn, parent->attribute, {});
    if (!p || p->attribute->type != Type::Complex) return std::nullopt;
    if (!path.urn.empty() && (p->common || !iequals(path.urn, p->schema->id))) return std::nullopt;
    auto* sub = p->attribute->sub_attribute(path.attribute);
    if (!sub) return std::nullopt;
    return info_of(*sub, false);
  };
}

json::array Registry::schemas_json(std::string_view base_location) const {
  json::array out;
  for (std::size_t i = 0; i < schemas_.size(); ++i)
    out.emplace_back(with_location(schema_docs_[i], "Schema", join_location(base_location, schemas_[i]->id)));
  return out;
}

Result<json::object> Registry::schema_json(std::string_view urn, std::string_view location) const {
  for (std::size_t i = 0; i < schemas_.size(); ++i)
    if (iequals(schemas_[i]->id, urn)) return with_location(schema_docs_[i], "Schema", location);
  return Error::not_found("No schema " + std::string(urn));
}

json::array Registry::resource_types_json(std::string_view base_location) const {
  json::array out;
  for (std::size_t i = 0; i < resource_types_.size(); ++i)
    out.emplace_back(
        with_location(resource_type_docs_[i], "ResourceType", join_location(base_location, resource_types_[i]->id)));
  return out;
}

Result<json::object> Registry::resource_type_json(std::string_view id, std::string_view location) const {
  for (std::size_t i = 0; i < resource_types_.size(); ++i)
    if (iequals(resource_types_[i]->id, id)) return with_location(resource_type_docs_[i], "ResourceType", location);
  return Error::not_found("No resource type " + std::string(id));
}

namespace {

void limit_strings_of(std::vector<Attribute>& attributes, std::size_t max_chars) {
  for (auto& a : attributes) {
    if (a.type == Type::String || a.type == Type::Reference || a.type == Type::Binary) a.max_chars = max_chars;
    limit_strings_of(a.sub_attributes, max_chars);
  }
}

}  // namespace

void Registry::limit_strings(std::size_t max_chars) {
  if (common_) limit_strings_of(common_->attributes, max_chars);
  for (auto& schema : schemas_) limit_strings_of(schema->attributes, max_chars);
}

}  // namespace kestra::scim::schema
