#include "soci_provisioning_store.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "errors.hpp"
#include "role_bindings.hpp"
#include "store_support.hpp"

#include <soci/boost-optional.h>
#include <soci/into.h>
#include <soci/session.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/optional.hpp>

#include <stdexcept>
#include <string_view>
#include <utility>

namespace kestra::adapters {
namespace {

constexpr std::string_view kServiceAccount = "SERVICE_ACCOUNT";

using OptionalText = boost::optional<std::string>;

OptionalText to_boost(const std::optional<std::string>& value) {
  return value ? OptionalText(*value) : OptionalText();
}

std::optional<std::string> to_std(const OptionalText& value) {
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

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

// Empty means `tenant`; any other tenant is a caller's mistake.
Result<void> check_tenant(const std::string& tenant, const std::string& other, std::string_view what) {
  if (tenant.empty()) return Error::invalid("tenant id is empty");
  if (other.empty() || other == tenant) return {};
  return Error::invalid("the " + std::string(what) + " belongs to tenant '" + other + "', not '" + tenant + "'");
}

Result<void> check_paging(std::int64_t offset, std::int64_t limit) {
  if (offset < 0 || limit < 0) {
    return Error::invalid("offset and limit must not be negative, not " + std::to_string(offset) + " and " +
                          std::to_string(limit));
  }
  return {};
}

Error integration_not_found(const std::string& id) {
  return Error::not_found("integration '" + id + "' does not exist in this tenant");
}

Error integration_name_taken(const std::string& name) {
  return Error::conflict("an integration named '" + name + "' already exists in this tenant");
}

// Runs `statement`; false when the database refused it as a duplicate.
template <class F>
bool unless_duplicate(const Dialect& dialect, F&& statement) {
  try {
    statement();
    return true;
  } catch (const soci::soci_error& e) {
    if (!dialect.is_unique_violation(e)) throw;
    return false;
  }
}

using support::for_each_row;

long long count(soci::session& sql, const std::string& query, const std::string& a, const char* a_name,
                const std::string& b, const char* b_name) {
  long long n = 0;
  sql << query, soci::into(n), soci::use(a, a_name), soci::use(b, b_name);
  return n;
}

// What find_token's statement exchanges.
struct TokenLookup {
  std::string prefix;
  std::string subject_type{kServiceAccount};
  ports::TokenGrant row;
  OptionalText revoked_at;
  int enabled = 0;
  OptionalText permissions;

  void bind(soci::statement& st) {
    st.exchange(soci::into(row.token_id));
    st.exchange(soci::into(row.secret_hash));
    st.exchange(soci::into(revoked_at));
    st.exchange(soci::into(row.service_account_id));
    st.exchange(soci::into(row.integration_id));
    st.exchange(soci::into(row.tenant_id));
    st.exchange(soci::into(enabled));
    st.exchange(soci::into(permissions));
    st.exchange(soci::use(subject_type, "subject_type"));
    st.exchange(soci::use(prefix, "prefix"));
  }
};

// What list_roles's statement exchanges.
struct RolesOf {
  std::string tenant;
  ports::Role row;
  int system_managed = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(row.id));
    st.exchange(soci::into(row.tenant_id));
    st.exchange(soci::into(row.name));
    st.exchange(soci::into(row.description));
    st.exchange(soci::into(row.permissions_json));
    st.exchange(soci::into(system_managed));
    st.exchange(soci::into(row.created_at));
    st.exchange(soci::into(row.updated_at));
    st.exchange(soci::use(tenant, "tenant"));
  }
};

// --- integrations ---------------------------------------------------------

// The provisioned counts are correlated subqueries: one query for a page.
std::string select_integrations(std::string_view rest) {
  return "SELECT i.id, i.tenant_id, i.name, i.description, i.type, i.enabled, i.service_account_id, "
         "i.created_at, i.updated_at, i.last_request_at, "
         "(SELECT COUNT(*) FROM scim_tenant_users u WHERE u.tenant_id = i.tenant_id AND u.integration_id = i.id), "
         "(SELECT COUNT(*) FROM scim_groups g WHERE g.tenant_id = i.tenant_id AND g.integration_id = i.id) "
         "FROM scim_integrations i " +
         std::string(rest);
}

struct IntegrationRow {
  ports::Integration item;
  int enabled = 0;
  OptionalText service_account_id;
  OptionalText last_request_at;
  long long users = 0;
  long long groups = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(item.id));
    st.exchange(soci::into(item.tenant_id));
    st.exchange(soci::into(item.name));
    st.exchange(soci::into(item.description));
    st.exchange(soci::into(item.type));
    st.exchange(soci::into(enabled));
    st.exchange(soci::into(service_account_id));
    st.exchange(soci::into(item.created_at));
    st.exchange(soci::into(item.updated_at));
    st.exchange(soci::into(last_request_at));
    st.exchange(soci::into(users));
    st.exchange(soci::into(groups));
  }

  ports::Integration value() const {
    ports::Integration out = item;
    out.enabled = enabled != 0;
    out.service_account_id = service_account_id.value_or("");
    out.last_request_at = to_std(last_request_at);
    out.users_provisioned = users;
    out.groups_provisioned = groups;
    return out;
  }
};

