#define BOOST_TEST_MODULE adapters_provisioning_store
#include "kestra/adapters/store_factory.hpp"

#include "backend.hpp"
#include "dialect_factory.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace data = boost::unit_test::data;
namespace fs = std::filesystem;
namespace ports = kestra::ports;
using kestra::ErrorKind;
using kestra::test::Backend;
using kestra::test::BackendCheck;
using kestra::test::TestDatabase;

namespace kestra {
std::ostream& operator<<(std::ostream& out, ErrorKind kind) { return out << static_cast<int>(kind); }
}  // namespace kestra

BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

namespace {

constexpr const char* kT0 = "2026-01-01T00:00:00.000Z";
constexpr const char* kT1 = "2026-01-02T00:00:00.000Z";
constexpr const char* kT2 = "2026-01-03T00:00:00.000Z";
constexpr const char* kT3 = "2026-01-04T00:00:00.000Z";
constexpr const char* kProvisionerPermissions =
    R"({"GROUPS":["CREATE","READ","UPDATE","DELETE"],"USERS":["CREATE","READ","UPDATE"]})";

const char* const kTables[] = {
    "scim_tenants",      "scim_roles",        "scim_service_accounts", "scim_api_tokens", "scim_bindings",
    "scim_integrations", "scim_users",        "scim_tenant_users",     "scim_external_ids", "scim_groups",
    "scim_audit",        "scim_role_allow_lists",
};

long long rows(soci::session& sql, const std::string& query) {
  long long n = -1;
  sql << query, soci::into(n);
  return n;
}

long long rows(soci::session& sql, const std::string& query, const std::string& key) {
  long long n = -1;
  sql << query, soci::into(n), soci::use(key);
  return n;
}

std::map<std::string, long long> row_counts(soci::session& sql) {
  std::map<std::string, long long> counts;
  for (const char* table : kTables) counts[table] = rows(sql, std::string("SELECT COUNT(*) FROM ") + table);
  return counts;
}

void check_same_counts(const std::map<std::string, long long>& before, const std::map<std::string, long long>& after) {
  for (const auto& [table, n] : before) BOOST_TEST(after.at(table) == n, table);
}

ports::AuditEntry audit_entry(const std::string& tenant, std::optional<std::string> integration_id,
                              const std::string& action, const std::string& at = kT0) {
  ports::AuditEntry e;
  e.tenant_id = tenant;
  e.integration_id = std::move(integration_id);
  e.actor_type = "ADMIN";
  e.actor_id = "admin@" + tenant;
  e.action = action;
  e.target_type = "Integration";
  e.target_id = e.integration_id.value_or("-");
  e.outcome = "SUCCESS";
  e.detail = action + " detail";
  e.request_id = "req-" + action;
  e.created_at = at;
  return e;
}

ports::Role provisioner_role(const std::string& tenant, const std::string& id, const std::string& at = kT0) {
  ports::Role r;
  r.id = id;
  r.tenant_id = tenant;
  r.name = "SCIMProvisioner";
  r.description = "Provisions users and groups through SCIM";
  r.permissions_json = kProvisionerPermissions;
  r.system_managed = true;
  r.created_at = at;
  r.updated_at = at;
  return r;
}

// Ids derive from tenant and name: "acme/okta/integration", "acme/okta/sa"...
ports::NewIntegration new_integration(const std::string& tenant, const std::string& name,
                                      const std::string& at = kT0) {
  const std::string key = tenant + "/" + name;
  ports::NewIntegration s;
  s.integration.id = key + "/integration";
  s.integration.tenant_id = tenant;
  s.integration.name = name;
  s.integration.description = "description of " + name;
  s.integration.type = "SCIM";
  s.integration.enabled = true;
  s.integration.created_at = at;
  s.integration.updated_at = at;
  s.role = provisioner_role(tenant, key + "/role", at);
  s.service_account.id = key + "/sa";
  s.service_account.tenant_id = tenant;
  s.service_account.name = "scim-" + name;
  s.service_account.description = "SCIM integration " + name;
  s.service_account.created_at = at;
  s.binding.id = key + "/binding";
  s.binding.tenant_id = tenant;
  s.binding.subject_type = "SERVICE_ACCOUNT";
  s.binding.source = "SYSTEM";
  s.binding.created_at = at;
  s.token.id = key + "/token";
  s.token.lookup_prefix = key + "/prefix";
  s.token.secret_hash = "hash of " + key;
  s.token.created_at = at;
  s.audit = audit_entry(tenant, s.integration.id, "integration.create", at);
  return s;
}

ports::TokenRecord token_record(const std::string& id, const std::string& at) {
  return {id, id + "/prefix", "hash of " + id, at};
}

// A store on a fresh database, and a plain session on it.
struct Fixture {
  TestDatabase db;
  std::unique_ptr<ports::Store> owner = [this] {
    auto opened = kestra::adapters::open_store(db.config());
    BOOST_TEST_REQUIRE(opened.has_value(), (opened ? "" : opened.error().detail));
    return std::move(*opened);
  }();
  ports::ProvisioningStore& store = owner->provisioning();
  std::unique_ptr<soci::session> own_sql = db.session();
  soci::session& sql = *own_sql;

  ports::Integration create(const ports::NewIntegration& spec) {
    auto created = store.create_integration(spec);
    BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : created.error().detail));
    return *created;
  }
  ports::Integration create(const std::string& tenant, const std::string& name, const std::string& at = kT0) {
    return create(new_integration(tenant, name, at));
  }
  ports::Integration find(const std::string& tenant, const std::string& id) {
    auto found = store.find_integration(tenant, id);
    BOOST_TEST_REQUIRE(found.has_value(), (found ? "" : found.error().detail));
    BOOST_TEST_REQUIRE(found->has_value(), "integration " << id << " not found");
    return **found;
  }
  std::string text(const std::string& query, const std::string& key) {
    std::string value;
    soci::indicator ind = soci::i_ok;
    sql << query, soci::into(value, ind), soci::use(key);
    BOOST_TEST_REQUIRE(sql.got_data(), query);
    return ind == soci::i_null ? "<null>" : value;
  }
};

