// The parameters of a SCIM list or search (RFC 7644 3.4.2 and 3.4.3; RFC 9865
// cursors), from a query string or a SearchRequest body.
#pragma once

#include "core/result.hpp"
#include "ports/resource_store.hpp"
#include "scim/filter/ast.hpp"
#include "scim/filter/parser.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kestra::scim {

inline constexpr std::string_view kSearchRequestSchema = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
inline constexpr std::string_view kListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

struct ListRequest {
  std::string filter;                 // empty: no filter
  std::optional<std::string> sort_by;
  bool ascending = true;
  std::int64_t start_index = 1;       // 1-based; values below 1 mean 1
  std::int64_t count = 0;             // clamped to max_results; 0 = totalResults only
  std::string attributes;             // comma-separated
  std::string excluded_attributes;
  std::optional<std::string> cursor;  // "" asks for the first cursor page
};

// From the query string of GET /Users etc.  `default_count` applies when
// count is absent; every count is clamped to `max_results`.
Result<ListRequest> parse_list_query(std::string_view raw_query, std::int64_t default_count,
                                     std::int64_t max_results);

// From a POST .search body.
Result<ListRequest> parse_search_body(const boost::json::object& body, std::int64_t default_count,
                                      std::int64_t max_results);

// The store query of a list request, its filter parsed within `limits`.  The
// parsed filter is kept in `owned_filter`, which must outlive the query.
Result<ports::ListQuery> to_list_query(const ListRequest& request, filter::NodePtr& owned_filter,
                                       const filter::Limits& limits = {});

}  // namespace kestra::scim
