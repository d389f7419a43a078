// RAII helpers over SOCI sessions: the pool and borrowing from it, write
// transactions, the migration lock.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "session_watchdog.hpp"
#include "statement_cache.hpp"

#include <soci/connection-pool.h>
#include <soci/session.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace kestra::adapters {

class SessionPool;

// One session borrowed from the pool until destruction, its socket watched
// meanwhile (SessionWatchdog), with the statements cached on its connection.
class PooledSession {
 public:
  PooledSession(PooledSession&& other) noexcept;
  PooledSession(const PooledSession&) = delete;
  PooledSession& operator=(const PooledSession&) = delete;
  PooledSession& operator=(PooledSession&&) = delete;
  ~PooledSession();

  soci::session& operator*() const { return pool_->at(position_); }

  // The statements prepared on this session's connection (StatementCache).
  StatementCache& statements() const { return *statements_; }

 private:
  friend class SessionPool;
  PooledSession(SessionPool& owner, soci::connection_pool& pool, std::size_t position, StatementCache& statements)
      : owner_(&owner), pool_(&pool), position_(position), statements_(&statements) {}

  SessionPool* owner_;
  soci::connection_pool* pool_;
  std::size_t position_;
  StatementCache* statements_;
  SessionWatchdog::Watch watch_;
};

// The store's sessions, connected and prepared (SociStore::open), shared by
// its repositories.
class SessionPool {
 public:
  // `dialect` outlives the pool.  `socket_timeout`: how long a lent-out
  // session may wait for an answer (SessionWatchdog); zero: for ever.
  // The pool reports how many sessions are lent out, and why borrowing
  // failed, to the dialect's metrics.
  SessionPool(const Dialect& dialect, std::unique_ptr<soci::connection_pool> sessions, int borrow_timeout_ms,
              std::chrono::milliseconds socket_timeout)
      : dialect_(dialect),
        sessions_(std::move(sessions)),
        borrow_timeout_ms_(borrow_timeout_ms),
        watchdog_(socket_timeout) {
    dialect_.metrics().db_pool_in_use(0);
  }

  // Waits up to the borrow timeout for a free session; Unavailable if none
  // frees up, or if its lost connection cannot be opened and prepared again.
  Result<PooledSession> borrow();

  // A session without borrowing it: before anyone borrows (migrations), or
  // to attach a logger.
  soci::session& at(std::size_t position) { return sessions_->at(position); }

 private:
  friend class PooledSession;

  // The cache of the session at `position`, made on its first borrow.
  StatementCache& statements_of(std::size_t position);

  // Adds `change` to the sessions lent out and reports the count.  Never
  // waits: one thread at a time reports, the others leave it the news.
  void lent(int change) noexcept;

  const Dialect& dialect_;
  std::unique_ptr<soci::connection_pool> sessions_;
  int borrow_timeout_ms_;
  SessionWatchdog watchdog_;
  // After sessions_: destroyed first, while the connections they were
  // prepared on are still open.
  std::mutex statements_mutex_;
  std::unordered_map<std::size_t, std::unique_ptr<StatementCache>> statements_;
  std::atomic<std::size_t> in_use_{0};
  std::atomic<bool> in_use_changed_{false};
  std::atomic<bool> reporting_{false};
};

// A transaction begun by the constructor of a subclass, rolled back unless
// committed.
class Transaction {
 public:
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 protected:
  explicit Transaction(soci::session& sql) : sql_(sql) {}

  soci::session& sql_;

 private:
  bool finished_ = false;
};

// A write transaction (Dialect::begin_write).
class WriteTransaction : public Transaction {
 public:
  WriteTransaction(soci::session& sql, const Dialect& dialect) : Transaction(sql) { dialect.begin_write(sql_); }
};

// A read-only snapshot transaction (Dialect::begin_read).
class ReadTransaction : public Transaction {
 public:
  ReadTransaction(soci::session& sql, const Dialect& dialect) : Transaction(sql) { dialect.begin_read(sql_); }
};

// Holds the dialect's migration lock for its lifetime.
class MigrationLock {
 public:
  MigrationLock(soci::session& sql, const Dialect& dialect);
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;
  ~MigrationLock();

 private:
  soci::session& sql_;
  const Dialect& dialect_;
};

}  // namespace kestra::adapters
