#define BOOST_TEST_MODULE adapters_store
// ports::Store on every backend: opening, migrations (also by several hosts
// at once), tenants, and recovery from a lost connection.
#include "kestra/adapters/store_factory.hpp"

#include "backend.hpp"
#include "dialect_factory.hpp"
#include "migrations.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace data = boost::unit_test::data;
namespace adapters = kestra::adapters;
namespace ports = kestra::ports;
using kestra::ErrorKind;
using kestra::adapters::open_store;
using namespace kestra::test;

namespace kestra {
std::ostream& operator<<(std::ostream& out, ErrorKind kind) { return out << static_cast<int>(kind); }
}  // namespace kestra

BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

namespace {

std::unique_ptr<ports::Store> must_open(const ports::StoreConfig& config) {
  auto store = open_store(config);
  BOOST_TEST_REQUIRE(store.has_value(), (store ? "" : store.error().detail));
  return std::move(*store);
}

long long count(soci::session& sql, const std::string& query, const std::string& key) {
  long long n = -1;
  sql << query, soci::into(n), soci::use(key);
  return n;
}

long long count(soci::session& sql, const std::string& query) {
  long long n = -1;
  sql << query, soci::into(n);
  return n;
}

bool table_exists(soci::session& sql, const std::string& table) {
  switch (current_backend()) {
    case Backend::Sqlite:
      return count(sql, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :name", table) == 1;
    case Backend::Postgres:
      return count(sql,
                   "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                   "AND table_name = :name",
                   table) == 1;
    case Backend::Mysql:
      return count(sql,
                   "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                   "AND table_name = :name",
                   table) == 1;
  }
  return false;
}

// Dialect names are the backend names: sqlite, postgres, mysql.
int newest_migration() {
  const auto migrations = adapters::embedded_migrations(backend_name(current_backend()));
  BOOST_TEST_REQUIRE(migrations.has_value());
  return migrations->back().version;
}

// Every table of the newest schema.
const char* const kTables[] = {
    "scim_tenants",       "scim_roles",        "scim_service_accounts", "scim_api_tokens", "scim_bindings",
    "scim_integrations",  "scim_users",        "scim_user_values",      "scim_tenant_users",
    "scim_external_ids",  "scim_groups",       "scim_group_members",    "scim_audit",
    "scim_role_allow_lists",  // 0002_role_assignment
    "scim_domain_claims",     // 0003_domain_claims
};

// Transactional DDL: a failed migration is rolled back whole.
struct not_on_mysql {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result result(current_backend() != Backend::Mysql);
    result.message() << "MySQL commits DDL at once";
    return result;
  }
};

struct only_sqlite {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result result(current_backend() == Backend::Sqlite);
    result.message() << "SQLite's journal mode";
    return result;
  }
};

