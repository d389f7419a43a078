#include "soci_user_store.hpp"

#include "catalogue.hpp"
#include "core/clock.hpp"
#include "errors.hpp"
#include "list_query.hpp"
#include "resource_links.hpp"
#include "role_bindings.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"
#include "user_columns.hpp"
#include "user_writes.hpp"

#include <soci/into.h>
#include <soci/session.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <algorithm>
#include <tuple>
#include <utility>

namespace kestra::adapters {
namespace {

using support::OptionalText;

constexpr const char* kSelectUser =
    "SELECT u.id, u.user_name, u.resource, a.active, x.external_id, a.created_at, "
    "CASE WHEN a.updated_at > u.updated_at THEN a.updated_at ELSE u.updated_at END, u.version, a.version, "
    "u.owner_tenant_id";

// The tenant's users with this integration's external id as x.
std::string user_from(SqlParams& params, const std::string& integration_id) {
  return " FROM scim_tenant_users a JOIN scim_users u ON u.id = a.user_id "
         "LEFT JOIN scim_external_ids x ON x.integration_id = " +
         params.text(integration_id) + " AND x.resource_type = 'User' AND x.resource_id = u.id";
}

struct UserReader {
  ports::UserRow item;
  int active = 0;
  OptionalText external_id;
  long long version = 0;
  long long access_version = 0;
  OptionalText owner;

  void bind(soci::statement& st) {
    st.exchange(soci::into(item.id));
    st.exchange(soci::into(item.user_name));
    st.exchange(soci::into(item.resource_json));
    st.exchange(soci::into(active));
    st.exchange(soci::into(external_id));
    st.exchange(soci::into(item.created_at));
    st.exchange(soci::into(item.updated_at));
    st.exchange(soci::into(version));
    st.exchange(soci::into(access_version));
    st.exchange(soci::into(owner));
  }

  ports::UserRow value() const {
    ports::UserRow out = item;
    out.owner_tenant = owner.value_or("");
    out.active = active != 0;
    out.external_id = support::to_std(external_id);
    out.version = version;
    out.access_version = access_version;
    return out;
  }
};

// What groups_of's statement exchanges.
struct GroupsOf {
  SqlParams params;
  std::string user_id;
  ports::MemberRef row{"", "Group", ""};
  std::string display_key;

  void bind(soci::statement& st) {
    st.exchange(soci::into(user_id));
    st.exchange(soci::into(row.value));
    st.exchange(soci::into(row.display));
    st.exchange(soci::into(display_key));
    params.bind(st);
  }
};

std::optional<ports::UserRow> read_user(soci::session& sql, const ports::Scope& scope, const std::string& id) {
  SqlParams params;
  const std::string from = user_from(params, scope.integration_id);
  const std::string query = std::string(kSelectUser) + from + " WHERE a.tenant_id = " +
                            params.text(scope.tenant_id) + " AND a.user_id = " + params.text(id);
  return read_resource<ports::UserRow, UserReader>(sql, query, params, scope.tenant_id, bindings::kUser, id);
}

bool has_access(soci::session& sql, const std::string& tenant, const std::string& id) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM scim_tenant_users WHERE tenant_id = :tenant AND user_id = :id", soci::into(n),
      soci::use(tenant, "tenant"), soci::use(id, "id");
  return n > 0;
}

// What the look-up of a userName across tenants exchanges.
struct UserByName {
  std::string user_name_key;
  std::string id;
  std::string user_name;
  std::string resource;
  OptionalText owner;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(user_name));
    st.exchange(soci::into(resource));
    st.exchange(soci::into(owner));
    st.exchange(soci::use(user_name_key, "user_name_key"));
  }
};

// What read_user returns for a user this transaction inserted with `user`
// at `now`: its roles are read only when the write set some.
ports::UserRow written_user(soci::session& sql, const ports::Scope& scope, const std::string& id,
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
  if (user.roles && !user.roles->empty()) row.roles = bindings::scim_roles(sql, scope.tenant_id, bindings::kUser, id);
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
Result<bindings::SyncResult> write_roles(soci::session& sql, const ports::Scope& scope, const std::string& id,
                                         const ports::UserWrite& user, bool granted, const std::string& now,
                                         const ports::AuditEntry& cause, bool fresh = false) {
  bindings::SyncResult result;
  if (user.roles) {
    auto synced = bindings::sync_scim_roles(sql, scope, bindings::kUser, id, *user.roles, now, cause);
    if (!synced) return synced.error();
    result = std::move(*synced);
  }
  if (granted && user.default_role_id) {
    auto added = bindings::ensure_binding(sql, scope, bindings::kUser, id, *user.default_role_id, bindings::kDefault,
                                          now, cause, fresh);
    if (!added) return added.error();
    if (*added) result.changes.push_back(**added);
  }
  return result;
}

}  // namespace

