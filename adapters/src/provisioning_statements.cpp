#include "provisioning_statements.hpp"

#include "store_support.hpp"

#include <string>

namespace kestra::adapters {
namespace {

// The provisioned counts are correlated subqueries: one query for a page.
std::string select_integrations(const std::string& rest) {
  return "SELECT i.id, i.tenant_id, i.name, i.description, i.type, i.enabled, i.service_account_id, "
         "i.created_at, i.updated_at, i.last_request_at, "
         "(SELECT COUNT(*) FROM scim_tenant_users u WHERE u.tenant_id = i.tenant_id AND u.integration_id = i.id), "
         "(SELECT COUNT(*) FROM scim_groups g WHERE g.tenant_id = i.tenant_id AND g.integration_id = i.id) "
         "FROM scim_integrations i " +
         rest;
}

const std::string kRoleColumns =
    "SELECT id, tenant_id, name, description, permissions, system_managed, created_at, updated_at FROM scim_roles ";

const std::string kInsertRole =
    "INSERT INTO scim_roles (id, tenant_id, name, name_key, description, permissions, system_managed, "
    "created_at, updated_at) VALUES (:id, :tenant, :name, :name_key, :description, :permissions, "
    ":system_managed, :created_at, :updated_at)";

std::string select_audit(const std::string& where) {
  return std::string("SELECT ") + support::kAuditColumns + " FROM scim_audit " + where +
         " ORDER BY id DESC LIMIT :size OFFSET :first";
}

Statement once(std::string text) { return {std::move(text), Reuse::Once}; }
Statement cached(std::string text) { return {std::move(text), Reuse::Cached}; }

}  // namespace

ProvisioningStatements::ProvisioningStatements(const Dialect& dialect)
    : integration(once(select_integrations("WHERE i.tenant_id = :tenant AND i.id = :id"))),
      integrations_page(once(select_integrations("WHERE i.tenant_id = :tenant AND LOWER(i.name) LIKE :pattern "
                                                 "ESCAPE '!' ORDER BY i.name, i.id LIMIT :size OFFSET :first"))),
      count_integrations_like(once("SELECT COUNT(*) FROM scim_integrations WHERE tenant_id = :tenant "
                                   "AND LOWER(name) LIKE :pattern ESCAPE '!'")),
      count_integration(once("SELECT COUNT(*) FROM scim_integrations WHERE tenant_id = :tenant AND id = :id")),
      count_integrations_named(
          once("SELECT COUNT(*) FROM scim_integrations WHERE tenant_id = :tenant AND name = :name")),
      count_others_named(once(
          "SELECT COUNT(*) FROM scim_integrations WHERE tenant_id = :tenant AND name = :name AND id <> :id")),
      integration_account(
          once("SELECT service_account_id FROM scim_integrations WHERE tenant_id = :tenant AND id = :id")),
      insert_integration(once(
          "INSERT INTO scim_integrations (id, tenant_id, name, description, type, enabled, service_account_id, "
          "created_at, updated_at, last_request_at) VALUES (:id, :tenant, :name, :description, :type, :enabled, "
          ":service_account_id, :created_at, :updated_at, :last_request_at)")),
      rename_integration(once("UPDATE scim_integrations SET name = :name, description = :description, "
                              "updated_at = :updated_at WHERE tenant_id = :tenant AND id = :id")),
      enable_integration(once("UPDATE scim_integrations SET enabled = :enabled, updated_at = :updated_at "
                              "WHERE tenant_id = :tenant AND id = :id")),
      touch_integration(once("UPDATE scim_integrations SET last_request_at = :at WHERE id = :id")),
      delete_integration(once("DELETE FROM scim_integrations WHERE tenant_id = :tenant AND id = :id")),
      delete_external_ids_of_integration(once("DELETE FROM scim_external_ids WHERE integration_id = :id")),