std::optional<ports::Integration> read_integration(soci::session& sql, const std::string& tenant,
                                                   const std::string& id) {
  IntegrationRow row;
  std::optional<ports::Integration> found;
  for_each_row(
      sql, select_integrations("WHERE i.tenant_id = :tenant AND i.id = :id"),
      [&](soci::statement& st) {
        row.bind(st);
        st.exchange(soci::use(tenant, "tenant"));
        st.exchange(soci::use(id, "id"));
      },
      [&] { found = row.value(); });
  return found;
}

bool integration_exists(soci::session& sql, const std::string& tenant, const std::string& id) {
  return count(sql, "SELECT COUNT(*) FROM scim_integrations WHERE tenant_id = :tenant AND id = :id", tenant,
               "tenant", id, "id") > 0;
}

// The integration's service account id: nullopt when the integration is
// absent, an empty optional text when it has lost its service account.
std::optional<OptionalText> integration_service_account(soci::session& sql, const std::string& tenant,
                                                        const std::string& id) {
  OptionalText service_account;
  sql << "SELECT service_account_id FROM scim_integrations WHERE tenant_id = :tenant AND id = :id",
      soci::into(service_account), soci::use(tenant, "tenant"), soci::use(id, "id");
  if (!sql.got_data()) return std::nullopt;
  return service_account;
}

// --- audit ----------------------------------------------------------------

using support::insert_audit;

void insert_token(soci::session& sql, const ports::TokenRecord& token, const std::string& service_account_id) {
  sql << "INSERT INTO scim_api_tokens (id, service_account_id, lookup_prefix, secret_hash, created_at) "
         "VALUES (:id, :service_account_id, :lookup_prefix, :secret_hash, :created_at)",
      soci::use(token.id, "id"), soci::use(service_account_id, "service_account_id"),
      soci::use(token.lookup_prefix, "lookup_prefix"), soci::use(token.secret_hash, "secret_hash"),
      soci::use(token.created_at, "created_at");
}

}  // namespace

SociProvisioningStore::SociProvisioningStore(const Dialect& dialect, SessionPool& sessions)
    : dialect_(dialect),
      sessions_(sessions),
      insert_tenant_sql_(dialect_.insert_ignoring_duplicate(
          "INSERT INTO scim_tenants (id, created_at) VALUES (:id, :created_at)", "id")),
      insert_role_sql_(dialect_.insert_ignoring_duplicate(
          "INSERT INTO scim_roles (id, tenant_id, name, name_key, description, permissions, system_managed, "
          "created_at, updated_at) VALUES (:id, :tenant, :name, :name_key, :description, :permissions, "
          ":system_managed, :created_at, :updated_at)",
          "tenant_id, name_key")) {}

Result<PooledSession> SociProvisioningStore::borrow() const {
  return sessions_.borrow();
}

template <class Body>
auto SociProvisioningStore::audited_write(const std::string& tenant, const ports::AuditEntry& audit,
                                          const std::string& failure, Body&& body)
    -> std::invoke_result_t<Body&, soci::session&> {
  using Out = std::invoke_result_t<Body&, soci::session&>;
  auto same = check_tenant(tenant, audit.tenant_id, "audit entry");
  if (!same) return same.error();
  auto session = borrow();
  if (!session) return session.error();
  return guarded(dialect_, failure, [&]() -> Out {
    soci::session& sql = **session;
    WriteTransaction transaction(sql, dialect_);
    Out out = body(sql);
    if (out) transaction.commit();
    return out;
  });
}

SociProvisioningStore::StoredRole SociProvisioningStore::ensure_role_row(soci::session& sql, const ports::Role& role,
                                                                         const std::string& tenant) const {
  soci::statement insert_tenant =
      (sql.prepare << insert_tenant_sql_, soci::use(tenant, "id"), soci::use(role.created_at, "created_at"));
  support::execute_ignoring_duplicate(dialect_, insert_tenant);

  const std::string name_key = ascii_lower(role.name);
  const int system_managed = role.system_managed ? 1 : 0;
  soci::statement insert =
      (sql.prepare << insert_role_sql_, soci::use(role.id, "id"), soci::use(tenant, "tenant"),
       soci::use(role.name, "name"), soci::use(name_key, "name_key"), soci::use(role.description, "description"),
       soci::use(role.permissions_json, "permissions"), soci::use(system_managed, "system_managed"),
       soci::use(role.created_at, "created_at"), soci::use(role.updated_at, "updated_at"));

  StoredRole stored;
  stored.inserted = support::execute_ignoring_duplicate(dialect_, insert) > 0;
  sql << "SELECT id FROM scim_roles WHERE tenant_id = :tenant AND name_key = :name_key", soci::into(stored.id),
      soci::use(tenant, "tenant"), soci::use(name_key, "name_key");
  if (!sql.got_data()) throw std::runtime_error("role '" + role.name + "' vanished while being ensured");
  return stored;
}

