// Statements built once per connection and run again with new values.
//
// Preparing is most of the cost of a short statement on SQLite:
// sqlite3_prepare_v2 was 35–52 % of the CPU of creates and lookups.  A
// cached statement is only executed again, until its session loses its
// connection: SessionPool::borrow clears the session's cache before it
// reconnects, so no statement outlives the connection it was made on.  On
// PostgreSQL a kept statement is PREPAREd on first use (one more round
// trip) and then skips parsing and, once the server settles on a generic
// plan, planning: 0.5 ms of server CPU per lookup.
//
// SOCI binds use() and into() by reference when a statement is built, so a
// cached statement owns the values it exchanges: `Buffers`, a struct with
// the values in and out and `void bind(soci::statement&)` exchanging them
// (called once).  Set its inputs, run, read its outputs per row.
#pragma once

#include <soci/session.h>
#include <soci/statement.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>

namespace kestra::adapters {

template <class Buffers>
class CachedStatement;

// The cache of one pooled session.  [one thread: the session's borrower]
class StatementCache {
 public:
  StatementCache() = default;
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The statement of `query` on `sql` (the session this cache belongs to),
  // prepared on first use.  A statement whose last run threw is prepared
  // again: its state is unknown.  The reference is good until the next
  // get(): past kCapacity statements the cache starts over.
  template <class Buffers>
  CachedStatement<Buffers>& get(soci::session& sql, const std::string& query) {
    return get<Buffers>(sql, query, {}, [](Buffers&) {});
  }

  // The same for buffers whose shape varies (SqlParams): `init` gives new
  // buffers their shape before they are bound, and `key` (SqlParams::shape)
  // tells apart one SQL text bound to buffers of another shape.
  template <class Buffers, class Init>
  CachedStatement<Buffers>& get(soci::session& sql, const std::string& query, const std::string& key, Init&& init) {
    std::string keyed;  // the query alone needs no copy
    if (!key.empty()) keyed = query + '\x1f' + key;
    const std::string& id = key.empty() ? query : keyed;
    auto found = entries_.find(id);
    if (found != entries_.end()) {
      auto* cached = dynamic_cast<CachedStatement<Buffers>*>(found->second.get());
      if (cached == nullptr) throw std::logic_error("a cached statement reused with other buffers: " + query);
      if (!cached->failed()) return *cached;
      entries_.erase(found);
    }
    if (entries_.size() >= kCapacity) clear();
    auto made = std::make_unique<CachedStatement<Buffers>>(sql, query, soci::details::st_repeatable_query, init);
    auto& out = *made;
    entries_.emplace(id, std::move(made));
    return out;
  }

  // Drops every statement.  Before the session's connection is closed or
  // opened again: a statement refers to the connection it was prepared on.
  void clear() noexcept { entries_.clear(); }

  std::size_t size() const { return entries_.size(); }

  // More SQL texts than a session ever runs in steady state (list queries
  // vary with the filter's shape): a bound, not an eviction policy.
  static constexpr std::size_t kCapacity = 128;

  class Entry {
   public:
    virtual ~Entry() = default;
  };

 private:
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

template <class Buffers>
class CachedStatement final : public StatementCache::Entry {
 public:
  Buffers values;  // bound by reference: set the inputs before each run

  template <class Init>
  CachedStatement(soci::session& sql, const std::string& query, soci::details::statement_type type, Init&& init)
      : statement_(sql) {
    init(values);
    values.bind(statement_);
    statement_.alloc();
    statement_.prepare(query, type);
    statement_.define_and_bind();
  }
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  // Runs with `values` and calls `on_row` after each row is read into them,
  // until it returns false (a void `on_row` sees every row).  The rows left
  // are still fetched: SQLite ends a statement's read only at its end.
  template <class OnRow>
  void for_each_row(OnRow&& on_row) {
    failed_ = true;
    statement_.execute(false);
    bool wanted = true;
    while (statement_.fetch()) {
      if (!wanted) continue;
      if constexpr (std::is_void_v<decltype(on_row())>) {
        on_row();
      } else {
        wanted = on_row();
      }
    }
    failed_ = false;
  }

  // Runs a statement that returns no rows; its affected rows.
  long long execute() {
    failed_ = true;
    statement_.execute(true);
    failed_ = false;
    return statement_.get_affected_rows();
  }

  bool failed() const { return failed_; }

 private:
  soci::statement statement_;
  bool failed_ = false;
};

}  // namespace kestra::adapters
