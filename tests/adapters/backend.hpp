// The database an adapter test suite runs against, and a fresh empty one
// for each test.
//
// CTest registers each suite once per backend (adapters.<suite>.sqlite,
// .postgres, .mysql) with KESTRA_TEST_BACKEND set.  The servers come from
// tests/databases.sh: KESTRA_TEST_POSTGRES / KESTRA_TEST_MYSQL (SOCI
// connection strings of an account that may create schemas and databases),
// KESTRA_TEST_POSTGRES_JDBC / KESTRA_TEST_MYSQL_JDBC and
// KESTRA_TEST_DB_USER / KESTRA_TEST_DB_PASSWORD (what the store is given,
// through the module's own JDBC translation).
//
// A server that is not configured or not reachable fails the suite when
// KESTRA_TEST_REQUIRE_DATABASES=1 (CI); otherwise the suite exits with
// kSkipExitCode, which CTest reports as skipped, never as passed.
#pragma once

#include "dialect_factory.hpp"
#include "kestra/adapters/jdbc_url.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <soci/soci.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace kestra::test {

enum class Backend { Sqlite, Postgres, Mysql };

inline constexpr int kSkipExitCode = 77;

inline std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

inline Backend current_backend() {
  const std::string name = env("KESTRA_TEST_BACKEND");
  if (name.empty() || name == "sqlite") return Backend::Sqlite;
  if (name == "postgres") return Backend::Postgres;
  if (name == "mysql") return Backend::Mysql;
  throw std::runtime_error("KESTRA_TEST_BACKEND must be sqlite, postgres or mysql, not '" + name + "'");
}

inline const char* backend_name(Backend b) {
  switch (b) {
    case Backend::Sqlite: return "sqlite";
    case Backend::Postgres: return "postgres";
    case Backend::Mysql: return "mysql";
  }
  return "?";
}

inline bool on_sqlite() { return current_backend() == Backend::Sqlite; }

// Decorator of a test that only makes sense on some backends, e.g.
// `* boost::unit_test::precondition(only_on(Backend::Sqlite))`.
struct only_on {
  Backend backend;
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result result(current_backend() == backend);
    result.message() << "runs on " << backend_name(backend) << " only";
    return result;
  }
};

namespace detail {

// The server's settings from the environment; empty `admin` when unset.
struct Server {
  std::string admin;  // SOCI connection string
  std::string jdbc;
  const char* admin_variable;
};

inline Server server(Backend b) {
  if (b == Backend::Postgres) return {env("KESTRA_TEST_POSTGRES"), env("KESTRA_TEST_POSTGRES_JDBC"), "KESTRA_TEST_POSTGRES"};
  return {env("KESTRA_TEST_MYSQL"), env("KESTRA_TEST_MYSQL_JDBC"), "KESTRA_TEST_MYSQL"};
}

inline ports::StoreConfig admin_config(Backend b) {
  ports::StoreConfig c;
  c.backend = b == Backend::Postgres ? "postgresql" : "mysql";
  c.connection = server(b).admin;
  c.pool_size = 1;
  return c;
}

// One session per process on the server, to create and drop databases.
class Admin {
 public:
  static Admin& instance() {
    static Admin admin;
    return admin;
  }

  // Runs `statement` (DDL naming a generated identifier: never user input).
  void run(const std::string& statement) {
    std::lock_guard lock(mutex_);
    connect();
    *session_ << statement;
  }

  // Connects once; throws with the reason when the server is unreachable.
  void connect() {
    if (session_) return;
    const Backend b = current_backend();
    if (server(b).admin.empty()) throw std::runtime_error(std::string(server(b).admin_variable) + " is not set");
    auto dialect = adapters::make_dialect(admin_config(b));
    if (!dialect) throw std::runtime_error(dialect.error().detail);
    auto session = std::make_unique<soci::session>();
    session->open((*dialect)->connection());
    (*dialect)->prepare_session(*session);
    int one = 0;
    *session << "SELECT 1", soci::into(one);
    dialect_ = std::move(*dialect);
    session_ = std::move(session);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<adapters::Dialect> dialect_;
  std::unique_ptr<soci::session> session_;
};

inline std::string unique_name() {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}();
  return "kt_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(salt % 100000);
}

}  // namespace detail

// Checks the backend once, before any test: skips or fails the whole suite.
struct BackendCheck {
  BackendCheck() {
    const Backend b = current_backend();
    if (b == Backend::Sqlite) return;
    try {
      detail::Admin::instance().connect();
    } catch (const std::exception& e) {
      const std::string reason = std::string(backend_name(b)) + " is not available: " + e.what();
      if (env("KESTRA_TEST_REQUIRE_DATABASES") == "1") {
        throw std::runtime_error(reason + " (KESTRA_TEST_REQUIRE_DATABASES=1: the databases are required)");
      }
      std::cout << "SKIPPED: " << reason << "; run tests/databases.sh start DIR and source DIR/env" << std::endl;
      std::exit(kSkipExitCode);
    }
  }
};

// A new, empty database of the current backend, dropped at the end: a
// SQLite file in a temporary directory, a PostgreSQL schema, a MySQL
// database.
class TestDatabase {
 public:
  TestDatabase() : backend_(current_backend()) {
    if (backend_ == Backend::Sqlite) {
      dir_ = std::make_unique<TempDir>();
      return;
    }
    name_ = detail::unique_name();
    if (backend_ == Backend::Postgres) {
      detail::Admin::instance().run("CREATE SCHEMA " + name_);
    } else {
      detail::Admin::instance().run("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase() {
    if (name_.empty()) return;
    try {
      detail::Admin::instance().run(backend_ == Backend::Postgres ? "DROP SCHEMA " + name_ + " CASCADE"
                                                                  : "DROP DATABASE " + name_);
    } catch (const std::exception& e) {
      std::cerr << "cannot drop test database " << name_ << ": " << e.what() << std::endl;
    }
  }

  Backend backend() const { return backend_; }

  // The store configuration of this database, as the module builds it.
  ports::StoreConfig config(int pool_size = 4) const {
    ports::StoreConfig c;
    if (backend_ == Backend::Sqlite) {
      c.sqlite_path = file().string();
    } else {
      auto parsed = adapters::store_config_from_jdbc(detail::server(backend_).jdbc);
      if (!parsed) throw std::runtime_error("the test JDBC URL is refused: " + parsed.error().detail);
      c = std::move(*parsed);
      c.user = env("KESTRA_TEST_DB_USER");
      c.password = env("KESTRA_TEST_DB_PASSWORD");
      if (backend_ == Backend::Postgres) c.schema = name_;
      if (backend_ == Backend::Mysql) c.database = name_;
    }
    c.pool_size = pool_size;
    c.busy_timeout_ms = 10000;
    return c;
  }

  // The SQLite file (SQLite only).
  std::filesystem::path file() const { return dir_->path() / "scim.db"; }

  // A plain session on this database, set up as the store's are.
  std::unique_ptr<soci::session> session() const {
    auto dialect = adapters::make_dialect(config(1));
    if (!dialect) throw std::runtime_error(dialect.error().detail);
    auto sql = std::make_unique<soci::session>();
    sql->open((*dialect)->connection());
    (*dialect)->prepare_session(*sql);
    return sql;
  }

 private:
  Backend backend_;
  std::unique_ptr<TempDir> dir_;
  std::string name_;
};

}  // namespace kestra::test
