// Storage ports of the SCIM resources: users (global, with per-tenant access)
// and groups (per tenant, membership in its own table).  Each write is one
// transaction in the adapter.  Documents travel as JSON text in SCIM shape.
#pragma once

#include "core/result.hpp"
#include "ports/provisioning_store.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kestra::scim::filter {
struct Node;  // scim/filter/ast.hpp
}

namespace kestra::ports {

// The longest values, in characters, that every store keeps (the widths of
// the MySQL/MariaDB columns); longer ones are refused before any write.
inline constexpr std::size_t kMaxIdChars = 128;
inline constexpr std::size_t kMaxUserNameChars = 255;
inline constexpr std::size_t kMaxExternalIdChars = 255;
inline constexpr std::size_t kMaxGroupNameChars = 512;

// Where a request acts: the tenant, and the integration whose externalId
// values it sees and writes (externalId is per integration).
struct Scope {
  std::string tenant_id;
  std::string integration_id;
};

// A role assigned through SCIM: one binding subject -> role in the tenant,
// with source SCIM.  Bindings an admin made (source ADMIN) or the default
// role (source DEFAULT) are never among them.
struct RoleAssignment {
  std::string role_id;
  std::string role_name;  // filled by reads
  std::string type;       // the client's label, e.g. WindowsAzureActiveDirectoryRole
  bool primary = false;
};

// A binding a write created or deleted, for the host's events.
struct BindingChange {
  std::string binding_id;
  std::string role_id;
  std::string source;  // SCIM | DEFAULT | ADMIN
  bool created = true; // false: deleted
};

// How a create may link an existing user of its userName (iam/domain_claims).
enum class LinkRule {
  Shared,     // its domain is claimed by this tenant: whoever created the user
  OwnerOnly,  // unclaimed: only when this tenant owns it (or no tenant does)
};

struct UserRow {
  std::string id;
  std::string user_name;
  std::string owner_tenant;  // the tenant that created it; empty: none
  // Every stored attribute shared by all tenants, as a JSON object in SCIM
  // shape: userName, name, emails, ..., the enterprise extension.  Never id,
  // meta, externalId, active, groups or password.
  std::string resource_json;
  bool active = true;                      // in this tenant
  std::optional<std::string> external_id;  // of this integration
  std::string created_at;                  // access to this tenant granted
  std::string updated_at;                  // latest change seen by this tenant
  std::int64_t version = 0;                // of the shared attributes
  std::int64_t access_version = 0;         // of active / externalId / roles here
  std::vector<RoleAssignment> roles;       // SCIM-managed bindings here, by role name
  std::vector<BindingChange> binding_changes;  // made by the write that returned this row
};

// What a create or replace of a user writes.  The adapter derives its index
// columns (user_name_key, name parts, emails, ...) from resource_json.
struct UserWrite {
  std::string user_name;
  std::string user_name_key;  // case-folded userName: global uniqueness
  std::string resource_json;
  bool active = true;
  std::optional<std::string> external_id;
  // The SCIM-managed bindings the user has here after the write (each
  // role_id a role of the tenant); nullopt leaves them as they are.
  std::optional<std::vector<RoleAssignment>> roles;
  // Bound with source DEFAULT when the write grants access to the tenant.
  std::optional<std::string> default_role_id;
  // Create: which existing user of the userName it may link (else Conflict).
  LinkRule link = LinkRule::OwnerOnly;
};

struct GroupRow {
  std::string id;
  std::string display_name;
  std::string resource_json;  // stored attributes other than members
  std::optional<std::string> external_id;
  std::string created_at;
  std::string updated_at;
  std::int64_t version = 0;
  std::int64_t member_count = 0;
  std::vector<RoleAssignment> roles;           // SCIM-managed bindings of the group, by role name
  std::vector<BindingChange> binding_changes;  // made by the write that returned this row
};

struct GroupWrite {
  std::string display_name;
  std::string display_name_key;  // case-folded: unique per tenant
  std::string resource_json;
  std::optional<std::string> external_id;
  std::optional<std::vector<RoleAssignment>> roles;  // as for UserWrite
};

struct MemberRef {
  std::string value;    // the member's id
  std::string type;     // User | Group
  std::string display;  // userName or displayName
};

// A change of membership, applied row by row: its cost does not depend on
// the size of the group.  Applied in the order replace_all, remove,
// remove_matching, add (the PATCH folding relies on it).
struct MemberDelta {
  bool replace_all = false;          // drop every member first
  std::vector<MemberRef> add;        // value and type
  std::vector<std::string> remove;   // member ids
  // Remove the members matching a filter on value/type/display.
  const scim::filter::Node* remove_matching = nullptr;
  bool empty() const { return !replace_all && add.empty() && remove.empty() && !remove_matching; }
};

struct SortKey {
  std::string attribute;  // SCIM path, e.g. "userName", "name.familyName", "meta.created"
  bool ascending = true;
};

struct ListQuery {
  const scim::filter::Node* filter = nullptr;  // nullptr: everything
  std::optional<SortKey> sort;                 // none: creation order (stable)
  std::int64_t offset = 0;                     // startIndex - 1
  std::int64_t count = 100;                    // 0: totalResults only
  std::optional<std::string> cursor;           // RFC 9865: opaque, from a previous page
  // The page ends early (fewer than `count`, at least one) once its rows'
  // stored documents hold this many bytes; 0: no bound.
  std::size_t max_bytes = 0;
};

template <class T>
struct ListPage {
  std::vector<T> items;
  std::int64_t total = 0;
  std::optional<std::string> next_cursor;
};

// Optimistic concurrency: the versions a write expects (If-Match / meta.version).
struct ExpectedVersion {
  std::int64_t version = 0;
  std::int64_t access_version = 0;  // users only
};

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Creates the user, owned by this tenant, or, when a user with that
  // user_name_key exists but has no access to this tenant and `user.link`
  // allows it, grants access (same id, its shared attributes replaced by
  // `user`; audited as user.link).  Conflict (uniqueness) when it has access
  // here or `user.link` does not allow the link.
  virtual Result<UserRow> create(const Scope& scope, const UserWrite& user, const std::string& new_id,
                                 const std::string& now, const AuditEntry& audit) = 0;
  virtual Result<std::optional<UserRow>> find(const Scope& scope, const std::string& id) = 0;
  // NotFound without access here; Conflict when userName is taken by another
  // user; PreconditionFailed when `expected` is set and differs.
  virtual Result<UserRow> replace(const Scope& scope, const std::string& id, const UserWrite& user,
                                  const std::optional<ExpectedVersion>& expected, const std::string& now,
                                  const AuditEntry& audit) = 0;
  // Removes this tenant's access, the user's memberships here and its
  // bindings here of source SCIM and DEFAULT (an admin's stay); returns the
  // bindings deleted.
  virtual Result<std::vector<BindingChange>> revoke(const Scope& scope, const std::string& id,
                                                    const AuditEntry& audit) = 0;
  // InvalidInput (scimType invalidFilter) for an attribute the filter or the
  // sort cannot use; never a widened result.
  virtual Result<ListPage<UserRow>> list(const Scope& scope, const ListQuery& query) = 0;
  // The groups of this tenant each user is a direct member of, by user id
  // (a user in none has no entry), each list by displayName then id.  One
  // statement per thousand users: a page's groups are not N+1 queries.
  virtual Result<std::unordered_map<std::string, std::vector<MemberRef>>> groups_of(
      const Scope& scope, const std::vector<std::string>& user_ids) = 0;
};

