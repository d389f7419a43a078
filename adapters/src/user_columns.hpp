// The columns a user row is searched by, derived from its SCIM document:
// the whitelist of denormalised attributes lives here, next to the SQL.
#pragma once

#include "core/result.hpp"
#include "user_attributes.hpp"

#include <boost/optional.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::adapters {

using OptionalColumn = boost::optional<std::string>;

// One element of a multi-valued attribute (scim_user_values).
struct UserValue {
  std::string attribute;  // UserMultiValued::name
  int position = 0;       // index in the JSON array
  OptionalColumn value;     // "value"; for addresses "formatted"
  OptionalColumn value_key; // value, case-folded (none unless UserMultiValued::keyed)
  OptionalColumn type;
  int primary = 0;
  OptionalColumn display;
};

struct UserColumns {
  std::array<OptionalColumn, kUserAttributeCount> attributes;  // in the order of kUserAttributes
  std::array<OptionalColumn, kUserAttributeCount> keys;        // the folded copy of a keyed attribute
  std::vector<UserValue> values;
};

// Attribute names match case-insensitively; a value of another JSON type
// than the attribute's is left out.  InvalidInput when `resource_json` is
// not a JSON object.
Result<UserColumns> extract_user_columns(std::string_view resource_json);

}  // namespace kestra::adapters
