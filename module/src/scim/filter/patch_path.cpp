#include "scim/filter/patch_path.hpp"

#include "scim/filter/grammar.hpp"

namespace kestra::scim::filter {

Result<PatchPath> parse_patch_path(std::string_view text, const Limits& limits) {
  return detail::Grammar(text, limits, "path", "invalidPath").whole_patch_path();
}

}  // namespace kestra::scim::filter