struct on_a_server {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result result(current_backend() != Backend::Sqlite);
    result.message() << "needs a database server";
    return result;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(open_applies_the_migrations) {
  TestDatabase db;
  auto store = must_open(db.config());
  BOOST_TEST(store->schema_version() == newest_migration());
  BOOST_TEST(store->schema_version() >= 1);

  auto sql = db.session();
  std::string name;
  std::string applied_at;
  *sql << "SELECT name, applied_at FROM scim_schema_version WHERE version = 1", soci::into(name), soci::into(applied_at);
  BOOST_TEST(name == "initial");
  BOOST_TEST(applied_at.size() == std::string("2026-11-29T03:55:51.123Z").size());
  BOOST_TEST(applied_at.back() == 'Z');
}

BOOST_DATA_TEST_CASE(migrations_create_table, data::make(kTables), table) {
  TestDatabase db;
  auto store = must_open(db.config());
  auto sql = db.session();
  BOOST_TEST(table_exists(*sql, table));
}

BOOST_AUTO_TEST_CASE(opening_twice_applies_nothing_more) {
  TestDatabase db;
  std::string first_applied_at;
  {
    auto store = must_open(db.config());
    BOOST_TEST(store->ensure_tenant("acme").value() == true);
    auto sql = db.session();
    *sql << "SELECT applied_at FROM scim_schema_version WHERE version = 1", soci::into(first_applied_at);
  }
  auto store = must_open(db.config());
  BOOST_TEST(store->schema_version() == newest_migration());
  BOOST_TEST(store->ensure_tenant("acme").value() == false);

  auto sql = db.session();
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_schema_version") == newest_migration());
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_schema_version WHERE version = 1") == 1);
  std::string second_applied_at;
  *sql << "SELECT applied_at FROM scim_schema_version WHERE version = 1", soci::into(second_applied_at);
  BOOST_TEST(second_applied_at == first_applied_at);
}

// Several hosts starting at once against one database: the migration lock
// lets one migrate; the others wait, then find the schema current.
BOOST_AUTO_TEST_CASE(hosts_starting_together_migrate_once) {
  constexpr int kHosts = 6;
  TestDatabase db;
  std::latch start(kHosts);
  std::mutex mutex;
  std::vector<std::string> errors;
  std::vector<int> versions;
  std::vector<std::thread> threads;
  for (int i = 0; i < kHosts; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto store = open_store(db.config(2));
      const std::lock_guard lock(mutex);
      if (store) {
        versions.push_back((*store)->schema_version());
      } else {
        errors.push_back(store.error().detail);
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(errors.empty(), (errors.empty() ? "" : errors.front()));
  for (int version : versions) BOOST_TEST(version == newest_migration());
  auto sql = db.session();
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_schema_version") == newest_migration());
  for (const char* table : kTables) BOOST_TEST(table_exists(*sql, table), table);
}

// The first host to open a new SQLite file switches it to WAL, which needs
// the file alone; while another connection is about to write it (two hosts
// switching at once), SQLite answers "locked" at once rather than wait (it
// would deadlock).  Opening retries within its busy timeout, as for any lock.
BOOST_AUTO_TEST_CASE(opening_a_new_file_waits_for_a_writer, *boost::unit_test::precondition(only_sqlite())) {
  TestDatabase db;
  // A bare connection: the file keeps SQLite's default rollback journal.
  auto writer = std::make_unique<soci::session>(*soci::factory_sqlite3(), "db=\"" + db.file().string() + "\"");
  *writer << "CREATE TABLE first_writer (id INTEGER)";
  *writer << "BEGIN IMMEDIATE";
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    *writer << "COMMIT";
  });
  auto store = open_store(db.config(1));
  release.join();
  BOOST_TEST(store.has_value(), (store ? "" : store.error().detail));
}

BOOST_DATA_TEST_CASE(newer_database_is_refused, data::make({1, 6, 999}), versions_ahead) {
  TestDatabase db;
  const int version = newest_migration() + versions_ahead;
  {
    const auto dialect = adapters::make_dialect(db.config());
    BOOST_TEST_REQUIRE(dialect.has_value());
    auto sql = db.session();
    *sql << std::string((*dialect)->create_schema_version_table());
    *sql << "INSERT INTO scim_schema_version (version, name, applied_at) VALUES (:v, 'future', "
            "'2030-01-01T00:00:00.000Z')",
        soci::use(version);
  }

  const auto store = open_store(db.config());
  BOOST_TEST_REQUIRE(store.has_error());
  BOOST_TEST(store.error().kind == ErrorKind::Internal);
  BOOST_TEST(store.error().detail.find("database schema version " + std::to_string(version) +
                                       " is newer than this module supports (" +
                                       std::to_string(newest_migration()) +
                                       "); upgrade the module or point it at another database") != std::string::npos,
             store.error().detail);
  auto sql = db.session();
  BOOST_TEST(!table_exists(*sql, "scim_tenants"));
}

BOOST_AUTO_TEST_CASE(failed_migration_leaves_nothing_behind, *boost::unit_test::precondition(not_on_mysql())) {
  TestDatabase db;
  must_open(db.config());
  auto dialect = adapters::make_dialect(db.config());
  BOOST_TEST_REQUIRE(dialect.has_value());
  auto migrations = adapters::embedded_migrations((*dialect)->name()).value();
  const int newest = migrations.back().version;
  auto sql = db.session();

  migrations.push_back({newest + 1, "broken", "test/broken.sql",
                        "CREATE TABLE scim_probe (x INTEGER);\nINSERT INTO scim_missing VALUES (1);"});
  const auto failed = adapters::migrate(*sql, **dialect, migrations);
  BOOST_TEST_REQUIRE(failed.has_error());
  BOOST_TEST(failed.error().detail.find("migration test/broken.sql, statement 2: ") != std::string::npos,
             failed.error().detail);
  BOOST_TEST(adapters::applied_schema_version(*sql) == newest);
  BOOST_TEST(!table_exists(*sql, "scim_probe"));

  migrations.back() = {newest + 1, "probe", "test/probe.sql", "CREATE TABLE scim_probe (x INTEGER);"};
  const auto applied = adapters::migrate(*sql, **dialect, migrations);
  BOOST_TEST_REQUIRE(applied.has_value(), (applied ? "" : applied.error().detail));
  BOOST_TEST(*applied == newest + 1);
  BOOST_TEST(table_exists(*sql, "scim_probe"));
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_schema_version WHERE name = :n", "probe") == 1);
}

// 0003_domain_claims on a database of version 2 with users: each keeps
// every tenant's access, and is owned by the tenant given access first; a
// user no tenant had access to is owned by none.
BOOST_AUTO_TEST_CASE(migration_0003_gives_each_user_its_first_tenant_as_owner) {
  TestDatabase db;
  auto dialect = adapters::make_dialect(db.config());
  BOOST_TEST_REQUIRE(dialect.has_value());
  auto migrations = adapters::embedded_migrations((*dialect)->name()).value();
  std::erase_if(migrations, [](const adapters::Migration& m) { return m.version > 2; });
  auto sql = db.session();
  BOOST_TEST_REQUIRE(adapters::migrate(*sql, **dialect, migrations).value() == 2);
  for (const char* id : {"shared", "solo", "orphan"}) {
    const std::string key = id;
    *sql << "INSERT INTO scim_users (id, user_name, user_name_key, resource, created_at, updated_at, version) "
            "VALUES (:id, :name, :key, '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 1)",
        soci::use(key, "id"), soci::use(key, "name"), soci::use(key, "key");
  }
  const struct {
    const char* tenant;
    const char* user;
    const char* at;
  } access[] = {{"acme", "shared", "2026-02-01T00:00:00.000Z"},
                {"globex", "shared", "2026-01-15T00:00:00.000Z"},  // first
                {"acme", "solo", "2026-03-01T00:00:00.000Z"}};
  for (const auto& a : access) {
    const std::string tenant = a.tenant, user = a.user, at = a.at;
    *sql << "INSERT INTO scim_tenant_users (tenant_id, user_id, active, integration_id, created_at, updated_at, "
            "version) VALUES (:tenant, :user, 1, NULL, :at, :at2, 1)",
        soci::use(tenant, "tenant"), soci::use(user, "user"), soci::use(at, "at"), soci::use(at, "at2");
  }

  const auto store = must_open(db.config());
  BOOST_TEST(store->schema_version() == newest_migration());
  const auto owner = [&](const std::string& id) {
    soci::indicator ind = soci::i_null;
    std::string value;
    *sql << "SELECT owner_tenant_id FROM scim_users WHERE id = :id", soci::into(value, ind), soci::use(id, "id");
    return ind == soci::i_ok ? value : std::string("(none)");
  };
  BOOST_TEST(owner("shared") == "globex");
  BOOST_TEST(owner("solo") == "acme");
  BOOST_TEST(owner("orphan") == "(none)");
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_tenant_users WHERE user_id = :id", "shared") == 2);
  BOOST_TEST(table_exists(*sql, "scim_domain_claims"));
}

namespace {
const char* const kTenantIds[] = {
    "acme",
    "o'brien",
    "x'); DROP TABLE scim_tenants; --",
    "back\\slash",
    "t\xC3\xA9nant-\xE2\x9C\x93",
    "a-tenant-id-of-sixty-four-characters-0123456789abcdef0123456789a",
};
}  // namespace

BOOST_DATA_TEST_CASE(ensure_tenant_is_new_once, data::make(kTenantIds), tenant) {
  TestDatabase db;
  auto store = must_open(db.config());
  const auto first = store->ensure_tenant(tenant);
  BOOST_TEST_REQUIRE(first.has_value(), (first ? "" : first.error().detail));
  BOOST_TEST(*first == true);
  const auto second = store->ensure_tenant(tenant);
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(*second == false);

  auto sql = db.session();
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_tenants WHERE id = :id", tenant) == 1);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_tenants") == 1);
  std::string stored;
  *sql << "SELECT id FROM scim_tenants", soci::into(stored);
  BOOST_TEST(stored == tenant);
}