std::vector<std::string> names_of(const std::vector<ports::Integration>& items) {
  std::vector<std::string> names;
  for (const auto& i : items) names.push_back(i.name);
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_writes_every_kind_of_row_and_returns_the_stored_integration) {
  Fixture f;
  auto spec = new_integration("acme", "okta");
  spec.integration.service_account_id = "ignored";
  spec.binding.role_id = "ignored";
  spec.binding.subject_id = "ignored";
  const auto created = f.create(spec);

  BOOST_TEST(created.id == "acme/okta/integration");
  BOOST_TEST(created.tenant_id == "acme");
  BOOST_TEST(created.name == "okta");
  BOOST_TEST(created.description == "description of okta");
  BOOST_TEST(created.type == "SCIM");
  BOOST_TEST(created.enabled);
  BOOST_TEST(created.service_account_id == "acme/okta/sa");
  BOOST_TEST(created.created_at == kT0);
  BOOST_TEST(created.updated_at == kT0);
  BOOST_TEST(!created.last_request_at.has_value());
  BOOST_TEST(created.users_provisioned == 0);
  BOOST_TEST(created.groups_provisioned == 0);

  const auto counts = row_counts(f.sql);
  for (const char* table : {"scim_tenants", "scim_roles", "scim_service_accounts", "scim_api_tokens",
                            "scim_bindings", "scim_integrations", "scim_audit"}) {
    BOOST_TEST(counts.at(table) == 1, table);
  }
  BOOST_TEST(f.text("SELECT id FROM scim_tenants WHERE id = :k", "acme") == "acme");
  BOOST_TEST(f.text("SELECT name_key FROM scim_roles WHERE id = :k", "acme/okta/role") == "scimprovisioner");
  BOOST_TEST(f.text("SELECT permissions FROM scim_roles WHERE id = :k", "acme/okta/role") == kProvisionerPermissions);
  BOOST_TEST(f.text("SELECT system_managed FROM scim_roles WHERE id = :k", "acme/okta/role") == "1");
  BOOST_TEST(f.text("SELECT name FROM scim_service_accounts WHERE id = :k", "acme/okta/sa") == "scim-okta");
  BOOST_TEST(f.text("SELECT service_account_id FROM scim_api_tokens WHERE lookup_prefix = :k", "acme/okta/prefix") ==
             "acme/okta/sa");
  BOOST_TEST(f.text("SELECT revoked_at FROM scim_api_tokens WHERE id = :k", "acme/okta/token") == "<null>");
  BOOST_TEST(f.text("SELECT role_id FROM scim_bindings WHERE id = :k", "acme/okta/binding") == "acme/okta/role");
  BOOST_TEST(f.text("SELECT subject_type FROM scim_bindings WHERE id = :k", "acme/okta/binding") == "SERVICE_ACCOUNT");
  BOOST_TEST(f.text("SELECT subject_id FROM scim_bindings WHERE id = :k", "acme/okta/binding") == "acme/okta/sa");
  BOOST_TEST(f.text("SELECT service_account_id FROM scim_integrations WHERE id = :k", "acme/okta/integration") ==
             "acme/okta/sa");
  BOOST_TEST(f.text("SELECT action FROM scim_audit WHERE integration_id = :k", "acme/okta/integration") ==
             "integration.create");
}

namespace {

struct FailedCreate {
  const char* name;
  std::function<void(ports::NewIntegration&)> change;  // of globex's "entra" after acme's "okta"
  ErrorKind kind;
  const char* detail;  // exact, or "" to skip
};
std::ostream& operator<<(std::ostream& out, const FailedCreate& c) { return out << c.name; }

// acme's "okta" again, every other unique value changed.
ports::NewIntegration okta_again() {
  auto s = new_integration("acme", "okta");
  s.integration.id = "other-id";
  s.service_account.id = "other-sa";
  s.token.id = "other-token";
  s.token.lookup_prefix = "other-prefix";
  return s;
}

const FailedCreate kFailedCreates[] = {
    {"same integration name in the tenant (checked first)",
     [](ports::NewIntegration& s) {
       s = okta_again();
       s.service_account.name = "other";
     },
     ErrorKind::Conflict, "an integration named 'okta' already exists in this tenant"},
    {"same integration name, and so the same service account name",
     [](ports::NewIntegration& s) { s = okta_again(); }, ErrorKind::Conflict,
     "an integration named 'okta' already exists in this tenant"},
    {"same service account name (database unique key)",
     [](ports::NewIntegration& s) {
       s = new_integration("acme", "entra");
       s.service_account.name = "scim-okta";
     },
     ErrorKind::Conflict, "a service account named 'scim-okta' already exists in this tenant"},
    {"same token prefix, new tenant",
     [](ports::NewIntegration& s) { s.token.lookup_prefix = "acme/okta/prefix"; }, ErrorKind::Internal, ""},
    {"same binding id, new tenant (last insert but the audit)",
     [](ports::NewIntegration& s) { s.binding.id = "acme/okta/binding"; }, ErrorKind::Internal, ""},
    {"audit entry of another tenant",
     [](ports::NewIntegration& s) { s.audit.tenant_id = "acme"; }, ErrorKind::InvalidInput,
     "the audit entry belongs to tenant 'acme', not 'globex'"},
    {"role of another tenant",
     [](ports::NewIntegration& s) { s.role.tenant_id = "acme"; }, ErrorKind::InvalidInput,
     "the role belongs to tenant 'acme', not 'globex'"},
    {"empty tenant",
     [](ports::NewIntegration& s) { s = new_integration("", "entra"); }, ErrorKind::InvalidInput,
     "tenant id is empty"},
};

}  // namespace

BOOST_DATA_TEST_CASE(failed_create_writes_nothing, data::make(kFailedCreates), failure) {
  Fixture f;
  f.create("acme", "okta");
  const auto before = row_counts(f.sql);

  auto spec = new_integration("globex", "entra");
  failure.change(spec);
  const auto result = f.store.create_integration(spec);
  BOOST_TEST_REQUIRE(result.has_error());
  BOOST_TEST(result.error().kind == failure.kind, result.error().detail);
  if (*failure.detail != '\0') BOOST_TEST(result.error().detail == failure.detail);
  check_same_counts(before, row_counts(f.sql));

  // The failed attempt left the pooled sessions usable.
  f.create("globex", "entra");
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_integrations") == 2);
}

