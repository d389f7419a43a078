#include "store_support.hpp"

#include "core/clock.hpp"

#include <soci/use.h>

namespace kestra::adapters::support {

void insert_audit(soci::session& sql, const ports::AuditEntry& entry, const std::string& tenant) {
  const OptionalText integration_id = to_boost(entry.integration_id);
  const std::string created_at = entry.created_at.empty() ? now_iso8601() : entry.created_at;
  sql << "INSERT INTO scim_audit (tenant_id, integration_id, actor_type, actor_id, action, target_type, "
         "target_id, outcome, detail, request_id, created_at) VALUES (:tenant, :integration_id, :actor_type, "
         ":actor_id, :action, :target_type, :target_id, :outcome, :detail, :request_id, :created_at)",
      soci::use(tenant, "tenant"), soci::use(integration_id, "integration_id"),
      soci::use(entry.actor_type, "actor_type"), soci::use(entry.actor_id, "actor_id"),
      soci::use(entry.action, "action"), soci::use(entry.target_type, "target_type"),
      soci::use(entry.target_id, "target_id"), soci::use(entry.outcome, "outcome"),
      soci::use(entry.detail, "detail"), soci::use(entry.request_id, "request_id"),
      soci::use(created_at, "created_at");
}

}  // namespace kestra::adapters::support
