// ports::GroupStore over SociStore's pool of sessions.  Groups belong to one
// tenant; membership is one row per member (scim_group_members) and
// scim_groups.member_count follows every change, so that a change costs the
// same whatever the size of the group.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "group_statements.hpp"
#include "pooled_session.hpp"
#include "ports/resource_store.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kestra::adapters {

class SociGroupStore final : public ports::GroupStore {
 public:
  // Member ids checked by one query each.
  static constexpr std::size_t kMemberBatch = 500;

  // `dialect` and `sessions` belong to the SociStore and outlive this object.
  SociGroupStore(const Dialect& dialect, SessionPool& sessions);

  Result<ports::GroupRow> create(const ports::Scope& scope, const ports::GroupWrite& group,
                                 const std::vector<ports::MemberRef>& members, const std::string& new_id,
                                 const std::string& now, const ports::AuditEntry& audit) override;
  Result<std::optional<ports::GroupRow>> find(const ports::Scope& scope, const std::string& id) override;
  Result<void> for_each_member(const ports::Scope& scope, const std::string& group_id, std::int64_t page,
                               const std::function<bool(const ports::MemberRef&)>& sink) override;
  Result<ports::GroupRow> update(const ports::Scope& scope, const std::string& id,
                                 const std::optional<ports::GroupWrite>& group, const ports::MemberDelta& delta,
                                 const std::optional<ports::ExpectedVersion>& expected, const std::string& now,
                                 const ports::AuditEntry& audit) override;
  Result<std::vector<ports::BindingChange>> remove(const ports::Scope& scope, const std::string& id,
                                                  const ports::AuditEntry& audit) override;
  Result<ports::ListPage<ports::GroupRow>> list(const ports::Scope& scope, const ports::ListQuery& query) override;

 private:
  const Dialect& dialect_;
  SessionPool& sessions_;
  const GroupStatements statements_;
};

}  // namespace kestra::adapters
