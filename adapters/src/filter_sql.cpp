#include "filter_sql.hpp"

#include "filter_columns.hpp"
#include "core/case_fold.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>
#include <span>
#include <utility>
#include <variant>
#include <vector>

namespace kestra::adapters {
namespace {

namespace f = scim::filter;
using namespace whitelist;


// Operands of one AND or OR written flat within one pair of parentheses;
// longer chains become a balanced tree of such groups.
constexpr std::size_t kFanOut = 16;

// The deepest nesting of parentheses a filter's SQL may have, below what
// every engine parses inside the list statements.  SQLite's parser is the
// tightest (a stack of 100, about 3 entries per level): measured, the list
// of users overflowed at 28 levels when the innermost are a value path's
// subquery, at 30 without one; PostgreSQL and MariaDB took all 35.
constexpr int kMaxNesting = 24;

// A resolved attribute: a column compared in place, or a child table with
// the sub-attribute compared in each row (null: the element as a whole).
struct InColumn {
  Column column;
  std::string expression;
};
struct InChild {
  const Child* child;
  std::optional<InColumn> sub;
};
using Resolved = std::variant<InColumn, InChild>;

class Compiler {
 public:
  Compiler(const Dialect& dialect, FilterTarget target, const ports::Scope& scope, SqlParams& params)
      : dialect_(dialect), target_(target), scope_(scope), params_(params) {}

  Result<std::string> top(const f::Node& node) { return logical(node, false, nullptr); }

 private:
  // Inside a value path, `parent` resolves the element's sub-attributes.
  struct Element {
    const Child* child = nullptr;  // a multi-valued attribute
    std::span<const Column> columns;  // or a complex singular one: columns "prefix.sub"
    std::string prefix;
  };

  // --- and, or, not -----------------------------------------------------------
  //
  // The parser builds and/or left-deep, and a client may nest parentheses
  // and not(…) as it likes; SQL nested the same way overflows the engines'
  // parsers (SQLite's stack holds about 33 levels of parentheses).  So:
  // - not(…) is pushed down to the leaves (not(not x) = x; De Morgan,
  //   which holds in SQL's three-valued logic too), flipping eq and ne;
  // - a chain of one operator, however the client grouped it, is gathered
  //   into one list of operands and written flat, kFanOut at a time, in a
  //   balanced tree of such lists (nesting log_16 of the operands);
  // - in an OR chain the `eq` of one column (or one child table's column)
  //   with string values becomes one `IN (…)`, and in an AND chain its
  //   negations one `NOT (… IN (…))`, compared exactly as `eq` compares.
  // What then still nests deeper than kMaxNesting (operators alternating at
  // every level) is invalidFilter (compile_filter).

  // A node with the negation of the nots above it.
  struct Operand {
    const f::Node* node;
    bool negated;
  };

  static Operand skip_nots(Operand o) {
    while (const auto* n = std::get_if<f::Not>(&o.node->value)) o = {n->inner.get(), !o.negated};
    return o;
  }

  // Whether `o` is an AND (true) or an OR (false) once its negation is
  // pushed inside; nullopt for a leaf.
  static std::optional<bool> conjunction(const Operand& o) {
    if (std::holds_alternative<f::And>(o.node->value)) return !o.negated;
    if (std::holds_alternative<f::Or>(o.node->value)) return o.negated;
    return std::nullopt;
  }

