// ports::ProvisioningStore over SociStore's pool of sessions.  The SQL here
// is shared by every dialect; what differs goes through Dialect.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "pooled_session.hpp"
#include "ports/provisioning_store.hpp"


#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace kestra::adapters {

class SociProvisioningStore final : public ports::ProvisioningStore {
 public:
  // `dialect` and `sessions` belong to the SociStore and outlive this object.
  SociProvisioningStore(const Dialect& dialect, SessionPool& sessions);

  Result<ports::Integration> create_integration(const ports::NewIntegration& spec) override;
  Result<ports::Page<ports::Integration>> list_integrations(const std::string& tenant, const std::string& query,
                                                            std::int64_t offset, std::int64_t limit) override;
  Result<std::optional<ports::Integration>> find_integration(const std::string& tenant,
                                                             const std::string& id) override;
  Result<ports::Integration> update_integration(const std::string& tenant, const std::string& id,
                                                const std::string& name, const std::string& description,
                                                const std::string& updated_at,
                                                const ports::AuditEntry& audit) override;
  Result<ports::Integration> set_integration_enabled(const std::string& tenant, const std::string& id,
                                                     bool enabled, const std::string& updated_at,
                                                     const ports::AuditEntry& audit) override;
  Result<void> delete_integration(const std::string& tenant, const std::string& id,
                                  const ports::AuditEntry& audit) override;
  Result<void> replace_token(const std::string& tenant, const std::string& id, const ports::TokenRecord& token,
                             const ports::AuditEntry& audit) override;

  Result<std::optional<ports::TokenGrant>> find_token(const std::string& lookup_prefix) override;
  Result<std::vector<std::string>> live_token_prefixes() override;
  Result<void> touch_integration(const std::string& id, const std::string& at) override;

  Result<bool> ensure_role(const ports::Role& role, const ports::AuditEntry& audit) override;
  Result<std::vector<ports::Role>> list_roles(const std::string& tenant) override;
  Result<ports::Role> update_role(const std::string& tenant, const std::string& id,
                                  const std::optional<std::string>& description,
                                  const std::string& permissions_json, const std::string& updated_at,
                                  const ports::AuditEntry& audit) override;
  Result<std::vector<ports::ServiceAccount>> list_service_accounts(const std::string& tenant) override;
  Result<std::vector<ports::Binding>> list_bindings(const std::string& tenant) override;
  Result<ports::Role> create_role(const ports::Role& role, const ports::AuditEntry& audit) override;
  Result<std::vector<ports::Binding>> delete_role(const std::string& tenant, const std::string& id,
                                                  const ports::AuditEntry& audit) override;
  Result<ports::Binding> create_binding(const ports::Binding& binding, const ports::AuditEntry& audit) override;
  Result<ports::Binding> delete_binding(const std::string& tenant, const std::string& id,
                                        const ports::AuditEntry& audit) override;
  Result<std::optional<ports::RoleAllowList>> find_role_allow_list(const std::string& tenant,
                                                                   const std::string& integration_id) override;
  Result<void> set_role_allow_list(const std::string& tenant, const std::string& integration_id,
                                   const std::optional<std::vector<std::string>>& role_ids,
                                   const std::string& updated_at, const ports::AuditEntry& audit) override;

  Result<void> append_audit(const ports::AuditEntry& entry) override;
  Result<ports::Page<ports::AuditEntry>> list_audit(const std::string& tenant, const std::string& integration_id,
                                                    std::int64_t offset, std::int64_t limit) override;

 private:
  Result<PooledSession> borrow() const;

  // An audited write in `tenant`: `audit` must belong to it.  Runs
  // `body(sql)`, which inserts the audit row, in one transaction on a
  // borrowed session and commits when it returns a value.  An error value
  // rolls back; so does a database exception, returned as an Error whose
  // detail starts with `failure` (guarded()).
  template <class Body>
  auto audited_write(const std::string& tenant, const ports::AuditEntry& audit, const std::string& failure,
                     Body&& body) -> std::invoke_result_t<Body&, soci::session&>;

  // Inserts the tenant row (if absent) and the role (if the tenant has no
  // role of that name); returns the stored role's id and whether it is new.
  struct StoredRole {
    std::string id;
    bool inserted = false;
  };
  StoredRole ensure_role_row(soci::session& sql, const ports::Role& role, const std::string& tenant) const;

  const Dialect& dialect_;
  SessionPool& sessions_;
  std::string insert_tenant_sql_;
  std::string insert_role_sql_;
};

}  // namespace kestra::adapters