SociUserStore::SociUserStore(const Dialect& dialect, SessionPool& sessions)
    : dialect_(dialect), sessions_(sessions) {}

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

  // The first attempt inserts the user as new, without looking its
  // userName up first: a user new to every tenant is the common case (an
  // IdP's sync).  When the userName is taken (the user exists, with access
  // to some tenant or none, or a concurrent create won), the insert fails on
  // the unique key and the second attempt looks the stored user up.
  for (int attempt = 0;; ++attempt) {
    bool raced = false;
    auto created = guarded(dialect_, "cannot create user '" + user.user_name + "'", [&]() -> Result<ports::UserRow> {
      const Session db(*session);
      soci::session& sql = db.sql;
      StatementCache& statements = db.statements;
      if (attempt == 0 && dialect_.has_writable_ctes() && writes_no_roles(user)) {
        const ports::AuditEntry entry = support::audit_for(audit, new_id);
        if (!support::unless_duplicate(dialect_, [&] {
              insert_new_user_at_once(db, scope, new_id, user, *columns, now, entry);
            })) {
          raced = true;
          return user_name_taken(user);
        }
        return written_user(sql, scope, new_id, user, now);
      }
      WriteTransaction transaction(sql, dialect_);
      std::string id;
      std::string stored_name, stored_resource, owner;
      bool exists = false;
      if (attempt > 0) {
        auto& lookup = statements.get<UserByName>(
            sql, "SELECT id, user_name, resource, owner_tenant_id FROM scim_users WHERE user_name_key = :user_name_key");
        lookup.values.user_name_key = user.user_name_key;
        lookup.for_each_row([&] {
          exists = true;
          id = lookup.values.id;
          stored_name = lookup.values.user_name;
          stored_resource = lookup.values.resource;
          owner = lookup.values.owner.value_or("");
        });
      }
      if (exists) {
        if (has_access(sql, scope.tenant_id, id)) return user_name_taken(user);
        if (user.link == ports::LinkRule::OwnerOnly && !owner.empty() && owner != scope.tenant_id) {
          return user_name_owned_elsewhere(user);
        }
        if (!support::unless_duplicate(dialect_,
                                       [&] { insert_access(db, scope, id, user.active, now); })) {
          raced = true;
          return user_name_taken(user);
        }
        if (stored_name != user.user_name || stored_resource != user.resource_json || owner.empty()) {
          update_user(db, scope.tenant_id, id, user, *columns, now);
          write_values(dialect_, db, id, *columns);
        }
      } else {
        // A new id: no values, external id or binding to replace.
        id = new_id;
        if (!support::unless_duplicate(dialect_,
                                       [&] { insert_user(db, scope.tenant_id, id, user, *columns, now); })) {
          raced = true;
          return user_name_taken(user);
        }
        write_values(dialect_, db, id, *columns, true);
        insert_access(db, scope, id, user.active, now);
      }
      write_external_id(db, scope.integration_id, "User", id, user.external_id, !exists);
      ports::AuditEntry entry = audit;
      if (entry.target_id.empty() || entry.target_id == new_id) entry.target_id = id;
      if (exists) {  // the instance admin's view of cross-tenant links
        entry.action = "user.link";
        entry.detail += std::string(entry.detail.empty() ? "" : "; ") + "an existing user, " +
                        (owner == scope.tenant_id ? "created by this tenant"
                         : owner.empty()          ? "owned by no tenant"
                                                  : "through a claim of its domain this tenant shares");
      }
      support::insert_audit(statements, sql, entry, scope.tenant_id);
      // The access row is new: its version stays 1 whatever the roles.
      auto changes = write_roles(sql, scope, id, user, true, now, entry, !exists);
      if (!changes) return changes.error();
      auto row = exists ? read_user(sql, scope, id) : written_user(sql, scope, id, user, now);
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
  auto session = borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot read user '" + id + "'", [&] { return read_user(**session, scope, id); });
}

Result<ports::UserRow> SociUserStore::replace(const ports::Scope& scope, const std::string& id,
                                              const ports::UserWrite& user,
                                              const std::optional<ports::ExpectedVersion>& expected,
                                              const std::string& now, const ports::AuditEntry& audit) {
  auto checked = check_write(scope, user, audit);
  if (!checked) return checked.error();
  auto columns = extract_user_columns(user.resource_json);
  if (!columns) return columns.error();
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot replace user '" + id + "'", [&]() -> Result<ports::UserRow> {
    const Session db(*session);
    soci::session& sql = db.sql;
    WriteTransaction transaction(sql, dialect_);
    std::string stored_key, stored_name, stored_resource;
    long long version = 0, access_version = 0;
    int active = 0;
    sql << "SELECT u.user_name_key, u.user_name, u.resource, u.version, a.active, a.version "
           "FROM scim_tenant_users a JOIN scim_users u ON u.id = a.user_id "
           "WHERE a.tenant_id = :tenant AND a.user_id = :id" + std::string(dialect_.row_lock()),
        soci::into(stored_key), soci::into(stored_name), soci::into(stored_resource), soci::into(version),
        soci::into(active), soci::into(access_version), soci::use(scope.tenant_id, "tenant"), soci::use(id, "id");
    if (!sql.got_data()) return user_not_found(id);
    if (expected && (expected->version != version || expected->access_version != access_version)) {
      return Error{ErrorKind::PreconditionFailed,
                   "user '" + id + "' has changed since the version the request expects", {}};
    }

    std::optional<std::string> stored_external;
    if (!scope.integration_id.empty()) {
      std::string external;
      sql << "SELECT external_id FROM scim_external_ids WHERE integration_id = :integration "
             "AND resource_type = 'User' AND resource_id = :id",
          soci::into(external), soci::use(scope.integration_id, "integration"), soci::use(id, "id");
      if (sql.got_data()) stored_external = external;
    }

    if (stored_key != user.user_name_key) {
      long long taken = 0;
      sql << "SELECT COUNT(*) FROM scim_users WHERE user_name_key = :user_name_key AND id <> :id", soci::into(taken),
          soci::use(user.user_name_key, "user_name_key"), soci::use(id, "id");
      if (taken > 0) return Error::conflict("userName '" + user.user_name + "' belongs to another user");
    }
    if (stored_key != user.user_name_key || stored_name != user.user_name || stored_resource != user.resource_json) {
      if (!support::unless_duplicate(dialect_, [&] { update_user(db, scope.tenant_id, id, user, *columns, now); })) {
        return Error::conflict("userName '" + user.user_name + "' belongs to another user");
      }
      write_values(dialect_, db, id, *columns);
    }
    const ports::AuditEntry entry = support::audit_for(audit, id);
    auto roles = write_roles(sql, scope, id, user, false, now, entry);
    if (!roles) return roles.error();
    const bool external_changed = !scope.integration_id.empty() && stored_external != user.external_id;
    if ((active != 0) != user.active || external_changed || roles->changed) {
      const int flag = user.active ? 1 : 0;
      sql << "UPDATE scim_tenant_users SET active = :active, updated_at = :now, version = version + 1 "
             "WHERE tenant_id = :tenant AND user_id = :id",
          soci::use(flag, "active"), soci::use(now, "now"), soci::use(scope.tenant_id, "tenant"), soci::use(id, "id");
      if (external_changed) {
        write_external_id(db, scope.integration_id, "User", id, user.external_id);
      }
    }
    support::insert_audit(sql, entry, scope.tenant_id);
    auto row = read_user(sql, scope, id);
    if (!row) return Error::internal("user '" + id + "' vanished while being replaced");
    transaction.commit();
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
    soci::session& sql = db.sql;
    if (!has_access(sql, scope.tenant_id, id)) return user_not_found(id);
    const std::string now = audit.created_at.empty() ? now_iso8601() : audit.created_at;
    const std::string& tenant = scope.tenant_id;

    // The groups the user leaves change: their count and version follow.
    leave_all_groups(db, tenant, "User", id, now);
    // Its SCIM and default-role bindings here; an admin's stay.
    const ports::AuditEntry entry = support::audit_for(audit, id);
    auto changes = bindings::delete_bindings(
        sql, tenant, bindings::bindings_of(sql, tenant, bindings::kUser, id, {bindings::kScim, bindings::kDefault}),
        entry);
    // External ids of this integration and of every other of the tenant.
    sql << "DELETE FROM scim_external_ids WHERE resource_type = 'User' AND resource_id = :id "
           "AND (integration_id = :integration OR integration_id IN "
           "(SELECT i.id FROM scim_integrations i WHERE i.tenant_id = :tenant))",
        soci::use(id, "id"), soci::use(scope.integration_id, "integration"), soci::use(tenant, "tenant");
    sql << "DELETE FROM scim_tenant_users WHERE tenant_id = :tenant AND user_id = :id", soci::use(tenant, "tenant"),
        soci::use(id, "id");
    support::insert_audit(sql, entry, tenant);
    return changes;
  });
}

