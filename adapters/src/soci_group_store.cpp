#include "soci_group_store.hpp"

#include "core/clock.hpp"
#include "errors.hpp"
#include "filter_sql.hpp"
#include "list_query.hpp"
#include "resource_links.hpp"
#include "role_bindings.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"

#include <soci/into.h>
#include <soci/session.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <algorithm>
#include <map>
#include <unordered_set>
#include <utility>

namespace kestra::adapters {
namespace {

using support::OptionalText;

constexpr const char* kSelectGroup =
    "SELECT g.id, g.display_name, g.resource, x.external_id, g.created_at, g.updated_at, g.version, g.member_count";

// The tenant's groups with this integration's external id as x.
std::string group_from(SqlParams& params, const std::string& integration_id) {
  return " FROM scim_groups g LEFT JOIN scim_external_ids x ON x.integration_id = " + params.text(integration_id) +
         " AND x.resource_type = 'Group' AND x.resource_id = g.id";
}

struct GroupReader {
  ports::GroupRow item;
  OptionalText external_id;
  long long version = 0;
  long long member_count = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(item.id));
    st.exchange(soci::into(item.display_name));
    st.exchange(soci::into(item.resource_json));
    st.exchange(soci::into(external_id));
    st.exchange(soci::into(item.created_at));
    st.exchange(soci::into(item.updated_at));
    st.exchange(soci::into(version));
    st.exchange(soci::into(member_count));
  }

  ports::GroupRow value() const {
    ports::GroupRow out = item;
    out.external_id = support::to_std(external_id);
    out.version = version;
    out.member_count = member_count;
    return out;
  }
};

std::optional<ports::GroupRow> read_group(soci::session& sql, const ports::Scope& scope, const std::string& id) {
  SqlParams params;
  const std::string query = std::string(kSelectGroup) + group_from(params, scope.integration_id) +
                            " WHERE g.tenant_id = " + params.text(scope.tenant_id) + " AND g.id = " + params.text(id);
  return read_resource<ports::GroupRow, GroupReader>(sql, query, params, scope.tenant_id, bindings::kGroup, id);
}

// The group's version, nullopt when the tenant has no such group.  `lock`:
// Dialect::row_lock() when the transaction goes on to change the group.
std::optional<long long> group_version(soci::session& sql, const std::string& tenant, const std::string& id,
                                       std::string_view lock = "") {
  long long version = 0;
  sql << "SELECT version FROM scim_groups WHERE tenant_id = :tenant AND id = :id" + std::string(lock),
      soci::into(version), soci::use(tenant, "tenant"), soci::use(id, "id");
  if (!sql.got_data()) return std::nullopt;
  return version;
}

Error group_not_found(const std::string& id) {
  return Error::not_found("group '" + id + "' does not exist in this tenant");
}

Error display_name_taken(const ports::GroupWrite& group) {
  return Error::conflict("a group with displayName '" + group.display_name + "' already exists in this tenant");
}

bool display_name_free(soci::session& sql, const std::string& tenant, const ports::GroupWrite& group,
                       const std::string& id) {
  long long taken = 0;
  sql << "SELECT COUNT(*) FROM scim_groups WHERE tenant_id = :tenant AND display_name_key = :key AND id <> :id",
      soci::into(taken), soci::use(tenant, "tenant"), soci::use(group.display_name_key, "key"), soci::use(id, "id");
  return taken == 0;
}

struct Member {
  std::string id;
  std::string type;  // as stored: User | Group
};

// The members to add, each id once, with the type the database knows it by.
// InvalidInput (invalidValue) naming the first id that is neither a user
// with access to the tenant nor a group of it.  One query per batch.
Result<std::vector<Member>> resolve_members(soci::session& sql, const std::string& tenant,
                                            const std::string& group_id, const std::vector<ports::MemberRef>& refs) {
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (const ports::MemberRef& ref : refs) {
    if (ref.value.empty()) return Error::invalid("a member has an empty value", "invalidValue");
    if (ref.value == group_id) {
      return Error::invalid("group '" + group_id + "' cannot be a member of itself", "invalidValue");
    }
    if (seen.insert(ref.value).second) ids.push_back(ref.value);
  }

  std::vector<Member> members;
  members.reserve(ids.size());
  for (std::size_t start = 0; start < ids.size(); start += SociGroupStore::kMemberBatch) {
    const std::size_t end = std::min(ids.size(), start + SociGroupStore::kMemberBatch);
    SqlParams params;
    std::string users = "SELECT a.user_id, 'User' FROM scim_tenant_users a WHERE a.tenant_id = " +
                        params.text(tenant) + " AND a.user_id IN (";
    std::string groups =
        " UNION ALL SELECT g.id, 'Group' FROM scim_groups g WHERE g.tenant_id = " + params.text(tenant) + " AND g.id IN (";
    for (std::size_t i = start; i < end; ++i) {
      const std::string separator = i == start ? "" : ", ";
      users += separator + params.text(ids[i]);
      groups += separator + params.text(ids[i]);
    }
    std::map<std::string, std::string> found;
    std::string id, type;
    support::for_each_row(
        sql, users + ")" + groups + ")",
        [&](soci::statement& st) {
          st.exchange(soci::into(id));
          st.exchange(soci::into(type));
          params.bind(st);
        },
        [&] { found.emplace(id, type); });
    for (std::size_t i = start; i < end; ++i) {
      const auto it = found.find(ids[i]);
      if (it == found.end()) {
        return Error::invalid("member '" + ids[i] + "' is not a user or group of this tenant", "invalidValue");
      }
      members.push_back({ids[i], it->second});
    }
  }
  return members;
}

}  // namespace