Result<ports::Integration> SociProvisioningStore::create_integration(const ports::NewIntegration& spec) {
  const std::string& tenant = spec.integration.tenant_id;
  for (const auto& [other, what] : {std::pair{&spec.role.tenant_id, "role"},
                                    std::pair{&spec.service_account.tenant_id, "service account"},
                                    std::pair{&spec.binding.tenant_id, "binding"}}) {
    auto same = check_tenant(tenant, *other, what);
    if (!same) return same.error();
  }

  const ports::Integration& integration = spec.integration;
  return audited_write(tenant, spec.audit, "cannot create integration '" + integration.name + "'",
                       [&](soci::session& sql) -> Result<ports::Integration> {
    if (count(sql, "SELECT COUNT(*) FROM scim_integrations WHERE tenant_id = :tenant AND name = :name", tenant,
              "tenant", integration.name, "name") > 0) {
      return integration_name_taken(integration.name);
    }
    const StoredRole role = ensure_role_row(sql, spec.role, tenant);

    const ports::ServiceAccount& account = spec.service_account;
    const bool account_inserted = unless_duplicate(dialect_, [&] {
      sql << "INSERT INTO scim_service_accounts (id, tenant_id, name, description, created_at) "
             "VALUES (:id, :tenant, :name, :description, :created_at)",
          soci::use(account.id, "id"), soci::use(tenant, "tenant"), soci::use(account.name, "name"),
          soci::use(account.description, "description"), soci::use(account.created_at, "created_at");
    });
    if (!account_inserted) {
      return Error::conflict("a service account named '" + account.name + "' already exists in this tenant");
    }
    insert_token(sql, spec.token, account.id);

    const int enabled = integration.enabled ? 1 : 0;
    const OptionalText last_request_at = to_boost(integration.last_request_at);
    const bool integration_inserted = unless_duplicate(dialect_, [&] {
      sql << "INSERT INTO scim_integrations (id, tenant_id, name, description, type, enabled, service_account_id, "
             "created_at, updated_at, last_request_at) VALUES (:id, :tenant, :name, :description, :type, :enabled, "
             ":service_account_id, :created_at, :updated_at, :last_request_at)",
          soci::use(integration.id, "id"), soci::use(tenant, "tenant"), soci::use(integration.name, "name"),
          soci::use(integration.description, "description"), soci::use(integration.type, "type"),
          soci::use(enabled, "enabled"), soci::use(account.id, "service_account_id"),
          soci::use(integration.created_at, "created_at"), soci::use(integration.updated_at, "updated_at"),
          soci::use(last_request_at, "last_request_at");
    });
    if (!integration_inserted) return integration_name_taken(integration.name);

    const ports::Binding& binding = spec.binding;
    const std::string subject_type(kServiceAccount);
    const OptionalText binding_integration = to_boost(binding.integration_id);
    sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, "
           "created_at) VALUES (:id, :tenant, :role_id, :subject_type, :subject_id, :source, :integration_id, "
           ":created_at)",
        soci::use(binding.id, "id"), soci::use(tenant, "tenant"), soci::use(role.id, "role_id"),
        soci::use(subject_type, "subject_type"), soci::use(account.id, "subject_id"),
        soci::use(binding.source, "source"), soci::use(binding_integration, "integration_id"),
        soci::use(binding.created_at, "created_at");

    insert_audit(sql, spec.audit, tenant);
    auto stored = read_integration(sql, tenant, integration.id);
    if (!stored) return Error::internal("integration '" + integration.id + "' is missing right after its insert");
    return *std::move(stored);
  });
}

Result<ports::Page<ports::Integration>> SociProvisioningStore::list_integrations(const std::string& tenant,
                                                                                 const std::string& query,
                                                                                 std::int64_t offset,
                                                                                 std::int64_t limit) {
  auto paging = check_paging(offset, limit);
  if (!paging) return paging.error();
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot list the integrations of tenant '" + tenant + "'", [&] {
    soci::session& sql = **session;
    const std::string pattern = contains_pattern(query);
    ports::Page<ports::Integration> page;
    page.total = count(sql,
                       "SELECT COUNT(*) FROM scim_integrations WHERE tenant_id = :tenant "
                       "AND LOWER(name) LIKE :pattern ESCAPE '!'",
                       tenant, "tenant", pattern, "pattern");

    const long long first = offset;
    const long long size = limit;
    IntegrationRow row;
    for_each_row(
        sql,
        select_integrations("WHERE i.tenant_id = :tenant AND LOWER(i.name) LIKE :pattern ESCAPE '!' "
                            "ORDER BY i.name, i.id LIMIT :size OFFSET :first"),
        [&](soci::statement& st) {
          row.bind(st);
          st.exchange(soci::use(tenant, "tenant"));
          st.exchange(soci::use(pattern, "pattern"));
          st.exchange(soci::use(size, "size"));
          st.exchange(soci::use(first, "first"));
        },
        [&] { page.items.push_back(row.value()); });
    return page;
  });
}

Result<std::optional<ports::Integration>> SociProvisioningStore::find_integration(const std::string& tenant,
                                                                                  const std::string& id) {
  auto session = borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot read integration '" + id + "'",
                 [&] { return read_integration(**session, tenant, id); });
}

Result<ports::Integration> SociProvisioningStore::update_integration(const std::string& tenant, const std::string& id,
                                                                     const std::string& name,
                                                                     const std::string& description,
                                                                     const std::string& updated_at,
                                                                     const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot update integration '" + id + "'",
                       [&](soci::session& sql) -> Result<ports::Integration> {
    if (!integration_exists(sql, tenant, id)) return integration_not_found(id);

    long long taken = 0;
    sql << "SELECT COUNT(*) FROM scim_integrations WHERE tenant_id = :tenant AND name = :name AND id <> :id",
        soci::into(taken), soci::use(tenant, "tenant"), soci::use(name, "name"), soci::use(id, "id");
    if (taken > 0) return integration_name_taken(name);

    const bool updated = unless_duplicate(dialect_, [&] {
      sql << "UPDATE scim_integrations SET name = :name, description = :description, updated_at = :updated_at "
             "WHERE tenant_id = :tenant AND id = :id",
          soci::use(name, "name"), soci::use(description, "description"), soci::use(updated_at, "updated_at"),
          soci::use(tenant, "tenant"), soci::use(id, "id");
    });
    if (!updated) return integration_name_taken(name);

    insert_audit(sql, audit, tenant);
    auto stored = read_integration(sql, tenant, id);
    if (!stored) return integration_not_found(id);
    return *std::move(stored);
  });
}

