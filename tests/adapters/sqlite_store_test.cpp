#define BOOST_TEST_MODULE adapters_sqlite_store
#include "kestra/adapters/store_factory.hpp"

#include "migrations.hpp"
#include "sqlite_dialect.hpp"
#include "temp_dir.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace data = boost::unit_test::data;
namespace fs = std::filesystem;
namespace adapters = kestra::adapters;
namespace ports = kestra::ports;
using kestra::ErrorKind;
using kestra::adapters::open_store;
using kestra::ports::StoreConfig;

namespace kestra {
std::ostream& operator<<(std::ostream& out, ErrorKind kind) { return out << static_cast<int>(kind); }
}  // namespace kestra

namespace {

// A store configuration whose database lives in a directory not created yet.
struct StoreDir {
  kestra::test::TempDir dir;
  fs::path file = dir.path() / "nested" / "data" / "scim.db";
  StoreConfig config = [this] {
    StoreConfig c;
    c.sqlite_path = file.string();
    c.pool_size = 4;
    c.busy_timeout_ms = 10000;
    return c;
  }();

  std::unique_ptr<ports::Store> open() const {
    auto store = open_store(config);
    BOOST_TEST_REQUIRE(store.has_value(), (store ? "" : store.error().detail));
    return std::move(*store);
  }
};

// A plain session on the file, beside the store, to look at what it wrote.
std::unique_ptr<soci::session> raw_session(const fs::path& file) {
  return std::make_unique<soci::session>(*soci::factory_sqlite3(), "db=\"" + file.string() + "\" timeout=10");
}

int count(soci::session& sql, const std::string& query, const std::string& key) {
  int n = -1;
  sql << query, soci::into(n), soci::use(key);
  return n;
}

int count(soci::session& sql, const std::string& query) {
  int n = -1;
  sql << query, soci::into(n);
  return n;
}

bool table_exists(soci::session& sql, const std::string& table) {
  return count(sql, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :name", table) == 1;
}

int newest_migration() {
  const auto migrations = adapters::embedded_migrations("sqlite");
  BOOST_TEST_REQUIRE(migrations.has_value());
  return migrations->back().version;
}

const char* const kInitialTables[] = {
    "scim_tenants",       "scim_roles",        "scim_service_accounts", "scim_api_tokens", "scim_bindings",
    "scim_integrations",  "scim_users",        "scim_user_values",      "scim_tenant_users",
    "scim_external_ids",  "scim_groups",       "scim_group_members",    "scim_audit",
};

}  // namespace

BOOST_AUTO_TEST_CASE(open_creates_the_file_and_applies_the_migrations) {
  StoreDir d;
  BOOST_TEST_REQUIRE(!fs::exists(d.file));
  auto store = d.open();
  BOOST_TEST(fs::exists(d.file));
  BOOST_TEST(store->schema_version() == newest_migration());
  BOOST_TEST(store->schema_version() >= 1);

  auto sql = raw_session(d.file);
  std::string name;
  std::string applied_at;
  *sql << "SELECT name, applied_at FROM scim_schema_version WHERE version = 1", soci::into(name), soci::into(applied_at);
  BOOST_TEST(name == "initial");
  BOOST_TEST(applied_at.size() == std::string("2026-11-29T03:55:51.123Z").size());
  BOOST_TEST(applied_at.back() == 'Z');

  std::string journal_mode;
  *sql << "PRAGMA journal_mode", soci::into(journal_mode);
  BOOST_TEST(journal_mode == "wal");
}

BOOST_DATA_TEST_CASE(initial_migration_creates_table, data::make(kInitialTables), table) {
  StoreDir d;
  auto store = d.open();
  auto sql = raw_session(d.file);
  BOOST_TEST(table_exists(*sql, table));
}

BOOST_AUTO_TEST_CASE(opening_twice_applies_nothing_more) {
  StoreDir d;
  std::string first_applied_at;
  {
    auto store = d.open();
    BOOST_TEST(store->ensure_tenant("acme").value() == true);
    auto sql = raw_session(d.file);
    *sql << "SELECT applied_at FROM scim_schema_version WHERE version = 1", soci::into(first_applied_at);
  }
  auto store = d.open();
  BOOST_TEST(store->schema_version() == newest_migration());
  BOOST_TEST(store->ensure_tenant("acme").value() == false);

  auto sql = raw_session(d.file);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_schema_version") == newest_migration());
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_schema_version WHERE version = 1") == 1);
  std::string second_applied_at;
  *sql << "SELECT applied_at FROM scim_schema_version WHERE version = 1", soci::into(second_applied_at);
  BOOST_TEST(second_applied_at == first_applied_at);
}

BOOST_DATA_TEST_CASE(newer_database_is_refused, data::make({1, 6, 999}), versions_ahead) {
  StoreDir d;
  fs::create_directories(d.file.parent_path());
  const int version = newest_migration() + versions_ahead;
  {
    auto sql = raw_session(d.file);
    *sql << "CREATE TABLE scim_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
    *sql << "INSERT INTO scim_schema_version VALUES (:v, 'future', '2030-01-01T00:00:00.000Z')", soci::use(version);
  }

  const auto store = open_store(d.config);
  BOOST_TEST_REQUIRE(store.has_error());
  BOOST_TEST(store.error().kind == ErrorKind::Internal);
  BOOST_TEST(store.error().detail == "database schema version " + std::to_string(version) +
                                         " is newer than this module supports (" +
                                         std::to_string(newest_migration()) +
                                         "); upgrade the module or point it at another database");
  auto sql = raw_session(d.file);
  BOOST_TEST(!table_exists(*sql, "scim_tenants"));
}

BOOST_AUTO_TEST_CASE(failed_migration_leaves_nothing_behind) {
  StoreDir d;
  d.open();
  auto dialect = adapters::make_sqlite_dialect(d.config);
  BOOST_TEST_REQUIRE(dialect.has_value());
  auto migrations = adapters::embedded_migrations("sqlite").value();
  const int newest = migrations.back().version;
  soci::session sql((*dialect)->connection());
  (*dialect)->prepare_session(sql);

  migrations.push_back({newest + 1, "broken", "test/broken.sql",
                        "CREATE TABLE scim_probe (x INTEGER);\nINSERT INTO scim_missing VALUES (1);"});
  const auto failed = adapters::migrate(sql, **dialect, migrations);
  BOOST_TEST_REQUIRE(failed.has_error());
  BOOST_TEST(failed.error().detail.find("migration test/broken.sql, statement 2: ") == 0u, failed.error().detail);
  BOOST_TEST(adapters::applied_schema_version(sql) == newest);
  BOOST_TEST(!table_exists(sql, "scim_probe"));

  migrations.back() = {newest + 1, "probe", "test/probe.sql", "CREATE TABLE scim_probe (x INTEGER);"};
  const auto applied = adapters::migrate(sql, **dialect, migrations);
  BOOST_TEST_REQUIRE(applied.has_value(), (applied ? "" : applied.error().detail));
  BOOST_TEST(*applied == newest + 1);
  BOOST_TEST(table_exists(sql, "scim_probe"));
  BOOST_TEST(count(sql, "SELECT COUNT(*) FROM scim_schema_version WHERE name = :n", "probe") == 1);
}

namespace {
const char* const kTenantIds[] = {
    "acme",
    "o'brien",
    "x'); DROP TABLE scim_tenants; --",
    "t\xC3\xA9nant-\xE2\x9C\x93",
    "a-tenant-id-of-sixty-four-characters-0123456789abcdef0123456789a",
};
}  // namespace

BOOST_DATA_TEST_CASE(ensure_tenant_is_new_once, data::make(kTenantIds), tenant) {
  StoreDir d;
  auto store = d.open();
  const auto first = store->ensure_tenant(tenant);
  BOOST_TEST_REQUIRE(first.has_value(), (first ? "" : first.error().detail));
  BOOST_TEST(*first == true);
  const auto second = store->ensure_tenant(tenant);
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(*second == false);

  auto sql = raw_session(d.file);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_tenants WHERE id = :id", tenant) == 1);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_tenants") == 1);
}

