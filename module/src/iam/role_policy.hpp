// Which of a tenant's roles SCIM may assign, and which role a client's
// roles[].value names.
#pragma once

#include "core/result.hpp"
#include "iam/permissions.hpp"
#include "ports/provisioning_store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::iam {

// Whether the permissions may change who can do what: CREATE, UPDATE or
// DELETE on an IAM resource (users, groups, roles, bindings, service
// accounts, tenants, tenant access) or any impersonation.
bool administers_iam(const Permissions& permissions);

// The default rule, when neither the integration nor the tenant has an
// allow list: every role except SCIMProvisioner and the IAM administrators.
// A role whose stored permissions cannot be read is not assignable.
bool assignable_by_default(const ports::Role& role);

// The tenant's roles as SCIM sees them through one integration.
class AssignableRoles {
 public:
  // `roles`: every role of the tenant.  `allow_list`: the integration's
  // list, else the tenant's; nullopt: the default rule.  Even a listed role
  // is never assignable when it is SCIMProvisioner.
  AssignableRoles(std::vector<ports::Role> roles, std::optional<std::vector<std::string>> allow_list);

  // The assignable roles, ordered by name.
  const std::vector<ports::Role>& roles() const { return assignable_; }
  const ports::Role* find_by_id(std::string_view id) const;

  // The role `value` names: an assignable role's name (case-insensitive) or
  // id.  InvalidInput (invalidValue) naming the value when the tenant has no
  // such role, or when it may not be assigned through SCIM.
  Result<const ports::Role*> resolve(std::string_view value) const;

 private:
  std::vector<ports::Role> all_;
  std::vector<ports::Role> assignable_;
};

// The tenant role `value` (a name, case-insensitive, or an id) names, in
// `roles`; nullptr when none.
const ports::Role* find_role(const std::vector<ports::Role>& roles, std::string_view value);

}  // namespace kestra::iam