Result<ports::Integration> SociProvisioningStore::set_integration_enabled(const std::string& tenant,
                                                                          const std::string& id, bool enabled,
                                                                          const std::string& updated_at,
                                                                          const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot update integration '" + id + "'",
                       [&](soci::session& sql) -> Result<ports::Integration> {
    if (!integration_exists(sql, tenant, id)) return integration_not_found(id);

    const int value = enabled ? 1 : 0;
    sql << "UPDATE scim_integrations SET enabled = :enabled, updated_at = :updated_at "
           "WHERE tenant_id = :tenant AND id = :id",
        soci::use(value, "enabled"), soci::use(updated_at, "updated_at"), soci::use(tenant, "tenant"),
        soci::use(id, "id");
    insert_audit(sql, audit, tenant);
    auto stored = read_integration(sql, tenant, id);
    if (!stored) return integration_not_found(id);
    return *std::move(stored);
  });
}

Result<void> SociProvisioningStore::delete_integration(const std::string& tenant, const std::string& id,
                                                       const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot delete integration '" + id + "'",
                       [&](soci::session& sql) -> Result<void> {
    const auto account = integration_service_account(sql, tenant, id);
    if (!account) return integration_not_found(id);

    // What the integration provisioned (users, groups, tenant access, role
    // bindings) stays; its own list of assignable roles goes.
    sql << "DELETE FROM scim_external_ids WHERE integration_id = :id", soci::use(id, "id");
    sql << "DELETE FROM scim_role_allow_lists WHERE tenant_id = :tenant AND integration_id = :id",
        soci::use(tenant, "tenant"), soci::use(id, "id");
    sql << "DELETE FROM scim_integrations WHERE tenant_id = :tenant AND id = :id", soci::use(tenant, "tenant"),
        soci::use(id, "id");
    if (*account) {
      const std::string subject_type(kServiceAccount);
      const std::string& account_id = **account;
      sql << "DELETE FROM scim_bindings WHERE tenant_id = :tenant AND subject_type = :subject_type "
             "AND subject_id = :account",
          soci::use(tenant, "tenant"), soci::use(subject_type, "subject_type"), soci::use(account_id, "account");
      sql << "DELETE FROM scim_api_tokens WHERE service_account_id = :account", soci::use(account_id, "account");
      sql << "DELETE FROM scim_service_accounts WHERE tenant_id = :tenant AND id = :account",
          soci::use(tenant, "tenant"), soci::use(account_id, "account");
    }
    insert_audit(sql, audit, tenant);
    return {};
  });
}

Result<void> SociProvisioningStore::replace_token(const std::string& tenant, const std::string& id,
                                                  const ports::TokenRecord& token, const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot replace the token of integration '" + id + "'",
                       [&](soci::session& sql) -> Result<void> {
    const auto account = integration_service_account(sql, tenant, id);
    if (!account) return integration_not_found(id);
    if (!*account) return Error::internal("integration '" + id + "' has lost its service account");

    const std::string& account_id = **account;
    sql << "UPDATE scim_api_tokens SET revoked_at = :revoked_at "
           "WHERE service_account_id = :account AND revoked_at IS NULL",
        soci::use(token.created_at, "revoked_at"), soci::use(account_id, "account");
    insert_token(sql, token, account_id);
    insert_audit(sql, audit, tenant);
    return {};
  });
}

Result<std::optional<ports::TokenGrant>> SociProvisioningStore::find_token(const std::string& lookup_prefix) {
  auto session = borrow();
  if (!session) return session.error();

  // One query, cached: the token (lookup_prefix is unique), its integration
  // and, one row each, the permissions of the roles bound to its service
  // account in that tenant.  Unordered (an ORDER BY across the join costs
  // MariaDB a temporary table: 350 instead of 150 us per request): an
  // account's first integration by id is picked here, and the order of
  // permissions does not matter (Permissions::merge).
  return guarded(dialect_, "cannot look up an API token", [&] {
    auto& statement = session->statements().get<TokenLookup>(
        **session,
        "SELECT t.id, t.secret_hash, t.revoked_at, t.service_account_id, i.id, i.tenant_id, i.enabled, "
        "r.permissions FROM scim_api_tokens t "
        "JOIN scim_integrations i ON i.service_account_id = t.service_account_id "
        "LEFT JOIN scim_bindings b ON b.tenant_id = i.tenant_id AND b.subject_type = :subject_type "
        "AND b.subject_id = t.service_account_id "
        "LEFT JOIN scim_roles r ON r.id = b.role_id "
        "WHERE t.lookup_prefix = :prefix");
    TokenLookup& v = statement.values;
    v.prefix = lookup_prefix;
    std::optional<ports::TokenGrant> found;
    statement.for_each_row([&] {
      if (!found || v.row.integration_id < found->integration_id) {
        found = v.row;
        found->revoked = v.revoked_at.has_value();
        found->integration_enabled = v.enabled != 0;
      } else if (found->integration_id != v.row.integration_id) {
        return;  // another integration of the account
      }
      if (v.permissions) found->role_permissions_json.push_back(*v.permissions);
    });
    return found;
  });
}

