#include "group_statements.hpp"

#include "filter_sql.hpp"
#include "role_bindings.hpp"

#include <string>

namespace kestra::adapters {
namespace {

const std::string kSelectGroup =
    "SELECT g.id, g.display_name, g.resource, x.external_id, g.created_at, g.updated_at, g.version, g.member_count";

// The tenant's groups with this integration's external id as x.
const std::string kGroupFrom =
    " FROM scim_groups g LEFT JOIN scim_external_ids x ON x.integration_id = :integration "
    "AND x.resource_type = 'Group' AND x.resource_id = g.id";

const std::string kGroupVersion = "SELECT version FROM scim_groups WHERE tenant_id = :tenant AND id = :id";

std::string touch_members(const std::string& count) {
  return "UPDATE scim_groups SET version = version + 1, updated_at = :now, member_count = " + count + " WHERE id = :id";
}

Statement once(std::string text) { return {std::move(text), Reuse::Once}; }

}  // namespace

GroupStatements::GroupStatements(const Dialect& dialect)
    : group(once(kSelectGroup + kGroupFrom + " WHERE g.tenant_id = :tenant AND g.id = :id")),
      group_version(once(kGroupVersion)),
      group_version_locked(once(kGroupVersion + std::string(dialect.row_lock()))),
      count_others_named(once(
          "SELECT COUNT(*) FROM scim_groups WHERE tenant_id = :tenant AND display_name_key = :key AND id <> :id")),
      // Each display by a primary-key probe per member of the page: as
      // joins, PostgreSQL merged or hashed the whole of scim_users for every
      // page (85 ms a page half-way through 100,000 members).
      members_page(once(
          "SELECT m.member_id, m.member_type, COALESCE("
          "(SELECT u.user_name FROM scim_users u WHERE m.member_type = 'User' AND u.id = m.member_id), "
          "(SELECT g.display_name FROM scim_groups g WHERE m.member_type = 'Group' AND g.id = m.member_id), '') "
          "FROM scim_group_members m "
          "WHERE m.group_id = :group_id AND m.member_id > :after ORDER BY m.member_id LIMIT :limit")),

      insert_group(once(
          "INSERT INTO scim_groups (id, tenant_id, display_name, display_name_key, integration_id, resource, "
          "created_at, updated_at, version, member_count) VALUES (:id, :tenant, :display_name, :key, "
          ":integration, :resource, :now, :now2, 1, :member_count)")),
      update_group(once("UPDATE scim_groups SET display_name = :display_name, display_name_key = :key, "
                        "resource = :resource WHERE id = :id")),
      // Run for each member added or removed (execute_each): prepared once
      // for the members of a write.
      insert_member(once(dialect.insert_ignoring_duplicate(
          "INSERT INTO scim_group_members (group_id, member_id, member_type, tenant_id, created_at) "
          "VALUES (:group_id, :member_id, :member_type, :tenant, :now)",
          "group_id, member_id"))),
      delete_member(once("DELETE FROM scim_group_members WHERE group_id = :group_id AND member_id = :member_id")),
      delete_members(once("DELETE FROM scim_group_members WHERE group_id = :id")),
      add_member_count(once(touch_members("member_count + :change"))),
      set_member_count(once(touch_members(":change"))),
      delete_external_ids(once("DELETE FROM scim_external_ids WHERE resource_type = 'Group' AND resource_id = :id")),
      // Its own members go with it (ON DELETE CASCADE).
      delete_group(once("DELETE FROM scim_groups WHERE tenant_id = :tenant AND id = :id")),

      list{FilterTarget::Groups,
           "g.id",
           "g.tenant_id",
           kSelectGroup,
           kGroupFrom,
           " FROM scim_groups g",
           " FROM scim_groups g",
           bindings::kGroup} {}

Statement GroupStatements::known_members(const std::string& tenant, std::span<const std::string> ids,
                                         SqlParams& params) const {
  std::string users = "SELECT a.user_id, 'User' FROM scim_tenant_users a WHERE a.tenant_id = " + params.text(tenant) +
                      " AND a.user_id IN (";
  std::string groups =
      " UNION ALL SELECT g.id, 'Group' FROM scim_groups g WHERE g.tenant_id = " + params.text(tenant) + " AND g.id IN (";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string separator = i == 0 ? "" : ", ";
    users += separator + params.text(ids[i]);
    groups += separator + params.text(ids[i]);
  }
  return once(users + ")" + groups + ")");
}

Statement GroupStatements::delete_matching(const std::string& match, const std::string& id, SqlParams& params) const {
  const std::string group_param = params.text(id);
  const std::string rows_param = params.text(id);
  return once("DELETE FROM scim_group_members WHERE group_id = " + group_param +
              " AND member_id IN (SELECT d.member_id FROM " + member_rows_sql(rows_param) + " WHERE " + match + ")");
}

}  // namespace kestra::adapters