BOOST_AUTO_TEST_CASE(empty_tenant_is_rejected) {
  StoreDir d;
  auto store = d.open();
  BOOST_TEST(store->ensure_tenant("").error().kind == ErrorKind::InvalidInput);
  BOOST_TEST(store->remove_tenant("").error().kind == ErrorKind::InvalidInput);
}

namespace {

// Puts one row in every table the module writes, all owned by `tenant`.
void seed_tenant(soci::session& sql, const std::string& t) {
  const char* const statements[] = {
      "INSERT INTO scim_roles (id, tenant_id, name, name_key, permissions, created_at, updated_at) "
      "VALUES (:t || '/role', :t, 'SCIMProvisioner', 'scimprovisioner', '{}', 'now', 'now')",
      "INSERT INTO scim_service_accounts (id, tenant_id, name, created_at) VALUES (:t || '/sa', :t, 'scim', 'now')",
      "INSERT INTO scim_api_tokens (id, service_account_id, lookup_prefix, secret_hash, created_at) "
      "VALUES (:t || '/token', :t || '/sa', :t || '/prefix', 'hash', 'now')",
      "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, created_at) "
      "VALUES (:t || '/binding', :t, :t || '/role', 'SERVICE_ACCOUNT', :t || '/sa', 'SYSTEM', 'now')",
      "INSERT INTO scim_integrations (id, tenant_id, name, type, enabled, service_account_id, created_at, updated_at) "
      "VALUES (:t || '/integration', :t, 'okta', 'SCIM', 1, :t || '/sa', 'now', 'now')",
      "INSERT INTO scim_users (id, user_name, user_name_key, resource, created_at, updated_at, version) "
      "VALUES (:t || '/user', :t || '-user', :t || '-user', '{}', 'now', 'now', 1)",
      "INSERT INTO scim_user_values (user_id, attribute, position, value, value_key) "
      "VALUES (:t || '/user', 'emails', 0, 'a@example.com', 'a@example.com')",
      "INSERT INTO scim_tenant_users (tenant_id, user_id, active, created_at, updated_at, version) "
      "VALUES (:t, :t || '/user', 1, 'now', 'now', 1)",
      "INSERT INTO scim_external_ids (integration_id, resource_type, resource_id, external_id) "
      "VALUES (:t || '/integration', 'User', :t || '/user', 'okta-1')",
      "INSERT INTO scim_groups (id, tenant_id, display_name, display_name_key, resource, created_at, updated_at, version) "
      "VALUES (:t || '/group', :t, 'Admins', 'admins', '{}', 'now', 'now', 1)",
      "INSERT INTO scim_group_members (group_id, member_id, member_type, tenant_id, created_at) "
      "VALUES (:t || '/group', :t || '/user', 'User', :t, 'now')",
      "INSERT INTO scim_audit (tenant_id, actor_type, actor_id, action, target_type, target_id, outcome, created_at) "
      "VALUES (:t, 'SYSTEM', 'module', 'bootstrap', 'Tenant', :t, 'SUCCESS', 'now')",
  };
  for (const char* statement : statements) sql << statement, soci::use(t, "t");
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
    {"scim_users", "id", "/user", 1},  // users are global
    {"scim_user_values", "user_id", "/user", 1},
};

int rows_of(soci::session& sql, const TableCheck& check, const std::string& tenant) {
  return count(sql, std::string("SELECT COUNT(*) FROM ") + check.table + " WHERE " + check.key_column + " = :k",
               tenant + check.key_suffix);
}

}  // namespace