BOOST_AUTO_TEST_CASE(concurrent_creates_of_one_name_make_one_integration) {
  constexpr int kThreads = 8;
  Fixture f;
  std::atomic<int> created{0};
  std::atomic<int> conflicts{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto spec = new_integration("acme", "okta");
      const std::string n = std::to_string(t);
      spec.integration.id += n;
      spec.role.id += n;
      spec.service_account.id += n;
      spec.service_account.name += n;
      spec.binding.id += n;
      spec.token.id += n;
      spec.token.lookup_prefix += n;
      start.arrive_and_wait();
      const auto result = f.store.create_integration(spec);
      if (result) ++created;
      if (!result && result.error().kind == ErrorKind::Conflict) ++conflicts;
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(created.load() == 1);
  BOOST_TEST(conflicts.load() == kThreads - 1);
  for (const char* table : {"scim_roles", "scim_service_accounts", "scim_api_tokens", "scim_bindings",
                            "scim_integrations", "scim_audit"}) {
    BOOST_TEST(row_counts(f.sql).at(table) == 1, table);
  }
}

BOOST_AUTO_TEST_CASE(role_is_created_once_per_tenant) {
  Fixture f;
  f.create("acme", "okta");
  auto second = new_integration("acme", "entra");
  second.role.name = "scimprovisioner";  // same name_key, other id
  second.role.permissions_json = "{}";
  f.create(second);
  f.create("globex", "okta");

  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_roles WHERE tenant_id = :k", "acme") == 1);
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_roles WHERE tenant_id = :k", "globex") == 1);
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_roles WHERE id = :k", "acme/entra/role") == 0);

  const auto roles = f.store.list_roles("acme").value();
  BOOST_TEST_REQUIRE(roles.size() == 1u);
  BOOST_TEST(roles[0].id == "acme/okta/role");
  BOOST_TEST(roles[0].name == "SCIMProvisioner");
  BOOST_TEST(roles[0].permissions_json == kProvisionerPermissions);

  const auto bindings = f.store.list_bindings("acme").value();
  BOOST_TEST_REQUIRE(bindings.size() == 2u);
  std::vector<std::string> subjects;
  for (const auto& b : bindings) {
    BOOST_TEST(b.role_id == "acme/okta/role");
    BOOST_TEST(b.role_name == "SCIMProvisioner");
    subjects.push_back(b.subject_id);
  }
  std::sort(subjects.begin(), subjects.end());
  BOOST_TEST(subjects == (std::vector<std::string>{"acme/entra/sa", "acme/okta/sa"}), boost::test_tools::per_element());

  const auto globex = f.store.list_bindings("globex").value();
  BOOST_TEST_REQUIRE(globex.size() == 1u);
  BOOST_TEST(globex[0].role_id == "globex/okta/role");
}

BOOST_AUTO_TEST_CASE(tenants_are_isolated) {
  Fixture f;
  const auto acme = f.create("acme", "okta");
  const auto globex = f.create("globex", "okta");  // same name, other tenant
  const auto audit = audit_entry("globex", acme.id, "probe");

  BOOST_TEST(!f.store.find_integration("globex", acme.id).value().has_value());
  BOOST_TEST(f.store.find_integration("globex", globex.id).value().has_value());
  const auto listed = f.store.list_integrations("globex", "", 0, 10).value();
  BOOST_TEST_REQUIRE(listed.items.size() == 1u);
  BOOST_TEST(listed.items[0].id == globex.id);
  BOOST_TEST(listed.total == 1);

  BOOST_TEST(f.store.update_integration("globex", acme.id, "x", "x", kT1, audit).error().kind == ErrorKind::NotFound);
  BOOST_TEST(f.store.set_integration_enabled("globex", acme.id, false, kT1, audit).error().kind ==
             ErrorKind::NotFound);
  BOOST_TEST(f.store.replace_token("globex", acme.id, token_record("t2", kT1), audit).error().kind ==
             ErrorKind::NotFound);
  BOOST_TEST(f.store.delete_integration("globex", acme.id, audit).error().kind == ErrorKind::NotFound);
  const auto unchanged = f.find("acme", acme.id);
  BOOST_TEST(unchanged.name == "okta");
  BOOST_TEST(unchanged.enabled);
  BOOST_TEST(unchanged.updated_at == kT0);

  for (const std::string tenant : {"acme", "globex"}) {
    BOOST_TEST(f.store.list_roles(tenant).value().size() == 1u);
    const auto accounts = f.store.list_service_accounts(tenant).value();
    BOOST_TEST_REQUIRE(accounts.size() == 1u);
    BOOST_TEST(accounts[0].tenant_id == tenant);
    const auto trail = f.store.list_audit(tenant, "", 0, 10).value();
    BOOST_TEST(trail.total == 1);  // its create only: the refused calls wrote nothing
  }
}

namespace {

struct ListCase {
  const char* query;
  std::int64_t offset;
  std::int64_t limit;
  std::vector<std::string> names;
  std::int64_t total;
};
std::ostream& operator<<(std::ostream& out, const ListCase& c) {
  return out << "query '" << c.query << "' offset " << c.offset << " limit " << c.limit;
}

// Stored in this (byte) order: '!' < '%' < '_' < 'b' < 'l'.
const char* const kListedNames[] = {"beta", "a_z", "gamma-1", "a%z", "alpha", "a!z", "abz"};

const ListCase kListCases[] = {
    {"", 0, 100, {"a!z", "a%z", "a_z", "abz", "alpha", "beta", "gamma-1"}, 7},
    {"%", 0, 100, {"a%z"}, 1},
    {"_", 0, 100, {"a_z"}, 1},
    {"!", 0, 100, {"a!z"}, 1},
    {"a%", 0, 100, {"a%z"}, 1},
    {"a_", 0, 100, {"a_z"}, 1},
    {"z", 0, 100, {"a!z", "a%z", "a_z", "abz"}, 4},
    {"ALP", 0, 100, {"alpha"}, 1},
    {"Gamma-", 0, 100, {"gamma-1"}, 1},
    {"", 2, 3, {"a_z", "abz", "alpha"}, 7},
    {"", 6, 5, {"gamma-1"}, 7},
    {"", 7, 5, {}, 7},
    {"", 0, 0, {}, 7},
    {"z", 1, 2, {"a%z", "a_z"}, 4},
    {"nothing", 0, 10, {}, 0},
    {"'", 0, 10, {}, 0},
};

}  // namespace

BOOST_DATA_TEST_CASE(list_integrations_filters_orders_and_pages, data::make(kListCases), c) {
  Fixture f;
  for (const char* name : kListedNames) f.create("acme", name);
  f.create("globex", "alpha");

  const auto page = f.store.list_integrations("acme", c.query, c.offset, c.limit);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().detail));
  BOOST_TEST(names_of(page->items) == c.names, boost::test_tools::per_element());
  BOOST_TEST(page->total == c.total);
  for (const auto& item : page->items) BOOST_TEST(item.tenant_id == "acme");
}

