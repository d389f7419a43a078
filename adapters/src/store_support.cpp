#include "store_support.hpp"

#include "core/clock.hpp"

#include <soci/use.h>

namespace kestra::adapters::support {

namespace {

constexpr const char* kInsertAudit =
    "INSERT INTO scim_audit (tenant_id, integration_id, actor_type, actor_id, action, target_type, "
    "target_id, outcome, detail, request_id, created_at) VALUES (:tenant, :integration_id, :actor_type, "
    ":actor_id, :action, :target_type, :target_id, :outcome, :detail, :request_id, :created_at)";

// What the audit insert exchanges.
struct AuditRow {
  std::string tenant;
  OptionalText integration_id;
  ports::AuditEntry entry;
  std::string created_at;

  void set(const ports::AuditEntry& from, const std::string& in_tenant) {
    tenant = in_tenant;
    integration_id = to_boost(from.integration_id);
    entry = from;
    created_at = from.created_at.empty() ? now_iso8601() : from.created_at;
  }

  void bind(soci::statement& st) {
    st.exchange(soci::use(tenant, "tenant"));
    st.exchange(soci::use(integration_id, "integration_id"));
    st.exchange(soci::use(entry.actor_type, "actor_type"));
    st.exchange(soci::use(entry.actor_id, "actor_id"));
    st.exchange(soci::use(entry.action, "action"));
    st.exchange(soci::use(entry.target_type, "target_type"));
    st.exchange(soci::use(entry.target_id, "target_id"));
    st.exchange(soci::use(entry.outcome, "outcome"));
    st.exchange(soci::use(entry.detail, "detail"));
    st.exchange(soci::use(entry.request_id, "request_id"));
    st.exchange(soci::use(created_at, "created_at"));
  }
};

}  // namespace

void insert_audit(soci::session& sql, const ports::AuditEntry& entry, const std::string& tenant) {
  AuditRow row;
  row.set(entry, tenant);
  execute(sql, kInsertAudit, [&](soci::statement& st) { row.bind(st); });
}

void insert_audit(StatementCache& statements, soci::session& sql, const ports::AuditEntry& entry,
                  const std::string& tenant) {
  auto& statement = statements.get<AuditRow>(sql, kInsertAudit);
  statement.values.set(entry, tenant);
  statement.execute();
}

}  // namespace kestra::adapters::support
