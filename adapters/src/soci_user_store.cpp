#include "soci_user_store.hpp"

#include "core/clock.hpp"
#include "errors.hpp"
#include "list_query.hpp"
#include "role_bindings.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"
#include "user_columns.hpp"

#include <soci/into.h>
#include <soci/session.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <utility>

namespace kestra::adapters {
namespace {

using support::OptionalText;

constexpr const char* kSelectUser =
    "SELECT u.id, u.user_name, u.resource, a.active, x.external_id, a.created_at, "
    "CASE WHEN a.updated_at > u.updated_at THEN a.updated_at ELSE u.updated_at END, u.version, a.version";

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
  }

  ports::UserRow value() const {
    ports::UserRow out = item;
    out.active = active != 0;
    out.external_id = support::to_std(external_id);
    out.version = version;
    out.access_version = access_version;
    return out;
  }
};

std::optional<ports::UserRow> read_user(soci::session& sql, const ports::Scope& scope, const std::string& id) {
  SqlParams params;
  const std::string from = user_from(params, scope.integration_id);
  const std::string query = std::string(kSelectUser) + from + " WHERE a.tenant_id = " +
                            params.text(scope.tenant_id) + " AND a.user_id = " + params.text(id);
  UserReader row;
  std::optional<ports::UserRow> found;
  support::for_each_row(
      sql, query,
      [&](soci::statement& st) {
        row.bind(st);
        params.bind(st);
      },
      [&] { found = row.value(); });
  if (found) found->roles = bindings::scim_roles(sql, scope.tenant_id, bindings::kUser, id);
  return found;
}

bool has_access(soci::session& sql, const std::string& tenant, const std::string& id) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM scim_tenant_users WHERE tenant_id = :tenant AND user_id = :id", soci::into(n),
      soci::use(tenant, "tenant"), soci::use(id, "id");
  return n > 0;
}

// The columns of scim_users that come from the document, in statement order.
constexpr const char* kSharedColumns[] = {
    "user_name",      "user_name_key",   "display_name", "display_name_key", "nick_name",         "title",
    "user_type",      "given_name",      "family_name",  "formatted_name",   "preferred_language", "locale",
    "timezone",       "profile_url",     "employee_number", "organization",  "department",        "division",
    "cost_center",    "manager_id",      "resource",
};

void bind_shared(soci::statement& st, const ports::UserWrite& user, const UserColumns& c) {
  st.exchange(soci::use(user.user_name, "user_name"));
  st.exchange(soci::use(user.user_name_key, "user_name_key"));
  st.exchange(soci::use(c.display_name, "display_name"));
  st.exchange(soci::use(c.display_name_key, "display_name_key"));
  st.exchange(soci::use(c.nick_name, "nick_name"));
  st.exchange(soci::use(c.title, "title"));
  st.exchange(soci::use(c.user_type, "user_type"));
  st.exchange(soci::use(c.given_name, "given_name"));
  st.exchange(soci::use(c.family_name, "family_name"));
  st.exchange(soci::use(c.formatted_name, "formatted_name"));
  st.exchange(soci::use(c.preferred_language, "preferred_language"));
  st.exchange(soci::use(c.locale, "locale"));
  st.exchange(soci::use(c.timezone, "timezone"));
  st.exchange(soci::use(c.profile_url, "profile_url"));
  st.exchange(soci::use(c.employee_number, "employee_number"));
  st.exchange(soci::use(c.organization, "organization"));
  st.exchange(soci::use(c.department, "department"));
  st.exchange(soci::use(c.division, "division"));
  st.exchange(soci::use(c.cost_center, "cost_center"));
  st.exchange(soci::use(c.manager_id, "manager_id"));
  st.exchange(soci::use(user.resource_json, "resource"));
}

std::string insert_user_sql() {
  std::string names, values;
  for (const char* column : kSharedColumns) {
    names += std::string(column) + ", ";
    values += ":" + std::string(column) + ", ";
  }
  return "INSERT INTO scim_users (id, " + names + "created_at, updated_at, version) VALUES (:id, " + values +
         ":now, :now2, 1)";
}

std::string update_user_sql() {
  std::string sets;
  for (const char* column : kSharedColumns) sets += std::string(column) + " = :" + column + ", ";
  return "UPDATE scim_users SET " + sets + "updated_at = :now, version = version + 1 WHERE id = :id";
}

void insert_user(soci::session& sql, const std::string& id, const ports::UserWrite& user, const UserColumns& c,
                 const std::string& now) {
  support::execute(sql, insert_user_sql(), [&](soci::statement& st) {
    st.exchange(soci::use(id, "id"));
    bind_shared(st, user, c);
    st.exchange(soci::use(now, "now"));
    st.exchange(soci::use(now, "now2"));
  });
}

