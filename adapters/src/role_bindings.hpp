// Role assignments stored as scim_bindings rows, shared by the user, group
// and provisioning repositories: reading a subject's SCIM-managed roles (one
// query for a whole page of subjects), making them the set a SCIM write
// asks for, adding and deleting bindings.  Every binding added or deleted
// here adds its audit row (binding.create / binding.delete) in the caller's
// transaction.
#pragma once

#include "core/result.hpp"
#include "ports/resource_store.hpp"
#include "catalogue.hpp"

#include <soci/session.h>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kestra::adapters::bindings {

inline constexpr const char* kUser = "USER";
inline constexpr const char* kGroup = "GROUP";
inline constexpr const char* kScim = "SCIM";
inline constexpr const char* kDefault = "DEFAULT";

// Subjects whose roles one query reads.
inline constexpr std::size_t kSubjectBatch = 1000;

// A stored binding with its role's name.
struct Stored {
  std::string id;
  std::string role_id;
  std::string role_name;
  std::string subject_type;
  std::string subject_id;
  std::string source;
  std::optional<std::string> integration_id;
  std::string created_at;
};

// The subject's SCIM-managed roles in `tenant`, ordered by role name.
std::vector<ports::RoleAssignment> scim_roles(Session db, const std::string& tenant,
                                              const std::string& subject_type, const std::string& subject_id);

// The same for several subjects: one query per kSubjectBatch ids, kept
// prepared on the session for a single subject.  A
// subject without SCIM-managed roles is absent from the map.
std::unordered_map<std::string, std::vector<ports::RoleAssignment>> scim_roles_of(
    Session db, const std::string& tenant, const std::string& subject_type,
    const std::vector<std::string>& subject_ids);

// Fills `roles` of each row of a page (ports::UserRow or ports::GroupRow):
// one query, whatever the page's size (up to kSubjectBatch rows).
template <class Row>
void attach_scim_roles(Session db, const std::string& tenant,
                       const std::string& subject_type, std::vector<Row>& rows) {
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const Row& row : rows) ids.push_back(row.id);
  auto roles = scim_roles_of(db, tenant, subject_type, ids);
  for (Row& row : rows) {
    const auto found = roles.find(row.id);
    if (found != roles.end()) row.roles = std::move(found->second);
  }
}

struct SyncResult {
  std::vector<ports::BindingChange> changes;  // created and deleted
  bool changed = false;                       // also true for a changed type or primary
};

// Makes the subject's SCIM bindings in scope.tenant_id exactly `wanted`
// (the first of repeated role ids counts): inserts the missing ones, deletes
// the others, updates type and primary of the kept ones.  Bindings of other
// sources are never touched.  InvalidInput (invalidValue) naming a role id
// the tenant does not have, before anything is written.
Result<SyncResult> sync_scim_roles(Session db, const ports::Scope& scope, const std::string& subject_type,
                                   const std::string& subject_id, const std::vector<ports::RoleAssignment>& wanted,
                                   const std::string& now, const ports::AuditEntry& cause);

// Adds the subject's binding of `role_id` from `source` unless it has one;
// the change, or nullopt when it existed.  InvalidInput (invalidValue) when
// the tenant has no such role.  `fresh`: the subject was inserted by this
// transaction, so that nothing is looked up but the role.
Result<std::optional<ports::BindingChange>> ensure_binding(Session db, const ports::Scope& scope,
                                                           const std::string& subject_type,
                                                           const std::string& subject_id, const std::string& role_id,
                                                           const std::string& source, const std::string& now,
                                                           const ports::AuditEntry& cause, bool fresh = false);

// The subject's bindings in `tenant` of `sources` (every source when empty).
std::vector<Stored> bindings_of(Session db, const std::string& tenant, const std::string& subject_type,
                                const std::string& subject_id, const std::vector<std::string>& sources = {});

// The bindings of `role_id` in `tenant`.
std::vector<Stored> bindings_of_role(Session db, const std::string& tenant, const std::string& role_id);

// The tenant's binding of that id, if any.
std::optional<Stored> find_binding(Session db, const std::string& tenant, const std::string& id);

// Deletes `bindings` one by one (by id), each with a binding.delete audit
// row made from `cause` when `audit` is set; the deletions.
std::vector<ports::BindingChange> delete_bindings(Session db, const std::string& tenant,
                                                  const std::vector<Stored>& bindings, const ports::AuditEntry& cause,
                                                  bool audit = true);

// A new version (ETag) for each user and group whose SCIM-managed roles
// `removed` took away, when an admin deletes them outside a SCIM write.
void touch_holders(Session db, const std::string& tenant, const std::vector<Stored>& removed,
                   const std::string& now);

// The audit row of one binding change, made from the write's own entry:
// its actor, integration, request id and time.
ports::AuditEntry binding_audit(const ports::AuditEntry& cause, const std::string& tenant, bool created,
                                const Stored& binding);

ports::BindingChange change_of(const Stored& binding, bool created);

}  // namespace kestra::adapters::bindings
