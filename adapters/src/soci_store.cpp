#include "soci_store.hpp"

#include "core/clock.hpp"
#include "catalogue.hpp"
#include "errors.hpp"
#include "migrations.hpp"
#include "pooled_session.hpp"
#include "store_support.hpp"

#include <soci/session.h>

#include <cstddef>
#include <utility>

namespace kestra::adapters {
namespace {

// Children before parents: external ids are found through the tenant's
// integrations; API tokens go with their service accounts and members with
// their groups (ON DELETE CASCADE).  Users are global and stay.
constexpr const char* kRemoveTenantStatements[] = {
    ("DELETE FROM scim_external_ids WHERE integration_id IN "
     "(SELECT id FROM scim_integrations WHERE tenant_id = :tenant)"),
    "DELETE FROM scim_bindings WHERE tenant_id = :tenant",
    "DELETE FROM scim_role_allow_lists WHERE tenant_id = :tenant",
    "DELETE FROM scim_integrations WHERE tenant_id = :tenant",
    "DELETE FROM scim_service_accounts WHERE tenant_id = :tenant",
    "DELETE FROM scim_roles WHERE tenant_id = :tenant",
    "DELETE FROM scim_tenant_users WHERE tenant_id = :tenant",
    // Its claims go; a user it owned passes to the tenant given access to
    // it first among those left (none: the next tenant to create it).
    "DELETE FROM scim_domain_claims WHERE tenant_id = :tenant",
    ("UPDATE scim_users SET owner_tenant_id = (SELECT a.tenant_id FROM scim_tenant_users a "
     "WHERE a.user_id = scim_users.id ORDER BY a.created_at, a.tenant_id LIMIT 1) WHERE owner_tenant_id = :tenant"),
    "DELETE FROM scim_groups WHERE tenant_id = :tenant",
    "DELETE FROM scim_audit WHERE tenant_id = :tenant",
    "DELETE FROM scim_tenants WHERE id = :tenant",
};

}  // namespace

Result<std::unique_ptr<ports::Store>> SociStore::open(std::unique_ptr<Dialect> dialect,
                                                      const ports::StoreConfig& config,
                                                      const ports::Metrics& metrics) {
  dialect->count_errors_in(metrics);
  auto migrations = embedded_migrations(dialect->name());
  if (!migrations) return migrations.error();

  auto pool = guarded(*dialect, "cannot open " + dialect->describe(), [&] {
    auto sessions = std::make_unique<soci::connection_pool>(static_cast<std::size_t>(config.pool_size));
    for (std::size_t i = 0; i < static_cast<std::size_t>(config.pool_size); ++i) {
      soci::session& sql = sessions->at(i);
      sql.open(dialect->connection());
      dialect->prepare_session(sql);
    }
    return sessions;
  });
  if (!pool) return Error::unavailable(pool.error().detail);

  const std::chrono::milliseconds socket_timeout(
      config.socket_timeout_ms ? *config.socket_timeout_ms
      : config.statement_timeout_ms > 0 ? config.statement_timeout_ms + kSocketTimeoutGrace.count()
                                        : 0);
  auto sessions = std::make_unique<SessionPool>(*dialect, std::move(*pool), config.busy_timeout_ms, socket_timeout);
  metrics.db_pool_size(static_cast<std::size_t>(config.pool_size));

  // Nobody else holds the pool yet, so session 0 is free to use directly.
  std::vector<std::string> warnings;
  auto version = migrate(sessions->at(0), *dialect, *migrations, &warnings);
  if (!version) return version.error();

  return std::unique_ptr<ports::Store>(
      new SociStore(std::move(dialect), std::move(sessions), *version, std::move(warnings)));
}

SociStore::SociStore(std::unique_ptr<Dialect> dialect, std::unique_ptr<SessionPool> sessions, int schema_version,
                     std::vector<std::string> open_warnings)
    : dialect_(std::move(dialect)),
      sessions_(std::move(sessions)),
      schema_version_(schema_version),
      open_warnings_(std::move(open_warnings)),
      insert_tenant_{dialect_->insert_ignoring_duplicate(
          "INSERT INTO scim_tenants (id, created_at) VALUES (:id, :created_at)", "id")},
      provisioning_(*dialect_, *sessions_),
      users_(*dialect_, *sessions_),
      groups_(*dialect_, *sessions_),
      domain_claims_(*dialect_, *sessions_) {}

Result<bool> SociStore::ensure_tenant(const std::string& tenant) {
  if (tenant.empty()) return Error::invalid("tenant id is empty");
  return on_session(*sessions_, *dialect_, "cannot record tenant '" + tenant + "'", [&](Session db) {
    const std::string created_at = now_iso8601();
    return support::execute_ignoring_duplicate(*dialect_, [&] {
             return execute(db, insert_tenant_, param("id", tenant), param("created_at", created_at));
           }) > 0;
  });
}

Result<void> SociStore::remove_tenant(const std::string& tenant) {
  if (tenant.empty()) return Error::invalid("tenant id is empty");
  return in_write_transaction(*sessions_, *dialect_, "cannot remove tenant '" + tenant + "'", [&](Session db) {
    for (const char* text : kRemoveTenantStatements) execute(db, Statement{text}, param("tenant", tenant));
  });
}

}  // namespace kestra::adapters
