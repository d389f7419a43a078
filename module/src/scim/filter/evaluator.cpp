#include "scim/filter/evaluator.hpp"
#include "core/case_fold.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace kestra::scim::filter {
namespace {

namespace json = boost::json;

constexpr std::string_view kCoreSchemaPrefix = "urn:ietf:params:scim:schemas:core:";

const json::value* find_member(const json::object& object, std::string_view name) {
  if (auto it = object.find(name); it != object.end()) return &it->value();
  for (const auto& member : object) {
    if (iequals(member.key(), name)) return &member.value();
  }
  return nullptr;
}

// ---- Instants (RFC 3339 date-time) -----------------------------------------

struct Instant {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  auto operator<=>(const Instant&) const = default;
};

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}

// YYYY-MM-DD(T|t| )HH:MM:SS[.fraction][Z|z|(+|-)HH:MM]; no offset reads as UTC.
std::optional<Instant> parse_instant(std::string_view s) {
  std::size_t i = 0;
  const auto number = [&](std::size_t width) -> std::optional<int> {
    if (i + width > s.size()) return std::nullopt;
    int value = 0;
    for (std::size_t k = 0; k < width; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    i += width;
    return value;
  };
  const auto expect = [&](std::string_view any_of) {
    if (i >= s.size() || any_of.find(s[i]) == std::string_view::npos) return false;
    ++i;
    return true;
  };
  const auto year = number(4);
  if (!year || !expect("-")) return std::nullopt;
  const auto month = number(2);
  if (!month || !expect("-")) return std::nullopt;
  const auto day = number(2);
  if (!day || !expect("Tt ")) return std::nullopt;
  const auto hour = number(2);
  if (!hour || !expect(":")) return std::nullopt;
  const auto minute = number(2);
  if (!minute || !expect(":")) return std::nullopt;
  const auto second = number(2);
  if (!second) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || static_cast<unsigned>(*day) > days_in_month(*year, *month) ||
      *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::int32_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t k = digits; k < 9; ++k) nanos *= 10;
  }
  std::int64_t offset_seconds = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      ++i;
      const auto offset_hour = number(2);
      if (!offset_hour || !expect(":")) return std::nullopt;
      const auto offset_minute = number(2);
      if (!offset_minute || *offset_hour > 23 || *offset_minute > 59) return std::nullopt;
      offset_seconds = sign * (*offset_hour * 3600 + *offset_minute * 60);
    } else {
      return std::nullopt;
    }
  }
  if (i != s.size()) return std::nullopt;
  const std::int64_t local = days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400 +
                             *hour * 3600 + *minute * 60 + *second;
  return Instant{local - offset_seconds, nanos};
}

// ---- Numbers -----------------------------------------------------------------

struct Number {
  bool integral = false;
  std::int64_t integer = 0;
  double real = 0;
};

std::optional<Number> number_of(const json::value& v) {
  if (v.is_int64()) return Number{true, v.get_int64(), static_cast<double>(v.get_int64())};
  if (v.is_uint64()) {
    const auto u = v.get_uint64();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return Number{true, static_cast<std::int64_t>(u), static_cast<double>(u)};
    }
    return Number{false, 0, static_cast<double>(u)};
  }
  if (v.is_double()) return Number{false, 0, v.get_double()};
  return std::nullopt;
}

std::optional<Number> number_of(std::string_view text) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (text.find_first_of(".eE") == std::string_view::npos) {
    std::int64_t integer = 0;
    if (auto [end, ec] = std::from_chars(first, last, integer); ec == std::errc{} && end == last) {
      return Number{true, integer, static_cast<double>(integer)};
    }
  }
  double real = 0;
  if (auto [end, ec] = std::from_chars(first, last, real); ec == std::errc{} && end == last) {
    return Number{false, 0, real};
  }
  return std::nullopt;
}

std::partial_ordering compare_numbers(const Number& a, const Number& b) {
  if (a.integral && b.integral) return a.integer <=> b.integer;
  return a.real <=> b.real;
}

bool ordered(std::partial_ordering order, CompareOp op) {
  switch (op) {
    case CompareOp::Eq: return order == 0;
    case CompareOp::Gt: return order > 0;
    case CompareOp::Ge: return order >= 0;
    case CompareOp::Lt: return order < 0;
    case CompareOp::Le: return order <= 0;
    default: return false;
  }
}

// ---- Comparing one value -------------------------------------------------------

AttributeInfo::Type inferred_type(const json::value& v) {
  if (v.is_bool()) return AttributeInfo::Type::Boolean;
  if (v.is_number()) return AttributeInfo::Type::Decimal;
  return AttributeInfo::Type::String;
}

