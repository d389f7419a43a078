#include "scim/filter/parser.hpp"

#include "scim/filter/grammar.hpp"

namespace kestra::scim::filter {

Result<NodePtr> parse_filter(std::string_view text, const Limits& limits) {
  return detail::Grammar(text, limits, "filter", "invalidFilter").whole_filter();
}

}  // namespace kestra::scim::filter
