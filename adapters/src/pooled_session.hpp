// RAII helpers over SOCI sessions: borrowing from the pool, write
// transactions, the migration lock.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"

#include <soci/connection-pool.h>
#include <soci/session.h>

#include <cstddef>

namespace kestra::adapters {

// One session borrowed from the pool until destruction.
class PooledSession {
 public:
  // Waits up to `timeout_ms` for a free session; Unavailable if none frees
  // up, or if its lost connection cannot be opened and prepared again.
  static Result<PooledSession> borrow(soci::connection_pool& pool, const Dialect& dialect, int timeout_ms);

  PooledSession(PooledSession&& other) noexcept;
  PooledSession(const PooledSession&) = delete;
  PooledSession& operator=(const PooledSession&) = delete;
  PooledSession& operator=(PooledSession&&) = delete;
  ~PooledSession();

  soci::session& operator*() const { return pool_->at(position_); }

 private:
  PooledSession(soci::connection_pool& pool, std::size_t position) : pool_(&pool), position_(position) {}

  soci::connection_pool* pool_;
  std::size_t position_;
};

// A write transaction (Dialect::begin_write) rolled back unless committed.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& sql, const Dialect& dialect);
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction();

  void commit();

 private:
  soci::session& sql_;
  bool finished_ = false;
};

// A read-only snapshot transaction (Dialect::begin_read), ended by commit()
// or, failing that, rolled back.
class ReadTransaction {
 public:
  ReadTransaction(soci::session& sql, const Dialect& dialect);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

  void commit();

 private:
  soci::session& sql_;
  bool finished_ = false;
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
