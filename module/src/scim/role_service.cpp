#include "scim/role_service.hpp"

#include "scim/filter/evaluator.hpp"
#include "scim/schema/validator.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

#include <algorithm>

namespace kestra::scim {
namespace json = boost::json;

namespace {

// The width every store keeps of a role value's type label.
constexpr std::size_t kMaxRoleTypeChars = 255;

Error forbidden(std::string detail) { return {ErrorKind::Forbidden, std::move(detail), {}}; }

// Every attribute a filter names must be one of the Role schema's: an
// unknown one is invalidFilter, never a filter that matches nothing.
Result<void> check_paths(const schema::Registry& registry, const schema::ResourceType& type, const filter::Node& node) {
  const auto check = [&](const filter::AttrPath& path, const filter::AttrPath* parent) -> Result<void> {
    const bool known = parent ? registry.resolve(type, parent->urn, parent->attribute, path.attribute).has_value()
                              : registry.resolve(type, path.urn, path.attribute, path.sub_attribute).has_value();
    if (known) return {};
    return Error::invalid("Role has no attribute '" + path.attribute + "' to filter on", "invalidFilter");
  };
  return std::visit(
      [&](const auto& n) -> Result<void> {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, filter::Compare> || std::is_same_v<T, filter::Present>) {
          return check(n.path, nullptr);
        } else if constexpr (std::is_same_v<T, filter::And> || std::is_same_v<T, filter::Or>) {
          if (auto ok = check_paths(registry, type, *n.left); !ok) return ok;
          return check_paths(registry, type, *n.right);
        } else if constexpr (std::is_same_v<T, filter::Not>) {
          return check_paths(registry, type, *n.inner);
        } else {
          return Error::invalid("Role has no multi-valued attribute '" + n.path.attribute + "'", "invalidFilter");
        }
      },
      node.value);
}

// The sort value of a role: sortBy names displayName, value, description,
// type, id or meta.created / meta.lastModified.
Result<std::string> sort_value(const ports::Role& role, std::string_view sort_by) {
  if (boost::iequals(sort_by, "displayName") || boost::iequals(sort_by, "value")) return role.name;
  if (boost::iequals(sort_by, "description")) return role.description;
  if (boost::iequals(sort_by, "id")) return role.id;
  if (boost::iequals(sort_by, "type")) return std::string("KestraRole");
  if (boost::iequals(sort_by, "meta.created")) return role.created_at;
  if (boost::iequals(sort_by, "meta.lastModified")) return role.updated_at;
  return Error::invalid("Roles cannot be sorted by '" + std::string(sort_by) + "'", "invalidValue");
}

const json::string* text_member(const json::object& o, std::string_view key) {
  for (const auto& [k, v] : o) {
    if (boost::iequals(k, key) && v.is_string()) return &v.get_string();
  }
  return nullptr;
}

bool primary_member(const json::object& o) {
  for (const auto& [k, v] : o) {
    if (!boost::iequals(k, "primary")) continue;
    if (v.is_bool()) return v.get_bool();
    if (v.is_string()) return boost::iequals(v.get_string(), "true");
  }
  return false;
}

bool same_assignment(const ports::RoleAssignment& a, const ports::RoleAssignment& b) {
  return a.type == b.type && a.primary == b.primary;
}

}  // namespace

json::object render_role(const ports::Role& role, std::string_view location) {
  json::object out{{"schemas", json::array{kRoleSchema}},
                   {"id", role.id},
                   {"displayName", role.name},
                   {"value", role.name},
                   {"type", "KestraRole"},
                   {"enabled", true}};
  if (!role.description.empty()) out["description"] = role.description;
  out["meta"] = json::object{{"resourceType", "Role"},
                             {"created", role.created_at},
                             {"lastModified", role.updated_at},
                             {"location", location},
                             {"version", "W/\"" + role.updated_at + "\""}};
  return out;
}

json::array roles_json(const std::vector<ports::RoleAssignment>& roles) {
  json::array out;
  for (const auto& r : roles) {
    json::object item{{"value", r.role_name}, {"display", r.role_name}};
    if (!r.type.empty()) item["type"] = r.type;
    if (r.primary) item["primary"] = true;
    out.push_back(std::move(item));
  }
  return out;
}

