// In-memory implementations of the storage ports (module/src/ports), for unit
// tests of the domain services without a database.  One MemoryStore holds
// what its repositories share, as one database would: users, per-tenant
// access, external ids, groups and memberships, roles and bindings, role
// allow lists, domain claims, the audit trail.  Each port call is one
// transaction under one mutex: it checks everything before writing anything.
//
// The contracts honoured are the ports' own (resource_store.hpp,
// domain_claim_store.hpp, provisioning_store.hpp), as the SOCI adapters keep
// them: tenant scoping, versions (PreconditionFailed), uniqueness keys
// (Conflict, scimType uniqueness), member resolution (invalidValue),
// filters (evaluated with scim/filter/evaluator over a whitelist of
// attributes; anything else is invalidFilter), sorting, startIndex paging,
// cursors (invalidCursor when not one of ours), max_bytes and totals.
// The ProvisioningStore keeps integrations, their service accounts and
// tokens (find_token derives the grant from them and the bindings), roles,
// bindings, allow lists and the audit trail.
#pragma once

#include "core/result.hpp"
#include "ports/store.hpp"
#include "scim/filter/attribute_info.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::test::fakes {

struct MemoryState;  // memory_state.hpp, private to the fakes

class MemoryStore final : public ports::Store {
 public:
  // The lookups give the filter evaluator the schema's types and caseExact
  // (schema::Registry::lookup_for); empty: the JSON value's type decides.
  explicit MemoryStore(scim::filter::AttributeLookup user_lookup = {},
                       scim::filter::AttributeLookup group_lookup = {});
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  int schema_version() const override { return 0; }
  // Nothing stored before it was opened: nothing to warn of.
  const std::vector<std::string>& open_warnings() const override { return no_warnings_; }
  Result<bool> ensure_tenant(const std::string& tenant) override;
  Result<void> remove_tenant(const std::string& tenant) override;
  ports::ProvisioningStore& provisioning() override;
  ports::UserStore& users() override;
  ports::GroupStore& groups() override;
  ports::DomainClaimStore& domain_claims() override;

  // Test hooks.
  // How often a port method was called, by "port.method" name, e.g.
  // "users.find", "claims.list", "provisioning.list_roles".
  int calls(std::string_view method) const;
  // The next call of `method` returns `error` and changes nothing.
  void fail_next(std::string method, Error error);
  // Every audit entry written, oldest first.
  std::vector<ports::AuditEntry> audit() const;
  // Adds a role to a tenant (as an admin would); returns its id.
  std::string add_role(const std::string& tenant, const std::string& name, const std::string& permissions_json = "{}");

 private:
  const std::vector<std::string> no_warnings_;
  std::unique_ptr<MemoryState> state_;
  std::unique_ptr<ports::UserStore> users_;
  std::unique_ptr<ports::GroupStore> groups_;
  std::unique_ptr<ports::DomainClaimStore> claims_;
  std::unique_ptr<ports::ProvisioningStore> provisioning_;
};

}  // namespace kestra::test::fakes
