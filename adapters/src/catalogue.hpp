// What a repository's statement catalogue is made of, and the one way its
// statements run.  Each repository names every SQL text it runs in one
// catalogue (a struct of Statements built once per store, the dialect's
// differences resolved there); the catalogue, not the call site, decides
// whether a session keeps a statement prepared (StatementCache) or runs it
// once.  Rows are read through soci::type_conversion<> (row_mapping.hpp);
// parameters are bound by name, never concatenated.  A statement whose
// text a call builds (a filter's list query) runs the same way, its values
// bound by the names SqlParams generated (generated()).
#pragma once

#include "errors.hpp"
#include "pooled_session.hpp"
#include "row_mapping.hpp"
#include "sql_params.hpp"
#include "statement_cache.hpp"

#include <soci/into.h>
#include <soci/session.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace kestra::adapters {

enum class Reuse {
  Once,    // run as a one-time query (on PostgreSQL one round trip, no PREPARE);
           // a batch (execute_each) prepared for its call only
  Cached,  // prepared once per connection, then only executed (hot paths)
};

struct Statement {
  std::string text;
  Reuse reuse = Reuse::Once;
};

// A borrowed session with the statements cached on its connection.
struct Session {
  soci::session& sql;
  StatementCache& statements;

  explicit Session(const PooledSession& pooled) : sql(*pooled), statements(pooled.statements()) {}
  Session(soci::session& sql, StatementCache& statements) : sql(sql), statements(statements) {}
};

// A named parameter, bound as `:name`.
template <class T>
struct Param {
  const char* name;
  const T& value;
};
template <class T>
Param<T> param(const char* name, const T& value) {
  return {name, value};
}

// The values of a statement whose text the call built, bound by the names
// `params` generated for it (":f0", ":p1").
inline Param<SqlParams> generated(const SqlParams& params) { return {"", params}; }

// A statement that returns no rows.
struct NoRow {};

namespace detail {

// One parameter bound by its name, read-only: a row bound through
// soci::values (a type_conversion with to_base) would otherwise be
// converted back after the run.  SqlParams bind the names they generated.
template <class T>
void bind_param(soci::statement& st, const T& value, const std::string& name) {
  st.exchange(soci::use(value, name));
}
inline void bind_param(soci::statement& st, const SqlParams& params, const std::string&) { params.bind(st); }

// A bound parameter given this run's value in place (bound by reference).
template <class T>
void assign_param(T& to, const T& from) {
  to = from;
}
inline void assign_param(SqlParams& to, const SqlParams& from) { to.assign(from); }

// What tells apart one text bound to SqlParams of other shapes (StatementCache::get).
template <class T>
std::string shape_of(const T&) {
  return {};
}
inline std::string shape_of(const SqlParams& params) { return params.shape() + "/"; }

// What one statement exchanges: it owns its values, as a cached statement
// binds them by reference (statement_cache.hpp).
template <class Row, class... T>
struct Exchange {
  Row row{};
  std::tuple<T...> params;
  std::array<std::string, sizeof...(T)> names;

  void bind(soci::statement& st) {
    if constexpr (!std::is_same_v<Row, NoRow>) st.exchange(soci::into(row));
    [[maybe_unused]] std::size_t i = 0;
    std::apply([&](const auto&... p) { (bind_param(st, p, names[i++]), ...); }, params);
  }
};

// Calls `runner(statement, refresh)` with the statement of `statement`,
// kept on the session's connection when Cached, else prepared as `once`
// for this call only; refresh(values) gives the statement's values those
// `params` now refer to (done before the runner is called).
template <class Row, class Runner, class... T>
void run(Session db, const Statement& statement, soci::details::statement_type once, Runner&& runner,
         const Param<T>&... params) {
  using Values = Exchange<Row, std::decay_t<T>...>;
  // Names and values before the statement is bound: SqlParams bind as many
  // values as they hold.
  const auto init = [&](Values& made) {
    made.names = {std::string(params.name)...};
    made.params = std::tuple<std::decay_t<T>...>(params.value...);
  };
  const auto refresh = [&](Values& v) {
    std::apply([&](auto&... to) { (assign_param(to, params.value), ...); }, v.params);
  };
  if (statement.reuse == Reuse::Cached) {
    auto& cached = db.statements.get<Values>(db.sql, statement.text, (std::string() + ... + shape_of(params.value)),
                                             init);
    refresh(cached.values);
    runner(cached, refresh);
    return;
  }
  CachedStatement<Values> made(db.sql, statement.text, once, init);
  runner(made, refresh);
}

template <class Row, class Runner, class... T>
void run(Session db, const Statement& statement, Runner&& runner, const Param<T>&... params) {
  run<Row>(
      db, statement, soci::details::st_one_time_query, [&](auto& st, auto&) { runner(st); }, params...);
}

}  // namespace detail