BOOST_DATA_TEST_CASE(negative_paging_is_refused, data::make({-1, 0}) ^ data::make({0, -1}), offset, limit) {
  Fixture f;
  BOOST_TEST(f.store.list_integrations("acme", "", offset, limit).error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(f.store.list_audit("acme", "", offset, limit).error().kind == ErrorKind::InvalidInput);
}

BOOST_AUTO_TEST_CASE(reads_count_what_each_integration_provisioned) {
  Fixture f;
  const auto okta = f.create("acme", "okta");
  const auto entra = f.create("acme", "entra");

  for (const std::string user : {"u1", "u2", "u3", "u4"}) {
    f.sql << "INSERT INTO scim_users (id, user_name, user_name_key, resource, created_at, updated_at, version) "
             "VALUES (:u, :u, :u, '{}', 'now', 'now', 1)",
        soci::use(user, "u");
  }
  const std::pair<std::string, std::string> access[] = {
      {"u1", okta.id}, {"u2", okta.id}, {"u3", entra.id}, {"u4", ""}};
  for (const auto& [user, integration] : access) {
    soci::indicator ind = integration.empty() ? soci::i_null : soci::i_ok;
    f.sql << "INSERT INTO scim_tenant_users (tenant_id, user_id, active, integration_id, created_at, updated_at, "
             "version) VALUES ('acme', :u, 1, :i, 'now', 'now', 1)",
        soci::use(user, "u"), soci::use(integration, ind, "i");
  }
  const std::pair<std::string, std::string> groups[] = {
      {"g1", okta.id}, {"g2", okta.id}, {"g3", okta.id}, {"g4", entra.id}, {"g5", ""}};
  for (const auto& [group, integration] : groups) {
    soci::indicator ind = integration.empty() ? soci::i_null : soci::i_ok;
    f.sql << "INSERT INTO scim_groups (id, tenant_id, display_name, display_name_key, integration_id, resource, "
             "created_at, updated_at, version) VALUES (:g, 'acme', :g, :g, :i, '{}', 'now', 'now', 1)",
        soci::use(group, "g"), soci::use(integration, ind, "i");
  }

  const auto found_okta = f.find("acme", okta.id);
  BOOST_TEST(found_okta.users_provisioned == 2);
  BOOST_TEST(found_okta.groups_provisioned == 3);
  const auto found_entra = f.find("acme", entra.id);
  BOOST_TEST(found_entra.users_provisioned == 1);
  BOOST_TEST(found_entra.groups_provisioned == 1);

  const auto page = f.store.list_integrations("acme", "", 0, 10).value();
  BOOST_TEST_REQUIRE(page.items.size() == 2u);
  BOOST_TEST(page.items[0].name == "entra");
  BOOST_TEST(page.items[0].users_provisioned == 1);
  BOOST_TEST(page.items[0].groups_provisioned == 1);
  BOOST_TEST(page.items[1].name == "okta");
  BOOST_TEST(page.items[1].users_provisioned == 2);
  BOOST_TEST(page.items[1].groups_provisioned == 3);
}

BOOST_AUTO_TEST_CASE(update_changes_name_description_and_time_only) {
  Fixture f;
  const auto okta = f.create("acme", "okta");
  const auto updated =
      f.store.update_integration("acme", okta.id, "okta-prod", "the production IdP", kT1,
                                 audit_entry("acme", okta.id, "integration.update", kT1));
  BOOST_TEST_REQUIRE(updated.has_value(), (updated ? "" : updated.error().detail));
  BOOST_TEST(updated->name == "okta-prod");
  BOOST_TEST(updated->description == "the production IdP");
  BOOST_TEST(updated->updated_at == kT1);
  BOOST_TEST(updated->created_at == kT0);
  BOOST_TEST(updated->enabled);
  BOOST_TEST(updated->service_account_id == okta.service_account_id);

  const auto found = f.find("acme", okta.id);
  BOOST_TEST(found.name == "okta-prod");
  BOOST_TEST(found.description == "the production IdP");
  BOOST_TEST(f.store.list_service_accounts("acme").value().at(0).name == "scim-okta");
  const auto trail = f.store.list_audit("acme", okta.id, 0, 10).value();
  BOOST_TEST(trail.total == 2);
  BOOST_TEST(trail.items.at(0).action == "integration.update");

  // Keeping its own name is no conflict.
  BOOST_TEST(f.store.update_integration("acme", okta.id, "okta-prod", "again", kT2,
                                        audit_entry("acme", okta.id, "integration.update", kT2))
                 .has_value());
}

BOOST_AUTO_TEST_CASE(update_to_a_taken_name_conflicts_and_writes_nothing) {
  Fixture f;
  f.create("acme", "okta");
  const auto entra = f.create("acme", "entra");
  f.create("globex", "keycloak");
  const auto before = row_counts(f.sql);

  const auto result = f.store.update_integration("acme", entra.id, "okta", "x", kT1,
                                                 audit_entry("acme", entra.id, "integration.update", kT1));
  BOOST_TEST_REQUIRE(result.has_error());
  BOOST_TEST(result.error().kind == ErrorKind::Conflict);
  BOOST_TEST(result.error().detail == "an integration named 'okta' already exists in this tenant");
  check_same_counts(before, row_counts(f.sql));
  const auto unchanged = f.find("acme", entra.id);
  BOOST_TEST(unchanged.name == "entra");
  BOOST_TEST(unchanged.updated_at == kT0);

  // A name used in another tenant only is free.
  BOOST_TEST(f.store.update_integration("acme", entra.id, "keycloak", "x", kT1,
                                        audit_entry("acme", entra.id, "integration.update", kT1))
                 .has_value());
}

BOOST_AUTO_TEST_CASE(update_of_an_unknown_integration_is_not_found) {
  Fixture f;
  f.create("acme", "okta");
  const auto result =
      f.store.update_integration("acme", "nope", "x", "", kT1, audit_entry("acme", "nope", "integration.update"));
  BOOST_TEST_REQUIRE(result.has_error());
  BOOST_TEST(result.error().kind == ErrorKind::NotFound);
  BOOST_TEST(result.error().detail == "integration 'nope' does not exist in this tenant");
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_audit") == 1);
}

BOOST_AUTO_TEST_CASE(set_enabled_toggles_and_audits) {
  Fixture f;
  const auto okta = f.create("acme", "okta");
  const auto disabled =
      f.store.set_integration_enabled("acme", okta.id, false, kT1, audit_entry("acme", okta.id, "integration.disable"));
  BOOST_TEST_REQUIRE(disabled.has_value(), (disabled ? "" : disabled.error().detail));
  BOOST_TEST(!disabled->enabled);
  BOOST_TEST(disabled->updated_at == kT1);
  BOOST_TEST(!f.find("acme", okta.id).enabled);
  BOOST_TEST(!f.store.find_token("acme/okta/prefix").value()->integration_enabled);

  const auto enabled =
      f.store.set_integration_enabled("acme", okta.id, true, kT2, audit_entry("acme", okta.id, "integration.enable"));
  BOOST_TEST_REQUIRE(enabled.has_value());
  BOOST_TEST(enabled->enabled);
  BOOST_TEST(enabled->updated_at == kT2);
  BOOST_TEST(f.store.find_token("acme/okta/prefix").value()->integration_enabled);

  const auto trail = f.store.list_audit("acme", okta.id, 0, 10).value();
  BOOST_TEST_REQUIRE(trail.items.size() == 3u);
  BOOST_TEST(trail.items[0].action == "integration.enable");
  BOOST_TEST(trail.items[1].action == "integration.disable");

  BOOST_TEST(f.store.set_integration_enabled("acme", "nope", false, kT1, audit_entry("acme", "nope", "x"))
                 .error()
                 .kind == ErrorKind::NotFound);
}

BOOST_AUTO_TEST_CASE(delete_removes_the_iam_objects_and_keeps_what_was_provisioned) {
  Fixture f;
  const auto okta = f.create("acme", "okta");
  const auto entra = f.create("acme", "entra");
  BOOST_TEST_REQUIRE(f.store.replace_token("acme", okta.id, token_record("okta-2", kT1),
                                           audit_entry("acme", okta.id, "integration.token"))
                         .has_value());
  const char* const seed[] = {
      "INSERT INTO scim_users (id, user_name, user_name_key, resource, created_at, updated_at, version) "
      "VALUES ('u1', 'u1', 'u1', '{}', 'now', 'now', 1)",
      "INSERT INTO scim_tenant_users (tenant_id, user_id, active, integration_id, created_at, updated_at, version) "
      "VALUES ('acme', 'u1', 1, 'acme/okta/integration', 'now', 'now', 1)",
      "INSERT INTO scim_groups (id, tenant_id, display_name, display_name_key, integration_id, resource, created_at, "
      "updated_at, version) VALUES ('g1', 'acme', 'G1', 'g1', 'acme/okta/integration', '{}', 'now', 'now', 1)",
      "INSERT INTO scim_external_ids VALUES ('acme/okta/integration', 'User', 'u1', 'okta-u1')",
      "INSERT INTO scim_external_ids VALUES ('acme/okta/integration', 'Group', 'g1', 'okta-g1')",
      "INSERT INTO scim_external_ids VALUES ('acme/entra/integration', 'User', 'u1', 'entra-u1')",
      "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, "
      "created_at) VALUES ('group-binding', 'acme', 'acme/okta/role', 'GROUP', 'g1', 'SCIM', "
      "'acme/okta/integration', 'now')",
  };
  for (const char* statement : seed) f.sql << statement;
  const auto before = row_counts(f.sql);

  const auto deleted = f.store.delete_integration("acme", okta.id, audit_entry("acme", okta.id, "integration.delete"));
  BOOST_TEST_REQUIRE(deleted.has_value(), (deleted ? "" : deleted.error().detail));

  BOOST_TEST(!f.store.find_integration("acme", okta.id).value().has_value());
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_service_accounts WHERE id = :k", "acme/okta/sa") == 0);
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_api_tokens WHERE service_account_id = :k", "acme/okta/sa") == 0);
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_bindings WHERE subject_id = :k", "acme/okta/sa") == 0);
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_external_ids WHERE integration_id = :k", okta.id) == 0);
  BOOST_TEST(!f.store.find_token("acme/okta/prefix").value().has_value());
  BOOST_TEST(!f.store.find_token("okta-2/prefix").value().has_value());

  const auto after = row_counts(f.sql);
  BOOST_TEST(after.at("scim_integrations") == before.at("scim_integrations") - 1);
  BOOST_TEST(after.at("scim_service_accounts") == before.at("scim_service_accounts") - 1);
  BOOST_TEST(after.at("scim_api_tokens") == before.at("scim_api_tokens") - 2);
  BOOST_TEST(after.at("scim_bindings") == before.at("scim_bindings") - 1);
  BOOST_TEST(after.at("scim_external_ids") == before.at("scim_external_ids") - 2);
  BOOST_TEST(after.at("scim_audit") == before.at("scim_audit") + 1);
  for (const char* kept : {"scim_tenants", "scim_roles", "scim_users", "scim_tenant_users", "scim_groups"}) {
    BOOST_TEST(after.at(kept) == before.at(kept), kept);
  }
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_bindings WHERE id = :k", "group-binding") == 1);

  // The other integration is whole.
  BOOST_TEST(f.find("acme", entra.id).service_account_id == "acme/entra/sa");
  BOOST_TEST(f.store.find_token("acme/entra/prefix").value().has_value());
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_external_ids WHERE integration_id = :k", entra.id) == 1);

  const auto trail = f.store.list_audit("acme", okta.id, 0, 10).value();
  BOOST_TEST(trail.total == 3);
  BOOST_TEST(trail.items.at(0).action == "integration.delete");

  const auto again = f.store.delete_integration("acme", okta.id, audit_entry("acme", okta.id, "integration.delete"));
  BOOST_TEST_REQUIRE(again.has_error());
  BOOST_TEST(again.error().kind == ErrorKind::NotFound);
}

BOOST_AUTO_TEST_CASE(replace_token_revokes_every_older_token) {
  Fixture f;
  const auto okta = f.create("acme", "okta");
  f.create("acme", "entra");
  for (const auto& [id, at] : {std::pair{"okta-2", kT1}, std::pair{"okta-3", kT2}}) {
    const auto replaced =
        f.store.replace_token("acme", okta.id, token_record(id, at), audit_entry("acme", okta.id, "integration.token"));
    BOOST_TEST_REQUIRE(replaced.has_value(), (replaced ? "" : replaced.error().detail));
  }

  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_api_tokens WHERE service_account_id = :k", "acme/okta/sa") == 3);
  BOOST_TEST(f.text("SELECT revoked_at FROM scim_api_tokens WHERE id = :k", "acme/okta/token") == kT1);
  BOOST_TEST(f.text("SELECT revoked_at FROM scim_api_tokens WHERE id = :k", "okta-2") == kT2);
  BOOST_TEST(f.text("SELECT revoked_at FROM scim_api_tokens WHERE id = :k", "okta-3") == "<null>");
  BOOST_TEST(f.text("SELECT service_account_id FROM scim_api_tokens WHERE id = :k", "okta-3") == "acme/okta/sa");

  BOOST_TEST(f.store.find_token("acme/okta/prefix").value()->revoked);
  BOOST_TEST(f.store.find_token("okta-2/prefix").value()->revoked);
  const auto current = f.store.find_token("okta-3/prefix").value();
  BOOST_TEST_REQUIRE(current.has_value());
  BOOST_TEST(!current->revoked);
  BOOST_TEST(current->secret_hash == "hash of okta-3");
  BOOST_TEST(!f.store.find_token("acme/entra/prefix").value()->revoked);

  // Only the tokens not revoked are live.
  auto live = f.store.live_token_prefixes().value();
  std::sort(live.begin(), live.end());
  BOOST_TEST(live == (std::vector<std::string>{"acme/entra/prefix", "okta-3/prefix"}), boost::test_tools::per_element());

  BOOST_TEST(f.store.list_audit("acme", okta.id, 0, 10).value().total == 3);
  const auto missing =
      f.store.replace_token("acme", "nope", token_record("x", kT3), audit_entry("acme", "nope", "integration.token"));
  BOOST_TEST(missing.error().kind == ErrorKind::NotFound);
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_api_tokens WHERE id = :k", "x") == 0);
}

BOOST_AUTO_TEST_CASE(find_token_grants_every_role_bound_to_the_service_account) {
  Fixture f;
  const auto okta = f.create("acme", "okta");
  const char* const seed[] = {
      "INSERT INTO scim_roles (id, tenant_id, name, name_key, permissions, created_at, updated_at) "
      "VALUES ('auditor', 'acme', 'Auditor', 'auditor', '{\"AUDIT\":[\"READ\"]}', 'now', 'now')",
      "INSERT INTO scim_roles (id, tenant_id, name, name_key, permissions, created_at, updated_at) "
      "VALUES ('admin', 'acme', 'Admin', 'admin', '{\"ALL\":[\"ADMIN\"]}', 'now', 'now')",
      "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
      "VALUES ('b-auditor', 'acme', 'auditor', 'SERVICE_ACCOUNT', 'acme/okta/sa', 'ADMIN', 'now')",
      // Same id, other subject type: no grant.
      "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
      "VALUES ('b-admin', 'acme', 'admin', 'USER', 'acme/okta/sa', 'ADMIN', 'now')",
      // A service account with a token but no integration.
      "INSERT INTO scim_service_accounts (id, tenant_id, name, created_at) VALUES ('lone', 'acme', 'lone', 'now')",
      "INSERT INTO scim_api_tokens (id, service_account_id, lookup_prefix, secret_hash, created_at) "
      "VALUES ('lone-token', 'lone', 'lone-prefix', 'h', 'now')",
  };
  for (const char* statement : seed) f.sql << statement;

  const auto grant = f.store.find_token("acme/okta/prefix");
  BOOST_TEST_REQUIRE(grant.has_value(), (grant ? "" : grant.error().detail));
  BOOST_TEST_REQUIRE(grant->has_value());
  const ports::TokenGrant& g = **grant;
  BOOST_TEST(g.token_id == "acme/okta/token");
  BOOST_TEST(g.secret_hash == "hash of acme/okta");
  BOOST_TEST(!g.revoked);
  BOOST_TEST(g.service_account_id == "acme/okta/sa");
  BOOST_TEST(g.integration_id == okta.id);
  BOOST_TEST(g.tenant_id == "acme");
  BOOST_TEST(g.integration_enabled);
  auto permissions = g.role_permissions_json;
  std::sort(permissions.begin(), permissions.end());
  BOOST_TEST(permissions == (std::vector<std::string>{R"({"AUDIT":["READ"]})", kProvisionerPermissions}),
             boost::test_tools::per_element());

  BOOST_TEST(!f.store.find_token("unknown").value().has_value());
  BOOST_TEST(!f.store.find_token("lone-prefix").value().has_value());
  BOOST_TEST(!f.store.find_token("acme/okta/prefi%").value().has_value());
}

BOOST_AUTO_TEST_CASE(touch_records_the_last_request_only) {
  Fixture f;
  const auto okta = f.create("acme", "okta");
  BOOST_TEST_REQUIRE(f.store.touch_integration(okta.id, kT2).has_value());
  const auto found = f.find("acme", okta.id);
  BOOST_TEST(found.last_request_at.value_or("") == kT2);
  BOOST_TEST(found.updated_at == kT0);
  BOOST_TEST(f.store.list_integrations("acme", "", 0, 1).value().items.at(0).last_request_at.value_or("") == kT2);
  BOOST_TEST(f.store.touch_integration("nope", kT2).has_value());
}

BOOST_AUTO_TEST_CASE(ensure_role_inserts_and_audits_once) {
  Fixture f;
  const auto first = f.store.ensure_role(provisioner_role("initech", "initech/role"),
                                         audit_entry("initech", std::nullopt, "role.create"));
  BOOST_TEST_REQUIRE(first.has_value(), (first ? "" : first.error().detail));
  BOOST_TEST(*first);
  auto renamed = provisioner_role("initech", "other-id", kT1);
  renamed.name = "SCIMPROVISIONER";
  const auto second = f.store.ensure_role(renamed, audit_entry("initech", std::nullopt, "role.create"));
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(!*second);

  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_tenants WHERE id = :k", "initech") == 1);
  const auto roles = f.store.list_roles("initech").value();
  BOOST_TEST_REQUIRE(roles.size() == 1u);
  BOOST_TEST(roles[0].id == "initech/role");
  BOOST_TEST(roles[0].name == "SCIMProvisioner");
  BOOST_TEST(roles[0].system_managed);
  BOOST_TEST(roles[0].created_at == kT0);
  BOOST_TEST(f.store.list_audit("initech", "", 0, 10).value().total == 1);

  // A later integration binds the ensured role.
  f.create("initech", "okta");
  BOOST_TEST(f.store.list_bindings("initech").value().at(0).role_id == "initech/role");

  const auto no_tenant = f.store.ensure_role(provisioner_role("", "x"), audit_entry("", std::nullopt, "role.create"));
  BOOST_TEST(no_tenant.error().kind == ErrorKind::InvalidInput);
}

BOOST_AUTO_TEST_CASE(update_role_replaces_permissions_and_audits_in_one_write) {
  Fixture f;
  const auto okta = f.create("acme", "okta");
  f.create("globex", "okta");
  const std::string narrowed = R"({"USERS":["READ"]})";

  auto updated = f.store.update_role("acme", "acme/okta/role", std::nullopt, narrowed, kT2,
                                     audit_entry("acme", std::nullopt, "role.update", kT2));
  BOOST_TEST_REQUIRE(updated.has_value(), (updated ? "" : updated.error().detail));
  BOOST_TEST(updated->id == "acme/okta/role");
  BOOST_TEST(updated->name == "SCIMProvisioner");
  BOOST_TEST(updated->description == "Provisions users and groups through SCIM");  // kept
  BOOST_TEST(updated->permissions_json == narrowed);
  BOOST_TEST(updated->system_managed);
  BOOST_TEST(updated->created_at == kT0);
  BOOST_TEST(updated->updated_at == kT2);

  const auto stored = f.store.list_roles("acme").value();
  BOOST_TEST_REQUIRE(stored.size() == 1u);
  BOOST_TEST(stored[0].permissions_json == narrowed);
  BOOST_TEST(stored[0].updated_at == kT2);
  // SCIM authentication reads the stored permissions.
  const auto grant = f.store.find_token("acme/okta/prefix").value();
  BOOST_TEST_REQUIRE(grant.has_value());
  BOOST_TEST(grant->role_permissions_json == std::vector<std::string>{narrowed});
  // The other tenant's role of the same name is untouched.
  BOOST_TEST(f.store.list_roles("globex").value().at(0).permissions_json == kProvisionerPermissions);

  const auto audit = f.store.list_audit("acme", "", 0, 10).value();
  BOOST_TEST_REQUIRE(audit.total == 2);
  BOOST_TEST(audit.items[0].action == "role.update");
  BOOST_TEST(!audit.items[0].integration_id.has_value());
  BOOST_TEST(f.store.list_audit("acme", okta.id, 0, 10).value().total == 1);

  updated = f.store.update_role("acme", "acme/okta/role", std::string("narrowed"), "{}", kT3,
                                audit_entry("acme", std::nullopt, "role.update", kT3));
  BOOST_TEST_REQUIRE(updated.has_value());
  BOOST_TEST(f.store.list_roles("acme").value().at(0).description == "narrowed");
  BOOST_TEST(f.store.list_roles("acme").value().at(0).permissions_json == "{}");
}

namespace {

struct FailedRoleUpdate {
  const char* name;
  const char* tenant;
  const char* id;
  const char* audit_tenant;
  ErrorKind kind;
};
std::ostream& operator<<(std::ostream& out, const FailedRoleUpdate& c) { return out << c.name; }

const FailedRoleUpdate kFailedRoleUpdates[] = {
    {"unknown role", "acme", "nope", "acme", ErrorKind::NotFound},
    {"role of another tenant", "globex", "acme/okta/role", "globex", ErrorKind::NotFound},
    {"unknown tenant", "initech", "acme/okta/role", "initech", ErrorKind::NotFound},
    {"audit of another tenant", "acme", "acme/okta/role", "globex", ErrorKind::InvalidInput},
};

}  // namespace

BOOST_DATA_TEST_CASE(failed_role_update_writes_nothing, data::make(kFailedRoleUpdates), c) {
  Fixture f;
  f.create("acme", "okta");
  f.create("globex", "okta");
  const auto before = row_counts(f.sql);
  const auto roles_before = f.store.list_roles("acme").value();

  const auto result = f.store.update_role(c.tenant, c.id, std::string("changed"), "{}", kT2,
                                          audit_entry(c.audit_tenant, std::nullopt, "role.update", kT2));
  BOOST_TEST_REQUIRE(result.has_error());
  BOOST_TEST(result.error().kind == c.kind, result.error().detail);
  check_same_counts(before, row_counts(f.sql));
  const auto roles_after = f.store.list_roles("acme").value();
  BOOST_TEST_REQUIRE(roles_after.size() == roles_before.size());
  BOOST_TEST(roles_after[0].permissions_json == roles_before[0].permissions_json);
  BOOST_TEST(roles_after[0].description == roles_before[0].description);
  BOOST_TEST(roles_after[0].updated_at == roles_before[0].updated_at);
}

BOOST_AUTO_TEST_CASE(iam_lists_are_ordered_and_filled) {
  Fixture f;
  f.create("acme", "zeta", kT2);
  f.create("acme", "alpha", kT1);
  f.create("acme", "mid", kT1);
  const char* const seed[] = {
      "INSERT INTO scim_roles (id, tenant_id, name, name_key, description, permissions, created_at, updated_at) "
      "VALUES ('admin', 'acme', 'Admin', 'admin', 'all', '{}', 'now', 'now')",
      "INSERT INTO scim_service_accounts (id, tenant_id, name, created_at) VALUES ('lone', 'acme', 'aaa', 'now')",
      "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, "
      "created_at) VALUES ('early', 'acme', 'admin', 'USER', 'u1', 'SCIM', 'acme/mid/integration', "
      "'2025-12-31T00:00:00.000Z')",
  };
  for (const char* statement : seed) f.sql << statement;

  const auto roles = f.store.list_roles("acme").value();
  BOOST_TEST_REQUIRE(roles.size() == 2u);
  BOOST_TEST(roles[0].name == "Admin");
  BOOST_TEST(!roles[0].system_managed);
  BOOST_TEST(roles[0].description == "all");
  BOOST_TEST(roles[1].name == "SCIMProvisioner");
  BOOST_TEST(roles[1].id == "acme/zeta/role");

  const auto accounts = f.store.list_service_accounts("acme").value();
  std::vector<std::string> account_names;
  for (const auto& a : accounts) account_names.push_back(a.name);
  BOOST_TEST(account_names == (std::vector<std::string>{"aaa", "scim-alpha", "scim-mid", "scim-zeta"}),
             boost::test_tools::per_element());
  BOOST_TEST(!accounts.at(0).integration_id.has_value());
  BOOST_TEST(accounts.at(1).integration_id.value_or("") == "acme/alpha/integration");
  BOOST_TEST(accounts.at(3).integration_id.value_or("") == "acme/zeta/integration");
  BOOST_TEST(accounts.at(3).description == "SCIM integration zeta");
  BOOST_TEST(accounts.at(3).created_at == kT2);

  const auto bindings = f.store.list_bindings("acme").value();
  std::vector<std::string> binding_ids;
  for (const auto& b : bindings) binding_ids.push_back(b.id);
  BOOST_TEST(binding_ids == (std::vector<std::string>{"early", "acme/alpha/binding", "acme/mid/binding",
                                                      "acme/zeta/binding"}),
             boost::test_tools::per_element());
  BOOST_TEST(bindings.at(0).role_name == "Admin");
  BOOST_TEST(bindings.at(0).integration_id.value_or("") == "acme/mid/integration");
  BOOST_TEST(bindings.at(0).subject_type == "USER");
  BOOST_TEST(bindings.at(0).source == "SCIM");
  BOOST_TEST(bindings.at(1).role_name == "SCIMProvisioner");
  BOOST_TEST(bindings.at(1).source == "SYSTEM");
  BOOST_TEST(!bindings.at(1).integration_id.has_value());
  BOOST_TEST(bindings.at(1).created_at == kT1);
}

namespace {

struct AuditCase {
  const char* integration_id;  // "" = the whole tenant
  std::int64_t offset;
  std::int64_t limit;
  std::vector<int> entries;    // numbers of the expected entries, in order
  std::int64_t total;
};
std::ostream& operator<<(std::ostream& out, const AuditCase& c) {
  return out << "integration '" << c.integration_id << "' offset " << c.offset << " limit " << c.limit;
}

// Entries 0..11 of acme: i % 3 == 0 -> "x", 1 -> "y", 2 -> no integration.
const AuditCase kAuditCases[] = {
    {"", 0, 100, {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, 12},
    {"", 0, 3, {11, 10, 9}, 12},
    {"", 10, 5, {1, 0}, 12},
    {"", 12, 5, {}, 12},
    {"x", 0, 100, {9, 6, 3, 0}, 4},
    {"x", 1, 2, {6, 3}, 4},
    {"y", 0, 1, {10}, 4},
    {"z", 0, 10, {}, 0},
};

}  // namespace

BOOST_DATA_TEST_CASE(audit_is_listed_newest_first, data::make(kAuditCases), c) {
  Fixture f;
  for (int i = 0; i < 12; ++i) {
    std::optional<std::string> integration;
    if (i % 3 == 0) integration = "x";
    if (i % 3 == 1) integration = "y";
    auto entry = audit_entry("acme", integration, "entry-" + std::to_string(i));
    entry.detail = "it's \"entry\" " + std::to_string(i);
    BOOST_TEST_REQUIRE(f.store.append_audit(entry).has_value());
    BOOST_TEST_REQUIRE(f.store.append_audit(audit_entry("globex", integration, "other")).has_value());
  }

  const auto page = f.store.list_audit("acme", c.integration_id, c.offset, c.limit);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().detail));
  BOOST_TEST(page->total == c.total);
  std::vector<int> numbers;
  for (const auto& e : page->items) {
    numbers.push_back(std::stoi(e.action.substr(std::string("entry-").size())));
    const int i = numbers.back();
    BOOST_TEST(e.tenant_id == "acme");
    BOOST_TEST(e.id > 0);
    BOOST_TEST(e.detail == "it's \"entry\" " + std::to_string(i));
    BOOST_TEST(e.actor_type == "ADMIN");
    BOOST_TEST(e.actor_id == "admin@acme");
    BOOST_TEST(e.target_type == "Integration");
    BOOST_TEST(e.outcome == "SUCCESS");
    BOOST_TEST(e.request_id == "req-entry-" + std::to_string(i));
    BOOST_TEST(e.created_at == kT0);
    BOOST_TEST(e.integration_id.has_value() == (i % 3 != 2));
  }
  BOOST_TEST(numbers == c.entries, boost::test_tools::per_element());
  for (std::size_t k = 1; k < page->items.size(); ++k) BOOST_TEST(page->items[k - 1].id > page->items[k].id);
}

