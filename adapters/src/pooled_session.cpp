#include "pooled_session.hpp"

#include <soci/error.h>

#include <exception>
#include <string>

namespace kestra::adapters {

Result<PooledSession> PooledSession::borrow(soci::connection_pool& pool, const Dialect& dialect, int timeout_ms) {
  std::size_t position = 0;
  try {
    if (!pool.try_lease(position, timeout_ms)) {
      return Error::unavailable("no database session became free within " + std::to_string(timeout_ms) +
                                " ms; raise the pool size or the busy timeout");
    }
  } catch (const soci::soci_error& e) {
    return Error::internal("cannot borrow a database session: " + e.get_error_message());
  }
  PooledSession borrowed(pool, position);
  // A connection lost during an earlier request is opened again here, so
  // that a database restart costs the requests in flight, not every later one.
  try {
    soci::session& sql = pool.at(position);
    if (dialect.connection_lost(sql)) {
      sql.reconnect();
      dialect.prepare_session(sql);
    }
  } catch (const std::exception& e) {
    return Error::unavailable("cannot reconnect to " + dialect.describe() + ": " + e.what());
  }
  return borrowed;
}

PooledSession::PooledSession(PooledSession&& other) noexcept
    : pool_(other.pool_), position_(other.position_) {
  other.pool_ = nullptr;
}

PooledSession::~PooledSession() {
  if (pool_ == nullptr) return;
  try {
    pool_->give_back(position_);
  } catch (...) {
    // give_back only throws for a position that is not leased.
  }
}

WriteTransaction::WriteTransaction(soci::session& sql, const Dialect& dialect) : sql_(sql) {
  dialect.begin_write(sql_);
}

WriteTransaction::~WriteTransaction() {
  if (finished_) return;
  try {
    sql_.rollback();
  } catch (...) {
    // The connection is gone or the engine already rolled back.
  }
}

void WriteTransaction::commit() {
  sql_.commit();
  finished_ = true;
}

ReadTransaction::ReadTransaction(soci::session& sql, const Dialect& dialect) : sql_(sql) {
  dialect.begin_read(sql_);
}

ReadTransaction::~ReadTransaction() {
  if (finished_) return;
  try {
    sql_.rollback();
  } catch (...) {
    // The connection is gone or the engine already rolled back.
  }
}

void ReadTransaction::commit() {
  sql_.commit();
  finished_ = true;
}

MigrationLock::MigrationLock(soci::session& sql, const Dialect& dialect) : sql_(sql), dialect_(dialect) {
  dialect_.lock_migrations(sql_);
}

MigrationLock::~MigrationLock() {
  try {
    dialect_.unlock_migrations(sql_);
  } catch (...) {
    // Server-side locks die with the session anyway.
  }
}

}  // namespace kestra::adapters
