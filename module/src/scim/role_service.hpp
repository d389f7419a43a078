// Roles through SCIM: the /Roles resource (the tenant's roles this
// integration may assign), and the `roles` of users and groups as the
// bindings they become.
#pragma once

#include "ports/host.hpp"
#include "core/result.hpp"
#include "iam/role_policy.hpp"
#include "ports/provisioning_store.hpp"
#include "ports/resource_store.hpp"
#include "provisioning/admin_service.hpp"
#include "scim/list_request.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kestra::scim {

inline constexpr std::string_view kRoleSchema = "urn:ietf:params:scim:schemas:core:2.0:Role";
inline constexpr std::string_view kKestraGroupSchema = "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group";

// kestra.security.defaultRole: the role (id or name) every user SCIM grants
// access to a tenant receives; `tenant` set: only in that tenant.
struct DefaultRole {
  std::string role;
  std::string tenant;
};

// A role as a SCIM Role resource.
boost::json::object render_role(const ports::Role& role, std::string_view location);

// Assignments as the `roles` attribute value.
boost::json::array roles_json(const std::vector<ports::RoleAssignment>& roles);

class RoleService {
 public:
  RoleService(ports::ProvisioningStore& store, const schema::Registry& registry, const ports::HostPort& host,
              DefaultRole default_role, filter::Limits filter_limits = {});

  Result<iam::AssignableRoles> assignable(const ports::Scope& scope);

  // GET /Roles: filtered, sorted and paged in memory (a tenant has few roles).
  Result<ports::ListPage<ports::Role>> list(const ports::Scope& scope, const ListRequest& request);
  Result<ports::Role> get(const ports::Scope& scope, const std::string& id);

  // The assignments a `roles` value asks for.  A value the subject already
  // holds (`current`) stays even if it is no longer assignable; a new one
  // must be assignable.  Repeated roles collapse into one.
  Result<std::vector<ports::RoleAssignment>> resolve(const ports::Scope& scope, const boost::json::value* roles,
                                                     const std::vector<ports::RoleAssignment>& current);

  // Whether the actor may see role assignments (BINDINGS READ).
  static bool reads_bindings(const provisioning::Actor& actor) {
    return !actor.permissions || actor.permissions->allows("BINDINGS", "READ");
  }

  // Forbidden unless the actor may make the change from `current` to
  // `desired` (BINDINGS CREATE / DELETE / UPDATE).
  static Result<void> authorize_change(const provisioning::Actor& actor,
                                       const std::vector<ports::RoleAssignment>& current,
                                       const std::vector<ports::RoleAssignment>& desired);

  // The id of the default role of the scope's tenant, when one is configured
  // and the tenant has it.
  Result<std::optional<std::string>> default_role_id(const ports::Scope& scope);

  // Emits iam.binding.created / iam.binding.deleted for each change.
  void emit(const ports::Scope& scope, std::string_view subject_type, const std::string& subject_id,
            const std::vector<ports::BindingChange>& changes) const;

  const schema::ResourceType& type() const { return *type_; }

 private:
  ports::ProvisioningStore& store_;
  const schema::Registry& registry_;
  const ports::HostPort& host_;
  DefaultRole default_role_;
  const schema::ResourceType* type_;
  filter::Limits filter_limits_;
};

}  // namespace kestra::scim