RoleService::RoleService(ports::ProvisioningStore& store, const schema::Registry& registry, const ports::HostPort& host,
                         DefaultRole default_role, filter::Limits filter_limits)
    : store_(store),
      registry_(registry),
      host_(host),
      default_role_(std::move(default_role)),
      type_(registry.resource_type("Role")),
      filter_limits_(filter_limits) {}

Result<iam::AssignableRoles> RoleService::assignable(const ports::Scope& scope) {
  auto roles = store_.list_roles(scope.tenant_id);
  if (!roles) return roles.error();
  std::optional<std::vector<std::string>> allowed;
  if (!scope.integration_id.empty()) {
    auto own = store_.find_role_allow_list(scope.tenant_id, scope.integration_id);
    if (!own) return own.error();
    if (*own) allowed = std::move((*own)->role_ids);
  }
  if (!allowed) {
    auto tenant = store_.find_role_allow_list(scope.tenant_id, "");
    if (!tenant) return tenant.error();
    if (*tenant) allowed = std::move((*tenant)->role_ids);
  }
  return iam::AssignableRoles(std::move(*roles), std::move(allowed));
}

Result<ports::ListPage<ports::Role>> RoleService::list(const ports::Scope& scope, const ListRequest& request) {
  if (request.cursor) {
    return Error::invalid("/Roles pages by startIndex and count only, not by cursor", "invalidValue");
  }
  filter::NodePtr filter;
  if (!request.filter.empty()) {
    auto parsed = filter::parse_filter(request.filter, filter_limits_);
    if (!parsed) return parsed.error();
    filter = std::move(*parsed);
    if (auto ok = check_paths(registry_, *type_, *filter); !ok) return ok.error();
  }
  auto roles = assignable(scope);
  if (!roles) return roles.error();

  std::vector<ports::Role> matched;
  const auto lookup = registry_.lookup_for(*type_);
  for (const auto& role : roles->roles()) {
    if (!filter || filter::matches(*filter, render_role(role, ""), lookup)) matched.push_back(role);
  }
  if (request.sort_by) {
    for (const auto& role : matched) {
      if (auto ok = sort_value(role, *request.sort_by); !ok) return ok.error();
    }
    std::stable_sort(matched.begin(), matched.end(), [&](const ports::Role& a, const ports::Role& b) {
      const auto x = *sort_value(a, *request.sort_by);
      const auto y = *sort_value(b, *request.sort_by);
      return request.ascending ? x < y : y < x;
    });
  }
  ports::ListPage<ports::Role> page;
  page.total = static_cast<std::int64_t>(matched.size());
  const auto first = static_cast<std::size_t>(std::max<std::int64_t>(1, request.start_index) - 1);
  for (std::size_t i = first; i < matched.size() && static_cast<std::int64_t>(page.items.size()) < request.count; ++i) {
    page.items.push_back(matched[i]);
  }
  return page;
}

Result<ports::Role> RoleService::get(const ports::Scope& scope, const std::string& id) {
  auto roles = assignable(scope);
  if (!roles) return roles.error();
  if (const auto* role = roles->find_by_id(id)) return *role;
  return Error::not_found("role '" + id + "' is not a role this integration may assign");
}

