#include "scim/filter/render.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <type_traits>

namespace kestra::scim::filter {

std::string_view to_string(CompareOp op) {
  switch (op) {
    case CompareOp::Eq: return "eq";
    case CompareOp::Ne: return "ne";
    case CompareOp::Co: return "co";
    case CompareOp::Sw: return "sw";
    case CompareOp::Ew: return "ew";
    case CompareOp::Gt: return "gt";
    case CompareOp::Ge: return "ge";
    case CompareOp::Lt: return "lt";
    case CompareOp::Le: return "le";
  }
  return "?";
}

std::string to_string(const AttrPath& path) {
  std::string out;
  if (!path.urn.empty()) out += path.urn + ":";
  out += path.attribute;
  if (!path.sub_attribute.empty()) out += "." + path.sub_attribute;
  return out;
}

std::string to_string(const Literal& literal) {
  switch (literal.kind) {
    case Literal::Kind::Null: return "null";
    case Literal::Kind::Boolean: return literal.boolean ? "true" : "false";
    case Literal::Kind::Number: return literal.text;
    case Literal::Kind::String: return boost::json::serialize(boost::json::string(literal.text));
  }
  return "null";
}

std::string to_string(const Node& node) {
  const auto child = [](const NodePtr& p) { return p ? to_string(*p) : std::string("<null>"); };
  return std::visit(
      [&](const auto& n) -> std::string {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, Compare>) {
          return to_string(n.path) + " " + std::string(to_string(n.op)) + " " + to_string(n.value);
        } else if constexpr (std::is_same_v<T, Present>) {
          return to_string(n.path) + " pr";
        } else if constexpr (std::is_same_v<T, And>) {
          return "(" + child(n.left) + " and " + child(n.right) + ")";
        } else if constexpr (std::is_same_v<T, Or>) {
          return "(" + child(n.left) + " or " + child(n.right) + ")";
        } else if constexpr (std::is_same_v<T, Not>) {
          const bool grouped = n.inner && (std::holds_alternative<And>(n.inner->value) ||
                                           std::holds_alternative<Or>(n.inner->value));
          return grouped ? "not " + child(n.inner) : "not (" + child(n.inner) + ")";
        } else {
          return to_string(n.path) + "[" + child(n.filter) + "]";
        }
      },
      node.value);
}

}  // namespace kestra::scim::filter
