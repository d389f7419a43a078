// The database backend an HTTP test runs the module on, and a fresh, empty
// store on it for each harness.
//
// CTest registers the SCIM-over-HTTP suites once per backend (scim.<suite>,
// .postgres, .mysql) with KESTRA_TEST_BACKEND set.  The servers come from
// tests/databases.sh (its env file sourced): KESTRA_TEST_POSTGRES /
// KESTRA_TEST_MYSQL (SOCI connection strings of an account that may create
// schemas and databases), KESTRA_TEST_POSTGRES_JDBC / KESTRA_TEST_MYSQL_JDBC,
// KESTRA_TEST_DB_USER / KESTRA_TEST_DB_PASSWORD.  An unreachable server makes
// the suite exit with kSkipExitCode (CTest: skipped), or fail when
// KESTRA_TEST_REQUIRE_DATABASES=1 (tests/run.sh, CI).
#pragma once

#include <soci/soci.h>

#include <memory>
#include <string>

namespace kestra::test {

enum class Backend { Sqlite, Postgres, Mysql };

inline constexpr int kSkipExitCode = 77;

Backend test_backend();  // from KESTRA_TEST_BACKEND; SQLite when unset
const char* backend_name(Backend backend);
std::string env_or_empty(const char* name);

// Skips (exit 77) or fails the process when the backend's server cannot be
// reached.  Call once before the first test (e.g. from a global fixture).
void require_test_backend();

// A new schema (PostgreSQL) or database (MySQL/MariaDB), dropped by the
// destructor; on SQLite nothing: the store lives in the harness's folder.
class ScratchDatabase {

 public:
  explicit ScratchDatabase(Backend backend = test_backend());
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  Backend backend() const { return backend_; }
  const std::string& name() const { return name_; }  // empty on SQLite

  // Harness configuration lines (flat YAML keys) that put the module's
  // store here, as an operator writes Kestra's datasource block.
  // `host_port` replaces the server's address, e.g. to go through a proxy;
  // `url_parameters` ("connectTimeout=2&socketTimeout=2") go into the JDBC URL.
  std::string harness_yaml(const std::string& host_port = {}, const std::string& url_parameters = {}) const;
  // "127.0.0.1:PORT" of the server.
  std::string server_address() const;

  // A session on this schema/database (not on SQLite).
  std::unique_ptr<soci::session> session() const;

  // Every value of every table, as text: to show what is (not) stored
  // (empty on SQLite, whose store is a file in the harness's folder).
  std::string dump_text() const;

 private:
  Backend backend_;
  std::string name_;
};

}  // namespace kestra::test
