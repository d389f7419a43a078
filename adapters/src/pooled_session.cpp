#include "pooled_session.hpp"

#include <soci/error.h>

#include <exception>
#include <string>

namespace kestra::adapters {

Result<PooledSession> SessionPool::borrow() {
  std::size_t position = 0;
  try {
    if (!sessions_->try_lease(position, borrow_timeout_ms_)) {
      dialect_.metrics().db_error(ports::DbError::PoolExhausted);
      return Error::unavailable("no database session became free within " + std::to_string(borrow_timeout_ms_) +
                                " ms; raise the pool size or the busy timeout");
    }
  } catch (const soci::soci_error& e) {
    dialect_.metrics().db_error(ports::DbError::Internal);
    return Error::internal("cannot borrow a database session: " + e.get_error_message());
  }
  StatementCache& statements = statements_of(position);
  lent(+1);
  PooledSession borrowed(*this, *sessions_, position, statements);
  soci::session& sql = sessions_->at(position);
  // A connection lost during an earlier request, or while the session sat
  // in the pool, is opened again here, so that a database restart costs
  // the requests in flight, not later ones.  Its cached statements go
  // first: they belong to the lost connection.
  try {
    const bool lost = dialect_.connection_lost(sql);
    if (lost) {
      statements.clear();
      sql.reconnect();
    }
    borrowed.watch_ = watchdog_.watch(dialect_.socket(sql));
    if (lost) dialect_.prepare_session(sql);
  } catch (const std::exception& e) {
    // Connected but not prepared is not ready: the next borrower starts over.
    statements.clear();
    try {
      sql.close();
    } catch (...) {
      // Closing a broken connection may complain; it is closed either way.
    }
    dialect_.metrics().db_error(ports::DbError::Connection);
    return Error::unavailable("cannot reconnect to " + dialect_.describe() + ": " + e.what());
  }
  return borrowed;
}

StatementCache& SessionPool::statements_of(std::size_t position) {
  std::lock_guard lock(statements_mutex_);
  auto& cache = statements_[position];
  if (!cache) cache = std::make_unique<StatementCache>();
  return *cache;
}

void SessionPool::lent(int change) noexcept {
  if (change > 0) {
    in_use_.fetch_add(static_cast<std::size_t>(change));
  } else {
    in_use_.fetch_sub(static_cast<std::size_t>(-change));
  }
  // Whoever holds `reporting_` reports until no change is left unreported,
  // so the last count reported is the current one.
  in_use_changed_.store(true);
  while (in_use_changed_.load() && !reporting_.exchange(true)) {
    while (in_use_changed_.exchange(false)) dialect_.metrics().db_pool_in_use(in_use_.load());
    reporting_.store(false);
  }
}

PooledSession::PooledSession(PooledSession&& other) noexcept
    : owner_(other.owner_),
      pool_(other.pool_),
      position_(other.position_),
      statements_(other.statements_),
      watch_(std::move(other.watch_)) {
  other.pool_ = nullptr;
}

PooledSession::~PooledSession() {
  if (pool_ == nullptr) return;
  watch_ = {};  // before another borrower may take the session
  try {
    pool_->give_back(position_);
  } catch (...) {
    // give_back only throws for a position that is not leased.
  }
  owner_->lent(-1);
}

Transaction::~Transaction() {
  if (finished_) return;
  try {
    sql_.rollback();
  } catch (...) {
    // The connection is gone or the engine already rolled back.
  }
}

void Transaction::commit() {
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
