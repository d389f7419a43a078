// Audit entries of SCIM writes.
#pragma once

#include "ports/resource_store.hpp"
#include "provisioning/admin_service.hpp"

namespace kestra::scim {

inline ports::AuditEntry scim_audit(const ports::Scope& scope, const provisioning::Actor& actor, std::string action,
                                    std::string target_type, std::string target_id, std::string detail = {}) {
  return provisioning::make_audit(scope.tenant_id, scope.integration_id, actor, std::move(action),
                                  std::move(target_type), std::move(target_id), std::move(detail));
}

}  // namespace kestra::scim
