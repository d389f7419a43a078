#include "store_support.hpp"

#include "core/clock.hpp"

namespace kestra::adapters::support {

void AuditRow::set(const ports::AuditEntry& from, const std::string& in_tenant) {
  tenant = in_tenant;
  integration_id = to_boost(from.integration_id);
  entry = from;
  created_at = from.created_at.empty() ? now_iso8601() : from.created_at;
}

void insert_audit(soci::session& sql, const ports::AuditEntry& entry, const std::string& tenant) {
  CachedStatement<AuditRow> once(sql, kInsertAudit, soci::details::st_one_time_query,
                                 [&](AuditRow& row) { row.set(entry, tenant); });
  once.execute();
}

void insert_audit(StatementCache& statements, soci::session& sql, const ports::AuditEntry& entry,
                  const std::string& tenant) {
  auto& statement = statements.get<AuditRow>(sql, kInsertAudit);
  statement.values.set(entry, tenant);
  statement.execute();
}

}  // namespace kestra::adapters::support
