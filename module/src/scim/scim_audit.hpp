// Audit entries of SCIM writes.
#pragma once

#include "core/clock.hpp"
#include "ports/resource_store.hpp"
#include "provisioning/admin_service.hpp"

namespace kestra::scim {

inline ports::AuditEntry scim_audit(const ports::Scope& scope, const provisioning::Actor& actor, std::string action,
                                    std::string target_type, std::string target_id, std::string detail = {}) {
  ports::AuditEntry e;
  e.tenant_id = scope.tenant_id;
  e.integration_id = scope.integration_id;
  e.actor_type = actor.type;
  e.actor_id = actor.id;
  e.action = std::move(action);
  e.target_type = std::move(target_type);
  e.target_id = std::move(target_id);
  e.outcome = "SUCCESS";
  e.detail = std::move(detail);
  e.request_id = actor.request_id;
  e.created_at = now_iso8601();
  return e;
}

}  // namespace kestra::scim
