#include "user_statements.hpp"

#include "role_bindings.hpp"
#include "store_support.hpp"
#include "user_attributes.hpp"

#include <string>
#include <vector>

namespace kestra::adapters {
namespace {

const std::string kSelectUser =
    "SELECT u.id, u.user_name, u.resource, a.active, x.external_id, a.created_at, "
    "CASE WHEN a.updated_at > u.updated_at THEN a.updated_at ELSE u.updated_at END, u.version, a.version, "
    "u.owner_tenant_id";

// The tenant's users with this integration's external id as x.
const std::string kUserFrom =
    " FROM scim_tenant_users a JOIN scim_users u ON u.id = a.user_id "
    "LEFT JOIN scim_external_ids x ON x.integration_id = :integration AND x.resource_type = 'User' "
    "AND x.resource_id = u.id";

// The columns of scim_users a write sets (WrittenUser): userName, then
// kUserAttributes (with the folded copy of a keyed one), then the document.
// Each is bound by its own name.
std::vector<std::string> written_columns() {
  std::vector<std::string> columns{"user_name", "user_name_key"};
  for (const UserAttribute& attribute : kUserAttributes) {
    columns.emplace_back(attribute.column);
    if (attribute.keyed) columns.push_back(std::string(attribute.column) + "_key");
  }
  columns.emplace_back("resource");
  return columns;
}

std::string insert_user_sql() {
  std::string names, values;
  for (const std::string& column : written_columns()) {
    names += column + ", ";
    values += ":" + column + ", ";
  }
  return "INSERT INTO scim_users (id, " + names + "owner_tenant_id, created_at, updated_at, version) VALUES (:id, " +
         values + ":owner, :now, :now2, 1)";
}

std::string update_user_sql() {
  std::string sets;
  for (const std::string& column : written_columns()) sets += column + " = :" + column + ", ";
  return "UPDATE scim_users SET " + sets +
         "owner_tenant_id = COALESCE(owner_tenant_id, :owner), updated_at = :now, version = version + 1 WHERE id = :id";
}

// A new user's rows in one statement (Dialect::has_writable_ctes): the user,
// its scim_user_values (a JSON array), its access here, the integration's
// external id when it sent one, and the audit row.
std::string insert_new_user_at_once_sql() {
  return "WITH new_user AS (" + insert_user_sql() + " RETURNING id, created_at), "
         "new_audit AS (" + std::string(support::kInsertAudit) + " RETURNING tenant_id), "
         "new_values AS (INSERT INTO scim_user_values "
         "(user_id, attribute, position, value, value_key, type, is_primary, display) "
         "SELECT u.id, v.attribute, v.position, v.value, v.value_key, v.type, v.is_primary, v.display "
         "FROM new_user u, json_to_recordset(CAST(:user_values AS json)) AS v(attribute text, position integer, "
         "value text, value_key text, type text, is_primary smallint, display text)), "
         "new_access AS (INSERT INTO scim_tenant_users "
         "(tenant_id, user_id, active, integration_id, created_at, updated_at, version) "
         "SELECT a.tenant_id, u.id, CAST(:active AS smallint), CAST(:integration AS text), u.created_at, "
         "u.created_at, 1 FROM new_user u, new_audit a RETURNING user_id, integration_id) "
         "INSERT INTO scim_external_ids (integration_id, resource_type, resource_id, external_id) "
         "SELECT a.integration_id, 'User', a.user_id, x.external_id "
         "FROM new_access a, (SELECT CAST(:external_id AS text) AS external_id) x "
         "WHERE a.integration_id IS NOT NULL AND x.external_id IS NOT NULL";
}

Statement once(std::string text) { return {std::move(text), Reuse::Once}; }
Statement cached(std::string text) { return {std::move(text), Reuse::Cached}; }

}  // namespace

UserStatements::UserStatements(const Dialect& dialect)
    : user(once(kSelectUser + kUserFrom + " WHERE a.tenant_id = :tenant AND a.user_id = :id")),
      count_access(once("SELECT COUNT(*) FROM scim_tenant_users WHERE tenant_id = :tenant AND user_id = :id")),
      user_named(cached("SELECT id, user_name, resource, owner_tenant_id FROM scim_users "
                        "WHERE user_name_key = :user_name_key")),
      user_to_replace(once("SELECT u.user_name_key, u.user_name, u.resource, u.version, a.active, a.version "
                           "FROM scim_tenant_users a JOIN scim_users u ON u.id = a.user_id "
                           "WHERE a.tenant_id = :tenant AND a.user_id = :id" +
                           std::string(dialect.row_lock()))),
      external_id(once("SELECT external_id FROM scim_external_ids WHERE integration_id = :integration "
                       "AND resource_type = 'User' AND resource_id = :id")),
      count_others_named(once("SELECT COUNT(*) FROM scim_users WHERE user_name_key = :user_name_key AND id <> :id")),

      insert_user(cached(insert_user_sql())),
      update_user(once(update_user_sql())),
      insert_new_user_at_once(cached(insert_new_user_at_once_sql())),
      delete_values(once("DELETE FROM scim_user_values WHERE user_id = :id")),
      // Once per element of a user's multi-valued attributes.
      insert_value(cached(
          "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key, type, is_primary, display) "
          "VALUES (:id, :attribute, :position, :value, :value_key, :type, :is_primary, :display)")),
      insert_values_at_once(once(
          "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key, type, is_primary, display) "
          "SELECT :id, v.attribute, v.position, v.value, v.value_key, v.type, v.is_primary, v.display "
          "FROM json_to_recordset(CAST(:user_values AS json)) AS v(attribute text, position integer, value text, "
          "value_key text, type text, is_primary smallint, display text)")),
      insert_access(cached(
          "INSERT INTO scim_tenant_users (tenant_id, user_id, active, integration_id, created_at, updated_at, version) "
          "VALUES (:tenant, :id, :active, :integration, :now, :now2, 1)")),
      update_access(once("UPDATE scim_tenant_users SET active = :active, updated_at = :now, version = version + 1 "
                         "WHERE tenant_id = :tenant AND user_id = :id")),
      // External ids of this integration and of every other of the tenant.
      delete_external_ids(once("DELETE FROM scim_external_ids WHERE resource_type = 'User' AND resource_id = :id "
                               "AND (integration_id = :integration OR integration_id IN "
                               "(SELECT i.id FROM scim_integrations i WHERE i.tenant_id = :tenant))")),
      delete_access(once("DELETE FROM scim_tenant_users WHERE tenant_id = :tenant AND user_id = :id")),

      list{FilterTarget::Users,
           "a.user_id",
           "a.tenant_id",
           kSelectUser,
           kUserFrom,
           // Unfiltered, the tenant's access rows are the count: each has its
           // user (a foreign key), so the join to scim_users would only cost time.
           " FROM scim_tenant_users a",
           " FROM scim_tenant_users a JOIN scim_users u ON u.id = a.user_id",
           bindings::kUser} {}

Statement UserStatements::groups_of(const std::string& tenant, std::span<const std::string> user_ids,
                                    SqlParams& params) const {
  std::string text =
      "SELECT m.member_id, g.id, g.display_name, g.display_name_key FROM scim_group_members m "
      "JOIN scim_groups g ON g.id = m.group_id WHERE m.tenant_id = " +
      params.text(tenant) + " AND m.member_id IN (";
  for (std::size_t i = 0; i < user_ids.size(); ++i) text += (i == 0 ? "" : ", ") + params.text(user_ids[i]);
  text += ")";
  return {std::move(text), user_ids.size() == 1 ? Reuse::Cached : Reuse::Once};
}

}  // namespace kestra::adapters