Result<std::vector<ports::RoleAssignment>> RoleService::resolve(const ports::Scope& scope,
                                                                const json::value* roles,
                                                                const std::vector<ports::RoleAssignment>& current) {
  std::vector<ports::RoleAssignment> out;
  if (!roles || roles->is_null()) return out;
  if (!roles->is_array()) return Error::invalid("'roles' must be an array of objects", "invalidValue");
  std::optional<iam::AssignableRoles> catalog;  // read only when a new role is named
  for (const auto& item : roles->get_array()) {
    if (!item.is_object()) return Error::invalid("each element of 'roles' must be an object", "invalidValue");
    const auto& o = item.get_object();
    const auto* value = text_member(o, "value");
    if (!value || value->empty()) return Error::invalid("each role needs a 'value'", "invalidValue");
    ports::RoleAssignment assignment;
    const auto held = std::find_if(current.begin(), current.end(), [&](const ports::RoleAssignment& r) {
      return r.role_id == *value || boost::iequals(r.role_name, std::string_view(*value));
    });
    if (held != current.end()) {
      assignment.role_id = held->role_id;
      assignment.role_name = held->role_name;
    } else {
      if (!catalog) {
        auto loaded = assignable(scope);
        if (!loaded) return loaded.error();
        catalog.emplace(std::move(*loaded));
      }
      auto role = catalog->resolve(*value);
      if (!role) return role.error();
      assignment.role_id = (*role)->id;
      assignment.role_name = (*role)->name;
    }
    if (const auto* type = text_member(o, "type")) {
      assignment.type = std::string(*type);
      if (auto ok = schema::check_length("roles.type", assignment.type, kMaxRoleTypeChars); !ok) return ok.error();
    }
    assignment.primary = primary_member(o);
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const ports::RoleAssignment& r) { return r.role_id == assignment.role_id; });
    if (same == out.end()) {
      out.push_back(std::move(assignment));
    } else {
      same->primary = same->primary || assignment.primary;
      if (same->type.empty()) same->type = assignment.type;
    }
  }
  std::sort(out.begin(), out.end(), [](const ports::RoleAssignment& a, const ports::RoleAssignment& b) {
    return std::tie(a.role_name, a.role_id) < std::tie(b.role_name, b.role_id);
  });
  return out;
}

Result<void> RoleService::authorize_change(const provisioning::Actor& actor,
                                           const std::vector<ports::RoleAssignment>& current,
                                           const std::vector<ports::RoleAssignment>& desired) {
  if (!actor.permissions) return {};
  const auto find = [](const std::vector<ports::RoleAssignment>& list, const std::string& id) {
    return std::find_if(list.begin(), list.end(), [&](const ports::RoleAssignment& r) { return r.role_id == id; });
  };
  const auto need = [&](std::string_view action, const std::string& role) -> Result<void> {
    if (actor.permissions->allows("BINDINGS", action)) return {};
    return forbidden("changing the role '" + role + "' needs the BINDINGS " + std::string(action) +
                     " permission, which the integration's role does not grant");
  };
  for (const auto& d : desired) {
    const auto held = find(current, d.role_id);
    if (held == current.end()) {
      if (auto ok = need("CREATE", d.role_name); !ok) return ok;
    } else if (!same_assignment(*held, d)) {
      if (auto ok = need("UPDATE", d.role_name); !ok) return ok;
    }
  }
  for (const auto& c : current) {
    if (find(desired, c.role_id) == desired.end()) {
      if (auto ok = need("DELETE", c.role_name); !ok) return ok;
    }
  }
  return {};
}

Result<std::optional<std::string>> RoleService::default_role_id(const ports::Scope& scope) {
  if (default_role_.role.empty()) return std::optional<std::string>();
  if (!default_role_.tenant.empty() && default_role_.tenant != scope.tenant_id) return std::optional<std::string>();
  auto roles = store_.list_roles(scope.tenant_id);
  if (!roles) return roles.error();
  if (const auto* role = iam::find_role(*roles, default_role_.role)) return std::optional<std::string>(role->id);
  host_.log(ports::LogLevel::Warn, "kestra-scim: the default role '" + default_role_.role +
                                     "' does not exist in tenant '" + scope.tenant_id +
                                     "'; users are provisioned without it");
  return std::optional<std::string>();
}

void RoleService::emit(const ports::Scope& scope, std::string_view subject_type, const std::string& subject_id,
                       const std::vector<ports::BindingChange>& changes) const {
  for (const auto& change : changes) {
    const json::object payload{{"subjectType", subject_type}, {"subjectId", subject_id},
                               {"roleId", change.role_id},    {"source", change.source},
                               {"integrationId", scope.integration_id}};
    host_.emit_event(change.created ? "iam.binding.created" : "iam.binding.deleted", scope.tenant_id,
                     change.binding_id, json::serialize(payload));
  }
}

}  // namespace kestra::scim