BOOST_DATA_TEST_CASE(remove_tenant_removes_its_rows, data::make(kTableChecks), check) {
  StoreDir d;
  auto store = d.open();
  for (const std::string tenant : {"acme", "globex"}) {
    BOOST_TEST_REQUIRE(store->ensure_tenant(tenant).value());
    auto sql = raw_session(d.file);
    seed_tenant(*sql, tenant);
  }
  auto sql = raw_session(d.file);
  BOOST_TEST_REQUIRE(rows_of(*sql, check, "acme") == 1);

  const auto removed = store->remove_tenant("acme");
  BOOST_TEST_REQUIRE(removed.has_value(), (removed ? "" : removed.error().detail));
  BOOST_TEST(rows_of(*sql, check, "acme") == check.rows_after_removal);
  BOOST_TEST(rows_of(*sql, check, "globex") == 1);
}

BOOST_AUTO_TEST_CASE(removed_tenant_can_come_back) {
  StoreDir d;
  auto store = d.open();
  BOOST_TEST(store->remove_tenant("never-seen").has_value());
  BOOST_TEST(store->ensure_tenant("acme").value() == true);
  BOOST_TEST(store->remove_tenant("acme").has_value());
  BOOST_TEST(store->ensure_tenant("acme").value() == true);
}