Result<std::vector<std::string>> SociProvisioningStore::live_token_prefixes() {
  auto session = borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot list the API tokens", [&] {
    std::vector<std::string> prefixes;
    std::string prefix;
    soci::statement st = ((**session).prepare << "SELECT lookup_prefix FROM scim_api_tokens WHERE revoked_at IS NULL",
                          soci::into(prefix));
    st.execute();
    while (st.fetch()) prefixes.push_back(prefix);
    return prefixes;
  });
}

// An unknown id changes nothing: the integration was deleted meanwhile.
Result<void> SociProvisioningStore::touch_integration(const std::string& id, const std::string& at) {
  auto session = borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot record a request of integration '" + id + "'", [&] {
    **session << "UPDATE scim_integrations SET last_request_at = :at WHERE id = :id", soci::use(at, "at"),
        soci::use(id, "id");
  });
}

Result<bool> SociProvisioningStore::ensure_role(const ports::Role& role, const ports::AuditEntry& audit) {
  return audited_write(role.tenant_id, audit,
                       "cannot ensure role '" + role.name + "' in tenant '" + role.tenant_id + "'",
                       [&](soci::session& sql) -> Result<bool> {
    const bool inserted = ensure_role_row(sql, role, role.tenant_id).inserted;
    if (inserted) insert_audit(sql, audit, role.tenant_id);
    return inserted;
  });
}

Result<std::vector<ports::Role>> SociProvisioningStore::list_roles(const std::string& tenant) {
  auto session = borrow();
  if (!session) return session.error();

  // Cached: every create of a user reads them (its default role).
  return guarded(dialect_, "cannot list the roles of tenant '" + tenant + "'", [&] {
    auto& statement = session->statements().get<RolesOf>(
        **session,
        "SELECT id, tenant_id, name, description, permissions, system_managed, created_at, updated_at "
        "FROM scim_roles WHERE tenant_id = :tenant ORDER BY name, id");
    RolesOf& v = statement.values;
    v.tenant = tenant;
    std::vector<ports::Role> roles;
    statement.for_each_row([&] {
      roles.push_back(v.row);
      roles.back().system_managed = v.system_managed != 0;
    });
    return roles;
  });
}

Result<ports::Role> SociProvisioningStore::update_role(const std::string& tenant, const std::string& id,
                                                      const std::optional<std::string>& description,
                                                      const std::string& permissions_json,
                                                      const std::string& updated_at, const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot update role '" + id + "'",
                       [&](soci::session& sql) -> Result<ports::Role> {
    ports::Role role;
    int system_managed = 0;
    sql << "SELECT id, tenant_id, name, description, permissions, system_managed, created_at, updated_at "
           "FROM scim_roles WHERE tenant_id = :tenant AND id = :id",
        soci::into(role.id), soci::into(role.tenant_id), soci::into(role.name), soci::into(role.description),
        soci::into(role.permissions_json), soci::into(system_managed), soci::into(role.created_at),
        soci::into(role.updated_at), soci::use(tenant, "tenant"), soci::use(id, "id");
    if (!sql.got_data()) return Error::not_found("role '" + id + "' does not exist in this tenant");

    role.system_managed = system_managed != 0;
    if (description) role.description = *description;
    role.permissions_json = permissions_json;
    role.updated_at = updated_at;
    sql << "UPDATE scim_roles SET description = :description, permissions = :permissions, "
           "updated_at = :updated_at WHERE tenant_id = :tenant AND id = :id",
        soci::use(role.description, "description"), soci::use(role.permissions_json, "permissions"),
        soci::use(role.updated_at, "updated_at"), soci::use(tenant, "tenant"), soci::use(id, "id");
    insert_audit(sql, audit, tenant);
    return role;
  });
}

Result<std::vector<ports::ServiceAccount>> SociProvisioningStore::list_service_accounts(const std::string& tenant) {
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot list the service accounts of tenant '" + tenant + "'", [&] {
    std::vector<ports::ServiceAccount> accounts;
    ports::ServiceAccount row;
    OptionalText integration_id;
    for_each_row(
        **session,
        "SELECT sa.id, sa.tenant_id, sa.name, sa.description, sa.created_at, "
        "(SELECT MIN(i.id) FROM scim_integrations i WHERE i.service_account_id = sa.id) "
        "FROM scim_service_accounts sa WHERE sa.tenant_id = :tenant ORDER BY sa.name, sa.id",
        [&](soci::statement& st) {
          st.exchange(soci::into(row.id));
          st.exchange(soci::into(row.tenant_id));
          st.exchange(soci::into(row.name));
          st.exchange(soci::into(row.description));
          st.exchange(soci::into(row.created_at));
          st.exchange(soci::into(integration_id));
          st.exchange(soci::use(tenant, "tenant"));
        },
        [&] {
          row.integration_id = to_std(integration_id);
          accounts.push_back(row);
        });
    return accounts;
  });
}

