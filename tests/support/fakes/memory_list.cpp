// Lists in memory: the whitelist check of the filter and sortBy, the
// evaluator for matching, (sort key, creation order) ordering, startIndex
// paging, keyset cursors, max_bytes and totals.
#include "memory_state.hpp"

#include "core/text.hpp"
#include "scim/filter/evaluator.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <variant>

namespace kestra::test::fakes {
namespace f = scim::filter;
namespace json = boost::json;

Error invalid_filter(std::string detail) { return Error::invalid(std::move(detail), "invalidFilter"); }

namespace {

constexpr std::string_view kCursorPrefix = "memory-cursor|";

bool listed(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

struct Split {
  std::string urn, attribute, sub;
};

// The path in lower case with the URN and sub-attribute split off.
Split split(const f::AttrPath& path) {
  Split out{ascii_lower(path.urn), ascii_lower(path.attribute), ascii_lower(path.sub_attribute)};
  if (out.urn.empty()) {
    if (const auto colon = out.attribute.rfind(':'); colon != std::string::npos) {
      out.urn = out.attribute.substr(0, colon);
      out.attribute = out.attribute.substr(colon + 1);
    }
  }
  if (out.sub.empty()) {
    if (const auto dot = out.attribute.find('.'); dot != std::string::npos) {
      out.sub = out.attribute.substr(dot + 1);
      out.attribute = out.attribute.substr(0, dot);
    }
  }
  return out;
}

std::string text_of(const f::AttrPath& path) {
  std::string text = path.urn.empty() ? "" : path.urn + ":";
  text += path.attribute;
  if (!path.sub_attribute.empty()) text += "." + path.sub_attribute;
  return text;
}

// Whether the store can use `path`: singular (sort) or any (filter).
bool usable(const f::AttrPath& path, const ListSchema& schema, bool singular_only) {
  const Split s = split(path);
  if (!s.urn.empty() && s.urn != schema.core_urn) {
    return !schema.extension_urn.empty() && s.urn == schema.extension_urn && listed(schema.extension, s.attribute);
  }
  if (s.attribute == "meta") return s.sub == "created" || s.sub == "lastmodified";
  if (listed(schema.singular, s.attribute)) return true;
  return !singular_only && listed(schema.multi, s.attribute);
}

Result<void> check_filter(const f::Node& node, const ListSchema& schema) {
  const auto check_path = [&](const f::AttrPath& path) -> Result<void> {
    if (usable(path, schema, false)) return {};
    return invalid_filter("the filter's attribute '" + text_of(path) + "' cannot be used in a filter");
  };
  if (const auto* n = std::get_if<f::Compare>(&node.value)) return check_path(n->path);
  if (const auto* n = std::get_if<f::Present>(&node.value)) return check_path(n->path);
  if (const auto* n = std::get_if<f::ValuePath>(&node.value)) return check_path(n->path);
  if (const auto* n = std::get_if<f::Not>(&node.value)) return check_filter(*n->inner, schema);
  const auto pair = [&](const f::NodePtr& left, const f::NodePtr& right) -> Result<void> {
    if (auto ok = check_filter(*left, schema); !ok) return ok;
    return check_filter(*right, schema);
  };
  if (const auto* n = std::get_if<f::And>(&node.value)) return pair(n->left, n->right);
  if (const auto* n = std::get_if<f::Or>(&node.value)) return pair(n->left, n->right);
  return invalid_filter("unknown filter node");
}

const json::value* member(const json::object& object, std::string_view key) {
  for (const auto& [name, value] : object) {
    if (iequals(name, key)) return &value;
  }
  return nullptr;
}

// The sort key of a document: strings case-folded, nullopt when absent.
std::optional<std::string> sort_key(const json::object& document, const Split& path) {
  const json::value* value = nullptr;
  const json::object* scope = &document;
  if (!path.urn.empty()) {
    const auto* extension = member(document, path.urn);
    if (extension && extension->is_object()) scope = &extension->get_object();
  }
  value = member(*scope, path.attribute);
  if (value && !path.sub.empty()) value = value->is_object() ? member(value->get_object(), path.sub) : nullptr;
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_string()) return ascii_lower(value->get_string());
  return json::serialize(*value);
}

struct Position {
  std::optional<std::string> key;
  std::int64_t seq = 0;
};

// Ascending or descending by key (absent keys last), then creation order.
bool before(const Position& a, const Position& b, bool ascending) {
  if (a.key.has_value() != b.key.has_value()) return a.key.has_value();
  if (a.key && *a.key != *b.key) return ascending ? *a.key < *b.key : *b.key < *a.key;
  return a.seq < b.seq;
}

std::string encode(const std::string& sort, bool ascending, const Position& at) {
  return std::string(kCursorPrefix) + sort + "|" + (ascending ? "a" : "d") + "|" + std::to_string(at.seq) + "|" +
         (at.key ? "k" + *at.key : "n");
}

Result<Position> decode(std::string_view text, const std::string& sort, bool ascending) {
  const Error bad = Error::invalid("the cursor is not one this service returned", "invalidCursor");
  if (text.substr(0, kCursorPrefix.size()) != kCursorPrefix) return bad;
  text.remove_prefix(kCursorPrefix.size());
  std::vector<std::string_view> fields;
  for (int i = 0; i < 3; ++i) {
    const auto bar = text.find('|');
    if (bar == std::string_view::npos) return bad;
    fields.push_back(text.substr(0, bar));
    text.remove_prefix(bar + 1);
  }
  if (fields[0] != sort || fields[1] != (ascending ? "a" : "d")) {
    return Error::invalid("the cursor belongs to a query with another sortBy or sortOrder", "invalidCursor");
  }
  const auto seq = whole_number(fields[2]);
  if (!seq || text.empty() || (text[0] != 'k' && text[0] != 'n')) return bad;
  Position at;
  at.seq = *seq;
  if (text[0] == 'k') at.key = std::string(text.substr(1));
  return at;
}

}  // namespace

Result<Selection> select(const std::vector<Candidate>& candidates, const ports::ListQuery& query,
                         const ListSchema& schema) {
  if (query.filter) {
    if (auto ok = check_filter(*query.filter, schema); !ok) return ok.error();
  }
  std::optional<Split> sort;
  std::string sort_name = "meta.created";
  if (query.sort) {
    const f::AttrPath path{"", query.sort->attribute, ""};
    if (!usable(path, schema, true)) {
      return invalid_filter("sortBy '" + query.sort->attribute + "' is not a singular attribute that can be sorted");
    }
    sort = split(path);
    sort_name = (sort->urn.empty() ? "" : sort->urn + ":") + sort->attribute + (sort->sub.empty() ? "" : "." + sort->sub);
  }
  const bool ascending = !query.sort || query.sort->ascending;

  static const f::AttributeLookup kNoLookup;
  const f::AttributeLookup& lookup = schema.lookup ? *schema.lookup : kNoLookup;
  std::vector<std::pair<Position, std::size_t>> matched;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    if (query.filter && !f::matches(*query.filter, c.document, lookup)) continue;
    matched.push_back({Position{sort ? sort_key(c.document, *sort) : std::nullopt, c.seq}, i});
  }
  std::sort(matched.begin(), matched.end(),
            [&](const auto& a, const auto& b) { return before(a.first, b.first, ascending); });

  Selection out;
  out.total = static_cast<std::int64_t>(matched.size());
  if (query.count <= 0) return out;
  std::size_t first = 0;
  if (query.cursor) {
    auto after = decode(*query.cursor, sort_name, ascending);
    if (!after) return after.error();
    while (first < matched.size() && !before(*after, matched[first].first, ascending)) ++first;
  } else {
    first = static_cast<std::size_t>(std::max<std::int64_t>(0, query.offset));
  }
  std::size_t bytes = 0;
  for (std::size_t i = first; i < matched.size(); ++i) {
    const bool full = static_cast<std::int64_t>(out.page.size()) == query.count ||
                      (query.max_bytes > 0 && bytes >= query.max_bytes);
    if (full) {
      out.next_cursor = encode(sort_name, ascending, matched[i - 1].first);
      break;
    }
    out.page.push_back(matched[i].second);
    bytes += candidates[matched[i].second].bytes;
  }
  return out;
}

}  // namespace kestra::test::fakes
