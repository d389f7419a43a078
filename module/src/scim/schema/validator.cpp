#include "scim/schema/validator.hpp"

#include "core/case_fold.hpp"
#include "core/utf8.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <vector>

namespace kestra::scim::schema {
namespace {

namespace json = boost::json;

Error invalid_value(std::string detail) { return Error::invalid(std::move(detail), "invalidValue"); }
Error invalid_syntax(std::string detail) { return Error::invalid(std::move(detail), "invalidSyntax"); }

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

const json::value* find_ci(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key)) return v;
  for (const auto& kv : o)
    if (iequals(kv.key(), key)) return &kv.value();
  return nullptr;
}

bool is_base64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  std::size_t pad = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (c == '=') {
      ++pad;
      continue;
    }
    if (!alpha || pad > 0) return false;
  }
  return pad <= 2;
}

std::optional<bool> bool_from_string(std::string_view s) {
  if (iequals(s, "true")) return true;
  if (iequals(s, "false")) return false;
  return std::nullopt;
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

const char* type_name(Type t) {
  switch (t) {
    case Type::String: return "a string";
    case Type::Boolean: return "a boolean";
    case Type::Decimal: return "a number";
    case Type::Integer: return "an integer";
    case Type::DateTime: return "an RFC 3339 date-time string";
    case Type::Binary: return "a base64 string";
    case Type::Reference: return "a reference string";
    case Type::Complex: return "a JSON object";
  }
  return "a value";
}

Error wrong_type(const Attribute& a, std::string_view path) {
  return invalid_value("Attribute " + quoted(path) + " must be " + type_name(a.type));
}

Result<std::optional<json::value>> check_value(const Attribute& a, const json::value& v, const std::string& path);

Result<std::optional<json::value>> check_complex(const Attribute& a, const json::value& v, const std::string& path) {
  // Entra sends the enterprise manager as a bare id.
  if (v.is_string() && !a.multi_valued && a.sub_attribute("value")) {
    json::object wrapped;
    wrapped["value"] = v.get_string();
    return check_complex(a, wrapped, path);
  }
  auto* in = v.if_object();
  if (!in) return wrong_type(a, path);
  json::object out;
  std::vector<const Attribute*> seen;
  for (const auto& kv : *in) {
    auto* sub = a.sub_attribute(kv.key());
    if (!sub) return invalid_syntax("Unknown attribute " + quoted(path + "." + std::string(kv.key())));
    for (auto* s : seen)
      if (s == sub) return invalid_syntax("Attribute " + quoted(path + "." + sub->name) + " is given twice");
    seen.push_back(sub);
    if (sub->mutability == Mutability::ReadOnly) continue;
    auto r = check_value(*sub, kv.value(), path + "." + sub->name);
    if (!r) return r.error();
    if (*r && sub->mutability != Mutability::WriteOnly) out[sub->name] = std::move(**r);
  }
  if (out.empty()) return std::optional<json::value>{};
  for (const auto& sub : a.sub_attributes)
    if (sub.required && sub.mutability != Mutability::ReadOnly && !out.contains(sub.name))
      return invalid_value("Attribute " + quoted(path + "." + sub.name) + " is required");
  return std::optional<json::value>(std::move(out));
}

Result<void> check_chars(const Attribute& a, const json::value& v, const std::string& path) {
  if (a.max_chars == 0 || v.get_string().size() <= a.max_chars || utf8::length(v.get_string()) <= a.max_chars) return {};
  return invalid_value("Attribute " + quoted(path) + " is longer than " + std::to_string(a.max_chars) +
                       " characters (kestra.scim.limits.string-max-length)");
}

Result<std::optional<json::value>> check_single(const Attribute& a, const json::value& v, const std::string& path) {
  switch (a.type) {
    case Type::String:
    case Type::Reference:
      if (!v.is_string()) return wrong_type(a, path);
      if (auto ok = check_chars(a, v, path); !ok) return ok.error();
      return std::optional<json::value>(v);
    case Type::Binary:
      if (!v.is_string() || !is_base64(v.get_string())) return wrong_type(a, path);
      if (auto ok = check_chars(a, v, path); !ok) return ok.error();
      return std::optional<json::value>(v);
    case Type::DateTime:
      if (!v.is_string() || !is_date_time(v.get_string())) return wrong_type(a, path);
      return std::optional<json::value>(v);
    case Type::Boolean:
      if (v.is_bool()) return std::optional<json::value>(v);
      if (v.is_string()) {
        // Entra sends "True" / "False".
        if (auto b = bool_from_string(v.get_string())) return std::optional<json::value>(*b);
      }
      return wrong_type(a, path);
    case Type::Integer:
      if (v.is_int64()) return std::optional<json::value>(v);
      if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::optional<json::value>(static_cast<std::int64_t>(v.get_uint64()));
      if (v.is_double()) {
        double d = v.get_double();
        if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e18)
          return std::optional<json::value>(static_cast<std::int64_t>(d));
      }
      return wrong_type(a, path);
    case Type::Decimal:
      if (!v.is_number()) return wrong_type(a, path);
      return std::optional<json::value>(v);
    case Type::Complex:
      return check_complex(a, v, path);
  }
  return wrong_type(a, path);
}