Result<std::vector<ports::Binding>> SociProvisioningStore::list_bindings(const std::string& tenant) {
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot list the bindings of tenant '" + tenant + "'", [&] {
    std::vector<ports::Binding> bindings;
    ports::Binding row;
    OptionalText integration_id;
    for_each_row(
        **session,
        "SELECT b.id, b.tenant_id, b.role_id, b.subject_type, b.subject_id, b.source, b.integration_id, "
        "b.created_at, r.name FROM scim_bindings b JOIN scim_roles r ON r.id = b.role_id "
        "WHERE b.tenant_id = :tenant ORDER BY b.created_at, b.id",
        [&](soci::statement& st) {
          st.exchange(soci::into(row.id));
          st.exchange(soci::into(row.tenant_id));
          st.exchange(soci::into(row.role_id));
          st.exchange(soci::into(row.subject_type));
          st.exchange(soci::into(row.subject_id));
          st.exchange(soci::into(row.source));
          st.exchange(soci::into(integration_id));
          st.exchange(soci::into(row.created_at));
          st.exchange(soci::into(row.role_name));
          st.exchange(soci::use(tenant, "tenant"));
        },
        [&] {
          row.integration_id = to_std(integration_id);
          bindings.push_back(row);
        });
    return bindings;
  });
}

Result<void> SociProvisioningStore::append_audit(const ports::AuditEntry& entry) {
  if (entry.tenant_id.empty()) return Error::invalid("tenant id is empty");
  auto session = borrow();
  if (!session) return session.error();
  return guarded(dialect_, "cannot record audit entry '" + entry.action + "'",
                 [&] { insert_audit(**session, entry, entry.tenant_id); });
}

Result<ports::Page<ports::AuditEntry>> SociProvisioningStore::list_audit(const std::string& tenant,
                                                                         const std::string& integration_id,
                                                                         std::int64_t offset, std::int64_t limit) {
  auto paging = check_paging(offset, limit);
  if (!paging) return paging.error();
  auto session = borrow();
  if (!session) return session.error();

  // An empty integration id lists the whole tenant.
  const bool whole_tenant = integration_id.empty();
  const std::string where = whole_tenant ? "WHERE tenant_id = :tenant"
                                         : "WHERE tenant_id = :tenant AND integration_id = :integration_id";
  const auto bind_filter = [&](soci::statement& st) {
    st.exchange(soci::use(tenant, "tenant"));
    if (!whole_tenant) st.exchange(soci::use(integration_id, "integration_id"));
  };
  return guarded(dialect_, "cannot list the audit trail of tenant '" + tenant + "'", [&] {
    soci::session& sql = **session;
    ports::Page<ports::AuditEntry> page;
    long long total = 0;
    for_each_row(
        sql, "SELECT COUNT(*) FROM scim_audit " + where,
        [&](soci::statement& st) {
          st.exchange(soci::into(total));
          bind_filter(st);
        },
        [] {});
    page.total = total;

    const long long first = offset;
    const long long size = limit;
    support::AuditReader row;
    for_each_row(
        sql,
        std::string("SELECT ") + support::kAuditColumns + " FROM scim_audit " + where +
            " ORDER BY id DESC LIMIT :size OFFSET :first",
        [&](soci::statement& st) {
          row.bind(st);
          bind_filter(st);
          st.exchange(soci::use(size, "size"));
          st.exchange(soci::use(first, "first"));
        },
        [&] { page.items.push_back(row.value()); });
    return page;
  });
}

// --- roles, admin bindings, allow lists (#9) --------------------------------

namespace {

std::optional<ports::Role> read_role(soci::session& sql, const std::string& tenant, const std::string& id) {
  ports::Role role;
  int system_managed = 0;
  sql << "SELECT id, tenant_id, name, description, permissions, system_managed, created_at, updated_at "
         "FROM scim_roles WHERE tenant_id = :tenant AND id = :id",
      soci::into(role.id), soci::into(role.tenant_id), soci::into(role.name), soci::into(role.description),
      soci::into(role.permissions_json), soci::into(system_managed), soci::into(role.created_at),
      soci::into(role.updated_at), soci::use(tenant, "tenant"), soci::use(id, "id");
  if (!sql.got_data()) return std::nullopt;
  role.system_managed = system_managed != 0;
  return role;
}

Error role_not_found(const std::string& id) { return Error::not_found("role '" + id + "' does not exist in this tenant"); }

ports::Binding to_binding(const bindings::Stored& b, const std::string& tenant) {
  ports::Binding out;
  out.id = b.id;
  out.tenant_id = tenant;
  out.role_id = b.role_id;
  out.subject_type = b.subject_type;
  out.subject_id = b.subject_id;
  out.source = b.source;
  out.integration_id = b.integration_id;
  out.created_at = b.created_at;
  out.role_name = b.role_name;
  return out;
}

// NotFound naming the subject of a new admin binding when it does not
// exist: any user, or a group or service account of the tenant.
Result<void> check_subject(soci::session& sql, const std::string& tenant, const std::string& type,
                           const std::string& id) {
  long long n = 0;
  if (type == bindings::kUser) {
    sql << "SELECT COUNT(*) FROM scim_users WHERE id = :id", soci::into(n), soci::use(id, "id");
    if (n == 0) return Error::not_found("user '" + id + "' does not exist");
  } else if (type == bindings::kGroup) {
    n = count(sql, "SELECT COUNT(*) FROM scim_groups WHERE tenant_id = :tenant AND id = :id", tenant, "tenant", id,
              "id");
    if (n == 0) return Error::not_found("group '" + id + "' does not exist in this tenant");
  } else {
    n = count(sql, "SELECT COUNT(*) FROM scim_service_accounts WHERE tenant_id = :tenant AND id = :id", tenant,
              "tenant", id, "id");
    if (n == 0) return Error::not_found("service account '" + id + "' does not exist in this tenant");
  }
  return {};
}

Result<std::vector<std::string>> parse_role_ids(const std::string& json) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_array()) return Error::internal("a stored role allow list is not a JSON array");
  std::vector<std::string> ids;
  for (const boost::json::value& v : parsed.as_array()) {
    if (!v.is_string()) return Error::internal("a stored role allow list holds a value that is not a string");
    ids.emplace_back(v.as_string().c_str(), v.as_string().size());
  }
  return ids;
}

