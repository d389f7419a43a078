// Paging of list queries: the WHERE of a filter within a scope, sorting with
// a stable tie-breaker (the id), LIMIT/OFFSET, and RFC 9865 cursors that
// resume after the last row's (sort key, id).
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "pooled_session.hpp"
#include "role_bindings.hpp"
#include "filter_sql.hpp"
#include "ports/resource_store.hpp"
#include "sql_params.hpp"
#include "statement_cache.hpp"
#include "store_support.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kestra::adapters {

// Where a page ended.  Opaque to clients: base64url of a small JSON object.
struct Cursor {
  std::string sort;  // SortColumn::attribute
  bool ascending = true;
  std::optional<std::string> key;  // the last row's sort key; nullopt when it had none
  std::string id;
};

std::string encode_cursor(const Cursor& cursor);
// InvalidInput (scimType invalidCursor) for anything encode_cursor did not make.
Result<Cursor> decode_cursor(std::string_view text);

struct ListPlan {
  SqlParams where_params{"f"};  // bound to the count and to the page
  std::string where;            // scope AND filter
  SqlParams page_params{"p"};   // bound to the page only
  std::string page_tail;        // keyset condition, ORDER BY, LIMIT, OFFSET
  SortColumn sort;
  bool ascending = true;
  long long fetch = 0;  // rows the page asks for: count + 1, to know whether more follow
  // The first page of a filter that matches at most one row (an `eq` on a
  // unique attribute: Okta's userName lookup): the page tells the total,
  // so no COUNT, and a single statement needs no snapshot around it.
  bool single_row = false;
};

// `scope_condition` returns the SQL that restricts rows to the scope,
// binding its values in the parameters it is given.  The page query must
// select the sort key (plan.sort.expression) as its last column.
Result<ListPlan> plan_list(const Dialect& dialect, FilterTarget target, const ports::Scope& scope,
                           const ports::ListQuery& query, std::string_view id_expression,
                           const std::function<std::string(SqlParams&)>& scope_condition);

// Where a session keeps the page statement of `plan`: its StatementCache
// where preparing is the cost (Dialect::caches_list_pages) or where the
// page is one row by a unique key (a lookup, whose plan is an index probe
// whatever the values); nowhere else (a one-time query planned for its
// values: a generic plan of ORDER BY ... LIMIT may walk a whole tenant).
inline StatementCache* page_statements(const Dialect& dialect, const ListPlan& plan, StatementCache& statements) {
  return dialect.caches_list_pages() || plan.single_row ? &statements : nullptr;
}

// The cursor resuming after a row with sort key `key` and `id`.
std::string next_cursor(const ListPlan& plan, const std::optional<std::string>& key, const std::string& id);

// What a page query exchanges: the row read by `Reader` (bind(statement),
// value()), its sort key, and the plan's parameters.
template <class Reader>
struct PageBuffers {
  Reader reader;
  std::string key;
  soci::indicator key_indicator = soci::i_ok;
  SqlParams where_params;
  SqlParams page_params;

  void bind(soci::statement& st) {
    reader.bind(st);
    st.exchange(soci::into(key, key_indicator));
    where_params.bind(st);
    page_params.bind(st);
  }
};

// Runs a planned list: up to query.count rows of `page_sql` (its last
// column is the sort key) read by a `Reader`, with the next cursor when more
// rows follow, and the total from `count_sql`.  The page statement is kept
// in `statements` when given (page_statements(); its text only varies with
// the filter's shape), else run as a one-time query.
// The count is skipped when the page tells the total: a page not resumed
// from a cursor that ends before query.count rows and is not past the end.
template <class Row, class Reader>
ports::ListPage<Row> read_page(soci::session& sql, StatementCache* statements, const ListPlan& plan,
                               const ports::ListQuery& query, const std::string& count_sql,
                               const std::string& page_sql) {
  ports::ListPage<Row> page;
  bool total_known = false;
  if (query.count > 0) {
    std::optional<std::string> last_key;
    std::size_t bytes = 0;  // of the page's stored documents
    run_statement<PageBuffers<Reader>>(
        sql, statements, page_sql, plan.where_params.shape() + "/" + plan.page_params.shape(),
        [&](PageBuffers<Reader>& made) {
          made.where_params = plan.where_params;
          made.page_params = plan.page_params;
        },
        [&](PageBuffers<Reader>& b) {
          b.where_params.assign(plan.where_params);
          b.page_params.assign(plan.page_params);
        },
        [&](PageBuffers<Reader>& b) {
          const bool full = static_cast<long long>(page.items.size()) == query.count ||
                            (query.max_bytes > 0 && bytes >= query.max_bytes);
          if (full) {
            page.next_cursor = next_cursor(plan, last_key, page.items.back().id);
            return false;
          }
          page.items.push_back(b.reader.value());
          bytes += page.items.back().resource_json.size();
          last_key = b.key_indicator == soci::i_null ? std::nullopt : std::optional<std::string>(b.key);
          return true;
        });
    const long long rows = static_cast<long long>(page.items.size());
    if (!query.cursor && !page.next_cursor && (rows > 0 || query.offset == 0)) {
      page.total = query.offset + rows;
      total_known = true;
    }
  }
  if (!total_known) {
    long long total = 0;
    support::for_each_row(
        sql, count_sql,
        [&](soci::statement& st) {
          st.exchange(soci::into(total));
          plan.where_params.bind(st);
        },
        [] {});
    page.total = total;
  }
  return page;
}

// The row `query` (a one-time query with what `params` binds) reads
// through `Reader` (bind(statement), value()), with its SCIM-managed roles
// (bindings::scim_roles of `subject_type`); nullopt when it reads none.
template <class Row, class Reader>
std::optional<Row> read_resource(soci::session& sql, const std::string& query, SqlParams& params,
                                 const std::string& tenant, const char* subject_type, const std::string& id) {
  Reader row;
  std::optional<Row> found;
  support::for_each_row(
      sql, query,
      [&](soci::statement& st) {
        row.bind(st);
        params.bind(st);
      },
      [&] { found = row.value(); });
  if (found) found->roles = bindings::scim_roles(sql, tenant, subject_type, id);
  return found;
}

// read_page within one snapshot of the data (none when the page is a
// single row), with what `complete(sql, page)` adds to the page (its roles)
// read in the same snapshot.
template <class Row, class Reader, class Complete>
ports::ListPage<Row> read_page_in_snapshot(const Dialect& dialect, const PooledSession& session, const ListPlan& plan,
                                           const ports::ListQuery& query, const std::string& count_sql,
                                           const std::string& page_sql, Complete&& complete) {
  soci::session& sql = *session;
  std::optional<ReadTransaction> snapshot;
  if (!plan.single_row) snapshot.emplace(sql, dialect);
  auto page = read_page<Row, Reader>(sql, page_statements(dialect, plan, session.statements()), plan, query,
                                     count_sql, page_sql);
  complete(sql, page);
  if (snapshot) snapshot->commit();
  return page;
}

}  // namespace kestra::adapters