Result<std::optional<json::value>> check_value(const Attribute& a, const json::value& v, const std::string& path) {
  if (v.is_null()) return std::optional<json::value>{};
  // Entra sends app role assignments ("roles") as the JSON text of the array.
  if (a.multi_valued && a.type == Type::Complex && v.is_string()) {
    std::string_view text = v.get_string();
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (text[first] == '[' || text[first] == '{')) {
      boost::system::error_code ec;
      auto parsed = json::parse(text, ec);
      if (ec || parsed.is_string()) return wrong_type(a, path);
      return check_value(a, parsed, path);
    }
  }
  if (!a.multi_valued) {
    if (v.is_array()) return invalid_value("Attribute " + quoted(path) + " is single-valued, not an array");
    return check_single(a, v, path);
  }
  json::array out;
  auto add = [&](const json::value& item) -> Result<void> {
    if (item.is_null()) return {};
    if (item.is_array()) return invalid_value("Attribute " + quoted(path) + " holds a nested array");
    auto r = check_single(a, item, path);
    if (!r) return r.error();
    if (*r) out.push_back(std::move(**r));
    return {};
  };
  if (auto* arr = v.if_array()) {
    out.reserve(arr->size());
    for (const auto& item : *arr)
      if (auto r = add(item); !r) return r.error();
  } else if (auto r = add(v); !r) {  // a single value where an array is expected
    return r.error();
  }
  if (out.empty()) return std::optional<json::value>{};
  if (a.type == Type::Complex && a.sub_attribute("primary")) {
    int primaries = 0;
    for (const auto& item : out)
      if (auto* p = item.get_object().if_contains("primary"); p && p->is_bool() && p->get_bool()) ++primaries;
    if (primaries > 1)
      return invalid_value("Attribute " + quoted(path) + " has " + std::to_string(primaries) +
                           " values with primary true; at most one is allowed");
  }
  return std::optional<json::value>(std::move(out));
}

// Equality as the attribute's caseExact sees it; arrays compare as multisets.
bool same_value(const Attribute& a, const json::value& x, const json::value& y) {
  if (x.is_array() && y.is_array()) {
    const auto& xs = x.get_array();
    const auto& ys = y.get_array();
    if (xs.size() != ys.size()) return false;
    std::vector<bool> used(ys.size(), false);
    for (const auto& xv : xs) {
      bool found = false;
      for (std::size_t i = 0; i < ys.size() && !found; ++i)
        if (!used[i] && same_value(a, xv, ys[i])) found = used[i] = true;
      if (!found) return false;
    }
    return true;
  }
  if (a.type == Type::Complex && x.is_object() && y.is_object()) {
    for (const auto& sub : a.sub_attributes) {
      auto* xv = find_ci(x.get_object(), sub.name);
      auto* yv = find_ci(y.get_object(), sub.name);
      bool xa = !xv || xv->is_null();
      bool ya = !yv || yv->is_null();
      if (xa != ya) return false;
      if (!xa && !same_value(sub, *xv, *yv)) return false;
    }
    return true;
  }
  if (x.is_string() && y.is_string() && !a.case_exact) return fold_case(x.get_string()) == fold_case(y.get_string());
  return x == y;
}

