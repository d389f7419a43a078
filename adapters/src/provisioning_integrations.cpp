// Integrations, their service accounts and API tokens.
#include "core/clock.hpp"
#include "provisioning_rows.hpp"
#include "provisioning_support.hpp"
#include "soci_provisioning_store.hpp"
#include "store_support.hpp"

#include <string_view>
#include <utility>

namespace kestra::adapters {
namespace {

using provisioning::integration_not_found;
using provisioning::kServiceAccount;

// A LIKE pattern (ESCAPE '!') for names containing `query`, lower-cased.
std::string contains_pattern(std::string_view query) {
  std::string pattern = "%";
  for (char c : ascii_lower(query)) {
    if (c == '%' || c == '_' || c == '!') pattern.push_back('!');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

Error integration_name_taken(const std::string& name) {
  return Error::conflict("an integration named '" + name + "' already exists in this tenant");
}

void insert_token(Session db, const ProvisioningStatements& s, const ports::TokenRecord& token,
                  const std::string& service_account_id) {
  execute(db, s.insert_token, param("id", token.id), param("service_account_id", service_account_id),
          param("lookup_prefix", token.lookup_prefix), param("secret_hash", token.secret_hash),
          param("created_at", token.created_at));
}

std::optional<ports::Integration> read_integration(Session db, const ProvisioningStatements& s,
                                                   const std::string& tenant, const std::string& id) {
  return first_row<ports::Integration>(db, s.integration, param("tenant", tenant), param("id", id));
}

bool integration_exists(Session db, const ProvisioningStatements& s, const std::string& tenant,
                        const std::string& id) {
  return count(db, s.count_integration, param("tenant", tenant), param("id", id)) > 0;
}

}  // namespace

Result<ports::Integration> SociProvisioningStore::create_integration(const ports::NewIntegration& spec) {
  const std::string& tenant = spec.integration.tenant_id;
  for (const auto& [other, what] : {std::pair{&spec.role.tenant_id, "role"},
                                    std::pair{&spec.service_account.tenant_id, "service account"},
                                    std::pair{&spec.binding.tenant_id, "binding"}}) {
    auto same = provisioning::check_tenant(tenant, *other, what);
    if (!same) return same.error();
  }

  const ports::Integration& integration = spec.integration;
  return audited_write(tenant, spec.audit, "cannot create integration '" + integration.name + "'",
                       [&](Session db) -> Result<ports::Integration> {
    const auto& s = statements_;
    if (count(db, s.count_integrations_named, param("tenant", tenant), param("name", integration.name)) > 0) {
      return integration_name_taken(integration.name);
    }
    const StoredRole role = ensure_role_row(db, spec.role, tenant);

    const ports::ServiceAccount& account = spec.service_account;
    const bool account_inserted = support::unless_duplicate(dialect_, [&] {
      execute(db, s.insert_service_account, param("id", account.id), param("tenant", tenant),
              param("name", account.name), param("description", account.description),
              param("created_at", account.created_at));
    });
    if (!account_inserted) {
      return Error::conflict("a service account named '" + account.name + "' already exists in this tenant");
    }
    insert_token(db, s, spec.token, account.id);

    const bool integration_inserted = support::unless_duplicate(dialect_, [&] {
      execute(db, s.insert_integration, param("id", integration.id), param("tenant", tenant),
              param("name", integration.name), param("description", integration.description),
              param("type", integration.type), param("enabled", integration.enabled),
              param("service_account_id", account.id), param("created_at", integration.created_at),
              param("updated_at", integration.updated_at), param("last_request_at", integration.last_request_at));
    });
    if (!integration_inserted) return integration_name_taken(integration.name);

    const ports::Binding& binding = spec.binding;
    const std::string subject_type(kServiceAccount);
    execute(db, s.insert_binding, param("id", binding.id), param("tenant", tenant), param("role_id", role.id),
            param("subject_type", subject_type), param("subject_id", account.id), param("source", binding.source),
            param("integration_id", binding.integration_id), param("created_at", binding.created_at));

    support::insert_audit(db.sql, spec.audit, tenant);
    auto stored = read_integration(db, s, tenant, integration.id);
    if (!stored) return Error::internal("integration '" + integration.id + "' is missing right after its insert");
    return *std::move(stored);
  });
}

Result<ports::Page<ports::Integration>> SociProvisioningStore::list_integrations(const std::string& tenant,
                                                                                 const std::string& query,
                                                                                 std::int64_t offset,
                                                                                 std::int64_t limit) {
  auto paging = provisioning::check_paging(offset, limit);
  if (!paging) return paging.error();
  const long long first = offset;
  const long long size = limit;
  return read("cannot list the integrations of tenant '" + tenant + "'", [&](Session db) {
    const std::string pattern = contains_pattern(query);
    ports::Page<ports::Integration> page;
    page.total =
        count(db, statements_.count_integrations_like, param("tenant", tenant), param("pattern", pattern));
    page.items = rows<ports::Integration>(db, statements_.integrations_page, param("tenant", tenant),
                                          param("pattern", pattern), param("size", size), param("first", first));
    return page;
  });
}

Result<std::optional<ports::Integration>> SociProvisioningStore::find_integration(const std::string& tenant,
                                                                                  const std::string& id) {
  return read("cannot read integration '" + id + "'",
              [&](Session db) { return read_integration(db, statements_, tenant, id); });
}

// The integration `id` changed by `change(db)` (an error value stops it)
// in one audited write; the integration as now stored.
template <class Change>
Result<ports::Integration> SociProvisioningStore::change_integration(const std::string& tenant, const std::string& id,
                                                                     const ports::AuditEntry& audit, Change&& change) {
  return audited_write(tenant, audit, "cannot update integration '" + id + "'",
                       [&](Session db) -> Result<ports::Integration> {
    if (!integration_exists(db, statements_, tenant, id)) return integration_not_found(id);
    auto changed = change(db);
    if (!changed) return changed.error();
    support::insert_audit(db.sql, audit, tenant);
    auto stored = read_integration(db, statements_, tenant, id);
    if (!stored) return integration_not_found(id);
    return *std::move(stored);
  });
}

Result<ports::Integration> SociProvisioningStore::update_integration(const std::string& tenant, const std::string& id,
                                                                     const std::string& name,
                                                                     const std::string& description,
                                                                     const std::string& updated_at,
                                                                     const ports::AuditEntry& audit) {
  return change_integration(tenant, id, audit, [&](Session db) -> Result<void> {
    const auto& s = statements_;
    if (count(db, s.count_others_named, param("tenant", tenant), param("name", name), param("id", id)) > 0) {
      return integration_name_taken(name);
    }
    const bool updated = support::unless_duplicate(dialect_, [&] {
      execute(db, s.rename_integration, param("name", name), param("description", description),
              param("updated_at", updated_at), param("tenant", tenant), param("id", id));
    });
    if (!updated) return integration_name_taken(name);
    return {};
  });
}

Result<ports::Integration> SociProvisioningStore::set_integration_enabled(const std::string& tenant,
                                                                          const std::string& id, bool enabled,
                                                                          const std::string& updated_at,
                                                                          const ports::AuditEntry& audit) {
  return change_integration(tenant, id, audit, [&](Session db) -> Result<void> {
    execute(db, statements_.enable_integration, param("enabled", enabled), param("updated_at", updated_at),
            param("tenant", tenant), param("id", id));
    return {};
  });
}

Result<void> SociProvisioningStore::delete_integration(const std::string& tenant, const std::string& id,
                                                       const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot delete integration '" + id + "'", [&](Session db) -> Result<void> {
    const auto& s = statements_;
    // Absent: no integration; an empty text: it has lost its service account.
    const auto account = first_row<std::optional<std::string>>(db, s.integration_account, param("tenant", tenant),
                                                               param("id", id));
    if (!account) return integration_not_found(id);

    // What the integration provisioned (users, groups, tenant access, role
    // bindings) stays; its own list of assignable roles goes.
    execute(db, s.delete_external_ids_of_integration, param("id", id));
    execute(db, s.delete_allow_list, param("tenant", tenant), param("integration_id", id));
    execute(db, s.delete_integration, param("tenant", tenant), param("id", id));
    if (*account) {
      const std::string subject_type(kServiceAccount);
      const std::string& account_id = **account;
      execute(db, s.delete_account_bindings, param("tenant", tenant), param("subject_type", subject_type),
              param("account", account_id));
      execute(db, s.delete_tokens, param("account", account_id));
      execute(db, s.delete_service_account, param("tenant", tenant), param("account", account_id));
    }
    support::insert_audit(db.sql, audit, tenant);
    return {};
  });
}

Result<void> SociProvisioningStore::replace_token(const std::string& tenant, const std::string& id,
                                                  const ports::TokenRecord& token, const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot replace the token of integration '" + id + "'",
                       [&](Session db) -> Result<void> {
    const auto& s = statements_;
    const auto account = first_row<std::optional<std::string>>(db, s.integration_account, param("tenant", tenant),
                                                               param("id", id));
    if (!account) return integration_not_found(id);
    if (!*account) return Error::internal("integration '" + id + "' has lost its service account");

    const std::string& account_id = **account;
    execute(db, s.revoke_tokens, param("revoked_at", token.created_at), param("account", account_id));
    insert_token(db, s, token, account_id);
    support::insert_audit(db.sql, audit, tenant);
    return {};
  });
}