SociGroupStore::SociGroupStore(const Dialect& dialect, SessionPool& sessions)
    : dialect_(dialect),
      sessions_(sessions),
      insert_member_sql_(dialect.insert_ignoring_duplicate(
          "INSERT INTO scim_group_members (group_id, member_id, member_type, tenant_id, created_at) "
          "VALUES (:group_id, :member_id, :member_type, :tenant, :now)",
          "group_id, member_id")) {}

Result<PooledSession> SociGroupStore::borrow() const { return sessions_.borrow(); }

namespace {

// Inserts `members` with one prepared statement; the rows actually added.
long long insert_members(soci::session& sql, const Dialect& dialect, const std::string& insert_sql,
                         const std::string& tenant, const std::string& group_id, const std::vector<Member>& members,
                         const std::string& now) {
  if (members.empty()) return 0;
  Member m;
  soci::statement insert = (sql.prepare << insert_sql, soci::use(group_id, "group_id"), soci::use(m.id, "member_id"),
                            soci::use(m.type, "member_type"), soci::use(tenant, "tenant"), soci::use(now, "now"));
  long long added = 0;
  for (const Member& member : members) {
    m = member;
    added += support::execute_ignoring_duplicate(dialect, insert);
  }
  return added;
}

// Deletes the members of `ids`; the rows actually removed.
long long delete_members(soci::session& sql, const std::string& group_id, const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  std::string id;
  soci::statement remove =
      (sql.prepare << "DELETE FROM scim_group_members WHERE group_id = :group_id AND member_id = :member_id",
       soci::use(group_id, "group_id"), soci::use(id, "member_id"));
  long long removed = 0;
  for (const std::string& each : ids) {
    id = each;
    remove.execute(true);
    removed += remove.get_affected_rows();
  }
  return removed;
}

}  // namespace

Result<ports::GroupRow> SociGroupStore::create(const ports::Scope& scope, const ports::GroupWrite& group,
                                               const std::vector<ports::MemberRef>& members,
                                               const std::string& new_id, const std::string& now,
                                               const ports::AuditEntry& audit) {
  auto checked = support::check_scope(scope.tenant_id, &audit);
  if (!checked) return checked.error();
  if (new_id.empty()) return Error::invalid("the new group's id is empty");
  if (group.display_name.empty() || group.display_name_key.empty()) {
    return Error::invalid("displayName is empty", "invalidValue");
  }
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot create group '" + group.display_name + "'", [&]() -> Result<ports::GroupRow> {
    soci::session& sql = **session;
    WriteTransaction transaction(sql, dialect_);
    if (!display_name_free(sql, scope.tenant_id, group, new_id)) return display_name_taken(group);
    auto resolved = resolve_members(sql, scope.tenant_id, new_id, members);
    if (!resolved) return resolved.error();

    const OptionalText integration = support::to_boost(
        scope.integration_id.empty() ? std::nullopt : std::optional<std::string>(scope.integration_id));
    const long long count = static_cast<long long>(resolved->size());
    const bool inserted = support::unless_duplicate(dialect_, [&] {
      sql << "INSERT INTO scim_groups (id, tenant_id, display_name, display_name_key, integration_id, resource, "
             "created_at, updated_at, version, member_count) VALUES (:id, :tenant, :display_name, :key, "
             ":integration, :resource, :now, :now2, 1, :member_count)",
          soci::use(new_id, "id"), soci::use(scope.tenant_id, "tenant"),
          soci::use(group.display_name, "display_name"), soci::use(group.display_name_key, "key"),
          soci::use(integration, "integration"), soci::use(group.resource_json, "resource"), soci::use(now, "now"),
          soci::use(now, "now2"), soci::use(count, "member_count");
    });
    if (!inserted) return display_name_taken(group);
    insert_members(sql, dialect_, insert_member_sql_, scope.tenant_id, new_id, *resolved, now);
    write_external_id(Session(*session), scope.integration_id, "Group", new_id, group.external_id);
    const ports::AuditEntry entry = support::audit_for(audit, new_id);
    support::insert_audit(sql, entry, scope.tenant_id);
    std::vector<ports::BindingChange> changes;
    if (group.roles) {
      auto synced = bindings::sync_scim_roles(sql, scope, bindings::kGroup, new_id, *group.roles, now, entry);
      if (!synced) return synced.error();
      changes = std::move(synced->changes);
    }
    auto row = read_group(sql, scope, new_id);
    if (!row) return Error::internal("group '" + new_id + "' is missing right after its insert");
    transaction.commit();
    row->binding_changes = std::move(changes);
    return *std::move(row);
  });
}

