// SCIM filters and sort keys compiled to SQL through an explicit whitelist
// of attribute paths per resource type.  An attribute outside the whitelist,
// or an operator its type does not support, is InvalidInput (invalidFilter):
// a filter is never dropped or widened.  Every value from the request is
// bound through SqlParams.  Semantics follow scim/filter/evaluator.hpp.
#pragma once

#include "core/result.hpp"
#include "dialect.hpp"
#include "ports/resource_store.hpp"
#include "scim/filter/ast.hpp"
#include "sql_params.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace kestra::adapters {

// What the SQL applies to, and the aliases its fragments use.
enum class FilterTarget {
  Users,    // u = scim_users, a = scim_tenant_users of the scope's tenant
  Groups,   // g = scim_groups of the scope's tenant
  Members,  // rows of scim_group_members, unaliased (usable in DELETE):
            // paths value, type, display relative to a member
};

// A boolean SQL condition equivalent to `node`, whose nesting does not grow
// with the length of an and/or chain nor with not(not(…)): chains are
// written flat (16 operands a level), eq on one column becomes IN (…).  A
// filter whose operators alternate so deeply that its SQL would still nest
// past what every engine parses is InvalidInput (invalidFilter), as is an
// attribute outside the whitelist.
Result<std::string> compile_filter(const Dialect& dialect, FilterTarget target, const ports::Scope& scope,
                                   const scim::filter::Node& node, SqlParams& params);

struct SortColumn {
  std::string attribute;   // canonical name (cursors carry it)
  std::string expression;  // SQL of the key, case-folded when case-insensitive
  bool nullable = false;   // missing values sort last ascending, first descending
  bool integer = false;
};

// The key of `sort` (a singular attribute of the whitelist, or, for Users
// and Groups, externalId: the page query joins it as x.external_id);
// creation order when `sort` is empty.  InvalidInput (invalidFilter) otherwise.
Result<SortColumn> sort_column(const Dialect& dialect, FilterTarget target,
                               const std::optional<ports::SortKey>& sort);

// An RFC 3339 date-time ("2026-01-02T03:04:05.6+02:00", no offset = UTC) in
// the stored form, UTC with milliseconds ("2026-01-02T01:04:05.600Z");
// nullopt when `text` is not one.
std::optional<std::string> normalise_date_time(std::string_view text);

// Where the SQL of a membership display name reads it: the user's userName
// or the group's displayName.  `alias` names the scim_group_members row.
std::string member_display_sql(std::string_view alias);
// The members of one group as the derived table `d` that a FilterTarget::Members
// filter reads (member_id, member_type, display).
std::string member_rows_sql(std::string_view group_param);

}  // namespace kestra::adapters
