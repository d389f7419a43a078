#include "soci_group_store.hpp"

#include "catalogue.hpp"
#include "core/clock.hpp"
#include "errors.hpp"
#include "filter_sql.hpp"
#include "list_query.hpp"
#include "resource_links.hpp"
#include "resource_rows.hpp"
#include "role_bindings.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"

#include <algorithm>
#include <map>
#include <span>
#include <unordered_set>
#include <utility>

namespace kestra::adapters {
namespace {

std::optional<ports::GroupRow> read_group(Session db, const GroupStatements& s, const ports::Scope& scope,
                                          const std::string& id) {
  return with_roles(db,
                    first_row<ports::GroupRow>(db, s.group, param("integration", scope.integration_id),
                                               param("tenant", scope.tenant_id), param("id", id)),
                    scope.tenant_id, bindings::kGroup);
}

// The group's version, nullopt when the tenant has no such group.
// `version`: GroupStatements::group_version_locked when the transaction goes
// on to change the group.
std::optional<long long> group_version(Session db, const Statement& version, const std::string& tenant,
                                       const std::string& id) {
  return first_row<long long>(db, version, param("tenant", tenant), param("id", id));
}

Error group_not_found(const std::string& id) {
  return Error::not_found("group '" + id + "' does not exist in this tenant");
}

Error display_name_taken(const ports::GroupWrite& group) {
  return Error::conflict("a group with displayName '" + group.display_name + "' already exists in this tenant");
}

Result<void> check_display_name(const ports::GroupWrite& group) {
  if (group.display_name.empty() || group.display_name_key.empty()) {
    return Error::invalid("displayName is empty", "invalidValue");
  }
  return {};
}

bool display_name_free(Session db, const GroupStatements& s, const std::string& tenant,
                       const ports::GroupWrite& group, const std::string& id) {
  return count(db, s.count_others_named, param("tenant", tenant), param("key", group.display_name_key),
               param("id", id)) == 0;
}

// The members to add, each id once, with the type the database knows it by.
// InvalidInput (invalidValue) naming the first id that is neither a user
// with access to the tenant nor a group of it.  One query per batch.
Result<std::vector<KnownMember>> resolve_members(Session db, const GroupStatements& s, const std::string& tenant,
                                                 const std::string& group_id,
                                                 const std::vector<ports::MemberRef>& refs) {
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (const ports::MemberRef& ref : refs) {
    if (ref.value.empty()) return Error::invalid("a member has an empty value", "invalidValue");
    if (ref.value == group_id) {
      return Error::invalid("group '" + group_id + "' cannot be a member of itself", "invalidValue");
    }
    if (seen.insert(ref.value).second) ids.push_back(ref.value);
  }

  std::vector<KnownMember> members;
  members.reserve(ids.size());
  const std::span<const std::string> all(ids);
  for (std::size_t start = 0; start < all.size(); start += SociGroupStore::kMemberBatch) {
    const auto batch = all.subspan(start, std::min(all.size() - start, SociGroupStore::kMemberBatch));
    SqlParams params;
    const Statement known = s.known_members(tenant, batch, params);
    std::map<std::string, std::string> found;
    for_each_row<KnownMember>(db, known, [&](const KnownMember& m) { found.emplace(m.id, m.type); },
                              generated(params));
    for (const std::string& id : batch) {
      const auto it = found.find(id);
      if (it == found.end()) {
        return Error::invalid("member '" + id + "' is not a user or group of this tenant", "invalidValue");
      }
      members.push_back({id, it->second});
    }
  }
  return members;
}

// Inserts `members` with one prepared statement; the rows actually added.
long long insert_members(Session db, const GroupStatements& s, const Dialect& dialect, const std::string& tenant,
                         const std::string& group_id, const std::vector<KnownMember>& members,
                         const std::string& now) {
  if (members.empty()) return 0;
  KnownMember m;
  long long added = 0;
  execute_each(
      db, s.insert_member,
      [&](auto&& run) {
        for (const KnownMember& member : members) {
          m = member;
          added += support::execute_ignoring_duplicate(dialect, run);
        }
      },
      param("group_id", group_id), param("member_id", m.id), param("member_type", m.type), param("tenant", tenant),
      param("now", now));
  return added;
}

// Deletes the members of `ids` with one prepared statement; the rows actually removed.
long long delete_members(Session db, const GroupStatements& s, const std::string& group_id,
                         const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  std::string id;
  long long removed = 0;
  execute_each(
      db, s.delete_member,
      [&](auto&& run) {
        for (const std::string& each : ids) {
          id = each;
          removed += run();
        }
      },
      param("group_id", group_id), param("member_id", id));
  return removed;
}

// Sets the group's SCIM-managed roles when `group` names them; the changes.
Result<std::vector<ports::BindingChange>> write_roles(Session db, const ports::Scope& scope, const std::string& id,
                                                      const ports::GroupWrite& group, const std::string& now,
                                                      const ports::AuditEntry& entry) {
  if (!group.roles) return std::vector<ports::BindingChange>();
  auto synced = bindings::sync_scim_roles(db, scope, bindings::kGroup, id, *group.roles, now, entry);
  if (!synced) return synced.error();
  return std::move(synced->changes);
}

}  // namespace

SociGroupStore::SociGroupStore(const Dialect& dialect, SessionPool& sessions)
    : dialect_(dialect), sessions_(sessions), statements_(dialect) {}

Result<ports::GroupRow> SociGroupStore::create(const ports::Scope& scope, const ports::GroupWrite& group,
                                               const std::vector<ports::MemberRef>& members,
                                               const std::string& new_id, const std::string& now,
                                               const ports::AuditEntry& audit) {
  auto checked = support::check_scope(scope.tenant_id, &audit);
  if (!checked) return checked.error();
  if (new_id.empty()) return Error::invalid("the new group's id is empty");
  auto named = check_display_name(group);
  if (!named) return named.error();

  return in_write_transaction(sessions_, dialect_, "cannot create group '" + group.display_name + "'",
                              [&](Session db) -> Result<ports::GroupRow> {
    const GroupStatements& s = statements_;
    if (!display_name_free(db, s, scope.tenant_id, group, new_id)) return display_name_taken(group);
    auto resolved = resolve_members(db, s, scope.tenant_id, new_id, members);
    if (!resolved) return resolved.error();

    const std::optional<std::string> integration =
        scope.integration_id.empty() ? std::nullopt : std::optional<std::string>(scope.integration_id);
    const long long count = static_cast<long long>(resolved->size());
    const bool inserted = support::unless_duplicate(dialect_, [&] {
      execute(db, s.insert_group, param("id", new_id), param("tenant", scope.tenant_id),
              param("display_name", group.display_name), param("key", group.display_name_key),
              param("integration", integration), param("resource", group.resource_json), param("now", now),
              param("now2", now), param("member_count", count));
    });
    if (!inserted) return display_name_taken(group);
    insert_members(db, s, dialect_, scope.tenant_id, new_id, *resolved, now);
    write_external_id(db, s.links, scope.integration_id, "Group", new_id, group.external_id);
    const ports::AuditEntry entry = support::audit_for(audit, new_id);
    support::insert_audit(db.sql, entry, scope.tenant_id);
    auto changes = write_roles(db, scope, new_id, group, now, entry);
    if (!changes) return changes.error();
    auto row = read_group(db, s, scope, new_id);
    if (!row) return Error::internal("group '" + new_id + "' is missing right after its insert");
    row->binding_changes = std::move(*changes);
    return *std::move(row);
  });
}

Result<std::optional<ports::GroupRow>> SociGroupStore::find(const ports::Scope& scope, const std::string& id) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  return on_session(sessions_, dialect_, "cannot read group '" + id + "'",
                    [&](Session db) { return read_group(db, statements_, scope, id); });
}

