// Storage port of the Provisioning admin backend and of SCIM authentication:
// integrations, the IAM objects they bootstrap, tokens and the audit trail.
// Each write is one transaction in the adapter.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kestra::ports {

struct Integration {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string description;
  std::string type;
  bool enabled = true;
  std::string service_account_id;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> last_request_at;
  std::int64_t users_provisioned = 0;   // filled by reads
  std::int64_t groups_provisioned = 0;  // filled by reads
};

struct Role {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string description;
  std::string permissions_json;
  bool system_managed = false;
  std::string created_at;
  std::string updated_at;
};

struct ServiceAccount {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string description;
  std::string created_at;
  std::optional<std::string> integration_id;  // filled by reads
};

struct Binding {
  std::string id;
  std::string tenant_id;
  std::string role_id;
  std::string subject_type;  // USER | GROUP | SERVICE_ACCOUNT
  std::string subject_id;
  std::string source;        // SYSTEM | SCIM | DEFAULT | ADMIN
  std::optional<std::string> integration_id;
  std::string created_at;
  std::string role_name;     // filled by reads
};

// Which roles SCIM may assign: the tenant's list (integration_id empty) or
// one integration's, which then overrides the tenant's.  No list at all: the
// default rule (iam/role_policy).
struct RoleAllowList {
  std::string tenant_id;
  std::string integration_id;
  std::vector<std::string> role_ids;
  std::string updated_at;
};

struct TokenRecord {
  std::string id;
  std::string lookup_prefix;
  std::string secret_hash;
  std::string created_at;
};

struct AuditEntry {
  std::int64_t id = 0;       // assigned by the store
  std::string tenant_id;
  std::optional<std::string> integration_id;
  std::string actor_type;    // ADMIN | INTEGRATION | SYSTEM
  std::string actor_id;
  std::string action;        // e.g. integration.create, user.create
  std::string target_type;
  std::string target_id;
  std::string outcome;       // SUCCESS | FAILURE
  std::string detail;
  std::string request_id;
  std::string created_at;
};

// What creating an integration writes, all in one transaction.  The role is
// created only when the tenant has none of that name (`role` gives its
// values then); the binding uses whichever role is stored.
struct NewIntegration {
  Integration integration;
  Role role;
  ServiceAccount service_account;
  Binding binding;
  TokenRecord token;
  AuditEntry audit;
};

// What SCIM authentication needs about a token, in one read.
struct TokenGrant {
  std::string token_id;
  std::string secret_hash;
  bool revoked = false;
  std::string service_account_id;
  std::string integration_id;
  std::string tenant_id;
  bool integration_enabled = false;
  std::vector<std::string> role_permissions_json;  // of every role bound to the service account
};

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

class ProvisioningStore {
 public:
  virtual ~ProvisioningStore() = default;

  // Conflict when the tenant already has an integration of that name.
  virtual Result<Integration> create_integration(const NewIntegration& spec) = 0;
  // Names containing `query` (case-insensitive), ordered by name.
  virtual Result<Page<Integration>> list_integrations(const std::string& tenant, const std::string& query,
                                                      std::int64_t offset, std::int64_t limit) = 0;
  virtual Result<std::optional<Integration>> find_integration(const std::string& tenant, const std::string& id) = 0;
  // NotFound, or Conflict on a name taken by another integration.
  virtual Result<Integration> update_integration(const std::string& tenant, const std::string& id,
                                                 const std::string& name, const std::string& description,
                                                 const std::string& updated_at, const AuditEntry& audit) = 0;
  virtual Result<Integration> set_integration_enabled(const std::string& tenant, const std::string& id, bool enabled,
                                                      const std::string& updated_at, const AuditEntry& audit) = 0;
  // Removes the integration, its service account, bindings and tokens.
  virtual Result<void> delete_integration(const std::string& tenant, const std::string& id,
                                          const AuditEntry& audit) = 0;
  // Revokes every token of the integration's service account and adds `token`.
  virtual Result<void> replace_token(const std::string& tenant, const std::string& id, const TokenRecord& token,
                                     const AuditEntry& audit) = 0;

  virtual Result<std::optional<TokenGrant>> find_token(const std::string& lookup_prefix) = 0;
  // The lookup prefixes of every token not revoked (a few per integration).
  virtual Result<std::vector<std::string>> live_token_prefixes() = 0;
  // Records the time of the integration's latest SCIM request.
  virtual Result<void> touch_integration(const std::string& id, const std::string& at) = 0;

  // Ensures the tenant's role of that name exists; true when it was created.
  virtual Result<bool> ensure_role(const Role& role, const AuditEntry& audit) = 0;
  virtual Result<std::vector<Role>> list_roles(const std::string& tenant) = 0;
  // Replaces the role's permissions (and its description when given);
  // NotFound when the tenant has no role of that id.
  virtual Result<Role> update_role(const std::string& tenant, const std::string& id,
                                   const std::optional<std::string>& description,
                                   const std::string& permissions_json, const std::string& updated_at,
                                   const AuditEntry& audit) = 0;
  // Conflict when the tenant has a role of that name (case-insensitive).
  virtual Result<Role> create_role(const Role& role, const AuditEntry& audit) = 0;
  // Deletes the role and every binding to it (returned, for events); NotFound.
  virtual Result<std::vector<Binding>> delete_role(const std::string& tenant, const std::string& id,
                                                   const AuditEntry& audit) = 0;
  virtual Result<std::vector<ServiceAccount>> list_service_accounts(const std::string& tenant) = 0;
  virtual Result<std::vector<Binding>> list_bindings(const std::string& tenant) = 0;
  // An admin's binding (source ADMIN): NotFound for a role, or a subject
  // (USER: any user; GROUP, SERVICE_ACCOUNT: of this tenant), that does not
  // exist; Conflict when the subject already has that role from an admin.
  virtual Result<Binding> create_binding(const Binding& binding, const AuditEntry& audit) = 0;
  // NotFound when the tenant has no binding of that id.
  virtual Result<Binding> delete_binding(const std::string& tenant, const std::string& id,
                                         const AuditEntry& audit) = 0;

  virtual Result<std::optional<RoleAllowList>> find_role_allow_list(const std::string& tenant,
                                                                    const std::string& integration_id) = 0;
  // Sets the list, or with nullopt removes it.
  virtual Result<void> set_role_allow_list(const std::string& tenant, const std::string& integration_id,
                                           const std::optional<std::vector<std::string>>& role_ids,
                                           const std::string& updated_at, const AuditEntry& audit) = 0;

  virtual Result<void> append_audit(const AuditEntry& entry) = 0;
  // Newest first.
  virtual Result<Page<AuditEntry>> list_audit(const std::string& tenant, const std::string& integration_id,
                                              std::int64_t offset, std::int64_t limit) = 0;
};

}  // namespace kestra::ports
