// The Provisioning page's backend: integrations and the IAM objects each one
// bootstraps (SCIMProvisioner role, service account, binding, API token).
#pragma once

#include "ports/host.hpp"
#include "core/result.hpp"
#include "iam/permissions.hpp"
#include "ports/provisioning_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestra::provisioning {

inline constexpr std::string_view kIntegrationType = "SCIM";

// Who acts, for the audit trail.
struct Actor {
  Actor() = default;
  Actor(std::string type, std::string id, std::string request_id,
        std::optional<iam::Permissions> permissions = std::nullopt)
      : type(std::move(type)), id(std::move(id)), request_id(std::move(request_id)),
        permissions(std::move(permissions)) {}

  std::string type;  // ADMIN | INTEGRATION | SYSTEM
  std::string id;
  std::string request_id;
  // What an integration's role grants, checked where a change is known
  // (bindings); nullopt: not restricted here (admins, the system).
  std::optional<iam::Permissions> permissions;
};

// An audit entry of `actor`'s, stamped now, outcome SUCCESS.
ports::AuditEntry make_audit(const std::string& tenant, const std::optional<std::string>& integration_id,
                             const Actor& actor, std::string action, std::string target_type, std::string target_id,
                             std::string detail = {});

// The offset of page `page` (from 1) of `size` items.
std::int64_t offset_of(std::int64_t page, std::int64_t size);

struct IntegrationInput {
  std::string name;
  std::string description;
  std::string type = std::string(kIntegrationType);
  bool enabled = true;
};

// Which roles SCIM may assign through one integration (or, with no
// integration, through every integration of the tenant without a list).
struct AssignableRolesView {
  std::optional<std::string> integration_id;
  // The list set at this level; nullopt: none (the tenant's list, else the
  // default rule, applies).
  std::optional<std::vector<std::string>> role_ids;
  std::string source;  // INTEGRATION | TENANT | DEFAULT: where the effective list comes from
  std::vector<ports::Role> assignable;  // the effective list
};

struct CreatedIntegration {
  ports::Integration integration;
  std::string secret_token;  // shown once
};

// Checks a name: 1-63 characters, a lower-case DNS label.
Result<void> validate_integration_name(std::string_view name);

// The service account name derived from an integration name: "scim-NAME",
// shortened with a hash of NAME when longer than a DNS label.
std::string service_account_name(std::string_view integration_name);

class AdminService {
 public:
  AdminService(ports::ProvisioningStore& store, const ports::HostPort& host, std::string token_pepper);

  Result<CreatedIntegration> create(const std::string& tenant, const IntegrationInput& input, const Actor& actor);
  Result<ports::Page<ports::Integration>> list(const std::string& tenant, const std::string& query,
                                               std::int64_t page, std::int64_t size);
  Result<ports::Integration> get(const std::string& tenant, const std::string& id);
  Result<ports::Integration> update(const std::string& tenant, const std::string& id, const std::string& name,
                                    const std::string& description, const Actor& actor);
  Result<ports::Integration> set_enabled(const std::string& tenant, const std::string& id, bool enabled,
                                         const Actor& actor);
  Result<void> remove(const std::string& tenant, const std::string& id, const Actor& actor);
  // A new token, shown once; the old ones stop working at once.
  Result<std::string> rotate_token(const std::string& tenant, const std::string& id, const Actor& actor);
  Result<ports::Page<ports::AuditEntry>> audit(const std::string& tenant, const std::string& id, std::int64_t page,
                                               std::int64_t size);

  // Replaces a role's permissions (and description, when given).
  Result<ports::Role> update_role(const std::string& tenant, const std::string& id,
                                  const std::optional<std::string>& description, const iam::Permissions& permissions,
                                  const Actor& actor);

  // A tenant role (not system-managed).  Conflict on its name.
  Result<ports::Role> create_role(const std::string& tenant, const std::string& name, const std::string& description,
                                  const iam::Permissions& permissions, const Actor& actor);
  // Deletes the role and its bindings; Conflict for a system-managed role.
  Result<void> delete_role(const std::string& tenant, const std::string& id, const Actor& actor);
  // A binding made by hand (source ADMIN): SCIM never removes it.
  Result<ports::Binding> create_binding(const std::string& tenant, const std::string& role_id,
                                        const std::string& subject_type, const std::string& subject_id,
                                        const Actor& actor);
  Result<void> delete_binding(const std::string& tenant, const std::string& id, const Actor& actor);

  // `integration_id` empty: the tenant's own list.
  Result<AssignableRolesView> assignable_roles(const std::string& tenant, const std::string& integration_id);
  // Each entry a role id or name of the tenant, never SCIMProvisioner;
  // nullopt removes the list.
  Result<AssignableRolesView> set_assignable_roles(const std::string& tenant, const std::string& integration_id,
                                                   const std::optional<std::vector<std::string>>& roles,
                                                   const Actor& actor);

  // Tenant created: what a tenant needs before its first integration.
  Result<void> bootstrap_tenant(const std::string& tenant);

  // The tenant's IAM objects, as stored.
  Result<std::vector<ports::Role>> roles(const std::string& tenant) { return store_.list_roles(tenant); }
  Result<std::vector<ports::ServiceAccount>> service_accounts(const std::string& tenant) {
    return store_.list_service_accounts(tenant);
  }
  Result<std::vector<ports::Binding>> bindings(const std::string& tenant) { return store_.list_bindings(tenant); }

 private:
  ports::AuditEntry audit_entry(const std::string& tenant, const std::optional<std::string>& integration_id,
                                const Actor& actor, std::string action, std::string target_type,
                                std::string target_id, std::string detail = {}) const;
  ports::Role provisioner_role(const std::string& tenant, const std::string& now) const;
  void emit(std::string_view type, const std::string& tenant, const std::string& subject) const;

  ports::ProvisioningStore& store_;
  const ports::HostPort& host_;
  std::string pepper_;
};

}  // namespace kestra::provisioning
