#include "scim/patch/quirks/okta_readonly_in_value.hpp"

namespace kestra::scim::patch::quirks {

bool ignored_in_pathless_value(const schema::Resolved& resolved) {
  return resolved.attribute->mutability == schema::Mutability::ReadOnly ||
         resolved.target().mutability == schema::Mutability::ReadOnly;
}

}  // namespace kestra::scim::patch::quirks