BOOST_AUTO_TEST_CASE(audit_without_a_time_gets_the_current_one_and_needs_a_tenant) {
  Fixture f;
  auto entry = audit_entry("acme", std::nullopt, "x");
  entry.created_at.clear();
  BOOST_TEST_REQUIRE(f.store.append_audit(entry).has_value());
  const auto stored = f.store.list_audit("acme", "", 0, 1).value().items.at(0).created_at;
  BOOST_TEST(stored.size() == std::string(kT0).size());
  BOOST_TEST(stored > std::string("2020"));
  BOOST_TEST(f.store.append_audit(audit_entry("", std::nullopt, "x")).error().kind == ErrorKind::InvalidInput);
}

namespace {
const char* const kOddValues[] = {
    "o'brien",
    "x'); DROP TABLE scim_integrations; --",
    "t\xC3\xA9nant-\xE2\x9C\x93",
    ":name",
    "100%_!",
};
}  // namespace

BOOST_DATA_TEST_CASE(values_round_trip_unchanged, data::make(kOddValues), value) {
  Fixture f;
  auto spec = new_integration(value, value);
  spec.integration.description = value;
  const auto created = f.create(spec);
  BOOST_TEST(created.tenant_id == value);
  BOOST_TEST(created.name == value);
  BOOST_TEST(created.description == value);

  const auto listed = f.store.list_integrations(value, value, 0, 10).value();
  BOOST_TEST_REQUIRE(listed.items.size() == 1u);
  BOOST_TEST(listed.items[0].id == created.id);
  const auto grant = f.store.find_token(spec.token.lookup_prefix).value();
  BOOST_TEST_REQUIRE(grant.has_value());
  BOOST_TEST(grant->tenant_id == value);
  BOOST_TEST(rows(f.sql, "SELECT COUNT(*) FROM scim_integrations") == 1);
}