// Runs `statement` and calls `on_row(row)` for each row read into a Row,
// until it returns false (a void `on_row` sees every row).
template <class Row, class OnRow, class... T>
void for_each_row(Session db, const Statement& statement, OnRow&& on_row, const Param<T>&... params) {
  detail::run<Row>(
      db, statement,
      [&](auto& st) { st.for_each_row([&] { return on_row(std::as_const(st.values.row)); }); }, params...);
}

// Every row of `statement`.
template <class Row, class... T>
std::vector<Row> rows(Session db, const Statement& statement, const Param<T>&... params) {
  std::vector<Row> out;
  for_each_row<Row>(db, statement, [&](const Row& row) { out.push_back(row); }, params...);
  return out;
}

// The first row of `statement`; nullopt when it returns none.
template <class Row, class... T>
std::optional<Row> first_row(Session db, const Statement& statement, const Param<T>&... params) {
  std::optional<Row> out;
  for_each_row<Row>(
      db, statement,
      [&](const Row& row) {
        out = row;
        return false;
      },
      params...);
  return out;
}

// Runs `statement`, which returns no rows; its affected rows.
template <class... T>
long long execute(Session db, const Statement& statement, const Param<T>&... params) {
  long long affected = 0;
  detail::run<NoRow>(db, statement, [&](auto& st) { affected = st.execute(); }, params...);
  return affected;
}

// Runs `statement`, which returns no rows, several times on one prepared
// statement (a batch of members): `body(run)` calls `run()`, which returns
// the rows affected, once per run, after changing what `params` refer to.
// A Once statement is prepared for this call only.
template <class Body, class... T>
void execute_each(Session db, const Statement& statement, Body&& body, const Param<T>&... params) {
  detail::run<NoRow>(
      db, statement, soci::details::st_repeatable_query,
      [&](auto& st, auto& refresh) {
        body([&]() -> long long {
          refresh(st.values);
          return st.execute();
        });
      },
      params...);
}

// The number a COUNT(*) statement returns.
template <class... T>
long long count(Session db, const Statement& statement, const Param<T>&... params) {
  return first_row<long long>(db, statement, params...).value_or(0);
}

// Runs `body(db)` on a session borrowed from `sessions`, outside a
// transaction; what it returns as a Result, a database exception as an
// Error whose detail starts with `failure` (guarded()).
template <class Body>
auto on_session(SessionPool& sessions, const Dialect& dialect, const std::string& failure, Body&& body) {
  using Out = typename detail::AsResult<std::invoke_result_t<Body&, Session>>::type;
  auto session = sessions.borrow();
  if (!session) return Out(session.error());
  return guarded(dialect, failure, [&] { return body(Session(*session)); });
}

// The same in one write transaction, committed when `body` returns a value
// (or nothing); an error value or an exception rolls it back.
template <class Body>
auto in_write_transaction(SessionPool& sessions, const Dialect& dialect, const std::string& failure, Body&& body) {
  using Out = typename detail::AsResult<std::invoke_result_t<Body&, Session>>::type;
  return on_session(sessions, dialect, failure, [&](Session db) -> Out {
    WriteTransaction transaction(db.sql, dialect);
    if constexpr (std::is_void_v<std::invoke_result_t<Body&, Session>>) {
      body(db);
      transaction.commit();
      return {};
    } else {
      Out out = body(db);
      if (out) transaction.commit();
      return out;
    }
  });
}

}  // namespace kestra::adapters
