// Decisions for PostgreSQL:
// - Text columns are TEXT COLLATE "C": comparisons, ORDER BY and LIKE are
//   byte-wise and case-sensitive as in SQLite, so exact_text() needs no
//   wrapping and LIKE 'prefix%' can use the b-tree indexes.
// - Booleans are SMALLINT 0/1 like everywhere else: the shared SQL binds
//   and compares integers.
// - Sessions run READ COMMITTED; writes lock the rows they check with
//   FOR UPDATE; a list reads one REPEATABLE READ snapshot.
// - A failed statement aborts the transaction: the repositories return
//   right after a unique violation, and "insert unless present" is
//   ON CONFLICT DO NOTHING, which never fails.
// - Notices are silenced (client_min_messages = warning); the statement
//   timeout is the session's statement_timeout.
#include "postgres_dialect.hpp"

#include "server_dialect.hpp"

#include <soci/into.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/use.h>

#include <libpq-fe.h>

#include <memory>
#include <string>

namespace kestra::adapters {
namespace {

// pg_try_advisory_lock(classid, objid): the class is this module, the
// object the schema being migrated.
constexpr int kAdvisoryLockClass = 0x6b736331;  // "ksc1"

constexpr std::string_view kTryLock =
    "SELECT CASE WHEN pg_try_advisory_lock(:class, hashtext(COALESCE(current_schema(), ''))) THEN 1 ELSE 0 END";
constexpr std::string_view kUnlock =
    "SELECT CASE WHEN pg_advisory_unlock(:class, hashtext(COALESCE(current_schema(), ''))) THEN 1 ELSE 0 END";

struct ParsedConninfo {
  std::string host, port, dbname;
};

// libpq's own parser: refuses what libpq would refuse, and gives the parts
// describe() shows (never the password).
Result<ParsedConninfo> parse_conninfo(const std::string& conninfo) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &message);
  if (options == nullptr) {
    std::string detail = message != nullptr ? message : "out of memory";
    if (message != nullptr) PQfreemem(message);
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    return Error::invalid("the PostgreSQL connection settings are malformed: " + detail);
  }
  ParsedConninfo out;
  std::string hostaddr;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string key = o->keyword;
    if (key == "host") out.host = o->val;
    if (key == "hostaddr") hostaddr = o->val;
    if (key == "port") out.port = o->val;
    if (key == "dbname") out.dbname = o->val;
  }
  PQconninfoFree(options);
  if (out.host.empty()) out.host = hostaddr;
  return out;
}

class PostgresDialect final : public Dialect {
 public:
  PostgresDialect(std::string conninfo, std::string description, std::string schema, int statement_timeout_ms)
      : conninfo_(std::move(conninfo)),
        description_(std::move(description)),
        schema_(std::move(schema)),
        statement_timeout_ms_(statement_timeout_ms) {}

  std::string_view name() const override { return "postgres"; }
  bool has_writable_ctes() const override { return true; }
  bool reads_json_recordsets() const override { return true; }

  std::string describe() const override { return description_; }

  // The backend is linked in: its factory, not "postgresql://" loaded at run time.
  soci::connection_parameters connection() const override {
    return soci::connection_parameters(soci::postgresql, conninfo_);
  }

  void prepare_session(soci::session& sql) const override {
    std::string ignored;
    const std::string timeout = std::to_string(statement_timeout_ms_);
    sql << "SELECT set_config('client_min_messages', 'warning', false)", soci::into(ignored);
    sql << "SELECT set_config('default_transaction_isolation', 'read committed', false)", soci::into(ignored);
    sql << "SELECT set_config('statement_timeout', :ms, false)", soci::use(timeout, "ms"), soci::into(ignored);
    // Short statements only: compiling one with LLVM (a filter of many terms
    // looks costly to the planner) took 10 s where running it takes 0.4 s.
    sql << "SELECT set_config('jit', 'off', false)", soci::into(ignored);
    if (!schema_.empty()) {
      sql << "SELECT set_config('search_path', quote_ident(:schema), false)", soci::use(schema_, "schema"),
          soci::into(ignored);
    }
  }

  // What libpq knows, or anything the server sent the idle session.
  bool connection_lost(soci::session& sql) const override {
    auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
    if (backend == nullptr || backend->conn_ == nullptr || PQstatus(backend->conn_) != CONNECTION_OK) return true;
    return server::has_unasked_input(PQsocket(backend->conn_));
  }

