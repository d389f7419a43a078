#include "iam/role_policy.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <array>

namespace kestra::iam {
namespace {

// Kestra spells its permission resources both ways (USER / USERS, ...).
constexpr std::array<std::string_view, 15> kIamResources = {
    "USERS",    "USER",     "GROUPS",   "GROUP",         "ROLES",         "ROLE",
    "BINDINGS", "BINDING",  "SERVICE_ACCOUNTS", "SERVICE_ACCOUNT", "SERVICEACCOUNT", "TENANTS",
    "TENANT",   "TENANT_ACCESS", "IMPERSONATE"};

bool is_iam_resource(std::string_view resource) {
  return std::find(kIamResources.begin(), kIamResources.end(), resource) != kIamResources.end();
}

}  // namespace

bool administers_iam(const Permissions& permissions) {
  for (const auto& [resource, actions] : permissions.grants()) {
    if (!is_iam_resource(resource)) continue;
    if (resource == "IMPERSONATE" && !actions.empty()) return true;
    for (const auto& action : actions) {
      if (action != "READ") return true;
    }
  }
  return false;
}

bool assignable_by_default(const ports::Role& role) {
  if (boost::iequals(role.name, kProvisionerRole)) return false;
  auto permissions = Permissions::from_json(role.permissions_json);
  return permissions && !administers_iam(*permissions);
}

const ports::Role* find_role(const std::vector<ports::Role>& roles, std::string_view value) {
  for (const auto& role : roles) {
    if (role.id == value) return &role;
  }
  for (const auto& role : roles) {
    if (boost::iequals(role.name, value)) return &role;
  }
  return nullptr;
}

AssignableRoles::AssignableRoles(std::vector<ports::Role> roles, std::optional<std::vector<std::string>> allow_list)
    : all_(std::move(roles)) {
  std::sort(all_.begin(), all_.end(),
            [](const ports::Role& a, const ports::Role& b) { return std::tie(a.name, a.id) < std::tie(b.name, b.id); });
  for (const auto& role : all_) {
    if (boost::iequals(role.name, kProvisionerRole)) continue;
    const bool allowed = allow_list ? std::find(allow_list->begin(), allow_list->end(), role.id) != allow_list->end()
                                    : assignable_by_default(role);
    if (allowed) assignable_.push_back(role);
  }
}

const ports::Role* AssignableRoles::find_by_id(std::string_view id) const {
  for (const auto& role : assignable_) {
    if (role.id == id) return &role;
  }
  return nullptr;
}

Result<const ports::Role*> AssignableRoles::resolve(std::string_view value) const {
  if (const auto* role = find_role(assignable_, value)) return role;
  if (const auto* role = find_role(all_, value)) {
    return Error::invalid("role '" + role->name + "' may not be assigned through SCIM in this tenant", "invalidValue");
  }
  return Error::invalid("this tenant has no role '" + std::string(value) + "' (see /Roles)", "invalidValue");
}

}  // namespace kestra::iam
