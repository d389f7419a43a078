// Every SQL text the provisioning repository runs, named once, and whether
// a session keeps it prepared.  Rows read: provisioning_rows.hpp.
#pragma once

#include "catalogue.hpp"
#include "dialect.hpp"

namespace kestra::adapters {

struct ProvisioningStatements {
  explicit ProvisioningStatements(const Dialect& dialect);

  // integrations (with their provisioned counts)
  Statement integration;               // :tenant :id -> Integration
  Statement integrations_page;         // :tenant :pattern :size :first -> Integration
  Statement count_integrations_like;   // :tenant :pattern
  Statement count_integration;         // :tenant :id
  Statement count_integrations_named;  // :tenant :name
  Statement count_others_named;        // :tenant :name :id
  Statement integration_account;       // :tenant :id -> optional service account id
  Statement insert_integration;
  Statement rename_integration;        // :name :description :updated_at :tenant :id
  Statement enable_integration;        // :enabled :updated_at :tenant :id
  Statement touch_integration;         // :at :id
  Statement delete_integration;        // :tenant :id
  Statement delete_external_ids_of_integration;  // :id

  // service accounts and their tokens
  Statement insert_service_account;
  Statement service_accounts;          // :tenant -> ServiceAccount
  Statement count_service_account;     // :tenant :id
  Statement delete_service_account;    // :tenant :account
  Statement delete_account_bindings;   // :tenant :subject_type :account
  Statement insert_token;
  Statement revoke_tokens;             // :revoked_at :account
  Statement delete_tokens;             // :account
  Statement token;                     // :subject_type :prefix -> TokenRow (cached)
  Statement live_token_prefixes;       // -> text

  // tenants, roles, bindings
  Statement insert_tenant_if_absent;   // :id :created_at
  Statement insert_role;
  Statement insert_role_if_absent;
  Statement role;                      // :tenant :id -> Role
  Statement roles;                     // :tenant -> Role (cached)
  Statement role_id_named;             // :tenant :name_key -> text
  Statement count_roles_named;         // :tenant :name_key
  Statement update_role;               // :description :permissions :updated_at :tenant :id
  Statement delete_role;               // :tenant :id
  Statement insert_binding;
  Statement bindings;                  // :tenant -> Binding
  Statement count_bindings_alike;      // :tenant :role_id :subject_type :subject_id :source
  Statement count_user;                // :id
  Statement count_group;               // :tenant :id

  // role allow lists
  Statement allow_list;                // :tenant :integration_id -> role_ids, updated_at
  Statement delete_allow_list;         // :tenant :integration_id
  Statement insert_allow_list;         // :tenant :integration_id :role_ids :updated_at

  // audit trail
  Statement count_audit;               // :tenant
  Statement audit_page;                // :tenant :size :first -> AuditEntry
  Statement count_integration_audit;   // :tenant :integration_id
  Statement integration_audit_page;    // :tenant :integration_id :size :first -> AuditEntry
};

}  // namespace kestra::adapters
