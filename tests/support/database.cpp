#include "kestra/test/database.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <regex>
#include <stdexcept>
#include <unistd.h>

namespace kestra::test {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

Backend test_backend() {
  const std::string name = env_or_empty("KESTRA_TEST_BACKEND");
  if (name.empty() || name == "sqlite") return Backend::Sqlite;
  if (name == "postgres") return Backend::Postgres;
  if (name == "mysql") return Backend::Mysql;
  throw std::runtime_error("KESTRA_TEST_BACKEND must be sqlite, postgres or mysql, not '" + name + "'");
}

const char* backend_name(Backend backend) {
  switch (backend) {
    case Backend::Sqlite: return "sqlite";
    case Backend::Postgres: return "postgres";
    case Backend::Mysql: return "mysql";
  }
  return "?";
}

namespace {

const char* admin_variable(Backend backend) {
  return backend == Backend::Postgres ? "KESTRA_TEST_POSTGRES" : "KESTRA_TEST_MYSQL";
}

// `connection` with or without SOCI's "postgresql://" / "mysql://" prefix.
std::unique_ptr<soci::session> open_session(Backend backend, std::string connection) {
  if (const auto scheme = connection.find("://"); scheme != std::string::npos) connection.erase(0, scheme + 3);
  auto session = std::make_unique<soci::session>();
  if (backend == Backend::Postgres) {
    session->open(soci::postgresql, connection);
  } else {
    session->open(soci::mysql, connection);
  }
  return session;
}

// One administrative session per process, to create and drop stores.
class AdminSession {
 public:
  static AdminSession& instance() {
    static AdminSession admin;
    return admin;
  }
  // A session lost meanwhile (a test restarted its server) is opened again, once.
  void run(Backend backend, const std::string& statement) {
    std::lock_guard lock(mutex_);
    connect(backend);
    try {
      *session_ << statement;
    } catch (const soci::soci_error&) {
      session_.reset();
      connect(backend);
      *session_ << statement;
    }
  }
  void connect(Backend backend) {
    if (session_) return;
    const std::string connection = env_or_empty(admin_variable(backend));
    if (connection.empty()) throw std::runtime_error(std::string(admin_variable(backend)) + " is not set");
    session_ = open_session(backend, connection);
    if (backend == Backend::Postgres) *session_ << "SET client_min_messages TO warning";  // no DROP ... CASCADE notices
    int one = 0;
    *session_ << "SELECT 1", soci::into(one);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<soci::session> session_;
};

std::string unique_name() {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}() % 100000;
  return "kh_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(salt);
}

// "jdbc:postgresql://127.0.0.1:61432/kestra" -> "127.0.0.1:61432"
std::string jdbc_address(const std::string& jdbc) {
  static const std::regex pattern(R"(^jdbc:[a-z]+://([^/]+)/.*$)");
  std::smatch match;
  if (!std::regex_match(jdbc, match, pattern)) throw std::runtime_error("unexpected JDBC URL " + jdbc);
  return match[1];
}

std::string jdbc_variable(Backend backend) {
  return env_or_empty(backend == Backend::Postgres ? "KESTRA_TEST_POSTGRES_JDBC" : "KESTRA_TEST_MYSQL_JDBC");
}

}  // namespace

void require_test_backend() {
  const Backend backend = test_backend();
  if (backend == Backend::Sqlite) return;
  try {
    AdminSession::instance().connect(backend);
  } catch (const std::exception& e) {
    const std::string reason = std::string(backend_name(backend)) + " is not available: " + e.what();
    if (env_or_empty("KESTRA_TEST_REQUIRE_DATABASES") == "1") {
      std::cerr << reason << " (KESTRA_TEST_REQUIRE_DATABASES=1: the databases are required)" << std::endl;
      std::exit(1);
    }
    std::cout << "SKIPPED: " << reason << "; run tests/databases.sh start DIR and source DIR/env" << std::endl;
    std::exit(kSkipExitCode);
  }
}

ScratchDatabase::ScratchDatabase(Backend backend) : backend_(backend) {
  if (backend_ == Backend::Sqlite) return;
  require_test_backend();
  name_ = unique_name();
  if (backend_ == Backend::Postgres) {
    AdminSession::instance().run(backend_, "CREATE SCHEMA " + name_);
  } else {
    AdminSession::instance().run(backend_, "CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  }
}

ScratchDatabase::~ScratchDatabase() {
  if (name_.empty()) return;
  try {
    AdminSession::instance().run(backend_, backend_ == Backend::Postgres ? "DROP SCHEMA " + name_ + " CASCADE"
                                                                         : "DROP DATABASE " + name_);
  } catch (const std::exception& e) {
    std::cerr << "cannot drop test database " << name_ << ": " << e.what() << std::endl;
  }
}

std::string ScratchDatabase::server_address() const {
  if (backend_ == Backend::Sqlite) return {};
  return jdbc_address(jdbc_variable(backend_));
}

std::string ScratchDatabase::harness_yaml(const std::string& host_port, const std::string& url_parameters) const {
  if (backend_ == Backend::Sqlite) return "kestra.scim.sqlite.path: \"@DIR@/data/kestra-scim.db\"\n";
  const std::string address = host_port.empty() ? server_address() : host_port;
  const std::string more = url_parameters.empty() ? "" : (backend_ == Backend::Postgres ? "&" : "?") + url_parameters;
  const std::string user = env_or_empty("KESTRA_TEST_DB_USER");
  const std::string password = env_or_empty("KESTRA_TEST_DB_PASSWORD");
  if (backend_ == Backend::Postgres) {
    return "kestra.repository.type: postgres\n"
           "datasources.postgres.url: \"jdbc:postgresql://" + address + "/kestra?currentSchema=" + name_ + more + "\"\n"
           "datasources.postgres.username: \"" + user + "\"\n"
           "datasources.postgres.password: \"" + password + "\"\n";
  }
  return "kestra.repository.type: mysql\n"
         "datasources.mysql.url: \"jdbc:mysql://" + address + "/" + name_ + more + "\"\n"
         "datasources.mysql.username: \"" + user + "\"\n"
         "datasources.mysql.password: \"" + password + "\"\n";
}

std::unique_ptr<soci::session> ScratchDatabase::session() const {
  if (backend_ == Backend::Sqlite) throw std::logic_error("ScratchDatabase::session: not on SQLite");
  const auto colon = server_address().rfind(':');
  const std::string host = server_address().substr(0, colon);
  const std::string port = server_address().substr(colon + 1);
  const std::string user = env_or_empty("KESTRA_TEST_DB_USER");
  const std::string password = env_or_empty("KESTRA_TEST_DB_PASSWORD");
  if (backend_ == Backend::Postgres) {
    auto s = open_session(backend_, "host=" + host + " port=" + port + " dbname=kestra user=" + user +
                                         " password=" + password);
    *s << "SET search_path TO " + name_;
    return s;
  }
  return open_session(backend_, "host=" + host + " port=" + port + " db=" + name_ + " user=" + user +
                                     " password=" + password + " charset=utf8mb4");
}

std::string ScratchDatabase::dump_text() const {
  if (backend_ == Backend::Sqlite) return {};  // the store is a file in the harness's folder
  auto sql = session();
  std::vector<std::string> tables(1000);
  *sql << "SELECT table_name FROM information_schema.tables WHERE table_schema = :s", soci::use(name_),
      soci::into(tables);
  std::string out;
  for (const auto& table : tables) {
    // Every column as text, so that one reader serves every type.
    soci::rowset<soci::row> rows = backend_ == Backend::Postgres
                                       ? (sql->prepare << "SELECT t::text FROM " + table + " t")
                                       : (sql->prepare << "SELECT * FROM " + table);
    for (const auto& row : rows) {
      out += table + ":";
      for (std::size_t i = 0; i < row.size(); ++i) {
        out += ' ';
        if (row.get_indicator(i) == soci::i_null) {
          out += "NULL";
          continue;
        }
        switch (row.get_properties(i).get_data_type()) {
          case soci::dt_string: out += row.get<std::string>(i); break;
          case soci::dt_integer: out += std::to_string(row.get<int>(i)); break;
          case soci::dt_long_long: out += std::to_string(row.get<long long>(i)); break;
          case soci::dt_unsigned_long_long: out += std::to_string(row.get<unsigned long long>(i)); break;
          case soci::dt_double: out += std::to_string(row.get<double>(i)); break;
          default: out += "?"; break;
        }
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace kestra::test
