#include "soci_user_store.hpp"

#include "catalogue.hpp"
#include "core/clock.hpp"
#include "errors.hpp"
#include "list_query.hpp"
#include "resource_links.hpp"
#include "resource_rows.hpp"
#include "role_bindings.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"
#include "user_columns.hpp"
#include "user_writes.hpp"

#include <algorithm>
#include <span>
#include <tuple>
#include <utility>

namespace kestra::adapters {
namespace {

std::optional<ports::UserRow> read_user(Session db, const UserStatements& s, const ports::Scope& scope,
                                        const std::string& id) {
  return with_roles(db,
                    first_row<ports::UserRow>(db, s.user, param("integration", scope.integration_id),
                                              param("tenant", scope.tenant_id), param("id", id)),
                    scope.tenant_id, bindings::kUser);
}

bool has_access(Session db, const UserStatements& s, const std::string& tenant, const std::string& id) {
  return count(db, s.count_access, param("tenant", tenant), param("id", id)) > 0;
}

// What read_user returns for a user this transaction inserted with `user`
// at `now`: its roles are read only when the write set some.
ports::UserRow written_user(Session db, const ports::Scope& scope, const std::string& id,
                            const ports::UserWrite& user, const std::string& now) {
  ports::UserRow row;
  row.id = id;
  row.user_name = user.user_name;
  row.owner_tenant = scope.tenant_id;
  row.resource_json = user.resource_json;
  row.active = user.active;
  if (!scope.integration_id.empty()) row.external_id = user.external_id;
  row.created_at = now;
  row.updated_at = now;
  row.version = 1;
  row.access_version = 1;
  if (user.roles && !user.roles->empty()) {
    row.roles = bindings::scim_roles(db, scope.tenant_id, bindings::kUser, id);
  }
  return row;
}

Error user_name_taken(const ports::UserWrite& user) {
  return Error::conflict("a user with userName '" + user.user_name + "' already exists in this tenant");
}

// A user of that userName exists that this tenant may not link (another
// tenant's, its domain unclaimed): nothing more is said of it.
Error user_name_owned_elsewhere(const ports::UserWrite& user) {
  return Error::conflict("userName '" + user.user_name + "' is taken");
}

Error user_not_found(const std::string& id) { return Error::not_found("user '" + id + "' does not exist in this tenant"); }

Result<void> check_write(const ports::Scope& scope, const ports::UserWrite& user, const ports::AuditEntry& audit) {
  auto checked = support::check_scope(scope.tenant_id, &audit);
  if (!checked) return checked;
  if (user.user_name.empty() || user.user_name_key.empty()) return Error::invalid("userName is empty", "invalidValue");
  return {};
}

// Whether creating `user` binds no role: it names none and has no default.
bool writes_no_roles(const ports::UserWrite& user) {
  return (!user.roles || user.roles->empty()) && !user.default_role_id;
}

// The user's SCIM-managed bindings made what `user` asks for and, when the
// write grants access here, its default role bound.
Result<bindings::SyncResult> write_roles(Session db, const ports::Scope& scope, const std::string& id,
                                         const ports::UserWrite& user, bool granted, const std::string& now,
                                         const ports::AuditEntry& cause, bool fresh = false) {
  bindings::SyncResult result;
  if (user.roles) {
    auto synced = bindings::sync_scim_roles(db, scope, bindings::kUser, id, *user.roles, now, cause);
    if (!synced) return synced.error();
    result = std::move(*synced);
  }
  if (granted && user.default_role_id) {
    auto added = bindings::ensure_binding(db, scope, bindings::kUser, id, *user.default_role_id, bindings::kDefault,
                                          now, cause, fresh);
    if (!added) return added.error();
    if (*added) result.changes.push_back(**added);
  }
  return result;
}

}  // namespace

SociUserStore::SociUserStore(const Dialect& dialect, SessionPool& sessions)
    : dialect_(dialect), sessions_(sessions), statements_(dialect) {}

Result<PooledSession> SociUserStore::borrow() const { return sessions_.borrow(); }

Result<ports::UserRow> SociUserStore::create(const ports::Scope& scope, const ports::UserWrite& user,
                                             const std::string& new_id, const std::string& now,
                                             const ports::AuditEntry& audit) {
  auto checked = check_write(scope, user, audit);
  if (!checked) return checked.error();
  if (new_id.empty()) return Error::invalid("the new user's id is empty");
  auto columns = extract_user_columns(user.resource_json);
  if (!columns) return columns.error();
  auto session = borrow();
  if (!session) return session.error();
  const UserStatements& s = statements_;

  // The first attempt inserts the user as new, without looking its
  // userName up first: a user new to every tenant is the common case (an
  // IdP's sync).  When the userName is taken (the user exists, with access
  // to some tenant or none, or a concurrent create won), the insert fails on
  // the unique key and the second attempt looks the stored user up.
  for (int attempt = 0;; ++attempt) {
    bool raced = false;
    auto created = guarded(dialect_, "cannot create user '" + user.user_name + "'", [&]() -> Result<ports::UserRow> {
      const Session db(*session);
      if (attempt == 0 && dialect_.has_writable_ctes() && writes_no_roles(user)) {
        const ports::AuditEntry entry = support::audit_for(audit, new_id);
        if (!support::unless_duplicate(dialect_, [&] {
              insert_new_user_at_once(db, s, scope, new_id, user, *columns, now, entry);
            })) {
          raced = true;
          return user_name_taken(user);
        }
        return written_user(db, scope, new_id, user, now);
      }
      WriteTransaction transaction(db.sql, dialect_);
      std::optional<NamedUser> stored;
      if (attempt > 0) stored = first_row<NamedUser>(db, s.user_named, param("user_name_key", user.user_name_key));
      const bool exists = stored.has_value();
      const std::string id = exists ? stored->id : new_id;
      const std::string owner = exists ? stored->owner.value_or("") : "";
      if (exists) {
        if (has_access(db, s, scope.tenant_id, id)) return user_name_taken(user);
        if (user.link == ports::LinkRule::OwnerOnly && !owner.empty() && owner != scope.tenant_id) {
          return user_name_owned_elsewhere(user);
        }
        if (!support::unless_duplicate(dialect_, [&] { insert_access(db, s, scope, id, user.active, now); })) {
          raced = true;
          return user_name_taken(user);
        }
        if (stored->user_name != user.user_name || stored->resource != user.resource_json || owner.empty()) {
          update_user(db, s, scope.tenant_id, id, user, *columns, now);
          write_values(dialect_, db, s, id, *columns);
        }
      } else {
        // A new id: no values, external id or binding to replace.
        if (!support::unless_duplicate(dialect_,
                                       [&] { insert_user(db, s, scope.tenant_id, id, user, *columns, now); })) {
          raced = true;
          return user_name_taken(user);
        }
        write_values(dialect_, db, s, id, *columns, true);
        insert_access(db, s, scope, id, user.active, now);
      }
      write_external_id(db, s.links, scope.integration_id, "User", id, user.external_id, !exists);
      ports::AuditEntry entry = audit;
      if (entry.target_id.empty() || entry.target_id == new_id) entry.target_id = id;
      if (exists) {  // the instance admin's view of cross-tenant links
        entry.action = "user.link";
        entry.detail += std::string(entry.detail.empty() ? "" : "; ") + "an existing user, " +
                        (owner == scope.tenant_id ? "created by this tenant"
                         : owner.empty()          ? "owned by no tenant"
                                                  : "through a claim of its domain this tenant shares");
      }
      support::insert_audit(db.statements, db.sql, entry, scope.tenant_id);
      // The access row is new: its version stays 1 whatever the roles.
      auto changes = write_roles(db, scope, id, user, true, now, entry, !exists);
      if (!changes) return changes.error();
      auto row = exists ? read_user(db, s, scope, id) : written_user(db, scope, id, user, now);
      if (!row) return Error::internal("user '" + id + "' is missing right after its insert");
      transaction.commit();
      row->binding_changes = std::move(changes->changes);
      return *std::move(row);
    });
    if (created || !raced || attempt > 0) return created;
  }
}

Result<std::optional<ports::UserRow>> SociUserStore::find(const ports::Scope& scope, const std::string& id) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  return on_session(sessions_, dialect_, "cannot read user '" + id + "'",
                    [&](Session db) { return read_user(db, statements_, scope, id); });
}

