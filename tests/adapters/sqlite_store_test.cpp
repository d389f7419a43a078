#define BOOST_TEST_MODULE adapters_sqlite_store
// What only the embedded SQLite store does: its file, WAL, the checks of
// its path; and the configurations every backend refuses before connecting.
// Everything else about ports::Store runs on every backend in store_test.
#include "kestra/adapters/store_factory.hpp"

#include "migrations.hpp"
#include "temp_dir.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

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

int count(soci::session& sql, const std::string& query) {
  int n = -1;
  sql << query, soci::into(n);
  return n;
}

int newest_migration() {
  const auto migrations = adapters::embedded_migrations("sqlite");
  BOOST_TEST_REQUIRE(migrations.has_value());
  return migrations->back().version;
}

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

// Without statistics SQLite would walk a whole tenant to find one userName.
BOOST_AUTO_TEST_CASE(initial_migration_seeds_planner_statistics) {
  StoreDir d;
  auto store = d.open();
  auto sql = raw_session(d.file);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'scim_users'") >= 2);
  BOOST_TEST(count(*sql, "SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = 'scim_group_members_member'") == 1);
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
    {"statement timeout negative", [](StoreConfig& c) { c.statement_timeout_ms = -1; }, ErrorKind::InvalidInput},
    {"postgresql without a server", [](StoreConfig& c) { c.backend = "postgresql"; }, ErrorKind::InvalidInput},
    {"mysql without a server", [](StoreConfig& c) { c.backend = "mysql"; }, ErrorKind::InvalidInput},
    {"postgresql option unknown",
     [](StoreConfig& c) {
       c.backend = "postgresql";
       c.host = "db";
       c.options = {{"sslfactory", "x"}};
     },
     ErrorKind::InvalidInput},
    {"postgresql with both a connection string and a host",
     [](StoreConfig& c) {
       c.backend = "postgresql";
       c.host = "db";
       c.connection = "host=db";
     },
     ErrorKind::InvalidInput},
    {"postgresql connection string malformed",
     [](StoreConfig& c) {
       c.backend = "postgresql";
       c.connection = "host='db";
     },
     ErrorKind::InvalidInput},
    {"mysql with a schema",
     [](StoreConfig& c) {
       c.backend = "mysql";
       c.host = "db";
       c.database = "kestra";
       c.schema = "s";
     },
     ErrorKind::InvalidInput},
    {"mysql without a database",
     [](StoreConfig& c) {
       c.backend = "mysql";
       c.host = "db";
     },
     ErrorKind::InvalidInput},
    {"mysql charset other than utf8mb4",
     [](StoreConfig& c) {
       c.backend = "mysql";
       c.connection = "host=db db=kestra charset=latin1";
     },
     ErrorKind::InvalidInput},
    {"mysql key twice",
     [](StoreConfig& c) {
       c.backend = "mysql";
       c.connection = "host=db db=kestra host=other";
     },
     ErrorKind::InvalidInput},
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
