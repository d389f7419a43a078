// The Provisioning page's backend: integrations and the IAM objects each one
// bootstraps (SCIMProvisioner role, service account, binding, API token).
#pragma once

#include "app/host_port.hpp"
#include "core/result.hpp"
#include "iam/permissions.hpp"
#include "ports/provisioning_store.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace kestra::provisioning {

inline constexpr std::string_view kIntegrationType = "SCIM";

// Who acts, for the audit trail.
struct Actor {
  std::string type;  // ADMIN | INTEGRATION | SYSTEM
  std::string id;
  std::string request_id;
};

struct IntegrationInput {
  std::string name;
  std::string description;
  std::string type = std::string(kIntegrationType);
  bool enabled = true;
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
  AdminService(ports::ProvisioningStore& store, const app::HostPort& host, std::string token_pepper);

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

  // Tenant created: what a tenant needs before its first integration.
  Result<void> bootstrap_tenant(const std::string& tenant);

  ports::ProvisioningStore& store() { return store_; }

 private:
  ports::AuditEntry audit_entry(const std::string& tenant, const std::optional<std::string>& integration_id,
                                const Actor& actor, std::string action, std::string target_type,
                                std::string target_id, std::string detail = {}) const;
  ports::Role provisioner_role(const std::string& tenant, const std::string& now) const;
  void emit(std::string_view type, const std::string& tenant, const std::string& subject) const;

  ports::ProvisioningStore& store_;
  const app::HostPort& host_;
  std::string pepper_;
};

}  // namespace kestra::provisioning