Result<ports::UserRow> SociUserStore::replace(const ports::Scope& scope, const std::string& id,
                                              const ports::UserWrite& user,
                                              const std::optional<ports::ExpectedVersion>& expected,
                                              const std::string& now, const ports::AuditEntry& audit) {
  auto checked = check_write(scope, user, audit);
  if (!checked) return checked.error();
  auto columns = extract_user_columns(user.resource_json);
  if (!columns) return columns.error();

  return in_write_transaction(sessions_, dialect_, "cannot replace user '" + id + "'",
                              [&](Session db) -> Result<ports::UserRow> {
    const UserStatements& s = statements_;
    const auto stored =
        first_row<StoredUser>(db, s.user_to_replace, param("tenant", scope.tenant_id), param("id", id));
    if (!stored) return user_not_found(id);
    if (expected && (expected->version != stored->version || expected->access_version != stored->access_version)) {
      return Error{ErrorKind::PreconditionFailed,
                   "user '" + id + "' has changed since the version the request expects", {}};
    }

    std::optional<std::string> stored_external;
    if (!scope.integration_id.empty()) {
      stored_external =
          first_row<std::string>(db, s.external_id, param("integration", scope.integration_id), param("id", id));
    }

    const bool renamed = stored->user_name_key != user.user_name_key;
    if (renamed && count(db, s.count_others_named, param("user_name_key", user.user_name_key), param("id", id)) > 0) {
      return Error::conflict("userName '" + user.user_name + "' belongs to another user");
    }
    if (renamed || stored->user_name != user.user_name || stored->resource != user.resource_json) {
      if (!support::unless_duplicate(dialect_,
                                     [&] { update_user(db, s, scope.tenant_id, id, user, *columns, now); })) {
        return Error::conflict("userName '" + user.user_name + "' belongs to another user");
      }
      write_values(dialect_, db, s, id, *columns);
    }
    const ports::AuditEntry entry = support::audit_for(audit, id);
    auto roles = write_roles(db, scope, id, user, false, now, entry);
    if (!roles) return roles.error();
    const bool external_changed = !scope.integration_id.empty() && stored_external != user.external_id;
    if (stored->active != user.active || external_changed || roles->changed) {
      execute(db, s.update_access, param("active", user.active), param("now", now), param("tenant", scope.tenant_id),
              param("id", id));
      if (external_changed) write_external_id(db, s.links, scope.integration_id, "User", id, user.external_id);
    }
    support::insert_audit(db.sql, entry, scope.tenant_id);
    auto row = read_user(db, s, scope, id);
    if (!row) return Error::internal("user '" + id + "' vanished while being replaced");
    row->binding_changes = std::move(roles->changes);
    return *std::move(row);
  });
}