Result<ports::ListPage<ports::UserRow>> SociUserStore::list(const ports::Scope& scope, const ports::ListQuery& query) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  auto plan = plan_list(dialect_, FilterTarget::Users, scope, query, "a.user_id",
                        [&](SqlParams& p) { return "a.tenant_id = " + p.text(scope.tenant_id); });
  if (!plan) return plan.error();
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot list the users of tenant '" + scope.tenant_id + "'", [&] {
    const std::string from = user_from(plan->page_params, scope.integration_id);
    // Unfiltered, the tenant's access rows are the count: each has its user
    // (a foreign key), so the join to scim_users would only cost time.
    const std::string count_from =
        query.filter ? "scim_tenant_users a JOIN scim_users u ON u.id = a.user_id" : "scim_tenant_users a";
    return read_page_in_snapshot<ports::UserRow, UserReader>(
        dialect_, *session, *plan, query, "SELECT COUNT(*) FROM " + count_from + " WHERE " + plan->where,
        std::string(kSelectUser) + ", " + plan->sort.expression + from + " WHERE " + plan->where + plan->page_tail,
        [&](soci::session& sql, ports::ListPage<ports::UserRow>& page) {
          // The page's roles: one more query, whatever the page's size.
          bindings::attach_scim_roles(sql, session->statements(), scope.tenant_id, bindings::kUser, page.items);
        });
  });
}

