// ports::ProvisioningStore over SociStore's pool of sessions, one file per
// aggregate: integrations and their tokens (provisioning_integrations.cpp),
// roles, bindings and allow lists (provisioning_roles.cpp), the audit trail
// (here).  Its SQL: provisioning_statements.hpp.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "pooled_session.hpp"
#include "ports/provisioning_store.hpp"
#include "provisioning_statements.hpp"

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
  // An audited write in `tenant`: `audit` must belong to it.  Runs
  // `body(db)`, which inserts the audit row, in one transaction on a
  // borrowed session and commits when it returns a value.  An error value
  // rolls back; so does a database exception, returned as an Error whose
  // detail starts with `failure` (guarded()).  (provisioning_support.hpp)
  template <class Body>
  auto audited_write(const std::string& tenant, const ports::AuditEntry& audit, const std::string& failure,
                     Body&& body) -> std::invoke_result_t<Body&, Session>;

  // Runs `body(db)` on a borrowed session, outside a transaction; its
  // Result, a database exception as an Error after `failure`.
  template <class Body>
  auto read(const std::string& failure, Body&& body);

  // The integration `id` changed by `change(db)` (a Result<void>) in one
  // audited write; the integration as now stored.
  template <class Change>
  Result<ports::Integration> change_integration(const std::string& tenant, const std::string& id,
                                                const ports::AuditEntry& audit, Change&& change);

  // Inserts the tenant row (if absent) and the role (if the tenant has no
  // role of that name); returns the stored role's id and whether it is new.
  struct StoredRole {
    std::string id;
    bool inserted = false;
  };
  StoredRole ensure_role_row(Session db, const ports::Role& role, const std::string& tenant) const;

  const Dialect& dialect_;
  SessionPool& sessions_;
  const ProvisioningStatements statements_;
};

}  // namespace kestra::adapters
