#define BOOST_TEST_MODULE adapters_sqlite_store
// What only the embedded SQLite store does: its file, WAL, the checks of
// its path; and the configurations every backend refuses before connecting.
// Everything else about ports::Store runs on every backend in store_test.
#include "kestra/adapters/store_factory.hpp"

#include "dialect_factory.hpp"
#include "errors.hpp"
#include "migrations.hpp"
#include "pooled_session.hpp"
#include "temp_dir.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>

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

// --- the statement timeout (kestra.scim.datasource.statement-timeout) -------
//
// SQLite has no server to cancel a statement: the dialect interrupts any
// statement still running past the timeout (a progress handler), as
// PostgreSQL's statement_timeout and MariaDB's max_statement_time do, with
// the same error kind (Unavailable: 503 with Retry-After), and the write
// transaction it ran in is rolled back, so its lock is free at once.

namespace {

// Sessions of the store's dialect on a fresh file, borrowed as the store
// borrows them, with a scratch table.
struct TimedPool {
  kestra::test::TempDir dir;
  std::unique_ptr<adapters::Dialect> dialect;
  std::unique_ptr<adapters::SessionPool> pool;

  explicit TimedPool(int statement_timeout_ms) {
    StoreConfig c;
    c.sqlite_path = (dir.path() / "timeout.db").string();
    c.pool_size = 2;
    c.busy_timeout_ms = 2000;
    c.statement_timeout_ms = statement_timeout_ms;
    auto made = adapters::make_dialect(c);
    BOOST_TEST_REQUIRE(made.has_value(), (made ? "" : made.error().detail));
    dialect = std::move(*made);
    auto sessions = std::make_unique<soci::connection_pool>(2);
    for (std::size_t i = 0; i < 2; ++i) {
      sessions->at(i).open(dialect->connection());
      dialect->prepare_session(sessions->at(i));
    }
    sessions->at(0) << "CREATE TABLE scratch (n INTEGER NOT NULL)";
    pool = std::make_unique<adapters::SessionPool>(*dialect, std::move(sessions), 2000, std::chrono::milliseconds(0));
  }

  adapters::PooledSession borrow() {
    auto session = pool->borrow();
    BOOST_TEST_REQUIRE(session.has_value());
    return std::move(*session);
  }
};

// Counts to `n` the slow way: about 10^8 rows take SQLite seconds.
std::string count_to(long long n) {
  return "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < " + std::to_string(n) +
         ") SELECT COUNT(*) FROM c";
}

struct SlowCase {
  const char* name;
  bool writes;  // the slow statement is an INSERT … SELECT, else a SELECT
};
std::ostream& operator<<(std::ostream& out, const SlowCase& c) { return out << c.name; }
const SlowCase kSlowCases[] = {{"select_in_write_transaction", false}, {"insert_select", true}};

}  // namespace

BOOST_DATA_TEST_CASE(a_statement_past_the_timeout_is_interrupted_and_its_lock_released, data::make(kSlowCases), c) {
  TimedPool timed(200);
  auto first = timed.borrow();
  const auto slow = adapters::guarded(*timed.dialect, "slow statement", [&] {
    soci::session& sql = *first;
    adapters::WriteTransaction transaction(sql, *timed.dialect);
    sql << "INSERT INTO scratch (n) VALUES (1)";
    if (c.writes) {
      sql << "INSERT INTO scratch (n) " + count_to(100'000'000);
    } else {
      long long counted = 0;
      sql << count_to(100'000'000), soci::into(counted);
    }
    transaction.commit();
  });
  BOOST_TEST_REQUIRE(!slow.has_value(), "the slow statement ran to its end");
  BOOST_TEST(slow.error().kind == ErrorKind::Unavailable, slow.error().detail);
  BOOST_TEST(slow.error().detail.find("interrupt") != std::string::npos, slow.error().detail);

  // The first session is still borrowed; another writes at once, well
  // within its 2 s busy timeout: nothing holds the write lock.
  auto second = timed.borrow();
  const auto wrote = adapters::guarded(*timed.dialect, "second writer", [&] {
    adapters::WriteTransaction transaction(*second, *timed.dialect);
    *second << "INSERT INTO scratch (n) VALUES (2)";
    transaction.commit();
  });
  BOOST_TEST_REQUIRE(wrote.has_value(), (wrote ? "" : wrote.error().detail));
  long long rows = -1;
  *second << "SELECT COUNT(*) FROM scratch", soci::into(rows);
  BOOST_TEST(rows == 1);  // the interrupted transaction's row is gone

  // The interrupted session runs its next statements normally.
  long long one = 0;
  *first << "SELECT 1", soci::into(one);
  BOOST_TEST(one == 1);
}

BOOST_AUTO_TEST_CASE(the_timeout_bounds_each_statement_not_the_session) {
  TimedPool timed(300);
  auto session = timed.borrow();
  soci::session& sql = *session;
  adapters::WriteTransaction transaction(sql, *timed.dialect);
  // Short statements spread over more than the timeout each get their own.
  for (int i = 0; i < 4; ++i) {
    sql << "INSERT INTO scratch (n) VALUES (:n)", soci::use(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  long long counted = 0;
  sql << count_to(1000), soci::into(counted);
  BOOST_TEST(counted == 1000);
  transaction.commit();
}

BOOST_AUTO_TEST_CASE(no_timeout_when_the_statement_timeout_is_zero) {
  TimedPool timed(0);
  auto session = timed.borrow();
  long long counted = 0;
  *session << count_to(2'000'000), soci::into(counted);
  BOOST_TEST(counted == 2'000'000);
}