Result<std::optional<ports::TokenGrant>> SociProvisioningStore::find_token(const std::string& lookup_prefix) {
  // An account's first integration by id is picked here, and the order of
  // permissions does not matter (Permissions::merge).
  return read("cannot look up an API token", [&](Session db) {
    const std::string subject_type(kServiceAccount);
    std::optional<ports::TokenGrant> found;
    for_each_row<TokenRow>(
        db, statements_.token,
        [&](const TokenRow& row) {
          if (!found || row.grant.integration_id < found->integration_id) {
            found = row.grant;
          } else if (found->integration_id != row.grant.integration_id) {
            return;  // another integration of the account
          }
          if (row.permissions) found->role_permissions_json.push_back(*row.permissions);
        },
        param("subject_type", subject_type), param("prefix", lookup_prefix));
    return found;
  });
}

Result<std::vector<std::string>> SociProvisioningStore::live_token_prefixes() {
  return read("cannot list the API tokens",
              [&](Session db) { return rows<std::string>(db, statements_.live_token_prefixes); });
}

// An unknown id changes nothing: the integration was deleted meanwhile.
Result<void> SociProvisioningStore::touch_integration(const std::string& id, const std::string& at) {
  return read("cannot record a request of integration '" + id + "'",
              [&](Session db) { execute(db, statements_.touch_integration, param("at", at), param("id", id)); });
}

Result<std::vector<ports::ServiceAccount>> SociProvisioningStore::list_service_accounts(const std::string& tenant) {
  return read("cannot list the service accounts of tenant '" + tenant + "'", [&](Session db) {
    return rows<ports::ServiceAccount>(db, statements_.service_accounts, param("tenant", tenant));
  });
}

}  // namespace kestra::adapters
