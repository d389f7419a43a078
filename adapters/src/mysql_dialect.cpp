// Decisions for MySQL 8 and MariaDB 10.11:
// - Connections use charset utf8mb4; every table is InnoDB, utf8mb4 with
//   the binary collation utf8mb4_bin, so comparisons, ORDER BY and LIKE are
//   case-sensitive and byte-ordered as in SQLite (the module folds the *_key
//   columns itself).  exact_text() needs no BINARY.  utf8mb4_bin pads: 'a'
//   and 'a ' compare equal, in MySQL and MariaDB alike.
// - sql_mode is STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION: a value too long
//   for its column is an error (InvalidInput), never truncated.  ANSI_QUOTES
//   is not set: the shared SQL quotes no identifier and has no "...", and
//   the default keeps the server's meaning of strings for everyone else.
//   String concatenation is not needed by the shared SQL (|| would be OR).
// - Sessions run READ COMMITTED (no gap locks between unrelated inserts);
//   writes lock the rows they check with FOR UPDATE; a list reads one
//   REPEATABLE READ consistent snapshot.
// - The backend connects with CLIENT_FOUND_ROWS, so ON DUPLICATE KEY UPDATE
//   cannot tell an ignored row from an inserted one: "insert unless
//   present" is a plain INSERT whose duplicate-key error (1062) the caller
//   ignores; InnoDB rolls back that statement only, not the transaction.
// - The statement timeout is MariaDB's max_statement_time or MySQL's
//   max_execution_time (SELECT only).
// - DDL commits implicitly: a migration that fails half-way is not rolled
//   back; GET_LOCK keeps two hosts from running migrations at once.
#include "mysql_dialect.hpp"

#include "errors.hpp"
#include "server_dialect.hpp"

#include <soci/into.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/use.h>

#include <mysql.h>

#include <memory>
#include <string>

namespace kestra::adapters {
namespace {

// GET_LOCK names are server-wide: the database's digest keeps hosts of
// different databases apart (and within the 64-character limit).
constexpr std::string_view kTryLock =
    "SELECT GET_LOCK(CONCAT('kestra-scim-migrations.', MD5(DATABASE())), 0)";
constexpr std::string_view kUnlock = "SELECT RELEASE_LOCK(CONCAT('kestra-scim-migrations.', MD5(DATABASE())))";

bool connection_error_number(unsigned number) {
  switch (number) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
    case 1317:  // ER_QUERY_INTERRUPTED
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 1969:  // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 3024:  // ER_QUERY_TIMEOUT (MySQL max_execution_time)
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
      return true;
    default:
      return false;
  }
}

class MysqlDialect final : public Dialect {
 public:
  MysqlDialect(std::string connect_string, std::string description, int statement_timeout_ms)
      : connect_string_(std::move(connect_string)),
        description_(std::move(description)),
        statement_timeout_ms_(statement_timeout_ms) {}

  std::string_view name() const override { return "mysql"; }

  std::string describe() const override { return description_; }

  // The backend is linked in: its factory, not "mysql://" loaded at run time.
  soci::connection_parameters connection() const override {
    return soci::connection_parameters(soci::mysql, connect_string_);
  }

  void prepare_session(soci::session& sql) const override {
    sql << "SET NAMES utf8mb4 COLLATE utf8mb4_bin";
    sql << "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'";
    sql << "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    std::string version;
    sql << "SELECT VERSION()", soci::into(version);
    if (version.find("MariaDB") != std::string::npos) {
      const double seconds = statement_timeout_ms_ / 1000.0;
      sql << "SET SESSION max_statement_time = :seconds", soci::use(seconds, "seconds");
    } else {
      sql << "SET SESSION max_execution_time = :ms", soci::use(statement_timeout_ms_, "ms");
    }
  }

  // The last call's error, kept by the client library, or anything the
  // server sent the idle session.
  bool connection_lost(soci::session& sql) const override {
    auto* backend = static_cast<soci::mysql_session_backend*>(sql.get_backend());
    if (backend == nullptr || backend->conn_ == nullptr) return true;
    switch (mysql_errno(backend->conn_)) {
      case 1927:  // ER_CONNECTION_KILLED
      case 2006:  // CR_SERVER_GONE_ERROR
      case 2013:  // CR_SERVER_LOST
      case 2055:  // CR_SERVER_LOST_EXTENDED
      case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
        return true;
      default:
        break;
    }
    return server::has_unasked_input(static_cast<int>(mysql_get_socket(backend->conn_)));
  }

  int socket(soci::session& sql) const override {
    auto* backend = static_cast<soci::mysql_session_backend*>(sql.get_backend());
    return backend == nullptr || backend->conn_ == nullptr ? -1 : static_cast<int>(mysql_get_socket(backend->conn_));
  }