      insert_service_account(once("INSERT INTO scim_service_accounts (id, tenant_id, name, description, created_at) "
                                  "VALUES (:id, :tenant, :name, :description, :created_at)")),
      service_accounts(once("SELECT sa.id, sa.tenant_id, sa.name, sa.description, sa.created_at, "
                            "(SELECT MIN(i.id) FROM scim_integrations i WHERE i.service_account_id = sa.id) "
                            "FROM scim_service_accounts sa WHERE sa.tenant_id = :tenant ORDER BY sa.name, sa.id")),
      count_service_account(
          once("SELECT COUNT(*) FROM scim_service_accounts WHERE tenant_id = :tenant AND id = :id")),
      delete_service_account(once("DELETE FROM scim_service_accounts WHERE tenant_id = :tenant AND id = :account")),
      delete_account_bindings(once("DELETE FROM scim_bindings WHERE tenant_id = :tenant "
                                   "AND subject_type = :subject_type AND subject_id = :account")),
      insert_token(once("INSERT INTO scim_api_tokens (id, service_account_id, lookup_prefix, secret_hash, created_at) "
                        "VALUES (:id, :service_account_id, :lookup_prefix, :secret_hash, :created_at)")),
      revoke_tokens(once("UPDATE scim_api_tokens SET revoked_at = :revoked_at "
                         "WHERE service_account_id = :account AND revoked_at IS NULL")),
      delete_tokens(once("DELETE FROM scim_api_tokens WHERE service_account_id = :account")),
      // The token (lookup_prefix is unique), its integration and, one row
      // each, the permissions of the roles bound to its service account in
      // that tenant.  Unordered: an ORDER BY across the join costs MariaDB a
      // temporary table (350 instead of 150 us per request).
      token(cached("SELECT t.id, t.secret_hash, t.revoked_at, t.service_account_id, i.id, i.tenant_id, i.enabled, "
                   "r.permissions FROM scim_api_tokens t "
                   "JOIN scim_integrations i ON i.service_account_id = t.service_account_id "
                   "LEFT JOIN scim_bindings b ON b.tenant_id = i.tenant_id AND b.subject_type = :subject_type "
                   "AND b.subject_id = t.service_account_id "
                   "LEFT JOIN scim_roles r ON r.id = b.role_id "
                   "WHERE t.lookup_prefix = :prefix")),
      live_token_prefixes(once("SELECT lookup_prefix FROM scim_api_tokens WHERE revoked_at IS NULL")),

      insert_tenant_if_absent(once(dialect.insert_ignoring_duplicate(
          "INSERT INTO scim_tenants (id, created_at) VALUES (:id, :created_at)", "id"))),
      insert_role(once(kInsertRole)),
      insert_role_if_absent(once(dialect.insert_ignoring_duplicate(kInsertRole, "tenant_id, name_key"))),
      role(once(kRoleColumns + "WHERE tenant_id = :tenant AND id = :id")),
      // Every create of a user reads them (its default role).
      roles(cached(kRoleColumns + "WHERE tenant_id = :tenant ORDER BY name, id")),
      role_id_named(once("SELECT id FROM scim_roles WHERE tenant_id = :tenant AND name_key = :name_key")),
      count_roles_named(
          once("SELECT COUNT(*) FROM scim_roles WHERE tenant_id = :tenant AND name_key = :name_key")),
      update_role(once("UPDATE scim_roles SET description = :description, permissions = :permissions, "
                       "updated_at = :updated_at WHERE tenant_id = :tenant AND id = :id")),
      delete_role(once("DELETE FROM scim_roles WHERE tenant_id = :tenant AND id = :id")),
      insert_binding(once(
          "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, "
          "created_at) VALUES (:id, :tenant, :role_id, :subject_type, :subject_id, :source, :integration_id, "
          ":created_at)")),
      bindings(once("SELECT b.id, b.tenant_id, b.role_id, b.subject_type, b.subject_id, b.source, b.integration_id, "
                    "b.created_at, r.name FROM scim_bindings b JOIN scim_roles r ON r.id = b.role_id "
                    "WHERE b.tenant_id = :tenant ORDER BY b.created_at, b.id")),
      count_bindings_alike(once("SELECT COUNT(*) FROM scim_bindings WHERE tenant_id = :tenant AND role_id = :role_id "
                                "AND subject_type = :subject_type AND subject_id = :subject_id AND source = :source")),
      count_user(once("SELECT COUNT(*) FROM scim_users WHERE id = :id")),
      count_group(once("SELECT COUNT(*) FROM scim_groups WHERE tenant_id = :tenant AND id = :id")),

      allow_list(once("SELECT role_ids, updated_at FROM scim_role_allow_lists WHERE tenant_id = :tenant "
                      "AND integration_id = :integration_id")),
      delete_allow_list(once(
          "DELETE FROM scim_role_allow_lists WHERE tenant_id = :tenant AND integration_id = :integration_id")),
      insert_allow_list(once("INSERT INTO scim_role_allow_lists (tenant_id, integration_id, role_ids, updated_at) "
                             "VALUES (:tenant, :integration_id, :role_ids, :updated_at)")),

      count_audit(once("SELECT COUNT(*) FROM scim_audit WHERE tenant_id = :tenant")),
      audit_page(once(select_audit("WHERE tenant_id = :tenant"))),
      count_integration_audit(
          once("SELECT COUNT(*) FROM scim_audit WHERE tenant_id = :tenant AND integration_id = :integration_id")),
      integration_audit_page(once(select_audit("WHERE tenant_id = :tenant AND integration_id = :integration_id"))) {}

}  // namespace kestra::adapters
