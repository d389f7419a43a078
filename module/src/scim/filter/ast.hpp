// The SCIM filter (RFC 7644 3.4.2.2) as one AST with two uses: compiled to
// parameterised SQL for list queries (adapters/) and evaluated in memory for
// PATCH value paths (evaluator.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace kestra::scim::filter {

// attrPath = [URI ":"] ATTRNAME *1subAttr.  Names keep the case they were
// written in; every comparison of names is case-insensitive.
struct AttrPath {
  std::string urn;            // schema URN prefix, may be empty
  std::string attribute;      // e.g. "emails", "userName", "name"
  std::string sub_attribute;  // e.g. "value", "familyName"; may be empty
};

enum class CompareOp { Eq, Ne, Co, Sw, Ew, Gt, Ge, Lt, Le };

// compValue = false / null / true / number / string
struct Literal {
  enum class Kind { Null, Boolean, Number, String } kind = Kind::Null;
  bool boolean = false;
  std::string text;  // the number as written, or the string value (unescaped)
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Compare {
  AttrPath path;
  CompareOp op;
  Literal value;
};
struct Present {
  AttrPath path;
};
struct And {
  NodePtr left, right;
};
struct Or {
  NodePtr left, right;
};
struct Not {
  NodePtr inner;
};
// attrPath "[" valFilter "]": `filter` applies to the elements of a
// multi-valued attribute; its paths are relative to the element.
struct ValuePath {
  AttrPath path;  // sub_attribute empty
  NodePtr filter;
};

struct Node {
  std::variant<Compare, Present, And, Or, Not, ValuePath> value;
};

// The nodes of a tree, as the parser counts them against Limits::max_nodes.
inline std::size_t node_count(const Node& node) {
  const auto of = [](const NodePtr& child) { return child ? node_count(*child) : 0; };
  if (const auto* n = std::get_if<And>(&node.value)) return 1 + of(n->left) + of(n->right);
  if (const auto* n = std::get_if<Or>(&node.value)) return 1 + of(n->left) + of(n->right);
  if (const auto* n = std::get_if<Not>(&node.value)) return 1 + of(n->inner);
  if (const auto* n = std::get_if<ValuePath>(&node.value)) return 1 + of(n->filter);
  return 1;
}

}  // namespace kestra::scim::filter
