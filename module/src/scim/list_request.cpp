#include "scim/list_request.hpp"

#include "http/http.hpp"
#include "scim/filter/parser.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include <charconv>

namespace kestra::scim {
namespace {

Result<std::int64_t> integer(std::string_view name, std::string_view text) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Error::invalid("'" + std::string(name) + "' must be an integer, not '" + std::string(text) + "'",
                          "invalidValue");
  }
  return v;
}

Result<bool> sort_order(std::string_view text) {
  if (boost::algorithm::iequals(text, "ascending")) return true;
  if (boost::algorithm::iequals(text, "descending")) return false;
  return Error::invalid("sortOrder must be 'ascending' or 'descending', not '" + std::string(text) + "'",
                        "invalidValue");
}

// Applies one named parameter; `name` is matched case-insensitively.
Result<void> apply(ListRequest& r, std::string_view name, std::string_view value, bool& count_given) {
  using boost::algorithm::iequals;
  if (iequals(name, "filter")) {
    r.filter = value;
  } else if (iequals(name, "sortBy")) {
    if (!value.empty()) r.sort_by = std::string(value);
  } else if (iequals(name, "sortOrder")) {
    auto asc = sort_order(value);
    if (!asc) return asc.error();
    r.ascending = *asc;
  } else if (iequals(name, "startIndex")) {
    auto v = integer(name, value);
    if (!v) return v.error();
    r.start_index = std::max<std::int64_t>(1, *v);
  } else if (iequals(name, "count")) {
    auto v = integer(name, value);
    if (!v) return v.error();
    r.count = std::max<std::int64_t>(0, *v);
    count_given = true;
  } else if (iequals(name, "attributes")) {
    r.attributes = value;
  } else if (iequals(name, "excludedAttributes")) {
    r.excluded_attributes = value;
  } else if (iequals(name, "cursor")) {
    r.cursor = std::string(value);
  }
  return {};
}

void clamp(ListRequest& r, bool count_given, std::int64_t default_count, std::int64_t max_results) {
  if (!count_given) r.count = default_count;
  r.count = std::min(r.count, max_results);
}

}  // namespace

Result<ListRequest> parse_list_query(std::string_view raw_query, std::int64_t default_count,
                                     std::int64_t max_results) {
  ListRequest r;
  bool count_given = false;
  for (const auto& [name, value] : http::parse_query(raw_query)) {
    if (auto applied = apply(r, name, value, count_given); !applied) return applied.error();
  }
  clamp(r, count_given, default_count, max_results);
  return r;
}

Result<ListRequest> parse_search_body(const boost::json::object& body, std::int64_t default_count,
                                      std::int64_t max_results) {
  ListRequest r;
  bool count_given = false;
  for (const auto& [key, value] : body) {
    const std::string_view name(key.data(), key.size());
    if (boost::algorithm::iequals(name, "schemas")) continue;
    std::string text;
    if (value.is_string()) {
      text = value.as_string();
    } else if (value.is_int64()) {
      text = std::to_string(value.as_int64());
    } else if (value.is_uint64()) {
      text = std::to_string(value.as_uint64());
    } else if (value.is_array() &&
               (boost::algorithm::iequals(name, "attributes") || boost::algorithm::iequals(name, "excludedAttributes"))) {
      for (const auto& item : value.as_array()) {
        if (!item.is_string()) return Error::invalid("'" + std::string(name) + "' must list strings", "invalidValue");
        if (!text.empty()) text += ',';
        text += item.as_string();
      }
    } else if (value.is_null()) {
      continue;
    } else {
      return Error::invalid("'" + std::string(name) + "' has the wrong type", "invalidValue");
    }
    if (auto applied = apply(r, name, text, count_given); !applied) return applied.error();
  }
  clamp(r, count_given, default_count, max_results);
  return r;
}

Result<ports::ListQuery> to_list_query(const ListRequest& request, filter::NodePtr& owned_filter,
                                       const filter::Limits& limits) {
  owned_filter.reset();
  if (!request.filter.empty()) {
    auto parsed = filter::parse_filter(request.filter, limits);
    if (!parsed) return parsed.error();
    owned_filter = std::move(*parsed);
  }
  ports::ListQuery query;
  query.filter = owned_filter.get();
  if (request.sort_by) query.sort = ports::SortKey{*request.sort_by, request.ascending};
  query.count = request.count;
  // An empty cursor asks for the first page of a cursor walk (RFC 9865).
  if (request.cursor && !request.cursor->empty()) query.cursor = request.cursor;
  query.offset = request.cursor ? 0 : request.start_index - 1;
  return query;
}

}  // namespace kestra::scim
