// The rows of the provisioning repository as SOCI reads them: one
// type_conversion<> per row type, its columns in the order of the SELECTs
// of provisioning_statements.cpp.
#pragma once

#include "ports/provisioning_store.hpp"
#include "row_mapping.hpp"
#include "store_support.hpp"  // the AuditEntry row

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
    std::optional<std::string> service_account_id;
    kestra::adapters::columns::read(v, out.id, out.tenant_id, out.name, out.description, out.type, out.enabled,
                                    service_account_id, out.created_at, out.updated_at, out.last_request_at,
                                    out.users_provisioned, out.groups_provisioned);
    out.service_account_id = service_account_id.value_or("");
  }
};

// token id, secret_hash, revoked_at, service_account_id, integration id,
// tenant_id, enabled, a bound role's permissions
template <>
struct type_conversion<kestra::adapters::TokenRow> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::adapters::TokenRow& out) {
    std::optional<std::string> revoked_at;
    kestra::adapters::columns::read(v, out.grant.token_id, out.grant.secret_hash, revoked_at, out.grant.service_account_id,
                                    out.grant.integration_id, out.grant.tenant_id, out.grant.integration_enabled,
                                    out.permissions);
    out.grant.revoked = revoked_at.has_value();
  }
};

}  // namespace soci

// Rows of plain members, in the order of their SELECT's columns (row_mapping.hpp).
KESTRA_ROW(kestra::ports::Role, id, tenant_id, name, description, permissions_json, system_managed, created_at,
           updated_at)
KESTRA_ROW(kestra::ports::ServiceAccount, id, tenant_id, name, description, created_at, integration_id)
KESTRA_ROW(kestra::ports::Binding, id, tenant_id, role_id, subject_type, subject_id, source, integration_id, created_at,
           role_name)
KESTRA_ROW(kestra::adapters::StoredAllowList, role_ids, updated_at)