Result<void> SociGroupStore::for_each_member(const ports::Scope& scope, const std::string& group_id,
                                             std::int64_t page,
                                             const std::function<bool(const ports::MemberRef&)>& sink) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  if (page <= 0) return Error::invalid("the page size of a member listing must be positive");

  return on_session(sessions_, dialect_, "cannot list the members of group '" + group_id + "'",
                    [&](Session db) -> Result<void> {
    const GroupStatements& s = statements_;
    if (!group_version(db, s.group_version, scope.tenant_id, group_id)) return group_not_found(group_id);
    const long long limit = page;
    std::string after;  // keyset: every id is longer than ""
    std::vector<ports::MemberRef> batch;
    batch.reserve(static_cast<std::size_t>(std::min<long long>(limit, 1000)));
    for (;;) {
      batch.clear();
      for_each_row<ports::MemberRef>(db, s.members_page, [&](const ports::MemberRef& row) { batch.push_back(row); },
                                     param("group_id", group_id), param("after", after), param("limit", limit));
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
  if (group) {
    auto named = check_display_name(*group);
    if (!named) return named.error();
  }
  // The filter is compiled before anything is written.
  SqlParams match_params;
  std::string match;
  if (delta.remove_matching != nullptr) {
    auto compiled = compile_filter(dialect_, FilterTarget::Members, scope, *delta.remove_matching, match_params);
    if (!compiled) return compiled.error();
    match = std::move(*compiled);
  }

  return in_write_transaction(sessions_, dialect_, "cannot update group '" + id + "'",
                              [&](Session db) -> Result<ports::GroupRow> {
    const GroupStatements& s = statements_;
    const auto version = group_version(db, s.group_version_locked, scope.tenant_id, id);
    if (!version) return group_not_found(id);
    if (expected && expected->version != *version) {
      return Error{ErrorKind::PreconditionFailed,
                   "group '" + id + "' has changed since the version the request expects", {}};
    }

    const ports::AuditEntry entry = support::audit_for(audit, id);
    std::vector<ports::BindingChange> changes;
    if (group) {
      if (!display_name_free(db, s, scope.tenant_id, *group, id)) return display_name_taken(*group);
      const bool updated = support::unless_duplicate(dialect_, [&] {
        execute(db, s.update_group, param("display_name", group->display_name),
                param("key", group->display_name_key), param("resource", group->resource_json), param("id", id));
      });
      if (!updated) return display_name_taken(*group);
      write_external_id(db, s.links, scope.integration_id, "Group", id, group->external_id);
      auto synced = write_roles(db, scope, id, *group, now, entry);
      if (!synced) return synced.error();
      changes = std::move(*synced);
    }

    long long change = 0;
    if (delta.replace_all) execute(db, s.delete_members, param("id", id));
    change -= delete_members(db, s, id, delta.remove);
    if (!match.empty()) {
      const Statement matching = s.delete_matching(match, id, match_params);
      change -= execute(db, matching, generated(match_params));
    }
    if (!delta.add.empty()) {
      auto resolved = resolve_members(db, s, scope.tenant_id, id, delta.add);
      if (!resolved) return resolved.error();
      change += insert_members(db, s, dialect_, scope.tenant_id, id, *resolved, now);
    }

    execute(db, delta.replace_all ? s.set_member_count : s.add_member_count, param("now", now),
            param("change", change), param("id", id));
    support::insert_audit(db.sql, entry, scope.tenant_id);
    auto row = read_group(db, s, scope, id);
    if (!row) return Error::internal("group '" + id + "' vanished while being updated");
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
    const GroupStatements& s = statements_;
    const std::string& tenant = scope.tenant_id;
    if (!group_version(db, s.group_version_locked, tenant, id)) return group_not_found(id);
    const std::string now = audit.created_at.empty() ? now_iso8601() : audit.created_at;

    // The groups it was a member of lose a member.
    leave_all_groups(db, s.links, tenant, "Group", id, now);
    // Every binding of the group, whoever made it.
    const ports::AuditEntry entry = support::audit_for(audit, id);
    auto changes =
        bindings::delete_bindings(db, tenant, bindings::bindings_of(db, tenant, bindings::kGroup, id), entry);
    execute(db, s.delete_external_ids, param("id", id));
    execute(db, s.delete_group, param("tenant", tenant), param("id", id));
    support::insert_audit(db.sql, entry, tenant);
    return changes;
  });
}

Result<ports::ListPage<ports::GroupRow>> SociGroupStore::list(const ports::Scope& scope,
                                                              const ports::ListQuery& query) {
  return list_resources<ports::GroupRow>(dialect_, sessions_, statements_.list, scope, query,
                                         "cannot list the groups of tenant '" + scope.tenant_id + "'");
}

}  // namespace kestra::adapters