Result<std::optional<ports::GroupRow>> SociGroupStore::find(const ports::Scope& scope, const std::string& id) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  auto session = borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot read group '" + id + "'", [&] { return read_group(**session, scope, id); });
}

Result<void> SociGroupStore::for_each_member(const ports::Scope& scope, const std::string& group_id,
                                             std::int64_t page,
                                             const std::function<bool(const ports::MemberRef&)>& sink) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  if (page <= 0) return Error::invalid("the page size of a member listing must be positive");
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot list the members of group '" + group_id + "'", [&]() -> Result<void> {
    soci::session& sql = **session;
    if (!group_version(sql, scope.tenant_id, group_id)) return group_not_found(group_id);
    const long long limit = page;
    std::string after;  // keyset: every id is longer than ""
    std::vector<ports::MemberRef> batch;
    batch.reserve(static_cast<std::size_t>(std::min<long long>(limit, 1000)));
    ports::MemberRef row;
    for (;;) {
      batch.clear();
      support::for_each_row(
          sql,
          // Each display by a primary-key probe per member of the page: as
          // joins, PostgreSQL merged or hashed the whole of scim_users for
          // every page (85 ms a page half-way through 100,000 members).
          "SELECT m.member_id, m.member_type, COALESCE("
          "(SELECT u.user_name FROM scim_users u WHERE m.member_type = 'User' AND u.id = m.member_id), "
          "(SELECT g.display_name FROM scim_groups g WHERE m.member_type = 'Group' AND g.id = m.member_id), '') "
          "FROM scim_group_members m "
          "WHERE m.group_id = :group_id AND m.member_id > :after ORDER BY m.member_id LIMIT :limit",
          [&](soci::statement& st) {
            st.exchange(soci::into(row.value));
            st.exchange(soci::into(row.type));
            st.exchange(soci::into(row.display));
            st.exchange(soci::use(group_id, "group_id"));
            st.exchange(soci::use(after, "after"));
            st.exchange(soci::use(limit, "limit"));
          },
          [&] { batch.push_back(row); });
      for (const ports::MemberRef& member : batch) {
        if (!sink(member)) return {};
      }
      if (static_cast<long long>(batch.size()) < limit) return {};
      after = batch.back().value;
    }
  });
}