  Result<std::string> logical(const f::Node& root, bool negated, const Element* element) {
    const Operand start = skip_nots({&root, negated});
    const std::optional<bool> is_and = conjunction(start);
    if (!is_and) return leaf(start, element);

    // The operands in the order written: the chain's own nodes are walked
    // with an explicit stack, not recursion.
    std::vector<Operand> operands;
    std::vector<Operand> pending{start};
    while (!pending.empty()) {
      const Operand o = skip_nots(pending.back());
      pending.pop_back();
      if (conjunction(o) != is_and) {
        operands.push_back(o);
        continue;
      }
      const auto [left, right] = std::visit(
          [](const auto& n) -> std::pair<const f::Node*, const f::Node*> {
            if constexpr (requires { n.left; n.right; }) {
              return {n.left.get(), n.right.get()};
            } else {
              return {nullptr, nullptr};
            }
          },
          o.node->value);
      pending.push_back({right, o.negated});
      pending.push_back({left, o.negated});
    }

    // Each term is compiled SQL, or the index of an IN list filled later.
    std::vector<std::variant<std::string, std::size_t>> terms;
    std::vector<InList> lists;
    for (const Operand& o : operands) {
      auto target = in_list_target(o, *is_and, element);
      if (!target) return target.error();
      if (*target) {
        const auto* compare = std::get_if<f::Compare>(&o.node->value);
        auto same = std::find_if(lists.begin(), lists.end(), [&](const InList& l) {
          return l.child == (*target)->child && l.column.expression == (*target)->column.expression;
        });
        if (same == lists.end()) {
          terms.emplace_back(lists.size());
          lists.push_back(InList{(*target)->column, (*target)->child, o, {}});
          same = std::prev(lists.end());
        }
        same->values.push_back(&compare->value.text);
        continue;
      }
      auto compiled = operand(o, element);
      if (!compiled) return compiled.error();
      terms.emplace_back(std::move(*compiled));
    }

    std::vector<std::string> sql;
    sql.reserve(terms.size());
    for (auto& term : terms) {
      if (auto* text = std::get_if<std::string>(&term)) {
        sql.push_back(std::move(*text));
        continue;
      }
      const InList& list = lists[std::get<std::size_t>(term)];
      if (list.values.size() == 1) {
        auto compiled = leaf(list.first, element);
        if (!compiled) return compiled.error();
        sql.push_back(std::move(*compiled));
        continue;
      }
      std::string condition = compare_in(list.column, list.values);
      if (list.child != nullptr) condition = child_subquery(*list.child, condition);
      sql.push_back(*is_and ? "(NOT " + condition + ")" : std::move(condition));
    }
    return join(sql, *is_and ? " AND " : " OR ");
  }

  // An operand of a chain: a leaf, or a chain of the other operator.
  Result<std::string> operand(const Operand& o, const Element* element) {
    if (conjunction(o)) return logical(*o.node, o.negated, element);
    return leaf(o, element);
  }

  // Terms joined by `op`, at most kFanOut to a pair of parentheses.
  static std::string join(std::span<const std::string> terms, std::string_view op) {
    if (terms.size() == 1) return terms.front();
    if (terms.size() <= kFanOut) {
      std::string out = "(";
      for (std::size_t i = 0; i < terms.size(); ++i) {
        if (i > 0) out.append(op);
        out.append(terms[i]);
      }
      return out + ")";
    }
    std::vector<std::string> parts;
    parts.reserve(kFanOut);
    for (std::size_t i = 0; i < kFanOut; ++i) {
      const std::size_t begin = terms.size() * i / kFanOut;
      const std::size_t end = terms.size() * (i + 1) / kFanOut;
      parts.push_back(join(terms.subspan(begin, end - begin), op));
    }
    return join(parts, op);
  }

  // `eq` terms of one column gathered into `column IN (values)`.
  struct InList {
    InColumn column;
    const Child* child;  // the column is in this child table's rows
    Operand first;       // compiled alone when no other term joins it
    std::vector<const std::string*> values;
  };
  struct InTarget {
    InColumn column;
    const Child* child;
  };

