// What differs between database engines.  The SQL shared by every engine
// lives with the repositories; only these pieces vary per dialect.
#pragma once

#include "core/result.hpp"
#include "ports/metrics.hpp"
#include "sql_params.hpp"

#include <soci/connection-parameters.h>
#include <soci/error.h>
#include <soci/session.h>

#include <string>
#include <string_view>

namespace kestra::adapters {

enum class TextMatch { Contains, StartsWith, EndsWith };

class Dialect {
 public:
  virtual ~Dialect() = default;

  // Folder of its migrations: resources/migrations/<name>/.
  virtual std::string_view name() const = 0;

  // Whether a list page's statement is kept in the session's StatementCache:
  // where preparing is the cost (SQLite).
  virtual bool caches_list_pages() const { return false; }

  // Whether a WITH clause may hold INSERTs (PostgreSQL): the rows of a new
  // resource then go in with one statement, one round trip, no BEGIN.
  virtual bool has_writable_ctes() const { return false; }
  // json_to_recordset(CAST(:text AS json)): many rows in one bound parameter.
  virtual bool reads_json_recordsets() const { return false; }

  // The database, for error messages (never a password).
  virtual std::string describe() const = 0;

  // How each pooled session connects.
  virtual soci::connection_parameters connection() const = 0;

  // Per-session settings, run once right after connecting.
  virtual void prepare_session(soci::session& sql) const = 0;

  // True when the session's connection is known to be gone, judged from
  // what the client library knows and what the server sent unasked (no
  // round trip): the pool then reconnects it before lending it out.
  virtual bool connection_lost(soci::session& sql) const = 0;

  // The socket of the session's connection, for SessionWatchdog; -1 when it
  // has none (SQLite).
  virtual int socket(soci::session&) const { return -1; }

  // Starts a transaction that will write, taking the write lock up front
  // where the engine would otherwise fail a later lock upgrade.
  virtual void begin_write(soci::session& sql) const = 0;

  // Starts a read-only transaction whose statements all see one snapshot
  // (a list's count and its page).
  virtual void begin_read(soci::session& sql) const = 0;

  // Serialises migrations between processes sharing the database.
  virtual void lock_migrations(soci::session& sql) const = 0;
  virtual void unlock_migrations(soci::session& sql) const = 0;

  // CREATE TABLE IF NOT EXISTS scim_schema_version (...).
  virtual std::string_view create_schema_version_table() const = 0;

  // `insert` (an INSERT ... VALUES statement) made to add nothing when a row
  // with the same `key_columns` ("id", or "tenant_id, name_key" for a
  // composite unique key) exists.  Both arguments are SQL constants.  Run it
  // with support::execute_ignoring_duplicate: an engine may still report
  // the duplicate as an error (MySQL, whose affected-row count cannot tell
  // "ignored" from "inserted" under CLIENT_FOUND_ROWS).
  // By default INSERT ... ON CONFLICT (key_columns) DO NOTHING.
  virtual std::string insert_ignoring_duplicate(std::string_view insert, std::string_view key_columns) const {
    return std::string(insert) + " ON CONFLICT (" + std::string(key_columns) + ") DO NOTHING";
  }

  // Appended to a SELECT of rows the write transaction goes on to change
  // (versions checked against If-Match): " FOR UPDATE" where the engine
  // locks rows, empty where begin_write already holds the write lock.
  virtual std::string_view row_lock() const = 0;

  // `expression` made to compare case-sensitively, byte by byte, with `=`,
  // `<` and `>`.  By default `expression` itself: every scim_ text column is
  // declared with a binary collation (or SQLite's default, BINARY).
  virtual std::string exact_text(std::string_view expression) const { return std::string(expression); }

  // A condition true when the text `expression` contains, starts with or
  // ends with `text`, compared case-sensitively; binds what it needs in
  // `params`.  (Case-insensitive matching is LOWER(...) LIKE ... ESCAPE '!'
  // everywhere.)  By default LIKE, which a binary collation makes
  // case-sensitive.
  virtual std::string case_exact_match(TextMatch match, std::string_view expression, std::string_view text,
                                       SqlParams& params) const {
    const bool prefix = match != TextMatch::StartsWith;
    const bool suffix = match != TextMatch::EndsWith;
    return std::string(expression) + " LIKE " + params.text(like_pattern(text, prefix, suffix)) + " ESCAPE '!'";
  }

  // Unavailable when waiting or reconnecting may help (lost connection,
  // deadlock, lock or statement timeout), InvalidInput for a value longer
  // than its column, Internal otherwise.
  virtual ErrorKind classify(const soci::soci_error& error) const = 0;

  // True when `error` is a UNIQUE or PRIMARY KEY violation: the repositories
  // turn it into a Conflict (a concurrent writer took the name first).
  virtual bool is_unique_violation(const soci::soci_error& error) const = 0;

  // Where the errors guarded() catches are counted (SociStore::open sets
  // the store's); nowhere by default.  `metrics` outlives the dialect.
  void count_errors_in(const ports::Metrics& metrics) { metrics_ = &metrics; }
  const ports::Metrics& metrics() const { return *metrics_; }

 private:
  const ports::Metrics* metrics_ = &ports::no_metrics();
};

}  // namespace kestra::adapters
