// The store, and its audit trail.
#include "soci_provisioning_store.hpp"

#include "provisioning_rows.hpp"
#include "provisioning_support.hpp"
#include "store_support.hpp"

namespace kestra::adapters {

SociProvisioningStore::SociProvisioningStore(const Dialect& dialect, SessionPool& sessions)
    : dialect_(dialect), sessions_(sessions), statements_(dialect) {}

Result<void> SociProvisioningStore::append_audit(const ports::AuditEntry& entry) {
  if (entry.tenant_id.empty()) return Error::invalid("tenant id is empty");
  return read("cannot record audit entry '" + entry.action + "'",
              [&](Session db) { support::insert_audit(db.sql, entry, entry.tenant_id); });
}

Result<ports::Page<ports::AuditEntry>> SociProvisioningStore::list_audit(const std::string& tenant,
                                                                         const std::string& integration_id,
                                                                         std::int64_t offset, std::int64_t limit) {
  auto paging = provisioning::check_paging(offset, limit);
  if (!paging) return paging.error();
  const long long first = offset;
  const long long size = limit;
  return read("cannot list the audit trail of tenant '" + tenant + "'", [&](Session db) {
    ports::Page<ports::AuditEntry> page;
    // An empty integration id lists the whole tenant.
    if (integration_id.empty()) {
      page.total = count(db, statements_.count_audit, param("tenant", tenant));
      page.items = rows<ports::AuditEntry>(db, statements_.audit_page, param("tenant", tenant),
                                           param("size", size), param("first", first));
    } else {
      page.total = count(db, statements_.count_integration_audit, param("tenant", tenant),
                         param("integration_id", integration_id));
      page.items = rows<ports::AuditEntry>(db, statements_.integration_audit_page, param("tenant", tenant),
                                           param("integration_id", integration_id), param("size", size),
                                           param("first", first));
    }
    return page;
  });
}

}  // namespace kestra::adapters