  // The column an operand compares for equality with a string, when it can
  // join an IN list of the chain: `eq` in an OR chain, its negation in an
  // AND chain; nullopt otherwise.  Errors are those of resolving the path.
  Result<std::optional<InTarget>> in_list_target(const Operand& o, bool is_and, const Element* element) const {
    const auto* compare = std::get_if<f::Compare>(&o.node->value);
    if (compare == nullptr || compare->value.kind != f::Literal::Kind::String) return std::optional<InTarget>();
    if (compare->op != f::CompareOp::Eq && compare->op != f::CompareOp::Ne) return std::optional<InTarget>();
    const bool equal = (compare->op == f::CompareOp::Eq) != o.negated;
    if (equal == is_and) return std::optional<InTarget>();
    std::optional<InTarget> target;
    if (element != nullptr) {
      auto column = resolve_in_element(compare->path, *element);
      if (!column) return column.error();
      target = InTarget{*column, nullptr};
    } else {
      auto resolved = resolve_top(compare->path);
      if (!resolved) return resolved.error();
      if (auto* column = std::get_if<InColumn>(&*resolved)) {
        target = InTarget{*column, nullptr};
      } else if (auto sub = compared_sub(std::get<InChild>(*resolved))) {
        target = InTarget{*sub, std::get<InChild>(*resolved).child};
      }
    }
    if (!target) return target;
    const Kind kind = target->column.column.kind;
    if (kind != Kind::Key && kind != Kind::CaseIgnored && kind != Kind::Exact) return std::optional<InTarget>();
    return target;
  }

  // The column of a child's rows that `eq` compares: the sub-attribute
  // named, else the child's default ("emails eq" compares emails.value).
  std::optional<InColumn> compared_sub(const InChild& in_child) const {
    if (in_child.sub) return in_child.sub;
    if (in_child.child->default_sub.empty()) return std::nullopt;
    if (const Column* c = find_column(in_child.child->subs, in_child.child->default_sub)) return in_place(*c);
    return std::nullopt;
  }

  // What compare_text gives for `eq` with each value, ORed.
  std::string compare_in(const InColumn& c, const std::vector<const std::string*>& values) {
    const std::string& e = c.expression;
    std::string list;
    for (const std::string* value : values) {
      if (!list.empty()) list += ", ";
      switch (c.column.kind) {
        case Kind::Key: list += params_.text(fold_case(*value)); break;
        case Kind::CaseIgnored: list += "LOWER(" + params_.text(*value) + ")"; break;
        default: list += params_.text(*value); break;
      }
    }
    const std::string subject = c.column.kind == Kind::Key           ? e
                                : c.column.kind == Kind::CaseIgnored ? "LOWER(" + e + ")"
                                                                     : dialect_.exact_text(e);
    std::string condition = subject + " IN (" + list + ")";
    if (c.column.nullable) condition = "(" + e + " IS NOT NULL AND " + condition + ")";
    return condition;
  }

  // A comparison, presence test or value path, negated when `o` is: ne and
  // eq trade places (ne is exactly not eq), anything else gets a NOT.
  Result<std::string> leaf(Operand o, const Element* element) {
    auto compiled = [&]() -> Result<std::string> {
      if (const auto* n = std::get_if<f::Compare>(&o.node->value)) {
        f::CompareOp op = n->op;
        if (o.negated && (op == f::CompareOp::Eq || op == f::CompareOp::Ne)) {
          op = op == f::CompareOp::Eq ? f::CompareOp::Ne : f::CompareOp::Eq;
          o.negated = false;
        }
        if (element != nullptr) {
          auto column = resolve_in_element(n->path, *element);
          if (!column) return column.error();
          return compare_column(*column, op, n->value, describe(n->path));
        }
        auto resolved = resolve_top(n->path);
        if (!resolved) return resolved.error();
        return compare(*resolved, op, n->value, describe(n->path));
      }
      if (const auto* n = std::get_if<f::Present>(&o.node->value)) {
        if (element != nullptr) {
          auto column = resolve_in_element(n->path, *element);
          if (!column) return column.error();
          return present_column(*column);
        }
        auto resolved = resolve_top(n->path);
        if (!resolved) return resolved.error();
        return present(*resolved);
      }
      const auto& vp = std::get<f::ValuePath>(o.node->value);
      if (element != nullptr) {
        return invalid_filter("a value filter cannot contain another value filter ('" + describe(vp.path) +
                              "[...]')");
      }
      return value_path(vp);
    }();
    if (!compiled || !o.negated) return compiled;
    return "(NOT " + *compiled + ")";
  }

  // --- resolution -----------------------------------------------------------