std::string role_ids_json(const std::vector<std::string>& ids) {
  boost::json::array array;
  array.reserve(ids.size());
  for (const std::string& id : ids) array.emplace_back(id);
  return boost::json::serialize(array);
}

}  // namespace

Result<ports::Role> SociProvisioningStore::create_role(const ports::Role& role, const ports::AuditEntry& audit) {
  const std::string& tenant = role.tenant_id;
  if (role.id.empty()) return Error::invalid("the new role's id is empty");
  if (role.name.empty()) return Error::invalid("the role's name is empty", "invalidValue");
  return audited_write(tenant, audit, "cannot create role '" + role.name + "' in tenant '" + tenant + "'",
                       [&](soci::session& sql) -> Result<ports::Role> {
    const std::string created_at = role.created_at.empty() ? now_iso8601() : role.created_at;
    const std::string updated_at = role.updated_at.empty() ? created_at : role.updated_at;
    soci::statement insert_tenant =
        (sql.prepare << insert_tenant_sql_, soci::use(tenant, "id"), soci::use(created_at, "created_at"));
    support::execute_ignoring_duplicate(dialect_, insert_tenant);

    const std::string name_key = ascii_lower(role.name);
    const auto taken = [&] { return Error::conflict("a role named '" + role.name + "' already exists in this tenant"); };
    if (count(sql, "SELECT COUNT(*) FROM scim_roles WHERE tenant_id = :tenant AND name_key = :name_key", tenant,
              "tenant", name_key, "name_key") > 0) {
      return taken();
    }
    const int system_managed = role.system_managed ? 1 : 0;
    const bool inserted = unless_duplicate(dialect_, [&] {
      sql << "INSERT INTO scim_roles (id, tenant_id, name, name_key, description, permissions, system_managed, "
             "created_at, updated_at) VALUES (:id, :tenant, :name, :name_key, :description, :permissions, "
             ":system_managed, :created_at, :updated_at)",
          soci::use(role.id, "id"), soci::use(tenant, "tenant"), soci::use(role.name, "name"),
          soci::use(name_key, "name_key"), soci::use(role.description, "description"),
          soci::use(role.permissions_json, "permissions"), soci::use(system_managed, "system_managed"),
          soci::use(created_at, "created_at"), soci::use(updated_at, "updated_at");
    });
    if (!inserted) return taken();
    insert_audit(sql, support::audit_for(audit, role.id), tenant);
    auto stored = read_role(sql, tenant, role.id);
    if (!stored) return Error::internal("role '" + role.id + "' is missing right after its insert");
    return *std::move(stored);
  });
}

Result<std::vector<ports::Binding>> SociProvisioningStore::delete_role(const std::string& tenant, const std::string& id,
                                                                       const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot delete role '" + id + "'",
                       [&](soci::session& sql) -> Result<std::vector<ports::Binding>> {
    if (!read_role(sql, tenant, id)) return role_not_found(id);
    // The bindings would go by cascade; deleting them first reports and
    // audits each.
    const ports::AuditEntry entry = support::audit_for(audit, id);
    const std::vector<bindings::Stored> stored = bindings::bindings_of_role(sql, tenant, id);
    bindings::delete_bindings(sql, tenant, stored, entry);
    bindings::touch_holders(sql, tenant, stored, entry.created_at.empty() ? now_iso8601() : entry.created_at);
    sql << "DELETE FROM scim_roles WHERE tenant_id = :tenant AND id = :id", soci::use(tenant, "tenant"),
        soci::use(id, "id");
    insert_audit(sql, entry, tenant);
    std::vector<ports::Binding> removed;
    removed.reserve(stored.size());
    for (const bindings::Stored& b : stored) removed.push_back(to_binding(b, tenant));
    return removed;
  });
}