std::optional<bool> boolean_text(std::string_view text) {
  if (iequals(text, "true")) return true;
  if (iequals(text, "false")) return false;
  return std::nullopt;
}

bool compare_strings(std::string_view actual, CompareOp op, std::string_view expected, bool case_exact,
                     bool as_instants) {
  if (as_instants && op != CompareOp::Co && op != CompareOp::Sw && op != CompareOp::Ew) {
    const auto a = parse_instant(actual);
    const auto b = parse_instant(expected);
    if (a && b) return ordered(*a <=> *b, op);
  }
  std::string actual_folded, expected_folded;
  if (!case_exact) {
    actual_folded = fold_case(actual);
    expected_folded = fold_case(expected);
    actual = actual_folded;
    expected = expected_folded;
  }
  switch (op) {
    case CompareOp::Co: return actual.find(expected) != std::string_view::npos;
    case CompareOp::Sw: return actual.starts_with(expected);
    case CompareOp::Ew: return actual.ends_with(expected);
    default: return ordered(actual.compare(expected) <=> 0, op);
  }
}

// One candidate value against `op literal` (op is never Ne: see eval_compare).
bool compare_value(const json::value& actual, CompareOp op, const Literal& expected, const AttributeInfo* info) {
  if (actual.is_null()) return false;
  const auto type = info ? info->type : inferred_type(actual);
  switch (expected.kind) {
    case Literal::Kind::Null:
      return false;
    case Literal::Kind::Boolean:
      if (op != CompareOp::Eq) return false;
      if (actual.is_bool()) return actual.get_bool() == expected.boolean;
      if (actual.is_string() && type == AttributeInfo::Type::Boolean) {
        return boolean_text(actual.get_string()) == expected.boolean;
      }
      return false;
    case Literal::Kind::Number: {
      const auto a = number_of(actual);
      const auto b = number_of(expected.text);
      if (!a || !b) return false;
      return ordered(compare_numbers(*a, *b), op);
    }
    case Literal::Kind::String:
      if (actual.is_bool()) {
        if (op != CompareOp::Eq || type != AttributeInfo::Type::Boolean) return false;
        return boolean_text(expected.text) == actual.get_bool();
      }
      if (!actual.is_string()) return false;
      return compare_strings(actual.get_string(), op, expected.text, info && info->case_exact,
                             type == AttributeInfo::Type::DateTime || !info);
  }
  return false;
}

bool has_content(const json::value& v) {
  if (v.is_null()) return false;
  if (v.is_string()) return !v.get_string().empty();
  if (v.is_array()) return !v.get_array().empty();
  if (v.is_object()) return !v.get_object().empty();
  return true;
}

bool is_present(const json::value& v) {
  if (v.is_array()) return std::any_of(v.get_array().begin(), v.get_array().end(), has_content);
  if (v.is_object()) {
    const auto& o = v.get_object();
    return std::any_of(o.begin(), o.end(), [](const auto& member) { return has_content(member.value()); });
  }
  return has_content(v);
}

// ---- Walking the tree --------------------------------------------------------

// Where paths resolve: the resource, or (element set) one element of `parent`.
struct Scope {
  const json::object* resource = nullptr;  // null inside matches_element
  const json::value* element = nullptr;
  const AttrPath* parent = nullptr;
  const AttributeLookup* lookup = nullptr;
};

const json::value* attribute_value(const Scope& scope, const AttrPath& path) {
  if (scope.element) {
    if (scope.element->is_object()) return find_member(scope.element->get_object(), path.attribute);
    return iequals(path.attribute, "value") ? scope.element : nullptr;
  }
  if (!scope.resource) return nullptr;
  const json::object* container = scope.resource;
  if (!path.urn.empty()) {
    const json::value* extension = find_member(*scope.resource, path.urn);
    if (extension && extension->is_object()) {
      container = &extension->get_object();
    } else if (path.urn.size() < kCoreSchemaPrefix.size() ||
               !iequals(std::string_view(path.urn).substr(0, kCoreSchemaPrefix.size()), kCoreSchemaPrefix)) {
      return nullptr;
    }
  }
  return find_member(*container, path.attribute);
}

void add_sub_value(const json::value& holder, std::string_view sub, std::vector<const json::value*>& out) {
  if (!holder.is_object()) return;
  if (const json::value* v = find_member(holder.get_object(), sub)) out.push_back(v);
}

// The values `path` denotes, and the path whose AttributeInfo describes them:
// a complex attribute without a sub-attribute stands for its "value".
struct Operands {
  std::vector<const json::value*> values;
  AttrPath described;
};

