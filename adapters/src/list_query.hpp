// Paging of list queries: the WHERE of a filter within a scope, sorting with
// a stable tie-breaker (the id), LIMIT/OFFSET, and RFC 9865 cursors that
// resume after the last row's (sort key, id).
#pragma once

#include "catalogue.hpp"
#include "core/result.hpp"
#include "dialect.hpp"
#include "filter_sql.hpp"
#include "pooled_session.hpp"
#include "ports/resource_store.hpp"
#include "role_bindings.hpp"
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

// The cursor resuming after a row with sort key `key` and `id`.
std::string next_cursor(const ListPlan& plan, const std::optional<std::string>& key, const std::string& id);

// What a list of one resource type reads, named by its repository's
// catalogue: the SQL of its rows within the scope's tenant.
struct ListSource {
  FilterTarget target;
  std::string id_expression;  // the row's id, the sort's tie-breaker
  std::string tenant_column;  // = the scope's tenant
  std::string select;         // "SELECT" and the row's columns (type_conversion<Row>)
  std::string from;           // " FROM" its tables, this integration's external id as x (:integration)
  std::string count_from;     // " FROM" what an unfiltered count reads
  std::string filtered_count_from;
  const char* subject_type;   // of the rows' role bindings
};

// A page row: the row and, its last column, its sort key.
template <class Row>
struct SortKeyed {
  Row row;
  std::optional<std::string> key;
};

// The count and page statements of `plan`.  The page is kept on the
// session's connection where preparing is the cost
// (Dialect::caches_list_pages) or where it is one row by a unique key (a
// lookup, whose plan is an index probe whatever the values); elsewhere it is
// a one-time query planned for its values: a generic plan of ORDER BY ...
// LIMIT may walk a whole tenant.  Its text only varies with the filter's
// shape.  The count is a one-time query.
struct ListStatements {
  Statement count;
  Statement page;
};
ListStatements list_statements(const Dialect& dialect, const ListSource& source, const ListPlan& plan,
                               bool filtered);

// Runs a planned list: up to query.count rows read as Row (through
// SortKeyed<Row>), with the next cursor when more rows follow, and the total
// from the count.  The count is skipped when the page tells the total: a
// page not resumed from a cursor that ends before query.count rows and is
// not past the end.
template <class Row>
ports::ListPage<Row> read_page(Session db, const ListPlan& plan, const ports::ListQuery& query,
                               const ListStatements& list, const std::string& integration_id) {
  ports::ListPage<Row> page;
  bool total_known = false;
  if (query.count > 0) {
    std::optional<std::string> last_key;
    std::size_t bytes = 0;  // of the page's stored documents
    for_each_row<SortKeyed<Row>>(
        db, list.page,
        [&](const SortKeyed<Row>& keyed) {
          const bool full = static_cast<long long>(page.items.size()) == query.count ||
                            (query.max_bytes > 0 && bytes >= query.max_bytes);
          if (full) {
            page.next_cursor = next_cursor(plan, last_key, page.items.back().id);
            return false;
          }
          page.items.push_back(keyed.row);
          bytes += page.items.back().resource_json.size();
          last_key = keyed.key;
          return true;
        },
        generated(plan.where_params), generated(plan.page_params), param("integration", integration_id));
    const long long rows = static_cast<long long>(page.items.size());
    if (!query.cursor && !page.next_cursor && (rows > 0 || query.offset == 0)) {
      page.total = query.offset + rows;
      total_known = true;
    }
  }
  if (!total_known) page.total = count(db, list.count, generated(plan.where_params));
  return page;
}

// `found` with its SCIM-managed roles (bindings::scim_roles of `subject_type`).
template <class Row>
std::optional<Row> with_roles(Session db, std::optional<Row> found, const std::string& tenant,
                              const char* subject_type) {
  if (found) found->roles = bindings::scim_roles(db, tenant, subject_type, found->id);
  return found;
}

// A page of `source`'s rows in scope.tenant_id: `query` planned (an
// invalid filter, sort or cursor is InvalidInput before a session is
// borrowed), then read within one snapshot of the data (none when the page
// is a single row) with the page's SCIM-managed roles: one more query,
// whatever the page's size.
template <class Row>
Result<ports::ListPage<Row>> list_resources(const Dialect& dialect, SessionPool& sessions, const ListSource& source,
                                            const ports::Scope& scope, const ports::ListQuery& query,
                                            const std::string& failure) {
  auto checked = support::check_scope(scope.tenant_id);
  if (!checked) return checked.error();
  auto plan = plan_list(dialect, source.target, scope, query, source.id_expression,
                        [&](SqlParams& p) { return source.tenant_column + " = " + p.text(scope.tenant_id); });
  if (!plan) return plan.error();
  const ListStatements list = list_statements(dialect, source, *plan, query.filter != nullptr);
  return on_session(sessions, dialect, failure, [&](Session db) {
    std::optional<ReadTransaction> snapshot;
    if (!plan->single_row) snapshot.emplace(db.sql, dialect);
    auto page = read_page<Row>(db, *plan, query, list, scope.integration_id);
    bindings::attach_scim_roles(db, scope.tenant_id, source.subject_type, page.items);
    if (snapshot) snapshot->commit();
    return page;
  });
}

}  // namespace kestra::adapters

namespace soci {

// The row's columns, then the sort key.
template <class Row>
struct type_conversion<kestra::adapters::SortKeyed<Row>> {
  typedef values base_type;
  static void from_base(const values& v, indicator ind, kestra::adapters::SortKeyed<Row>& out) {
    type_conversion<Row>::from_base(v, ind, out.row);
    out.key = kestra::adapters::columns::optional_text(v, v.get_number_of_columns() - 1);
  }
};

}  // namespace soci
