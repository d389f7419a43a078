#include "sqlite_dialect.hpp"

#include "core/case_fold.hpp"

#include <soci/into.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

namespace kestra::adapters {
namespace {

// lower() for every character the module folds, not only ASCII (SQLite's
// built-in), so that case-insensitive filters agree with the other engines.
void unicode_lower(sqlite_api::sqlite3_context* context, int, sqlite_api::sqlite3_value** argv) {
  using namespace sqlite_api;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  try {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const int size = sqlite3_value_bytes(argv[0]);
    const std::string folded = fold_case(std::string_view(text ? text : "", text ? size : 0));
    sqlite3_result_text(context, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
  } catch (...) {
    sqlite3_result_error_nomem(context);
  }
}

// The statement timeout of one connection.  SQLite has no server to cancel
// a statement, so the connection interrupts its own: each statement's
// deadline is set when it starts to run (SQLITE_TRACE_STMT, again at each
// run of a cached statement), and a progress handler, called every
// kProgressSteps steps of the virtual machine, interrupts it once the
// deadline is past (SQLITE_INTERRUPT, classified as a timeout).  Both
// callbacks run on the thread stepping the statement, and a pooled session
// is used by one thread at a time: the clock needs no lock.  It is owned by
// the connection: the user data of kestra_statement_timeout_ms(), deleted
// when the connection closes.
struct StatementClock {
  std::chrono::milliseconds timeout;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() + timeout;
};

constexpr int kProgressSteps = 1000;

int on_statement_start(unsigned type, void* context, void* statement, void* text) {
  if (type != SQLITE_TRACE_STMT) return 0;
  // A trigger's program reports "-- TRIGGER name" while its statement runs:
  // the statement's deadline stands.
  const char* sql = sqlite_api::sqlite3_sql(static_cast<sqlite_api::sqlite3_stmt*>(statement));
  if (sql != nullptr && text != nullptr && std::strcmp(sql, static_cast<const char*>(text)) != 0) return 0;
  auto* clock = static_cast<StatementClock*>(context);
  clock->deadline = std::chrono::steady_clock::now() + clock->timeout;
  return 0;
}

int on_progress(void* context) {
  const auto* clock = static_cast<const StatementClock*>(context);
  return std::chrono::steady_clock::now() > clock->deadline ? 1 : 0;
}

// SELECT kestra_statement_timeout_ms(): the timeout this connection applies.
void statement_timeout_ms(sqlite_api::sqlite3_context* context, int, sqlite_api::sqlite3_value**) {
  const auto* clock = static_cast<const StatementClock*>(sqlite_api::sqlite3_user_data(context));
  sqlite_api::sqlite3_result_int64(context, clock->timeout.count());
}

void delete_clock(void* clock) { delete static_cast<StatementClock*>(clock); }

class SqliteDialect final : public Dialect {
 public:
  SqliteDialect(std::filesystem::path file, int busy_timeout_ms, int statement_timeout_ms)
      : file_(std::move(file)), busy_timeout_ms_(busy_timeout_ms), statement_timeout_ms_(statement_timeout_ms) {}

  std::string_view name() const override { return "sqlite"; }
  bool caches_list_pages() const override { return true; }

  std::string describe() const override { return "SQLite database " + file_.string(); }

  // The SQLite backend is linked in, so its factory is used directly rather
  // than SOCI loading "sqlite3://" from a shared library at run time.
  soci::connection_parameters connection() const override {
    const std::string path = file_.string();
    const bool has_space = path.find_first_of(" \t") != std::string::npos;
    const std::string db = has_space ? '"' + path + '"' : path;
    const int timeout_s = (busy_timeout_ms_ + 999) / 1000;
    return soci::connection_parameters(*soci::factory_sqlite3(), "db=" + db + " timeout=" + std::to_string(timeout_s));
  }

  void prepare_session(soci::session& sql) const override {
    const std::string journal_mode = switch_to_wal(sql);
    if (journal_mode != "wal") {
      throw std::runtime_error("SQLite kept journal_mode " + journal_mode +
                               " instead of WAL; put the database on a local file system");
    }
    // PRAGMA takes no bound parameters; the value is a validated integer.
    int busy_timeout = -1;
    sql << "PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms_), soci::into(busy_timeout);
    sql << "PRAGMA foreign_keys = ON";
    int foreign_keys = 0;
    sql << "PRAGMA foreign_keys", soci::into(foreign_keys);
    if (busy_timeout != busy_timeout_ms_ || foreign_keys != 1) {
      throw std::runtime_error("SQLite did not accept busy_timeout or foreign_keys");
    }
    sql << "PRAGMA synchronous = NORMAL";
    auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    if (sqlite_api::sqlite3_create_function_v2(backend->conn_, "lower", 1,
                                               SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &unicode_lower,
                                               nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw std::runtime_error("SQLite refused the Unicode lower() function");
    }
    if (statement_timeout_ms_ > 0) bound_statements(backend->conn_);
  }

  // WAL is kept in the file: only the first connection to a new database
  // switches it, which needs the file alone.  While another connection is
  // about to write it (hosts starting together), SQLite answers "locked" at
  // once rather than wait in the busy handler (that could deadlock): the
  // switch is retried until the busy timeout, as any lock is waited for.
  std::string switch_to_wal(soci::session& sql) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms_);
    for (;;) {
      try {
        std::string journal_mode;
        sql << "PRAGMA journal_mode = WAL", soci::into(journal_mode);
        return journal_mode;
      } catch (const soci::sqlite3_soci_error& e) {
        const bool locked = (e.result() & 0xff) == SQLITE_BUSY || (e.result() & 0xff) == SQLITE_LOCKED;
        if (!locked || std::chrono::steady_clock::now() >= deadline) throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // A local file does not disconnect.
  bool connection_lost(soci::session&) const override { return false; }

  // A deferred BEGIN that later upgrades to a write fails at once with
  // SQLITE_BUSY instead of waiting; IMMEDIATE takes the write lock now.
  void begin_write(soci::session& sql) const override { sql << "BEGIN IMMEDIATE"; }

  // A deferred transaction reads one WAL snapshot from its first read on.
  void begin_read(soci::session& sql) const override { sql << "BEGIN"; }

  // Each migration runs in a BEGIN IMMEDIATE transaction that re-reads the
  // version first: that transaction is the lock.
  void lock_migrations(soci::session&) const override {}
  void unlock_migrations(soci::session&) const override {}

  std::string_view create_schema_version_table() const override {
    return "CREATE TABLE IF NOT EXISTS scim_schema_version ("
           "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
  }

  // BEGIN IMMEDIATE holds the database's write lock already.
  std::string_view row_lock() const override { return ""; }

  // LIKE ignores ASCII case in SQLite; GLOB does not.  In a GLOB pattern
  // '*', '?' and '[' stand for themselves only inside brackets.
  std::string case_exact_match(TextMatch match, std::string_view expression, std::string_view text,
                               SqlParams& params) const override {
    std::string pattern;
    if (match != TextMatch::StartsWith) pattern.push_back('*');
    for (char c : text) {
      if (c == '*' || c == '?' || c == '[') {
        pattern.push_back('[');
        pattern.push_back(c);
        pattern.push_back(']');
      } else {
        pattern.push_back(c);
      }
    }
    if (match != TextMatch::EndsWith) pattern.push_back('*');
    return std::string(expression) + " GLOB " + params.text(std::move(pattern));
  }

  ErrorKind classify(const soci::soci_error& error) const override {
    const auto* sqlite_error = dynamic_cast<const soci::sqlite3_soci_error*>(&error);
    if (sqlite_error == nullptr) {
      return error.get_error_category() == soci::soci_error::connection_error ? ErrorKind::Unavailable
                                                                                : ErrorKind::Internal;
    }
    switch (sqlite_error->result() & 0xff) {
      case SQLITE_INTERRUPT:  // the statement timeout (StatementClock)
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
      case SQLITE_CANTOPEN:
      case SQLITE_IOERR:
      case SQLITE_FULL:
      case SQLITE_READONLY:
        return ErrorKind::Unavailable;
      default:
        return ErrorKind::Internal;
    }
  }

  // SOCI reports the primary result code only (SQLITE_CONSTRAINT, shared with
  // NOT NULL, CHECK and FOREIGN KEY); SQLite's message names the kind.
  bool is_unique_violation(const soci::soci_error& error) const override {
    const auto* sqlite_error = dynamic_cast<const soci::sqlite3_soci_error*>(&error);
    return sqlite_error != nullptr && (sqlite_error->result() & 0xff) == SQLITE_CONSTRAINT &&
           error.get_error_message().find("UNIQUE constraint failed") != std::string::npos;
  }

 private:
  // Installs the statement timeout (StatementClock) on `db`.
  void bound_statements(sqlite_api::sqlite3* db) const {
    auto clock = std::make_unique<StatementClock>(StatementClock{std::chrono::milliseconds(statement_timeout_ms_)});
    StatementClock* owned = clock.get();
    // On failure SQLite calls delete_clock itself.
    const int registered = sqlite_api::sqlite3_create_function_v2(
        db, "kestra_statement_timeout_ms", 0, SQLITE_UTF8, clock.release(), &statement_timeout_ms, nullptr, nullptr,
        &delete_clock);
    if (registered != SQLITE_OK ||
        sqlite_api::sqlite3_trace_v2(db, SQLITE_TRACE_STMT, &on_statement_start, owned) != SQLITE_OK) {
      throw std::runtime_error("SQLite refused the statement timeout's callbacks");
    }
    sqlite_api::sqlite3_progress_handler(db, kProgressSteps, &on_progress, owned);
  }

  std::filesystem::path file_;
  int busy_timeout_ms_;
  int statement_timeout_ms_;
};

}  // namespace

Result<std::unique_ptr<Dialect>> make_sqlite_dialect(const ports::StoreConfig& config) {
  if (config.sqlite_path.empty()) return Error::invalid("sqlite_path is empty; set it to a database file");
  if (config.sqlite_path == ":memory:" || config.sqlite_path.starts_with("file:")) {
    return Error::invalid("sqlite_path must be a plain file path, shared by every pooled session, not " +
                          config.sqlite_path);
  }
  if (config.sqlite_path.find('"') != std::string::npos) {
    return Error::invalid("sqlite_path must not contain a double quote: " + config.sqlite_path);
  }

  std::error_code ec;
  const std::filesystem::path file = std::filesystem::absolute(config.sqlite_path, ec);
  if (ec) return Error::unavailable("cannot resolve sqlite_path " + config.sqlite_path + ": " + ec.message());
  const std::filesystem::path parent = file.parent_path();
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Error::unavailable("cannot create directory " + parent.string() + " for the SQLite database: " +
                              ec.message());
  }
  return std::unique_ptr<Dialect>(
      std::make_unique<SqliteDialect>(file, config.busy_timeout_ms, config.statement_timeout_ms));
}

}  // namespace kestra::adapters