Operands operands(const Scope& scope, const AttrPath& path) {
  Operands result{{}, path};
  const json::value* attribute = attribute_value(scope, path);
  if (!attribute) return result;
  const bool explicit_sub = !path.sub_attribute.empty();
  const std::string_view sub = explicit_sub ? std::string_view(path.sub_attribute) : std::string_view("value");
  bool implicit_sub = false;
  const auto take = [&](const json::value& v) {
    if (v.is_object()) {
      add_sub_value(v, sub, result.values);
      implicit_sub = !explicit_sub;
    } else if (!explicit_sub) {
      result.values.push_back(&v);
    }
  };
  if (attribute->is_array()) {
    for (const auto& element : attribute->get_array()) take(element);
  } else {
    take(*attribute);
  }
  if (implicit_sub) result.described.sub_attribute = "value";
  return result;
}

std::optional<AttributeInfo> describe(const Scope& scope, const AttrPath& path) {
  if (!*scope.lookup) return std::nullopt;
  // "value" of a primitive element is the multi-valued attribute itself.
  if (scope.element && !scope.element->is_object() && iequals(path.attribute, "value")) {
    return (*scope.lookup)(*scope.parent, nullptr);
  }
  return (*scope.lookup)(path, scope.parent);
}

bool evaluate(const Node& node, const Scope& scope);

bool evaluate_child(const NodePtr& child, const Scope& scope) { return child && evaluate(*child, scope); }

bool evaluate_present(const AttrPath& path, const Scope& scope) {
  const json::value* attribute = attribute_value(scope, path);
  if (!attribute) return false;
  if (path.sub_attribute.empty()) return is_present(*attribute);
  std::vector<const json::value*> values;
  if (attribute->is_array()) {
    for (const auto& element : attribute->get_array()) add_sub_value(element, path.sub_attribute, values);
  } else {
    add_sub_value(*attribute, path.sub_attribute, values);
  }
  return std::any_of(values.begin(), values.end(), [](const json::value* v) { return is_present(*v); });
}

bool equals_or_orders(const Compare& c, CompareOp op, const Scope& scope) {
  if (c.value.kind == Literal::Kind::Null) return op == CompareOp::Eq && !evaluate_present(c.path, scope);
  const Operands found = operands(scope, c.path);
  if (found.values.empty()) return false;
  const auto info = describe(scope, found.described);
  return std::any_of(found.values.begin(), found.values.end(), [&](const json::value* v) {
    return compare_value(*v, op, c.value, info ? &*info : nullptr);
  });
}

bool evaluate_compare(const Compare& c, const Scope& scope) {
  if (c.op == CompareOp::Ne) return !equals_or_orders(c, CompareOp::Eq, scope);
  return equals_or_orders(c, c.op, scope);
}

bool evaluate_value_path(const ValuePath& vp, const Scope& scope) {
  if (!vp.filter) return false;
  const json::value* attribute = attribute_value(scope, vp.path);
  if (!attribute) return false;
  const auto element_matches = [&](const json::value& element) {
    return evaluate(*vp.filter, Scope{scope.resource, &element, &vp.path, scope.lookup});
  };
  if (!attribute->is_array()) return !attribute->is_null() && element_matches(*attribute);
  const auto& elements = attribute->get_array();
  return std::any_of(elements.begin(), elements.end(), element_matches);
}

bool evaluate(const Node& node, const Scope& scope) {
  return std::visit(
      [&](const auto& n) -> bool {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Compare>) {
          return evaluate_compare(n, scope);
        } else if constexpr (std::is_same_v<T, Present>) {
          return evaluate_present(n.path, scope);
        } else if constexpr (std::is_same_v<T, And>) {
          return evaluate_child(n.left, scope) && evaluate_child(n.right, scope);
        } else if constexpr (std::is_same_v<T, Or>) {
          return evaluate_child(n.left, scope) || evaluate_child(n.right, scope);
        } else if constexpr (std::is_same_v<T, Not>) {
          return n.inner && !evaluate(*n.inner, scope);
        } else {
          return evaluate_value_path(n, scope);
        }
      },
      node.value);
}

}  // namespace

bool matches(const Node& node, const boost::json::object& resource, const AttributeLookup& lookup) {
  return evaluate(node, Scope{&resource, nullptr, nullptr, &lookup});
}

bool matches_element(const Node& node, const boost::json::value& element, const AttrPath& parent,
                     const AttributeLookup& lookup) {
  return evaluate(node, Scope{nullptr, &element, &parent, &lookup});
}

}  // namespace kestra::scim::filter