  int socket(soci::session& sql) const override {
    auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
    return backend == nullptr || backend->conn_ == nullptr ? -1 : PQsocket(backend->conn_);
  }

  void begin_write(soci::session& sql) const override { sql << "BEGIN"; }

  void begin_read(soci::session& sql) const override { sql << "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"; }

  // Session-level advisory lock, per schema: hosts sharing a schema wait for
  // each other; tests in other schemas of the same database do not.
  void lock_migrations(soci::session& sql) const override {
    server::wait_for_lock(
        [&] {
          int locked = 0;
          sql << kTryLock, soci::use(kAdvisoryLockClass, "class"), soci::into(locked);
          return locked == 1;
        },
        server::kMigrationLockPatience, "the migration lock of " + description_);
  }

  void unlock_migrations(soci::session& sql) const override {
    int unlocked = 0;
    sql << kUnlock, soci::use(kAdvisoryLockClass, "class"), soci::into(unlocked);
  }

  std::string_view create_schema_version_table() const override {
    return "CREATE TABLE IF NOT EXISTS scim_schema_version ("
           "version INTEGER PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL, applied_at TEXT COLLATE \"C\" NOT NULL)";
  }

  std::string_view row_lock() const override { return " FOR UPDATE"; }

  ErrorKind classify(const soci::soci_error& error) const override {
    if (error.get_error_category() == soci::soci_error::connection_error) return ErrorKind::Unavailable;
    const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error);
    if (pg == nullptr) {
      // libpq failures outside a statement ("Cannot establish connection").
      const std::string message = error.get_error_message();
      return message.find("connection") != std::string::npos ? ErrorKind::Unavailable : ErrorKind::Internal;
    }
    const std::string state = pg->sqlstate();
    if (state == "22001") return ErrorKind::InvalidInput;  // string_data_right_truncation
    // 08 connection, 53 insufficient resources, 57 operator intervention
    // (statement timeout, shutdown), 40 deadlock / serialization, 55P03
    // lock not available; no state at all: the connection broke mid-call.
    if (state.empty() || state.starts_with("08") || state.starts_with("53") || state.starts_with("57") ||
        state.starts_with("40") || state == "55P03") {
      return ErrorKind::Unavailable;
    }
    return ErrorKind::Internal;
  }

  bool is_unique_violation(const soci::soci_error& error) const override {
    const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error);
    return pg != nullptr && pg->sqlstate() == "23505";
  }

 private:
  std::string conninfo_;
  std::string description_;
  std::string schema_;
  int statement_timeout_ms_;
};

}  // namespace

Result<std::unique_ptr<Dialect>> make_postgres_dialect(const ports::StoreConfig& config) {
  auto checked = server::check_server_config(
      config, "PostgreSQL",
      {"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "target_session_attrs"});
  if (!checked) return checked.error();

  // Ours first: a later keyword of the same name in the user's settings wins.
  std::vector<std::pair<std::string, std::string>> values = {{"application_name", "kestra-scim"}};
  bool has_timeout = false;
  for (const auto& option : config.options) has_timeout = has_timeout || option.first == "connect_timeout";
  if (!has_timeout) values.emplace_back("connect_timeout", std::string(server::kConnectTimeoutSeconds));
  std::string conninfo = server::pairs(values);
  if (!config.connection.empty()) {
    conninfo += " " + std::string(server::without_scheme(config.connection, "postgresql"));
  } else {
    conninfo += server::pairs({{"host", config.host},
                               {"port", config.port},
                               {"dbname", config.database},
                               {"user", config.user},
                               {"password", config.password}});
  }
  conninfo += server::pairs(config.options);

  auto parsed = parse_conninfo(conninfo);
  if (!parsed) return parsed.error();
  std::string description = "PostgreSQL database " + (parsed->dbname.empty() ? "(default)" : parsed->dbname);
  if (!config.schema.empty()) description += ", schema " + config.schema;
  description += " on " + (parsed->host.empty() ? "the local socket" : parsed->host);
  if (!parsed->port.empty()) description += " port " + parsed->port;
  return std::unique_ptr<Dialect>(
      std::make_unique<PostgresDialect>(std::move(conninfo), description, config.schema, config.statement_timeout_ms));
}

}  // namespace kestra::adapters