Result<std::unordered_map<std::string, std::vector<ports::MemberRef>>> SociUserStore::groups_of(
    const ports::Scope& scope, const std::vector<std::string>& user_ids) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  auto session = borrow();
  if (!session) return session.error();

  const std::string what = user_ids.size() == 1 ? "user '" + user_ids[0] + "'" : "a page of users";
  return guarded(dialect_, "cannot list the groups of " + what, [&] {
    using Keyed = std::pair<std::string, ports::MemberRef>;
    std::unordered_map<std::string, std::vector<Keyed>> keyed;
    for (std::size_t start = 0; start < user_ids.size(); start += bindings::kSubjectBatch) {
      const std::size_t end = std::min(user_ids.size(), start + bindings::kSubjectBatch);
      SqlParams params;
      std::string query =
          "SELECT m.member_id, g.id, g.display_name, g.display_name_key FROM scim_group_members m "
          "JOIN scim_groups g ON g.id = m.group_id WHERE m.tenant_id = " +
          params.text(scope.tenant_id) + " AND m.member_id IN (";
      for (std::size_t i = start; i < end; ++i) query += (i == start ? "" : ", ") + params.text(user_ids[i]);
      query += ")";
      // Kept only for one user (a lookup): the text varies with the count.
      run_statement<GroupsOf>(
          **session, end - start == 1 ? &session->statements() : nullptr, query, params.shape(),
          [&](GroupsOf& made) { made.params = params; }, [&](GroupsOf& b) { b.params.assign(params); },
          [&](GroupsOf& b) { keyed[b.user_id].emplace_back(b.display_key, b.row); });
    }
    // Ordered by (display_name_key, id) here: an ORDER BY across the join
    // costs MariaDB a temporary table.  Keys compare bytewise, as in SQL.
    std::unordered_map<std::string, std::vector<ports::MemberRef>> groups;
    for (auto& [user, rows] : keyed) {
      std::sort(rows.begin(), rows.end(), [](const Keyed& a, const Keyed& b) {
        return std::tie(a.first, a.second.value) < std::tie(b.first, b.second.value);
      });
      auto& out = groups[user];
      out.reserve(rows.size());
      for (auto& [key, group] : rows) out.push_back(std::move(group));
    }
    return groups;
  });
}

}  // namespace kestra::adapters