Result<ports::Binding> SociProvisioningStore::create_binding(const ports::Binding& binding,
                                                             const ports::AuditEntry& audit) {
  const std::string& tenant = binding.tenant_id;
  const std::string& type = binding.subject_type;
  if (type != bindings::kUser && type != bindings::kGroup && type != kServiceAccount) {
    return Error::invalid("a binding's subject type is USER, GROUP or SERVICE_ACCOUNT, not '" + type + "'",
                          "invalidValue");
  }
  if (binding.role_id.empty() || binding.subject_id.empty()) {
    return Error::invalid("a binding needs a role id and a subject id", "invalidValue");
  }
  return audited_write(tenant, audit, "cannot bind role '" + binding.role_id + "' in tenant '" + tenant + "'",
                       [&](soci::session& sql) -> Result<ports::Binding> {
    const auto role = read_role(sql, tenant, binding.role_id);
    if (!role) return role_not_found(binding.role_id);
    auto subject = check_subject(sql, tenant, type, binding.subject_id);
    if (!subject) return subject.error();

    bindings::Stored stored;
    stored.id = binding.id.empty() ? crypto::new_uuid() : binding.id;
    stored.role_id = binding.role_id;
    stored.role_name = role->name;
    stored.subject_type = type;
    stored.subject_id = binding.subject_id;
    stored.source = "ADMIN";  // whatever the caller said
    stored.integration_id = binding.integration_id;
    stored.created_at = binding.created_at.empty() ? now_iso8601() : binding.created_at;
    const auto bound = [&] {
      return Error::conflict(type + " '" + binding.subject_id + "' already has role '" + role->name +
                             "' from an admin");
    };
    long long present = 0;
    sql << "SELECT COUNT(*) FROM scim_bindings WHERE tenant_id = :tenant AND role_id = :role_id "
           "AND subject_type = :subject_type AND subject_id = :subject_id AND source = :source",
        soci::into(present), soci::use(tenant, "tenant"), soci::use(stored.role_id, "role_id"),
        soci::use(stored.subject_type, "subject_type"), soci::use(stored.subject_id, "subject_id"),
        soci::use(stored.source, "source");
    if (present > 0) return bound();
    const OptionalText integration = to_boost(stored.integration_id);
    const bool inserted = unless_duplicate(dialect_, [&] {
      sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, "
             "created_at) VALUES (:id, :tenant, :role_id, :subject_type, :subject_id, :source, :integration_id, "
             ":created_at)",
          soci::use(stored.id, "id"), soci::use(tenant, "tenant"), soci::use(stored.role_id, "role_id"),
          soci::use(stored.subject_type, "subject_type"), soci::use(stored.subject_id, "subject_id"),
          soci::use(stored.source, "source"), soci::use(integration, "integration_id"),
          soci::use(stored.created_at, "created_at");
    });
    if (!inserted) return bound();
    insert_audit(sql, support::audit_for(audit, stored.id), tenant);
    return to_binding(stored, tenant);
  });
}

Result<ports::Binding> SociProvisioningStore::delete_binding(const std::string& tenant, const std::string& id,
                                                             const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot delete binding '" + id + "'",
                       [&](soci::session& sql) -> Result<ports::Binding> {
    const auto stored = bindings::find_binding(sql, tenant, id);
    if (!stored) return Error::not_found("binding '" + id + "' does not exist in this tenant");
    // The audit entry given is this deletion's row.
    bindings::delete_bindings(sql, tenant, {*stored}, audit, false);
    bindings::touch_holders(sql, tenant, {*stored}, audit.created_at.empty() ? now_iso8601() : audit.created_at);
    insert_audit(sql, support::audit_for(audit, id), tenant);
    return to_binding(*stored, tenant);
  });
}

Result<std::optional<ports::RoleAllowList>> SociProvisioningStore::find_role_allow_list(
    const std::string& tenant, const std::string& integration_id) {
  if (tenant.empty()) return Error::invalid("tenant id is empty");
  auto session = borrow();
  if (!session) return session.error();

  return guarded(dialect_, "cannot read the role allow list of tenant '" + tenant + "'",
                 [&]() -> Result<std::optional<ports::RoleAllowList>> {
    soci::session& sql = **session;
    std::string role_ids;
    ports::RoleAllowList list;
    sql << "SELECT role_ids, updated_at FROM scim_role_allow_lists WHERE tenant_id = :tenant "
           "AND integration_id = :integration_id",
        soci::into(role_ids), soci::into(list.updated_at), soci::use(tenant, "tenant"),
        soci::use(integration_id, "integration_id");
    if (!sql.got_data()) return std::optional<ports::RoleAllowList>();
    auto ids = parse_role_ids(role_ids);
    if (!ids) return ids.error();
    list.tenant_id = tenant;
    list.integration_id = integration_id;
    list.role_ids = std::move(*ids);
    return std::optional<ports::RoleAllowList>(std::move(list));
  });
}

Result<void> SociProvisioningStore::set_role_allow_list(const std::string& tenant, const std::string& integration_id,
                                                        const std::optional<std::vector<std::string>>& role_ids,
                                                        const std::string& updated_at, const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot set the role allow list of tenant '" + tenant + "'",
                       [&](soci::session& sql) -> Result<void> {
    if (!integration_id.empty() && !integration_exists(sql, tenant, integration_id)) {
      return integration_not_found(integration_id);
    }
    sql << "DELETE FROM scim_role_allow_lists WHERE tenant_id = :tenant AND integration_id = :integration_id",
        soci::use(tenant, "tenant"), soci::use(integration_id, "integration_id");
    if (role_ids) {
      const std::string json = role_ids_json(*role_ids);
      const std::string at = updated_at.empty() ? now_iso8601() : updated_at;
      sql << "INSERT INTO scim_role_allow_lists (tenant_id, integration_id, role_ids, updated_at) "
             "VALUES (:tenant, :integration_id, :role_ids, :updated_at)",
          soci::use(tenant, "tenant"), soci::use(integration_id, "integration_id"), soci::use(json, "role_ids"),
          soci::use(at, "updated_at");
    }
    insert_audit(sql, audit, tenant);
    return {};
  });
}

}  // namespace kestra::adapters