BOOST_AUTO_TEST_CASE(empty_tenant_is_rejected) {
  TestDatabase db;
  auto store = must_open(db.config());
  BOOST_TEST(store->ensure_tenant("").error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(store->remove_tenant("").error().kind == ErrorKind::InvalidInput);
}

namespace {

// Puts one row in every table the module writes, all owned by `tenant`.
void seed_tenant(soci::session& sql, const std::string& t) {
  const std::string role = t + "/role", sa = t + "/sa", token = t + "/token", prefix = t + "/prefix",
                    binding = t + "/binding", integration = t + "/integration", user = t + "/user",
                    user_name = t + "-user", group = t + "/group";
  sql << "INSERT INTO scim_roles (id, tenant_id, name, name_key, permissions, created_at, updated_at) "
         "VALUES (:role, :t, 'SCIMProvisioner', 'scimprovisioner', '{}', 'now', 'now')",
      soci::use(role, "role"), soci::use(t, "t");
  sql << "INSERT INTO scim_service_accounts (id, tenant_id, name, created_at) VALUES (:sa, :t, 'scim', 'now')",
      soci::use(sa, "sa"), soci::use(t, "t");
  sql << "INSERT INTO scim_api_tokens (id, service_account_id, lookup_prefix, secret_hash, created_at) "
         "VALUES (:token, :sa, :prefix, 'hash', 'now')",
      soci::use(token, "token"), soci::use(sa, "sa"), soci::use(prefix, "prefix");
  sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
         "VALUES (:binding, :t, :role, 'SERVICE_ACCOUNT', :sa, 'SYSTEM', 'now')",
      soci::use(binding, "binding"), soci::use(t, "t"), soci::use(role, "role"), soci::use(sa, "sa");
  sql << "INSERT INTO scim_integrations (id, tenant_id, name, type, enabled, service_account_id, created_at, "
         "updated_at) VALUES (:integration, :t, 'okta', 'SCIM', 1, :sa, 'now', 'now')",
      soci::use(integration, "integration"), soci::use(t, "t"), soci::use(sa, "sa");
  sql << "INSERT INTO scim_users (id, user_name, user_name_key, resource, created_at, updated_at, version) "
         "VALUES (:user, :name, :key, '{}', 'now', 'now', 1)",
      soci::use(user, "user"), soci::use(user_name, "name"), soci::use(user_name, "key");
  sql << "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key) "
         "VALUES (:user, 'emails', 0, 'a@example.com', 'a@example.com')",
      soci::use(user, "user");
  sql << "INSERT INTO scim_tenant_users (tenant_id, user_id, active, created_at, updated_at, version) "
         "VALUES (:t, :user, 1, 'now', 'now', 1)",
      soci::use(t, "t"), soci::use(user, "user");
  sql << "INSERT INTO scim_external_ids (integration_id, resource_type, resource_id, external_id) "
         "VALUES (:integration, 'User', :user, 'okta-1')",
      soci::use(integration, "integration"), soci::use(user, "user");
  sql << "INSERT INTO scim_groups (id, tenant_id, display_name, display_name_key, resource, created_at, updated_at, "
         "version) VALUES (:grp, :t, 'Admins', 'admins', '{}', 'now', 'now', 1)",
      soci::use(group, "grp"), soci::use(t, "t");
  sql << "INSERT INTO scim_group_members (group_id, member_id, member_type, tenant_id, created_at) "
         "VALUES (:grp, :user, 'User', :t, 'now')",
      soci::use(group, "grp"), soci::use(user, "user"), soci::use(t, "t");
  sql << "INSERT INTO scim_audit (tenant_id, actor_type, actor_id, action, target_type, target_id, outcome, "
         "created_at) VALUES (:t, 'SYSTEM', 'module', 'bootstrap', 'Tenant', :target, 'SUCCESS', 'now')",
      soci::use(t, "t"), soci::use(t, "target");
  sql << "INSERT INTO scim_role_allow_lists (tenant_id, integration_id, role_ids, updated_at) "
         "VALUES (:t, :integration, '[]', 'now')",
      soci::use(t, "t"), soci::use(integration, "integration");
}

struct TableCheck {
  const char* table;
  const char* key_column;
  const char* key_suffix;     // appended to the tenant id
  int rows_after_removal;     // for the removed tenant; the other keeps 1
};
std::ostream& operator<<(std::ostream& out, const TableCheck& c) { return out << c.table; }

const TableCheck kTableChecks[] = {
    {"scim_tenants", "id", "", 0},
    {"scim_roles", "tenant_id", "", 0},
    {"scim_service_accounts", "tenant_id", "", 0},
    {"scim_api_tokens", "service_account_id", "/sa", 0},  // by cascade
    {"scim_bindings", "tenant_id", "", 0},
    {"scim_integrations", "tenant_id", "", 0},
    {"scim_tenant_users", "tenant_id", "", 0},
    {"scim_external_ids", "integration_id", "/integration", 0},
    {"scim_groups", "tenant_id", "", 0},
    {"scim_group_members", "group_id", "/group", 0},  // by cascade
    {"scim_audit", "tenant_id", "", 0},
    {"scim_role_allow_lists", "tenant_id", "", 0},
    {"scim_users", "id", "/user", 1},  // users are global
    {"scim_user_values", "user_id", "/user", 1},
};

long long rows_of(soci::session& sql, const TableCheck& check, const std::string& tenant) {
  return count(sql, std::string("SELECT COUNT(*) FROM ") + check.table + " WHERE " + check.key_column + " = :k",
               tenant + check.key_suffix);
}

}  // namespace

BOOST_DATA_TEST_CASE(remove_tenant_removes_its_rows, data::make(kTableChecks), check) {
  TestDatabase db;
  auto store = must_open(db.config());
  auto sql = db.session();
  for (const std::string tenant : {"acme", "globex"}) {
    BOOST_TEST_REQUIRE(store->ensure_tenant(tenant).value());
    seed_tenant(*sql, tenant);
  }
  BOOST_TEST_REQUIRE(rows_of(*sql, check, "acme") == 1);

  const auto removed = store->remove_tenant("acme");
  BOOST_TEST_REQUIRE(removed.has_value(), (removed ? "" : removed.error().detail));
  BOOST_TEST(rows_of(*sql, check, "acme") == check.rows_after_removal);
  BOOST_TEST(rows_of(*sql, check, "globex") == 1);
}

// A removed tenant's users pass to the tenant given access first among
// those left; its claims go.
BOOST_AUTO_TEST_CASE(remove_tenant_passes_its_users_on_and_drops_its_claims) {
  TestDatabase db;
  auto store = must_open(db.config());
  auto sql = db.session();
  for (const std::string tenant : {"acme", "globex", "initech"}) BOOST_TEST_REQUIRE(store->ensure_tenant(tenant).value());
  *sql << "INSERT INTO scim_users (id, user_name, user_name_key, resource, owner_tenant_id, created_at, updated_at, "
          "version) VALUES ('u1', 'u1', 'u1', '{}', 'acme', 'now', 'now', 1)";
  *sql << "INSERT INTO scim_users (id, user_name, user_name_key, resource, owner_tenant_id, created_at, updated_at, "
          "version) VALUES ('u2', 'u2', 'u2', '{}', 'acme', 'now', 'now', 1)";
  *sql << "INSERT INTO scim_tenant_users (tenant_id, user_id, active, created_at, updated_at, version) VALUES "
          "('acme', 'u1', 1, '2026-01-01', 'now', 1), ('initech', 'u1', 1, '2026-03-01', 'now', 1), "
          "('globex', 'u1', 1, '2026-02-01', 'now', 1), ('acme', 'u2', 1, '2026-01-01', 'now', 1)";
  *sql << "INSERT INTO scim_domain_claims (domain, tenant_id, source, created_at) VALUES "
          "('acme.example', 'acme', 'ADMIN', 'now'), ('acme.example', 'globex', 'ADMIN', 'now')";
  BOOST_TEST_REQUIRE(store->remove_tenant("acme").has_value());
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_users WHERE id = 'u1' AND owner_tenant_id = :t", "globex") == 1);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_users WHERE id = 'u2' AND owner_tenant_id IS NULL") == 1);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_domain_claims WHERE tenant_id = :t", "acme") == 0);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_domain_claims WHERE tenant_id = :t", "globex") == 1);
}