  std::span<const Column> core_columns() const {
    switch (target_) {
      case FilterTarget::Users: return user_columns().core;
      case FilterTarget::Groups: return kGroupColumns;
      case FilterTarget::Members: return kMembershipColumns;
    }
    return {};
  }

  std::span<const Child> children() const {
    switch (target_) {
      case FilterTarget::Users: return user_columns().children;
      case FilterTarget::Groups: return kGroupChildren;
      case FilterTarget::Members: return {};
    }
    return {};
  }

  bool is_core_urn(std::string_view urn) const {
    if (urn.empty()) return true;
    if (target_ == FilterTarget::Users) return urn == kCoreUserUrn;
    if (target_ == FilterTarget::Groups) return urn == kCoreGroupUrn;
    return false;
  }

  InColumn in_place(const Column& column) const {
    InColumn out{column, std::string(column.expression)};
    if (column.path == "display" && column.expression.empty()) {
      out.expression = member_display_sql("m");
    }
    return out;
  }

  Error unknown(const Path& path) const {
    return invalid_filter("attribute '" + path.text + "' cannot be used in a filter of " + target_name());
  }

  std::string target_name() const {
    switch (target_) {
      case FilterTarget::Users: return "Users";
      case FilterTarget::Groups: return "Groups";
      case FilterTarget::Members: return "group members";
    }
    return "";
  }

  Result<Resolved> resolve_top(const f::AttrPath& written) const {
    Path path = normalise(written);
    if (target_ == FilterTarget::Members && path.attribute == "members" && !path.sub.empty() && path.urn.empty()) {
      path.attribute = path.sub;
      path.sub.clear();
    }
    const std::string full = path.sub.empty() ? path.attribute : path.attribute + "." + path.sub;
    if (target_ == FilterTarget::Users && path.urn == kEnterpriseUrn) {
      // A complex attribute without a sub-attribute compares its "value".
      const std::string key = path.attribute == "manager" && path.sub.empty() ? "manager.value" : full;
      if (const Column* c = find_column(user_columns().enterprise, key)) return Resolved(in_place(*c));
      return unknown(path);
    }
    if (!is_core_urn(path.urn)) return unknown(path);
    if (const Column* c = find_column(core_columns(), full)) return Resolved(in_place(*c));

    const Child* child = find_child(children(), path.attribute);
    if (child == nullptr) return unknown(path);
    if (path.sub.empty()) {
      if (child->singular) return Resolved(InChild{child, in_place(child->subs[0])});
      return Resolved(InChild{child, std::nullopt});
    }
    if (child->singular) return unknown(path);
    const Column* sub = find_column(child->subs, path.sub);
    if (sub == nullptr) return unknown(path);
    return Resolved(InChild{child, in_place(*sub)});
  }

  Result<InColumn> resolve_in_element(const f::AttrPath& written, const Element& element) const {
    Path path = normalise(written);
    if (!path.urn.empty()) return unknown(path);
    std::string name = path.sub.empty() ? path.attribute : path.attribute + "." + path.sub;
    if (element.child != nullptr) {
      if (const Column* c = find_column(element.child->subs, name)) return in_place(*c);
      return invalid_filter("'" + path.text + "' is not a sub-attribute of '" + std::string(element.prefix) +
                            "' that a filter can use");
    }
    if (const Column* c = find_column(element.columns, element.prefix + "." + name)) return in_place(*c);
    return invalid_filter("'" + path.text + "' is not a sub-attribute of '" + element.prefix +
                          "' that a filter can use");
  }

  // --- compilation ----------------------------------------------------------

