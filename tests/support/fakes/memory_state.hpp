// What the in-memory repositories share (private to tests/support/fakes).
#pragma once

#include "core/result.hpp"
#include "ports/store.hpp"
#include "scim/filter/ast.hpp"
#include "scim/filter/attribute_info.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace kestra::test::fakes {

inline constexpr const char* kUser = "USER";
inline constexpr const char* kGroup = "GROUP";

struct UserRecord {
  std::string id;
  std::string user_name;
  std::string user_name_key;
  std::string owner_tenant;
  std::string resource_json;
  std::string updated_at;
  std::int64_t version = 1;
};

// A user's access to one tenant.
struct AccessRecord {
  bool active = true;
  std::string created_at;
  std::string updated_at;
  std::int64_t version = 1;
  std::int64_t seq = 0;  // creation order
  std::string integration_id;  // the integration that granted it
};

struct Member {
  std::string id;
  std::string type;  // User | Group
};

struct GroupRecord {
  std::string id;
  std::string tenant_id;
  std::string display_name;
  std::string display_name_key;
  std::string resource_json;
  std::string created_at;
  std::string updated_at;
  std::int64_t version = 1;
  std::int64_t seq = 0;
  std::string integration_id;   // the integration that created it
  std::vector<Member> members;  // in the order they were added
};

struct TokenState {
  ports::TokenRecord token;
  std::string service_account_id;
  bool revoked = false;
};

struct BindingRecord {
  ports::Binding binding;
  std::string assignment_type;  // RoleAssignment::type
  bool primary = false;
};

struct MemoryState {
  mutable std::mutex mutex;
  std::int64_t next_seq = 1;
  std::set<std::string> tenants;
  std::map<std::string, UserRecord> users;                              // by id
  std::map<std::pair<std::string, std::string>, AccessRecord> access;   // (tenant, user id)
  std::map<std::tuple<std::string, std::string, std::string>, std::string> external_ids;  // (integration, type, id)
  std::map<std::string, GroupRecord> groups;                            // by id
  std::vector<ports::Role> roles;
  std::vector<BindingRecord> bindings;
  std::map<std::pair<std::string, std::string>, ports::RoleAllowList> allow_lists;  // (tenant, integration)
  std::vector<ports::DomainClaim> claims;
  std::vector<ports::AuditEntry> audit;
  std::map<std::string, ports::Integration> integrations;        // by id; counts filled by reads
  std::map<std::string, ports::ServiceAccount> service_accounts;  // by id
  std::vector<TokenState> tokens;
  std::map<std::string, int, std::less<>> calls;
  std::map<std::string, Error, std::less<>> failures;
  scim::filter::AttributeLookup user_lookup;
  scim::filter::AttributeLookup group_lookup;

  std::int64_t seq() { return next_seq++; }

  // Counts the call; the failure injected for it, if any.  Caller holds the mutex.
  Result<void> enter(std::string_view method);
  void append_audit(ports::AuditEntry entry, const std::string& target_id = {});

  bool has_access(const std::string& tenant, const std::string& user_id) const {
    return access.count({tenant, user_id}) != 0;
  }
  const ports::Role* role(const std::string& tenant, const std::string& id) const;
  std::optional<std::string> external_id(const std::string& integration, const std::string& type,
                                         const std::string& id) const;
  // Sets (or with nullopt clears) this integration's external id; none without an integration.
  void set_external_id(const std::string& integration, const std::string& type, const std::string& id,
                       const std::optional<std::string>& value);

  // The subject's SCIM-managed roles in `tenant`, by role name.
  std::vector<ports::RoleAssignment> scim_roles(const std::string& tenant, const std::string& subject_type,
                                                const std::string& subject_id) const;
  // InvalidInput (invalidValue) naming a role id of `wanted` the tenant does not have.
  Result<void> check_roles(const std::string& tenant, const std::vector<ports::RoleAssignment>& wanted) const;
  struct Synced {
    std::vector<ports::BindingChange> changes;
    bool changed = false;  // also for a changed type or primary
  };
  // Makes the subject's SCIM bindings exactly `wanted` (check_roles first).
  Synced sync_scim_roles(const ports::Scope& scope, const std::string& subject_type, const std::string& subject_id,
                         const std::vector<ports::RoleAssignment>& wanted, const std::string& now);
  // Binds the role with `source` unless the subject has it from that source.
  std::optional<ports::BindingChange> ensure_binding(const ports::Scope& scope, const std::string& subject_type,
                                                     const std::string& subject_id, const std::string& role_id,
                                                     const std::string& source, const std::string& now);
  // Deletes the subject's bindings of these sources (every source when empty).
  std::vector<ports::BindingChange> delete_bindings(const std::string& tenant, const std::string& subject_type,
                                                    const std::string& subject_id,
                                                    const std::vector<std::string>& sources);
  ports::BindingChange add_binding(const ports::Scope& scope, const std::string& subject_type,
                                   const std::string& subject_id, const std::string& role_id, const std::string& source,
                                   const std::string& assignment_type, bool primary, const std::string& now);

  // The member's display: a user's userName, a group's displayName.
  std::string display_of(const Member& member) const;
  // Removes the subject from every group of the tenant (their versions move).
  void leave_all_groups(const std::string& tenant, const std::string& type, const std::string& id,
                        const std::string& now);
};

// One row a list may return, with the document its filter and sort read.
struct Candidate {
  std::int64_t seq = 0;
  boost::json::object document;
  std::size_t bytes = 0;  // of the stored document (ListQuery::max_bytes)
};

// The attributes a list of one resource type may filter and sort on.
struct ListSchema {
  std::string_view core_urn;                  // lower case
  std::string_view extension_urn;             // lower case; may be empty
  std::span<const std::string_view> singular; // lower case: filter and sort
  std::span<const std::string_view> multi;    // lower case: filter only
  std::span<const std::string_view> extension;  // attributes of the extension
  const scim::filter::AttributeLookup* lookup = nullptr;
};

// Filters, sorts and pages `candidates` as the port promises: the positions
// (into `candidates`) of the page, its total and next cursor.
struct Selection {
  std::vector<std::size_t> page;
  std::int64_t total = 0;
  std::optional<std::string> next_cursor;
};
Result<Selection> select(const std::vector<Candidate>& candidates, const ports::ListQuery& query,
                         const ListSchema& schema);

// Entries [offset, offset + limit) of `entries`, with their total.
ports::Page<ports::AuditEntry> page_of(std::vector<ports::AuditEntry> entries, std::int64_t offset,
                                       std::int64_t limit);

// Error of a filter over an attribute the store cannot use.
Error invalid_filter(std::string detail);

}  // namespace kestra::test::fakes
