#include "scim/patch/quirks/entra_add_filtered_element.hpp"

#include "scim/patch/quirks/case_insensitive_names.hpp"

#include <variant>

namespace kestra::scim::patch::quirks {
namespace {

bool collect(const filter::Node& node, boost::json::object& out) {
  if (auto* both = std::get_if<filter::And>(&node.value))
    return both->left && both->right && collect(*both->left, out) && collect(*both->right, out);
  auto* compare = std::get_if<filter::Compare>(&node.value);
  if (!compare || compare->op != filter::CompareOp::Eq) return false;
  if (!compare->path.urn.empty() || !compare->path.sub_attribute.empty()) return false;
  if (find_any_case(out, compare->path.attribute)) return false;
  const filter::Literal& literal = compare->value;
  switch (literal.kind) {
    case filter::Literal::Kind::String: out[compare->path.attribute] = literal.text; return true;
    case filter::Literal::Kind::Boolean: out[compare->path.attribute] = literal.boolean; return true;
    default: return false;
  }
}

}  // namespace

std::optional<boost::json::object> element_from_filter(const filter::Node& filter) {
  boost::json::object out;
  if (!collect(filter, out) || out.empty()) return std::nullopt;
  return out;
}

}  // namespace kestra::scim::patch::quirks
