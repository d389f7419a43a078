// Paging of list queries: the WHERE of a filter within a scope, sorting with
// a stable tie-breaker (the id), LIMIT/OFFSET, and RFC 9865 cursors that
// resume after the last row's (sort key, id).
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "filter_sql.hpp"
#include "ports/resource_store.hpp"
#include "sql_params.hpp"

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

}  // namespace kestra::adapters
