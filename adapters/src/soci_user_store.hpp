// ports::UserStore over SociStore's pool of sessions.  Users are global
// (scim_users, scim_user_values); access, active and the version of both
// are per tenant (scim_tenant_users); externalId is per integration.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "pooled_session.hpp"
#include "ports/resource_store.hpp"
#include "user_statements.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kestra::adapters {

class SociUserStore final : public ports::UserStore {
 public:
  // `dialect` and `sessions` belong to the SociStore and outlive this object.
  SociUserStore(const Dialect& dialect, SessionPool& sessions);

  Result<ports::UserRow> create(const ports::Scope& scope, const ports::UserWrite& user, const std::string& new_id,
                                const std::string& now, const ports::AuditEntry& audit) override;
  Result<std::optional<ports::UserRow>> find(const ports::Scope& scope, const std::string& id) override;
  Result<ports::UserRow> replace(const ports::Scope& scope, const std::string& id, const ports::UserWrite& user,
                                 const std::optional<ports::ExpectedVersion>& expected, const std::string& now,
                                 const ports::AuditEntry& audit) override;
  Result<std::vector<ports::BindingChange>> revoke(const ports::Scope& scope, const std::string& id,
                                                  const ports::AuditEntry& audit) override;
  Result<ports::ListPage<ports::UserRow>> list(const ports::Scope& scope, const ports::ListQuery& query) override;
  Result<std::unordered_map<std::string, std::vector<ports::MemberRef>>> groups_of(
      const ports::Scope& scope, const std::vector<std::string>& user_ids) override;

 private:
  Result<PooledSession> borrow() const;

  const Dialect& dialect_;
  SessionPool& sessions_;
  const UserStatements statements_;
};

}  // namespace kestra::adapters