Result<std::vector<ports::BindingChange>> SociUserStore::revoke(const ports::Scope& scope, const std::string& id,
                                                                const ports::AuditEntry& audit) {
  auto checked = support::check_scope(scope.tenant_id, &audit);
  if (!checked) return checked.error();

  return in_write_transaction(sessions_, dialect_, "cannot remove user '" + id + "' from this tenant",
                              [&](Session db) -> Result<std::vector<ports::BindingChange>> {
    const UserStatements& s = statements_;
    const std::string& tenant = scope.tenant_id;
    if (!has_access(db, s, tenant, id)) return user_not_found(id);
    const std::string now = audit.created_at.empty() ? now_iso8601() : audit.created_at;

    // The groups the user leaves change: their count and version follow.
    leave_all_groups(db, s.links, tenant, "User", id, now);
    // Its SCIM and default-role bindings here; an admin's stay.
    const ports::AuditEntry entry = support::audit_for(audit, id);
    auto changes = bindings::delete_bindings(
        db, tenant,
        bindings::bindings_of(db, tenant, bindings::kUser, id, {bindings::kScim, bindings::kDefault}), entry);
    execute(db, s.delete_external_ids, param("id", id), param("integration", scope.integration_id),
            param("tenant", tenant));
    execute(db, s.delete_access, param("tenant", tenant), param("id", id));
    support::insert_audit(db.sql, entry, tenant);
    return changes;
  });
}

Result<ports::ListPage<ports::UserRow>> SociUserStore::list(const ports::Scope& scope, const ports::ListQuery& query) {
  return list_resources<ports::UserRow>(dialect_, sessions_, statements_.list, scope, query,
                                        "cannot list the users of tenant '" + scope.tenant_id + "'");
}

Result<std::unordered_map<std::string, std::vector<ports::MemberRef>>> SociUserStore::groups_of(
    const ports::Scope& scope, const std::vector<std::string>& user_ids) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();

  const std::string what = user_ids.size() == 1 ? "user '" + user_ids[0] + "'" : "a page of users";
  return on_session(sessions_, dialect_, "cannot list the groups of " + what, [&](Session db) {
    std::unordered_map<std::string, std::vector<UserGroup>> found;
    const std::span<const std::string> ids(user_ids);
    for (std::size_t start = 0; start < ids.size(); start += bindings::kSubjectBatch) {
      SqlParams params;
      const Statement batch = statements_.groups_of(
          scope.tenant_id, ids.subspan(start, std::min(ids.size() - start, bindings::kSubjectBatch)), params);
      for_each_row<UserGroup>(db, batch, [&](const UserGroup& row) { found[row.user_id].push_back(row); },
                              generated(params));
    }
    // Ordered by (display_name_key, id) here: an ORDER BY across the join
    // costs MariaDB a temporary table.  Keys compare bytewise, as in SQL.
    std::unordered_map<std::string, std::vector<ports::MemberRef>> groups;
    for (auto& [user, rows] : found) {
      std::sort(rows.begin(), rows.end(), [](const UserGroup& a, const UserGroup& b) {
        return std::tie(a.display_key, a.group.value) < std::tie(b.display_key, b.group.value);
      });
      auto& out = groups[user];
      out.reserve(rows.size());
      for (auto& row : rows) out.push_back(std::move(row.group));
    }
    return groups;
  });
}

}  // namespace kestra::adapters