  Result<std::string> compare(const Resolved& resolved, f::CompareOp op, const f::Literal& value,
                              const std::string& name) {
    if (const auto* column = std::get_if<InColumn>(&resolved)) return compare_column(*column, op, value, name);
    const InChild& in_child = std::get<InChild>(resolved);
    if (value.kind == f::Literal::Kind::Null) return compare_null(resolved, op);
    // `emails eq "x"` compares each element's value.
    const std::optional<InColumn> sub = compared_sub(in_child);
    if (!sub) return invalid_filter("'" + name + "' has no value to compare; name one of its sub-attributes");
    // ne is not(eq): no element equals the value.
    const f::CompareOp positive = op == f::CompareOp::Ne ? f::CompareOp::Eq : op;
    auto condition = compare_column(*sub, positive, value, name);
    if (!condition) return condition.error();
    const std::string subquery = child_subquery(*in_child.child, *condition);
    return op == f::CompareOp::Ne ? "(NOT " + subquery + ")" : subquery;
  }

  // eq null: absent; ne null: present; any other operator: false.
  Result<std::string> compare_null(const Resolved& resolved, f::CompareOp op) {
    auto is_present = present(resolved);
    if (!is_present) return is_present.error();
    if (op == f::CompareOp::Eq) return "(NOT " + *is_present + ")";
    if (op == f::CompareOp::Ne) return *is_present;
    return std::string("1 = 0");
  }

  Result<std::string> present(const Resolved& resolved) {
    if (const auto* column = std::get_if<InColumn>(&resolved)) return present_column(*column);
    const InChild& in_child = std::get<InChild>(resolved);
    if (!in_child.sub) return child_subquery(*in_child.child, "1 = 1");
    return child_subquery(*in_child.child, present_column(*in_child.sub));
  }

  static std::string present_column(const InColumn& c) {
    const std::string& e = c.expression;
    switch (c.column.kind) {
      case Kind::Boolean:
      case Kind::DateTime:
        return c.column.nullable ? "(" + e + " IS NOT NULL)" : "1 = 1";
      default:
        return c.column.nullable ? "(" + e + " IS NOT NULL AND " + e + " <> '')" : "(" + e + " <> '')";
    }
  }

  Result<std::string> compare_column(const InColumn& c, f::CompareOp op, const f::Literal& value,
                                     const std::string& name) {
    if (value.kind == f::Literal::Kind::Null) {
      if (op == f::CompareOp::Eq) return "(NOT " + present_column(c) + ")";
      if (op == f::CompareOp::Ne) return present_column(c);
      return std::string("1 = 0");
    }
    const std::string& e = c.expression;
    std::string condition;
    switch (c.column.kind) {
      case Kind::Boolean: {
        if (op != f::CompareOp::Eq && op != f::CompareOp::Ne) {
          return invalid_filter("operator '" + std::string(op_name(op)) + "' cannot compare the boolean '" + name +
                                "'; use eq or ne");
        }
        std::optional<bool> flag;
        if (value.kind == f::Literal::Kind::Boolean) flag = value.boolean;
        if (value.kind == f::Literal::Kind::String) {
          const std::string text = ascii_lower(value.text);
          if (text == "true") flag = true;
          if (text == "false") flag = false;
        }
        if (!flag) return invalid_filter("'" + name + "' is a boolean; compare it with true or false");
        condition = e + " = " + params_.integer(*flag ? 1 : 0);
        break;
      }
      case Kind::DateTime: {
        if (is_like(op)) {
          return invalid_filter("operator '" + std::string(op_name(op)) + "' cannot compare the dateTime '" + name +
                                "'; use eq, ne, gt, ge, lt or le");
        }
        if (value.kind != f::Literal::Kind::String) {
          return invalid_filter("'" + name + "' is a dateTime; compare it with a quoted RFC 3339 date-time");
        }
        const auto instant = normalise_date_time(value.text);
        if (!instant) return invalid_filter("'" + value.text + "' is not an RFC 3339 date-time");
        const f::CompareOp positive = op == f::CompareOp::Ne ? f::CompareOp::Eq : op;
        condition = e + std::string(sql_order(positive)) + params_.text(*instant);
        break;
      }
      default: {
        if (value.kind != f::Literal::Kind::String) {
          return invalid_filter("'" + name + "' is a string; compare it with a quoted string");
        }
        auto text = compare_text(c, op, value.text);
        if (!text) return text.error();
        condition = std::move(*text);
        break;
      }
    }
    if (c.column.nullable) condition = "(" + e + " IS NOT NULL AND " + condition + ")";
    if (op == f::CompareOp::Ne) return "(NOT " + condition + ")";
    return condition;
  }