BOOST_AUTO_TEST_CASE(removed_tenant_can_come_back) {
  TestDatabase db;
  auto store = must_open(db.config());
  BOOST_TEST(store->remove_tenant("never-seen").has_value());
  BOOST_TEST(store->ensure_tenant("acme").value() == true);
  BOOST_TEST(store->remove_tenant("acme").has_value());
  BOOST_TEST(store->ensure_tenant("acme").value() == true);
}

BOOST_DATA_TEST_CASE(concurrent_ensure_tenant_never_fails, data::make({1, 4, 8}), pool_size) {
  constexpr int kThreads = 8;
  constexpr int kTenants = 40;
  TestDatabase db;
  auto store = must_open(db.config(pool_size));

  std::vector<std::atomic<int>> created(kTenants);
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < kTenants; ++i) {
        const auto result = store->ensure_tenant("tenant-" + std::to_string(i));
        if (result.has_value()) {
          created[i] += *result ? 1 : 0;
        } else {
          const std::lock_guard lock(errors_mutex);
          errors.push_back(result.error().detail);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  BOOST_TEST(errors.empty(), (errors.empty() ? "" : errors.front()));
  for (int i = 0; i < kTenants; ++i) BOOST_TEST(created[i].load() == 1, "tenant-" << i);
  auto sql = db.session();
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_tenants") == kTenants);
}

// --- server backends --------------------------------------------------------

BOOST_AUTO_TEST_CASE(unreachable_server_is_unavailable, *boost::unit_test::precondition(on_a_server())) {
  TestDatabase db;
  auto config = db.config(1);
  config.host = "127.0.0.1";
  config.port = "1";  // nothing listens there
  const auto store = open_store(config);
  BOOST_TEST_REQUIRE(store.has_error());
  BOOST_TEST(store.error().kind == ErrorKind::Unavailable, store.error().detail);
  BOOST_TEST(store.error().detail.find(db.config().password.empty() ? "\x01" : db.config().password) ==
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_password_is_unavailable_and_not_shown, *boost::unit_test::precondition(on_a_server())) {
  TestDatabase db;
  auto config = db.config(1);
  config.password = "not-the-password-0123";
  const auto store = open_store(config);
  BOOST_TEST_REQUIRE(store.has_error());
  BOOST_TEST(store.error().kind == ErrorKind::Unavailable, store.error().detail);
  BOOST_TEST(store.error().detail.find("not-the-password-0123") == std::string::npos, store.error().detail);
}

// The server ends the store's session (a restart, a failover, an idle
// timeout): the request then is Unavailable, the next one reconnects.
BOOST_AUTO_TEST_CASE(lost_connection_is_reopened_by_the_next_request,
                     *boost::unit_test::precondition(on_a_server())) {
  TestDatabase db;
  auto config = db.config(1);
  const std::string application = "kestra-scim-test-" + std::to_string(::getpid());
  if (current_backend() == Backend::Postgres) config.options.emplace_back("application_name", application);
  auto store = must_open(config);
  BOOST_TEST_REQUIRE(store->ensure_tenant("before").value());

  auto admin = db.session();
  if (current_backend() == Backend::Postgres) {
    long long ended = 0;
    *admin << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :a",
        soci::use(application), soci::into(ended);
    BOOST_TEST_REQUIRE(ended == 1);
  } else {
    std::vector<long long> ids;
    long long id = 0;
    soci::statement st = (admin->prepare << "SELECT id FROM information_schema.processlist "
                                            "WHERE db = DATABASE() AND id <> CONNECTION_ID()",
                          soci::into(id));
    st.execute();
    while (st.fetch()) ids.push_back(id);
    BOOST_TEST_REQUIRE(ids.size() == 1u);
    *admin << "KILL :id", soci::use(ids[0]);
  }

  const auto failed = store->ensure_tenant("during");
  if (failed.has_error()) BOOST_TEST(failed.error().kind == ErrorKind::Unavailable, failed.error().detail);
  const auto after = store->ensure_tenant("after");
  BOOST_TEST_REQUIRE(after.has_value(), (after ? "" : after.error().detail));
  BOOST_TEST(*after);
  BOOST_TEST(count(*admin, "SELECT COUNT(*) FROM scim_tenants WHERE id = :id", "after") == 1);
}

// kestra.scim.datasource.statement-timeout reaches the server: a statement
// running longer is ended, and the error is Unavailable (worth a retry).
BOOST_AUTO_TEST_CASE(statement_timeout_ends_a_long_statement, *boost::unit_test::precondition(on_a_server())) {
  TestDatabase db;
  auto config = db.config(1);
  config.statement_timeout_ms = 300;
  auto dialect = adapters::make_dialect(config);
  BOOST_TEST_REQUIRE(dialect.has_value());
  soci::session sql;
  sql.open((*dialect)->connection());
  (*dialect)->prepare_session(sql);

  const auto started = std::chrono::steady_clock::now();
  bool ended = false;
  try {
    std::string ignored;
    if (current_backend() == Backend::Postgres) {
      sql << "SELECT CAST(pg_sleep(5) AS TEXT)", soci::into(ignored);
    } else {
      // MySQL's max_execution_time applies to SELECT; MariaDB's to everything.
      sql << "SELECT CAST(SLEEP(5) AS CHAR)", soci::into(ignored);
    }
  } catch (const soci::soci_error& e) {
    ended = true;
    BOOST_TEST(((*dialect)->classify(e) == ErrorKind::Unavailable), e.get_error_message());
  }
  BOOST_TEST(ended);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  BOOST_TEST(elapsed.count() < 3000);
}