class GroupStore {
 public:
  virtual ~GroupStore() = default;

  // InvalidInput (invalidValue) naming the first member id that is neither a
  // user with access here nor a group of this tenant; Conflict on displayName.
  virtual Result<GroupRow> create(const Scope& scope, const GroupWrite& group, const std::vector<MemberRef>& members,
                                  const std::string& new_id, const std::string& now, const AuditEntry& audit) = 0;
  virtual Result<std::optional<GroupRow>> find(const Scope& scope, const std::string& id) = 0;
  // Streams members in a stable order, `page` rows per query; stops when
  // `sink` returns false.  Never holds the whole membership in memory.
  virtual Result<void> for_each_member(const Scope& scope, const std::string& group_id, std::int64_t page,
                                       const std::function<bool(const MemberRef&)>& sink) = 0;
  // Writes the document (when set) and the member delta in one transaction;
  // bumps version.  Same errors as create, plus NotFound / PreconditionFailed.
  virtual Result<GroupRow> update(const Scope& scope, const std::string& id, const std::optional<GroupWrite>& group,
                                  const MemberDelta& delta, const std::optional<ExpectedVersion>& expected,
                                  const std::string& now, const AuditEntry& audit) = 0;
  // Removes the group, its memberships and every binding of it; returns the
  // bindings deleted.
  virtual Result<std::vector<BindingChange>> remove(const Scope& scope, const std::string& id,
                                                    const AuditEntry& audit) = 0;
  virtual Result<ListPage<GroupRow>> list(const Scope& scope, const ListQuery& query) = 0;
};

}  // namespace kestra::ports
