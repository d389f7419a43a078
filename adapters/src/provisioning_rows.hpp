// The rows of the provisioning repository as SOCI reads them: one
// type_conversion<> per row type, its columns in the order of the SELECTs
// of provisioning_statements.cpp.
#pragma once

#include "ports/provisioning_store.hpp"
#include "row_mapping.hpp"

#include <optional>
#include <string>

namespace kestra::adapters {

// One row of the token look-up: the token, one integration of its service
// account, one permission set of a role bound to that account (or none).
struct TokenRow {
  ports::TokenGrant grant;  // without role_permissions_json
  std::optional<std::string> permissions;
};

// A role allow list as stored: its role ids a JSON array.
struct StoredAllowList {
  std::string role_ids;
  std::string updated_at;
};

}  // namespace kestra::adapters

namespace soci {

// id, tenant_id, name, description, type, enabled, service_account_id,
// created_at, updated_at, last_request_at, users provisioned, groups provisioned
template <>
struct type_conversion<kestra::ports::Integration> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::ports::Integration& out) {
    namespace c = kestra::adapters::columns;
    out.id = c::text(v, 0);
    out.tenant_id = c::text(v, 1);
    out.name = c::text(v, 2);
    out.description = c::text(v, 3);
    out.type = c::text(v, 4);
    out.enabled = c::flag(v, 5);
    out.service_account_id = c::optional_text(v, 6).value_or("");
    out.created_at = c::text(v, 7);
    out.updated_at = c::text(v, 8);
    out.last_request_at = c::optional_text(v, 9);
    out.users_provisioned = c::integer(v, 10);
    out.groups_provisioned = c::integer(v, 11);
  }
};

// id, tenant_id, name, description, permissions, system_managed, created_at, updated_at
template <>
struct type_conversion<kestra::ports::Role> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::ports::Role& out) {
    namespace c = kestra::adapters::columns;
    out.id = c::text(v, 0);
    out.tenant_id = c::text(v, 1);
    out.name = c::text(v, 2);
    out.description = c::text(v, 3);
    out.permissions_json = c::text(v, 4);
    out.system_managed = c::flag(v, 5);
    out.created_at = c::text(v, 6);
    out.updated_at = c::text(v, 7);
  }
};

// id, tenant_id, name, description, created_at, integration_id
template <>
struct type_conversion<kestra::ports::ServiceAccount> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::ports::ServiceAccount& out) {
    namespace c = kestra::adapters::columns;
    out.id = c::text(v, 0);
    out.tenant_id = c::text(v, 1);
    out.name = c::text(v, 2);
    out.description = c::text(v, 3);
    out.created_at = c::text(v, 4);
    out.integration_id = c::optional_text(v, 5);
  }
};

// id, tenant_id, role_id, subject_type, subject_id, source, integration_id, created_at, role name
template <>
struct type_conversion<kestra::ports::Binding> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::ports::Binding& out) {
    namespace c = kestra::adapters::columns;
    out.id = c::text(v, 0);
    out.tenant_id = c::text(v, 1);
    out.role_id = c::text(v, 2);
    out.subject_type = c::text(v, 3);
    out.subject_id = c::text(v, 4);
    out.source = c::text(v, 5);
    out.integration_id = c::optional_text(v, 6);
    out.created_at = c::text(v, 7);
    out.role_name = c::text(v, 8);
  }
};

// id, tenant_id, integration_id, actor_type, actor_id, action, target_type,
// target_id, outcome, detail, request_id, created_at
template <>
struct type_conversion<kestra::ports::AuditEntry> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::ports::AuditEntry& out) {
    namespace c = kestra::adapters::columns;
    out.id = c::integer(v, 0);
    out.tenant_id = c::text(v, 1);
    out.integration_id = c::optional_text(v, 2);
    out.actor_type = c::text(v, 3);
    out.actor_id = c::text(v, 4);
    out.action = c::text(v, 5);
    out.target_type = c::text(v, 6);
    out.target_id = c::text(v, 7);
    out.outcome = c::text(v, 8);
    out.detail = c::text(v, 9);
    out.request_id = c::text(v, 10);
    out.created_at = c::text(v, 11);
  }
};

// token id, secret_hash, revoked_at, service_account_id, integration id,
// tenant_id, enabled, a bound role's permissions
template <>
struct type_conversion<kestra::adapters::TokenRow> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::adapters::TokenRow& out) {
    namespace c = kestra::adapters::columns;
    out.grant.token_id = c::text(v, 0);
    out.grant.secret_hash = c::text(v, 1);
    out.grant.revoked = c::optional_text(v, 2).has_value();
    out.grant.service_account_id = c::text(v, 3);
    out.grant.integration_id = c::text(v, 4);
    out.grant.tenant_id = c::text(v, 5);
    out.grant.integration_enabled = c::flag(v, 6);
    out.permissions = c::optional_text(v, 7);
  }
};

// role_ids, updated_at
template <>
struct type_conversion<kestra::adapters::StoredAllowList> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::adapters::StoredAllowList& out) {
    namespace c = kestra::adapters::columns;
    out.role_ids = c::text(v, 0);
    out.updated_at = c::text(v, 1);
  }
};

}  // namespace soci
