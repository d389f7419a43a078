#include "scim/patch/quirks/singleton_array.hpp"

namespace kestra::scim::patch::quirks {

const boost::json::value& unwrap_singleton_array(const schema::Attribute& attribute, const boost::json::value& value) {
  if (attribute.multi_valued) return value;
  const auto* array = value.if_array();
  if (!array || array->size() != 1) return value;
  return array->front();
}

}  // namespace kestra::scim::patch::quirks