  void begin_write(soci::session& sql) const override { sql << "START TRANSACTION"; }

  // The isolation level applies to the next transaction only.
  void begin_read(soci::session& sql) const override {
    sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
    sql << "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";
  }

  void lock_migrations(soci::session& sql) const override {
    server::wait_for_lock(
        [&] {
          int locked = 0;
          soci::indicator indicator = soci::i_ok;
          sql << kTryLock, soci::into(locked, indicator);
          if (indicator == soci::i_null) throw UnavailableError("GET_LOCK failed on " + description_);
          return locked == 1;
        },
        server::kMigrationLockPatience, "the migration lock of " + description_);
  }

  void unlock_migrations(soci::session& sql) const override {
    int released = 0;
    soci::indicator indicator = soci::i_ok;
    sql << kUnlock, soci::into(released, indicator);
  }

  std::string_view create_schema_version_table() const override {
    return "CREATE TABLE IF NOT EXISTS scim_schema_version ("
           "version INT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at VARCHAR(32) NOT NULL) "
           "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
  }

  std::string insert_ignoring_duplicate(std::string_view insert, std::string_view) const override {
    return std::string(insert);
  }

  std::string_view row_lock() const override { return " FOR UPDATE"; }

  ErrorKind classify(const soci::soci_error& error) const override {
    if (error.get_error_category() == soci::soci_error::connection_error) return ErrorKind::Unavailable;
    const auto* my = dynamic_cast<const soci::mysql_soci_error*>(&error);
    if (my == nullptr) return ErrorKind::Internal;
    if (my->err_num_ == 1406) return ErrorKind::InvalidInput;  // ER_DATA_TOO_LONG
    return connection_error_number(my->err_num_) ? ErrorKind::Unavailable : ErrorKind::Internal;
  }

  // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME, ER_DUP_KEY.
  bool is_unique_violation(const soci::soci_error& error) const override {
    const auto* my = dynamic_cast<const soci::mysql_soci_error*>(&error);
    return my != nullptr && (my->err_num_ == 1062 || my->err_num_ == 1586 || my->err_num_ == 1022);
  }

 private:
  std::string connect_string_;
  std::string description_;
  int statement_timeout_ms_;
};

}  // namespace

Result<std::unique_ptr<Dialect>> make_mysql_dialect(const ports::StoreConfig& config) {
  auto checked = server::check_server_config(
      config, "MySQL",
      {"ssl_mode", "sslca", "sslcert", "sslkey", "connect_timeout", "read_timeout", "write_timeout", "unix_socket"});
  if (!checked) return checked.error();
  if (!config.schema.empty()) {
    return Error::invalid("the MySQL store takes no schema; its tables live in the database of the URL");
  }
  if (config.host.find(',') != std::string::npos) return Error::invalid("the MySQL store takes one host");

  std::string connect_string;
  if (!config.connection.empty()) {
    connect_string = std::string(server::without_scheme(config.connection, "mysql"));
  } else {
    connect_string = server::pairs({{"host", config.host},
                                    {"port", config.port},
                                    {"db", config.database},
                                    {"user", config.user},
                                    {"password", config.password}});
  }
  connect_string += server::pairs(config.options);

  // SOCI refuses a repeated key: add ours only where the settings have none.
  auto keys = server::parse_pairs(connect_string);
  if (!keys) return Error::invalid("MySQL: " + keys.error().detail);
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"charset", "utf8mb4"},
                                   {"connect_timeout", std::string(server::kConnectTimeoutSeconds)}}) {
    if (keys->count(key) == 0) connect_string += " " + key + "=" + value;
  }
  if (auto charset = keys->find("charset"); charset != keys->end() && charset->second != "utf8mb4") {
    return Error::invalid("the MySQL store needs charset utf8mb4, not " + charset->second);
  }
  if (keys->count("db") == 0 && keys->count("dbname") == 0 && keys->count("service") == 0) {
    return Error::invalid("the MySQL store needs a database");
  }

  const auto value = [&](const char* key) {
    const auto it = keys->find(key);
    return it == keys->end() ? std::string() : it->second;
  };
  std::string database = value("db");
  if (database.empty()) database = value("dbname");
  if (database.empty()) database = value("service");
  std::string description = "MySQL database " + database + " on " +
                            (value("host").empty() ? std::string("localhost") : value("host"));
  if (!value("port").empty()) description += " port " + value("port");
  return std::unique_ptr<Dialect>(
      std::make_unique<MysqlDialect>(std::move(connect_string), description, config.statement_timeout_ms));
}

}  // namespace kestra::adapters