// One schema's attributes on Replace: `now` is the new object, `before` the stored one.
Result<void> check_immutable(const Schema& schema, json::object& now, const json::object& before,
                             const std::string& prefix) {
  for (const auto& a : schema.attributes) {
    auto* old_value = find_ci(before, a.name);
    if (!old_value || old_value->is_null()) continue;
    const std::string path = prefix + a.name;
    if (a.mutability == Mutability::Immutable) {
      auto* new_value = now.if_contains(a.name);
      if (!new_value) {
        now[a.name] = *old_value;
      } else if (!same_value(a, *old_value, *new_value)) {
        return Error::invalid("Attribute " + quoted(path) + " is immutable and cannot be changed", "mutability");
      }
      continue;
    }
    if (a.type != Type::Complex || a.multi_valued || !old_value->is_object()) continue;
    for (const auto& sub : a.sub_attributes) {
      if (sub.mutability != Mutability::Immutable) continue;
      auto* old_sub = find_ci(old_value->get_object(), sub.name);
      if (!old_sub || old_sub->is_null()) continue;
      auto* parent = now.if_contains(a.name);
      if (!parent) parent = &(now[a.name] = json::object());
      auto& obj = parent->get_object();
      auto* new_sub = obj.if_contains(sub.name);
      if (!new_sub) {
        obj[sub.name] = *old_sub;
      } else if (!same_value(sub, *old_sub, *new_sub)) {
        return Error::invalid("Attribute " + quoted(path + "." + sub.name) + " is immutable and cannot be changed",
                              "mutability");
      }
    }
  }
  return {};
}

Result<void> check_required(const Schema& schema, const json::object& obj, const std::string& prefix) {
  std::string missing;
  for (const auto& a : schema.attributes) {
    if (!a.required || a.mutability == Mutability::ReadOnly || a.mutability == Mutability::WriteOnly) continue;
    auto* v = obj.if_contains(a.name);
    bool present = v && !(v->is_string() && is_blank(v->get_string()));
    if (present) continue;
    if (!missing.empty()) missing += ", ";
    missing += quoted(prefix + a.name);
  }
  if (missing.empty()) return {};
  return invalid_value("Required attribute missing or empty: " + missing);
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

bool is_date_time(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, hour) || s[13] != ':' ||
      !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second))
    return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  int oh, om;
  if (i + 6 != s.size() || (s[i] != '+' && s[i] != '-') || !digits(s, i + 1, 2, oh) || s[i + 3] != ':' ||
      !digits(s, i + 4, 2, om))
    return false;
  return oh <= 23 && om <= 59;
}

Result<void> check_length(std::string_view name, std::string_view value, std::size_t max_chars) {
  if (utf8::length(value) <= max_chars) return {};
  return invalid_value("'" + std::string(name) + "' is longer than " + std::to_string(max_chars) + " characters");
}

Result<void> check_plain_text(std::string_view name, std::string_view value) {
  for (std::size_t i = 0; i < value.size();) {
    char32_t c = 0;
    const std::size_t len = utf8::decode(value, i, c);
    if (len == 0) return invalid_value("'" + std::string(name) + "' is not UTF-8");
    const bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
    const bool bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    if (control || bidi) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
      return invalid_value("'" + std::string(name) + "' holds the character " + code + " (" +
                           (control ? "a control character" : "a bidirectional override") + "), which is not allowed");
    }
    i += len;
  }
  return {};
}

Result<std::optional<json::value>> validate_value(const Attribute& attribute, const json::value& value,
                                                  std::string_view path) {
  return check_value(attribute, value, std::string(path));
}