  Result<std::string> compare_text(const InColumn& c, f::CompareOp op, const std::string& value) {
    const std::string& e = c.expression;
    const bool prefix = op == f::CompareOp::Co || op == f::CompareOp::Ew;
    const bool suffix = op == f::CompareOp::Co || op == f::CompareOp::Sw;
    switch (c.column.kind) {
      case Kind::Key: {
        const std::string folded = fold_case(value);
        if (is_like(op)) return e + " LIKE " + params_.text(like_pattern(folded, prefix, suffix)) + " ESCAPE '!'";
        return e + std::string(sql_order(op)) + params_.text(folded);
      }
      case Kind::CaseIgnored: {
        const std::string lowered = "LOWER(" + e + ")";
        if (is_like(op)) {
          return lowered + " LIKE LOWER(" + params_.text(like_pattern(value, prefix, suffix)) + ") ESCAPE '!'";
        }
        return lowered + std::string(sql_order(op)) + "LOWER(" + params_.text(value) + ")";
      }
      default: {
        if (is_like(op)) {
          const TextMatch match = op == f::CompareOp::Co   ? TextMatch::Contains
                                  : op == f::CompareOp::Sw ? TextMatch::StartsWith
                                                           : TextMatch::EndsWith;
          return dialect_.case_exact_match(match, e, value, params_);
        }
        return dialect_.exact_text(e) + std::string(sql_order(op)) + params_.text(value);
      }
    }
  }

  Result<std::string> value_path(const f::ValuePath& vp) {
    Path path = normalise(vp.path);
    Element element;
    if (target_ == FilterTarget::Users && path.urn == kEnterpriseUrn && path.attribute == "manager" &&
        path.sub.empty()) {
      element.columns = user_columns().enterprise;
      element.prefix = "manager";
    } else if (target_ == FilterTarget::Users && is_core_urn(path.urn) && path.attribute == "name" &&
               path.sub.empty()) {
      element.columns = user_columns().core;
      element.prefix = "name";
    } else if (is_core_urn(path.urn) && path.sub.empty()) {
      element.child = find_child(children(), path.attribute);
      element.prefix = vp.path.attribute;
      if (element.child == nullptr || element.child->singular) return unknown(path);
    } else {
      return unknown(path);
    }
    if (!vp.filter) return invalid_filter("the value filter of '" + path.text + "' is empty");
    auto inner = logical(*vp.filter, false, &element);
    if (!inner) return inner.error();
    if (element.child == nullptr) return "(" + *inner + ")";
    return child_subquery(*element.child, *inner);
  }

  std::string child_subquery(const Child& child, const std::string& condition) {
    return whitelist::child_subquery(child, target_, scope_, condition, params_);
  }

  const Dialect& dialect_;
  FilterTarget target_;
  const ports::Scope& scope_;
  SqlParams& params_;
};

// The deepest nesting of parentheses in `sql` (outside '…' literals).
int nesting(std::string_view sql) {
  int depth = 0;
  int deepest = 0;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (quoted) continue;
    if (c == '(') deepest = std::max(deepest, ++depth);
    if (c == ')') --depth;
  }
  return deepest;
}

}  // namespace


Result<std::string> compile_filter(const Dialect& dialect, FilterTarget target, const ports::Scope& scope,
                                   const scim::filter::Node& node, SqlParams& params) {
  Compiler compiler(dialect, target, scope, params);
  auto sql = compiler.top(node);
  if (!sql) return sql;
  if (const int depth = nesting(*sql); depth > kMaxNesting) {
    return invalid_filter("the filter nests operators too deeply for the database: its and, or and not groups "
                          "switch operator at every level (" +
                          std::to_string(depth) + " levels of SQL, at most " + std::to_string(kMaxNesting) +
                          "); write it with fewer nested groups");
  }
  return sql;
}



}  // namespace kestra::adapters