void update_user(soci::session& sql, const std::string& id, const ports::UserWrite& user, const UserColumns& c,
                 const std::string& now) {
  support::execute(sql, update_user_sql(), [&](soci::statement& st) {
    bind_shared(st, user, c);
    st.exchange(soci::use(now, "now"));
    st.exchange(soci::use(id, "id"));
  });
}

// Replaces the user's rows in scim_user_values: one prepared insert.
void write_values(soci::session& sql, const std::string& id, const UserColumns& c) {
  sql << "DELETE FROM scim_user_values WHERE user_id = :id", soci::use(id, "id");
  if (c.values.empty()) return;
  UserValue v;
  soci::statement insert =
      (sql.prepare << "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key, type, "
                      "is_primary, display) VALUES (:id, :attribute, :position, :value, :value_key, :type, "
                      ":is_primary, :display)",
       soci::use(id, "id"), soci::use(v.attribute, "attribute"), soci::use(v.position, "position"),
       soci::use(v.value, "value"), soci::use(v.value_key, "value_key"), soci::use(v.type, "type"),
       soci::use(v.primary, "is_primary"), soci::use(v.display, "display"));
  for (const UserValue& value : c.values) {
    v = value;
    insert.execute(true);
  }
}

// Sets (or, when empty, removes) the integration's external id of a resource.
void write_external_id(soci::session& sql, const std::string& integration_id, const std::string& type,
                       const std::string& id, const std::optional<std::string>& external_id) {
  if (integration_id.empty()) return;
  sql << "DELETE FROM scim_external_ids WHERE integration_id = :integration AND resource_type = :type "
         "AND resource_id = :id",
      soci::use(integration_id, "integration"), soci::use(type, "type"), soci::use(id, "id");
  if (!external_id) return;
  sql << "INSERT INTO scim_external_ids (integration_id, resource_type, resource_id, external_id) "
         "VALUES (:integration, :type, :id, :external_id)",
      soci::use(integration_id, "integration"), soci::use(type, "type"), soci::use(id, "id"),
      soci::use(*external_id, "external_id");
}

void insert_access(soci::session& sql, const ports::Scope& scope, const std::string& id, bool active,
                   const std::string& now) {
  const int flag = active ? 1 : 0;
  const OptionalText integration = scope.integration_id.empty() ? OptionalText() : OptionalText(scope.integration_id);
  sql << "INSERT INTO scim_tenant_users (tenant_id, user_id, active, integration_id, created_at, updated_at, version) "
         "VALUES (:tenant, :id, :active, :integration, :now, :now2, 1)",
      soci::use(scope.tenant_id, "tenant"), soci::use(id, "id"), soci::use(flag, "active"),
      soci::use(integration, "integration"), soci::use(now, "now"), soci::use(now, "now2");
}

Error user_name_taken(const ports::UserWrite& user) {
  return Error::conflict("a user with userName '" + user.user_name + "' already exists in this tenant");
}

Error user_not_found(const std::string& id) { return Error::not_found("user '" + id + "' does not exist in this tenant"); }

Result<void> check_write(const ports::Scope& scope, const ports::UserWrite& user, const ports::AuditEntry& audit) {
  auto checked = support::check_scope(scope.tenant_id, &audit);
  if (!checked) return checked;
  if (user.user_name.empty() || user.user_name_key.empty()) return Error::invalid("userName is empty", "invalidValue");
  return {};
}