BOOST_DATA_TEST_CASE(concurrent_ensure_tenant_never_sees_a_locked_database, data::make({1, 4, 8}), pool_size) {
  constexpr int kThreads = 8;
  constexpr int kTenants = 40;
  StoreDir d;
  d.config.pool_size = pool_size;
  auto store = d.open();

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
  auto sql = raw_session(d.file);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM scim_tenants") == kTenants);
}

namespace {

struct BadConfig {
  const char* name;
  std::function<void(StoreConfig&)> change;
  ErrorKind kind;
};
std::ostream& operator<<(std::ostream& out, const BadConfig& c) { return out << c.name; }

const BadConfig kBadConfigs[] = {
    {"pool_size 0", [](StoreConfig& c) { c.pool_size = 0; }, ErrorKind::InvalidInput},
    {"pool_size negative", [](StoreConfig& c) { c.pool_size = -3; }, ErrorKind::InvalidInput},
    {"pool_size huge", [](StoreConfig& c) { c.pool_size = 100000; }, ErrorKind::InvalidInput},
    {"busy timeout negative", [](StoreConfig& c) { c.busy_timeout_ms = -1; }, ErrorKind::InvalidInput},
    {"unknown backend", [](StoreConfig& c) { c.backend = "oracle"; }, ErrorKind::InvalidInput},
    {"postgresql not built yet", [](StoreConfig& c) { c.backend = "postgresql"; }, ErrorKind::NotImplemented},
    {"mysql not built yet", [](StoreConfig& c) { c.backend = "mysql"; }, ErrorKind::NotImplemented},
    {"empty path", [](StoreConfig& c) { c.sqlite_path.clear(); }, ErrorKind::InvalidInput},
    {"in-memory database", [](StoreConfig& c) { c.sqlite_path = ":memory:"; }, ErrorKind::InvalidInput},
    {"double quote in path", [](StoreConfig& c) { c.sqlite_path += "\"x"; }, ErrorKind::InvalidInput},
};

}  // namespace

BOOST_DATA_TEST_CASE(bad_configuration_is_refused, data::make(kBadConfigs), bad) {
  StoreDir d;
  bad.change(d.config);
  const auto store = open_store(d.config);
  BOOST_TEST_REQUIRE(store.has_error());
  BOOST_TEST(store.error().kind == bad.kind, store.error().detail);
  BOOST_TEST(!store.error().detail.empty());
  BOOST_TEST(!fs::exists(d.dir.path() / "nested"));
}

BOOST_AUTO_TEST_CASE(unreachable_directory_is_unavailable) {
  StoreDir d;
  std::ofstream(d.dir.path() / "nested") << "a file where a directory should be";
  const auto store = open_store(d.config);
  BOOST_TEST_REQUIRE(store.has_error());
  BOOST_TEST(store.error().kind == ErrorKind::Unavailable, store.error().detail);
  BOOST_TEST(store.error().detail.find("cannot create directory") == 0u, store.error().detail);
}

BOOST_AUTO_TEST_CASE(file_that_is_not_a_database_is_unavailable) {
  StoreDir d;
  fs::create_directories(d.file.parent_path());
  std::ofstream(d.file) << std::string(4096, 'x');
  const auto store = open_store(d.config);
  BOOST_TEST_REQUIRE(store.has_error());
  BOOST_TEST(store.error().kind == ErrorKind::Unavailable, store.error().detail);
  BOOST_TEST(store.error().detail.find("cannot open SQLite database " + d.file.string() + ": ") == 0u,
             store.error().detail);
}