Result<ports::GroupRow> SociGroupStore::update(const ports::Scope& scope, const std::string& id,
                                               const std::optional<ports::GroupWrite>& group,
                                               const ports::MemberDelta& delta,
                                               const std::optional<ports::ExpectedVersion>& expected,
                                               const std::string& now, const ports::AuditEntry& audit) {
  auto checked = support::check_scope(scope.tenant_id, &audit);
  if (!checked) return checked.error();
  if (group && (group->display_name.empty() || group->display_name_key.empty())) {
    return Error::invalid("displayName is empty", "invalidValue");
  }
  // The filter is compiled before anything is written.
  SqlParams match_params;
  std::string match;
  if (delta.remove_matching != nullptr) {
    auto compiled = compile_filter(dialect_, FilterTarget::Members, scope, *delta.remove_matching, match_params);
    if (!compiled) return compiled.error();
    match = std::move(*compiled);
  }
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot update group '" + id + "'", [&]() -> Result<ports::GroupRow> {
    soci::session& sql = **session;
    WriteTransaction transaction(sql, dialect_);
    const auto version = group_version(sql, scope.tenant_id, id, dialect_.row_lock());
    if (!version) return group_not_found(id);
    if (expected && expected->version != *version) {
      return Error{ErrorKind::PreconditionFailed,
                   "group '" + id + "' has changed since the version the request expects", {}};
    }

    const ports::AuditEntry entry = support::audit_for(audit, id);
    std::vector<ports::BindingChange> changes;
    if (group) {
      if (!display_name_free(sql, scope.tenant_id, *group, id)) return display_name_taken(*group);
      const bool updated = support::unless_duplicate(dialect_, [&] {
        sql << "UPDATE scim_groups SET display_name = :display_name, display_name_key = :key, resource = :resource "
               "WHERE id = :id",
            soci::use(group->display_name, "display_name"), soci::use(group->display_name_key, "key"),
            soci::use(group->resource_json, "resource"), soci::use(id, "id");
      });
      if (!updated) return display_name_taken(*group);
      write_external_id(Session(*session), scope.integration_id, "Group", id, group->external_id);
      if (group->roles) {
        auto synced = bindings::sync_scim_roles(sql, scope, bindings::kGroup, id, *group->roles, now, entry);
        if (!synced) return synced.error();
        changes = std::move(synced->changes);
      }
    }

    long long change = 0;
    if (delta.replace_all) sql << "DELETE FROM scim_group_members WHERE group_id = :id", soci::use(id, "id");
    change -= delete_members(sql, id, delta.remove);
    if (!match.empty()) {
      const std::string group_param = match_params.text(id);
      const std::string rows_param = match_params.text(id);
      change -= support::execute(sql,
                                 "DELETE FROM scim_group_members WHERE group_id = " + group_param +
                                     " AND member_id IN (SELECT d.member_id FROM " + member_rows_sql(rows_param) +
                                     " WHERE " + match + ")",
                                 [&](soci::statement& st) { match_params.bind(st); });
    }
    if (!delta.add.empty()) {
      auto resolved = resolve_members(sql, scope.tenant_id, id, delta.add);
      if (!resolved) return resolved.error();
      change += insert_members(sql, dialect_, insert_member_sql_, scope.tenant_id, id, *resolved, now);
    }

    const std::string count_sql = delta.replace_all ? ":change" : "member_count + :change";
    sql << "UPDATE scim_groups SET version = version + 1, updated_at = :now, member_count = " + count_sql +
               " WHERE id = :id",
        soci::use(now, "now"), soci::use(change, "change"), soci::use(id, "id");
    support::insert_audit(sql, entry, scope.tenant_id);
    auto row = read_group(sql, scope, id);
    if (!row) return Error::internal("group '" + id + "' vanished while being updated");
    transaction.commit();
    row->binding_changes = std::move(changes);
    return *std::move(row);
  });
}

Result<std::vector<ports::BindingChange>> SociGroupStore::remove(const ports::Scope& scope, const std::string& id,
                                                                 const ports::AuditEntry& audit) {
  auto checked = support::check_scope(scope.tenant_id, &audit);
  if (!checked) return checked.error();

  return in_write_transaction(sessions_, dialect_, "cannot delete group '" + id + "'",
                              [&](Session db) -> Result<std::vector<ports::BindingChange>> {
    soci::session& sql = db.sql;
    if (!group_version(sql, scope.tenant_id, id, dialect_.row_lock())) return group_not_found(id);
    const std::string now = audit.created_at.empty() ? now_iso8601() : audit.created_at;
    const std::string& tenant = scope.tenant_id;

    // The groups it was a member of lose a member.
    leave_all_groups(db, tenant, "Group", id, now);
    // Every binding of the group, whoever made it.
    const ports::AuditEntry entry = support::audit_for(audit, id);
    auto changes = bindings::delete_bindings(sql, tenant, bindings::bindings_of(sql, tenant, bindings::kGroup, id),
                                             entry);
    sql << "DELETE FROM scim_external_ids WHERE resource_type = 'Group' AND resource_id = :id", soci::use(id, "id");
    // Its own members go with it (ON DELETE CASCADE).
    sql << "DELETE FROM scim_groups WHERE tenant_id = :tenant AND id = :id", soci::use(tenant, "tenant"),
        soci::use(id, "id");
    support::insert_audit(sql, entry, tenant);
    return changes;
  });
}

Result<ports::ListPage<ports::GroupRow>> SociGroupStore::list(const ports::Scope& scope,
                                                              const ports::ListQuery& query) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  auto plan = plan_list(dialect_, FilterTarget::Groups, scope, query, "g.id",
                        [&](SqlParams& p) { return "g.tenant_id = " + p.text(scope.tenant_id); });
  if (!plan) return plan.error();
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot list the groups of tenant '" + scope.tenant_id + "'", [&] {
    const std::string from = group_from(plan->page_params, scope.integration_id);
    return read_page_in_snapshot<ports::GroupRow, GroupReader>(
        dialect_, *session, *plan, query, "SELECT COUNT(*) FROM scim_groups g WHERE " + plan->where,
        std::string(kSelectGroup) + ", " + plan->sort.expression + from + " WHERE " + plan->where + plan->page_tail,
        [&](soci::session& sql, ports::ListPage<ports::GroupRow>& page) {
          // The page's roles: one more query, whatever the page's size.
          bindings::attach_scim_roles(sql, session->statements(), scope.tenant_id, bindings::kGroup, page.items);
        });
  });
}

}  // namespace kestra::adapters
