// Paging of list queries: the WHERE of a filter within a scope, sorting with
// a stable tie-breaker (the id), LIMIT/OFFSET, and RFC 9865 cursors that
// resume after the last row's (sort key, id).
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "filter_sql.hpp"
#include "ports/resource_store.hpp"
#include "sql_params.hpp"
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
};

// `scope_condition` returns the SQL that restricts rows to the scope,
// binding its values in the parameters it is given.  The page query must
// select the sort key (plan.sort.expression) as its last column.
Result<ListPlan> plan_list(const Dialect& dialect, FilterTarget target, const ports::Scope& scope,
                           const ports::ListQuery& query, std::string_view id_expression,
                           const std::function<std::string(SqlParams&)>& scope_condition);

// The cursor resuming after a row with sort key `key` and `id`.
std::string next_cursor(const ListPlan& plan, const std::optional<std::string>& key, const std::string& id);

// Runs a planned list: the total from `count_sql`, then up to query.count
// rows of `page_sql` (its last column is the sort key) read by `reader`
// (bind(statement), value()), with the next cursor when more rows follow.
template <class Row, class Reader>
ports::ListPage<Row> read_page(soci::session& sql, const ListPlan& plan, const ports::ListQuery& query,
                               const std::string& count_sql, const std::string& page_sql, Reader& reader) {
  ports::ListPage<Row> page;
  long long total = 0;
  support::for_each_row(
      sql, count_sql,
      [&](soci::statement& st) {
        st.exchange(soci::into(total));
        plan.where_params.bind(st);
      },
      [] {});
  page.total = total;
  if (query.count <= 0) return page;
  std::string key;
  soci::indicator key_indicator = soci::i_ok;
  std::optional<std::string> last_key;
  support::for_each_row(
      sql, page_sql,
      [&](soci::statement& st) {
        reader.bind(st);
        st.exchange(soci::into(key, key_indicator));
        plan.where_params.bind(st);
        plan.page_params.bind(st);
      },
      [&] {
        if (static_cast<long long>(page.items.size()) == query.count) {
          page.next_cursor = next_cursor(plan, last_key, page.items.back().id);
          return false;
        }
        page.items.push_back(reader.value());
        last_key = key_indicator == soci::i_null ? std::nullopt : std::optional<std::string>(key);
        return true;
      });
  return page;
}

}  // namespace kestra::adapters
