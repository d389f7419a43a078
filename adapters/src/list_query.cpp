#include "list_query.hpp"
#include "core/text.hpp"

#include "core/crypto.hpp"
#include "scim/filter/ast.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <system_error>
#include <variant>

namespace kestra::adapters {
namespace {

Error invalid_cursor(std::string detail) { return Error::invalid(std::move(detail), "invalidCursor"); }

std::optional<std::string> base64url_decode(std::string_view text) {
  std::array<int, 256> table{};
  table.fill(-1);
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

bool is_integer(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

// `node` is an `eq` on an attribute no two rows of the target share within
// a tenant: id, and for users userName (unique across tenants, case-folded).
bool matches_at_most_one(FilterTarget target, const scim::filter::Node& node) {
  const auto* compare = std::get_if<scim::filter::Compare>(&node.value);
  if (compare == nullptr || compare->op != scim::filter::CompareOp::Eq) return false;
  if (compare->value.kind != scim::filter::Literal::Kind::String) return false;
  const auto& path = compare->path;
  if (!path.sub_attribute.empty()) return false;
  const char* core = target == FilterTarget::Users ? "urn:ietf:params:scim:schemas:core:2.0:User"
                                                   : "urn:ietf:params:scim:schemas:core:2.0:Group";
  if (!path.urn.empty() && !iequals(path.urn, core)) return false;
  if (iequals(path.attribute, "id")) return target != FilterTarget::Members;
  // Unique per tenant, case-insensitively: a user's userName, a group's
  // displayName (Okta's and Entra's existence checks).
  if (target == FilterTarget::Users) return iequals(path.attribute, "userName");
  return target == FilterTarget::Groups && iequals(path.attribute, "displayName");
}

}  // namespace

std::string encode_cursor(const Cursor& cursor) {
  boost::json::object o;
  o["s"] = cursor.sort;
  o["d"] = cursor.ascending ? "a" : "d";
  if (cursor.key) {
    o["k"] = *cursor.key;
  } else {
    o["k"] = nullptr;
  }
  o["i"] = cursor.id;
  return crypto::base64url(boost::json::serialize(o));
}

Result<Cursor> decode_cursor(std::string_view text) {
  const Error bad = invalid_cursor("the cursor is not one this service returned");
  if (text.empty() || text.size() > 4096) return bad;
  const auto bytes = base64url_decode(text);
  if (!bytes) return bad;
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(*bytes, ec);
  if (ec || !parsed.is_object()) return bad;
  const boost::json::object& o = parsed.get_object();
  const auto* sort = o.if_contains("s");
  const auto* direction = o.if_contains("d");
  const auto* key = o.if_contains("k");
  const auto* id = o.if_contains("i");
  if (o.size() != 4 || !sort || !sort->is_string() || !direction || !direction->is_string() || !key ||
      !(key->is_string() || key->is_null()) || !id || !id->is_string()) {
    return bad;
  }
  Cursor cursor;
  cursor.sort = std::string(sort->get_string());
  if (direction->get_string() != "a" && direction->get_string() != "d") return bad;
  cursor.ascending = direction->get_string() == "a";
  if (key->is_string()) cursor.key = std::string(key->get_string());
  cursor.id = std::string(id->get_string());
  return cursor;
}

Result<ListPlan> plan_list(const Dialect& dialect, FilterTarget target, const ports::Scope& scope,
                           const ports::ListQuery& query, std::string_view id_expression,
                           const std::function<std::string(SqlParams&)>& scope_condition) {
  if (query.offset < 0 || query.count < 0) {
    return Error::invalid("startIndex and count must not be negative", "invalidValue");
  }
  ListPlan plan;
  auto sort = sort_column(dialect, target, query.sort);
  if (!sort) return sort.error();
  plan.sort = std::move(*sort);
  plan.ascending = !query.sort || query.sort->ascending;

  plan.where = "(" + scope_condition(plan.where_params) + ")";
  if (query.filter != nullptr) {
    auto filter = compile_filter(dialect, target, scope, *query.filter, plan.where_params);
    if (!filter) return filter.error();
    plan.where += " AND " + *filter;
  }

  const std::string& s = plan.sort.expression;
  const std::string id(id_expression);
  std::string keyset;
  if (query.cursor) {
    auto cursor = decode_cursor(*query.cursor);
    if (!cursor) return cursor.error();
    if (cursor->sort != plan.sort.attribute || cursor->ascending != plan.ascending) {
      return invalid_cursor("the cursor belongs to a query with another sortBy or sortOrder");
    }
    if ((!cursor->key && !plan.sort.nullable) || (cursor->key && plan.sort.integer && !is_integer(*cursor->key))) {
      return invalid_cursor("the cursor is not one this service returned");
    }
    const auto key_param = [&] {
      return plan.sort.integer ? plan.page_params.integer(std::stoll(*cursor->key))
                               : plan.page_params.text(*cursor->key);
    };
    const std::string after_id = id + " > " + plan.page_params.text(cursor->id);
    if (cursor->key) {
      const std::string beyond = plan.ascending ? " > " : " < ";
      const std::string k1 = key_param();
      const std::string k2 = key_param();
      std::string next = "(" + s + beyond + k1 + " OR (" + s + " = " + k2 + " AND " + after_id + "))";
      if (plan.sort.nullable) {
        next = plan.ascending ? "((" + s + " IS NOT NULL AND " + next + ") OR " + s + " IS NULL)"
                              : "(" + s + " IS NOT NULL AND " + next + ")";
      }
      keyset = " AND " + next;
    } else {
      keyset = plan.ascending ? " AND (" + s + " IS NULL AND " + after_id + ")"
                              : " AND ((" + s + " IS NULL AND " + after_id + ") OR " + s + " IS NOT NULL)";
    }
  }

  const std::string direction = plan.ascending ? "" : " DESC";
  std::string order = " ORDER BY ";
  if (plan.sort.nullable) order += "CASE WHEN " + s + " IS NULL THEN 1 ELSE 0 END" + direction + ", ";
  order += s + direction + ", " + id;

  plan.single_row = query.filter != nullptr && !query.cursor && query.offset == 0 && query.count > 0 &&
                    matches_at_most_one(target, *query.filter);
  plan.fetch = query.count < std::numeric_limits<long long>::max() ? query.count + 1 : query.count;
  const long long first = query.cursor ? 0 : query.offset;
  plan.page_tail = keyset + order + " LIMIT " + plan.page_params.integer(plan.fetch) + " OFFSET " +
                   plan.page_params.integer(first);
  return plan;
}

std::string next_cursor(const ListPlan& plan, const std::optional<std::string>& key, const std::string& id) {
  return encode_cursor(Cursor{plan.sort.attribute, plan.ascending, key, id});
}

ListStatements list_statements(const Dialect& dialect, const ListSource& source, const ListPlan& plan,
                               bool filtered) {
  const Reuse page = dialect.caches_list_pages() || plan.single_row ? Reuse::Cached : Reuse::Once;
  return {{"SELECT COUNT(*)" + (filtered ? source.filtered_count_from : source.count_from) + " WHERE " + plan.where,
           Reuse::Once},
          {source.select + ", " + plan.sort.expression + source.from + " WHERE " + plan.where + plan.page_tail, page}};
}

}  // namespace kestra::adapters