namespace {

struct ConstraintCase {
  const char* statement;
  bool unique;
};
std::ostream& operator<<(std::ostream& out, const ConstraintCase& c) { return out << c.statement; }

const ConstraintCase kConstraintCases[] = {
    {"INSERT INTO probe (id, a, b) VALUES ('1', 'new', 'new')", true},     // primary key
    {"INSERT INTO probe (id, a, b) VALUES ('2', 'x', 'y')", true},         // composite unique
    {"INSERT INTO probe (id, a, b) VALUES ('3', NULL, 'y')", false},       // NOT NULL
    {"INSERT INTO probe (id, a, b, p) VALUES ('4', 'q', 'q', 'none')", false},  // foreign key
    {"INSERT INTO probe (id, a, b, c) VALUES ('5', 'q', 'q', -1)", false}, // CHECK
    {"INSERT INTO missing VALUES (1)", false},
    {"INSERT INTO probe (", false},
};

}  // namespace

BOOST_DATA_TEST_CASE(dialect_recognises_unique_violations, data::make(kConstraintCases), c) {
  TestDatabase db;
  const auto dialect = kestra::adapters::make_dialect(db.config(1));
  BOOST_TEST_REQUIRE(dialect.has_value());
  auto sql = db.session();
  *sql << "CREATE TABLE parent (id VARCHAR(64) PRIMARY KEY)";
  *sql << "CREATE TABLE probe (id VARCHAR(64) PRIMARY KEY, a VARCHAR(64) NOT NULL, b VARCHAR(64), p VARCHAR(64), "
          "c INTEGER CHECK (c > 0), UNIQUE (a, b), FOREIGN KEY (p) REFERENCES parent (id))";
  *sql << "INSERT INTO probe (id, a, b) VALUES ('1', 'x', 'y')";

  bool thrown = false;
  try {
    *sql << c.statement;
  } catch (const soci::soci_error& e) {
    thrown = true;
    BOOST_TEST((*dialect)->is_unique_violation(e) == c.unique, e.get_error_message());
  }
  BOOST_TEST(thrown);
}