Result<json::object> validate_resource(const Registry& registry, const ResourceType& type, const json::object& input,
                                       Mode mode, const json::object* existing) {
  // schemas
  const json::value* schemas_value = find_ci(input, "schemas");
  if (!schemas_value || !schemas_value->is_array())
    return invalid_syntax("The request body needs a 'schemas' array listing " + type.schema->id);
  bool core_listed = false;
  std::vector<const SchemaExtension*> listed;
  std::vector<std::string_view> foreign;  // URNs of no schema of this type
  for (const auto& item : schemas_value->get_array()) {
    if (!item.is_string()) return invalid_syntax("'schemas' must hold only strings");
    std::string_view urn = item.get_string();
    if (iequals(urn, type.schema->id)) {
      core_listed = true;
    } else if (auto* ext = type.extension(urn)) {
      listed.push_back(ext);
    } else {
      foreign.push_back(urn);
    }
  }
  if (!core_listed) return invalid_syntax("'schemas' must list " + type.schema->id);
  auto is_listed = [&](const SchemaExtension* ext) {
    for (auto* l : listed)
      if (l == ext) return true;
    return false;
  };

  json::object out;
  out["schemas"] = json::array();
  std::vector<json::object> ext_objects(type.extensions.size());
  auto ext_index = [&](const SchemaExtension* ext) { return static_cast<std::size_t>(ext - type.extensions.data()); };
  std::vector<std::string> seen;  // "<urn>\n<name>" of accepted names, to refuse duplicates

  auto accept = [&](const Resolved& r, const json::value& value) -> Result<void> {
    const Attribute& a = *r.attribute;
    const std::string prefix = r.extension ? r.schema->id + ":" : std::string();
    std::string key = prefix + "\n" + a.name;
    for (const auto& s : seen)
      if (iequals(s, key)) return invalid_syntax("Attribute " + quoted(prefix + a.name) + " is given twice");
    seen.push_back(std::move(key));
    if (a.mutability == Mutability::ReadOnly) return {};  // id, meta, groups: the server's to set
    auto checked = check_value(a, value, prefix + a.name);
    if (!checked) return checked.error();
    if (!*checked || a.mutability == Mutability::WriteOnly) return {};  // password: checked, never stored
    json::object& target = r.extension ? ext_objects[ext_index(type.extension(r.schema->id))] : out;
    target[a.name] = std::move(**checked);
    return {};
  };

  for (const auto& kv : input) {
    std::string_view key = kv.key();
    const json::value& value = kv.value();
    if (iequals(key, "schemas")) continue;

    if (auto* ext = type.extension(key)) {
      if (value.is_null()) continue;
      auto* obj = value.if_object();
      if (!obj) return invalid_value("Extension " + quoted(ext->schema->id) + " must be a JSON object");
      if (!obj->empty() && !is_listed(ext))
        return invalid_syntax("Extension " + quoted(ext->schema->id) + " holds data but is not listed in 'schemas'");
      for (const auto& inner : *obj) {
        if (iequals(inner.key(), "schemas")) continue;  // some clients repeat it inside the extension
        auto r = registry.resolve(type, ext->schema->id, inner.key());
        if (!r) return invalid_syntax("Unknown attribute " + quoted(ext->schema->id + ":" + std::string(inner.key())));
        if (auto ok = accept(*r, inner.value()); !ok) return ok.error();
      }
      continue;
    }

    bool is_foreign = false;
    for (auto f : foreign) is_foreign = is_foreign || iequals(f, key);
    if (is_foreign) {
      // Listed by the client but not ours (Entra's Microsoft URNs): fine while empty.
      if (!value.is_null() && !(value.is_object() && value.get_object().empty()))
        return invalid_syntax("Unknown schema extension " + quoted(key) + " for " + type.name);
      continue;
    }

    const bool empty = value.is_null() || (value.is_object() && value.get_object().empty());
    std::optional<Resolved> r;
    if (key.size() > 4 && iequals(key.substr(0, 4), "urn:")) {
      // "urn:…:User:userName" or "urn:…:enterprise:2.0:User:department"
      auto path = registry.split_path(type, key);
      if (path.sub_attribute.empty()) r = registry.resolve(type, path.urn, path.attribute);
      if (r && r->extension && !is_listed(type.extension(r->schema->id)))
        return invalid_syntax("Extension " + quoted(r->schema->id) + " holds data but is not listed in 'schemas'");
    } else {
      r = registry.resolve(type, {}, key);
    }
    if (!r) {
      if (empty && key.size() > 4 && iequals(key.substr(0, 4), "urn:")) continue;  // an empty foreign extension
      return invalid_syntax("Unknown attribute " + quoted(key) + " for " + type.name);
    }
    if (auto ok = accept(*r, value); !ok) return ok.error();
  }

  // Replace: immutable attributes keep their stored values.
  if (mode == Mode::Replace && existing) {
    if (auto ok = check_immutable(*type.schema, out, *existing, {}); !ok) return ok.error();
    for (std::size_t i = 0; i < type.extensions.size(); ++i) {
      const auto& ext = type.extensions[i];
      auto* before = find_ci(*existing, ext.schema->id);
      if (!before || !before->is_object()) continue;
      if (auto ok = check_immutable(*ext.schema, ext_objects[i], before->get_object(), ext.schema->id + ":"); !ok)
        return ok.error();
    }
  }

  if (auto ok = check_required(*type.schema, out, {}); !ok) return ok.error();
  auto& schemas = out["schemas"].get_array();
  schemas.emplace_back(type.schema->id);
  for (std::size_t i = 0; i < type.extensions.size(); ++i) {
    const auto& ext = type.extensions[i];
    if (ext_objects[i].empty()) {
      if (ext.required) return invalid_value("Extension " + quoted(ext.schema->id) + " is required");
      continue;
    }
    if (auto ok = check_required(*ext.schema, ext_objects[i], ext.schema->id + ":"); !ok) return ok.error();
    schemas.emplace_back(ext.schema->id);
    out[ext.schema->id] = std::move(ext_objects[i]);
  }
  return out;
}

}  // namespace kestra::scim::schema