// The user's SCIM-managed bindings made what `user` asks for and, when the
// write grants access here, its default role bound.
Result<bindings::SyncResult> write_roles(soci::session& sql, const ports::Scope& scope, const std::string& id,
                                         const ports::UserWrite& user, bool granted, const std::string& now,
                                         const ports::AuditEntry& cause) {
  bindings::SyncResult result;
  if (user.roles) {
    auto synced = bindings::sync_scim_roles(sql, scope, bindings::kUser, id, *user.roles, now, cause);
    if (!synced) return synced.error();
    result = std::move(*synced);
  }
  if (granted && user.default_role_id) {
    auto added = bindings::ensure_binding(sql, scope, bindings::kUser, id, *user.default_role_id, bindings::kDefault,
                                          now, cause);
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

  // A concurrent create of the same userName makes the insert fail on the
  // unique key; run again once, to see the winner's row.
  for (int attempt = 0;; ++attempt) {
    bool raced = false;
    auto created = guarded(dialect_, "cannot create user '" + user.user_name + "'", [&]() -> Result<ports::UserRow> {
      soci::session& sql = **session;
      WriteTransaction transaction(sql, dialect_);
      std::string id;
      std::string stored_name, stored_resource;
      sql << "SELECT id, user_name, resource FROM scim_users WHERE user_name_key = :user_name_key", soci::into(id),
          soci::into(stored_name), soci::into(stored_resource), soci::use(user.user_name_key, "user_name_key");
      const bool exists = sql.got_data();
      if (exists) {
        if (has_access(sql, scope.tenant_id, id)) return user_name_taken(user);
        if (!support::unless_duplicate(dialect_, [&] { insert_access(sql, scope, id, user.active, now); })) {
          raced = true;
          return user_name_taken(user);
        }
        if (stored_name != user.user_name || stored_resource != user.resource_json) {
          update_user(sql, id, user, *columns, now);
          write_values(sql, id, *columns);
        }
      } else {
        id = new_id;
        if (!support::unless_duplicate(dialect_, [&] { insert_user(sql, id, user, *columns, now); })) {
          raced = true;
          return user_name_taken(user);
        }
        write_values(sql, id, *columns);
        insert_access(sql, scope, id, user.active, now);
      }
      write_external_id(sql, scope.integration_id, "User", id, user.external_id);
      ports::AuditEntry entry = audit;
      if (entry.target_id.empty() || entry.target_id == new_id) entry.target_id = id;
      support::insert_audit(sql, entry, scope.tenant_id);
      // The access row is new: its version stays 1 whatever the roles.
      auto changes = write_roles(sql, scope, id, user, true, now, entry);
      if (!changes) return changes.error();
      auto row = read_user(sql, scope, id);
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
    soci::session& sql = **session;
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
      if (!support::unless_duplicate(dialect_, [&] { update_user(sql, id, user, *columns, now); })) {
        return Error::conflict("userName '" + user.user_name + "' belongs to another user");
      }
      write_values(sql, id, *columns);
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
      if (external_changed) write_external_id(sql, scope.integration_id, "User", id, user.external_id);
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
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot remove user '" + id + "' from this tenant",
                 [&]() -> Result<std::vector<ports::BindingChange>> {
    soci::session& sql = **session;
    WriteTransaction transaction(sql, dialect_);
    if (!has_access(sql, scope.tenant_id, id)) return user_not_found(id);
    const std::string now = audit.created_at.empty() ? now_iso8601() : audit.created_at;
    const std::string& tenant = scope.tenant_id;

    // The groups the user leaves change: their count and version follow.
    sql << "UPDATE scim_groups SET member_count = member_count - 1, version = version + 1, updated_at = :now "
           "WHERE tenant_id = :tenant AND id IN (SELECT m.group_id FROM scim_group_members m "
           "WHERE m.tenant_id = :tenant2 AND m.member_id = :id AND m.member_type = 'User')",
        soci::use(now, "now"), soci::use(tenant, "tenant"), soci::use(tenant, "tenant2"), soci::use(id, "id");
    sql << "DELETE FROM scim_group_members WHERE tenant_id = :tenant AND member_id = :id AND member_type = 'User'",
        soci::use(tenant, "tenant"), soci::use(id, "id");
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
    transaction.commit();
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
    soci::session& sql = **session;
    ReadTransaction snapshot(sql, dialect_);  // one view of the data for count and page
    const std::string from = user_from(plan->page_params, scope.integration_id);
    UserReader reader;
    auto page = read_page<ports::UserRow>(
        sql, *plan, query, "SELECT COUNT(*) FROM scim_tenant_users a JOIN scim_users u ON u.id = a.user_id WHERE " + plan->where,
        std::string(kSelectUser) + ", " + plan->sort.expression + from + " WHERE " + plan->where + plan->page_tail, reader);
    // The page's roles: one more query, whatever the page's size.
    bindings::attach_scim_roles(sql, scope.tenant_id, bindings::kUser, page.items);
    snapshot.commit();
    return page;
  });
}

Result<std::vector<ports::MemberRef>> SociUserStore::groups_of(const ports::Scope& scope, const std::string& user_id) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot list the groups of user '" + user_id + "'", [&] {
    std::vector<ports::MemberRef> groups;
    ports::MemberRef row;
    row.type = "Group";
    support::for_each_row(
        **session,
        "SELECT g.id, g.display_name FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id "
        "WHERE m.tenant_id = :tenant AND m.member_id = :id ORDER BY g.display_name_key, g.id",
        [&](soci::statement& st) {
          st.exchange(soci::into(row.value));
          st.exchange(soci::into(row.display));
          st.exchange(soci::use(scope.tenant_id, "tenant"));
          st.exchange(soci::use(user_id, "id"));
        },
        [&] { groups.push_back(row); });
    return groups;
  });
}

}  // namespace kestra::adapters
