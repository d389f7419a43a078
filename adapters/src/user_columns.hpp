// The columns a user row is searched by, derived from its SCIM document:
// the whitelist of denormalised attributes lives here, next to the SQL.
#pragma once

#include "core/result.hpp"

#include <boost/optional.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace kestra::adapters {

using OptionalColumn = boost::optional<std::string>;

// One element of a multi-valued attribute (scim_user_values).
struct UserValue {
  std::string attribute;  // emails, phoneNumbers, ims, photos, entitlements, x509Certificates, addresses
  int position = 0;       // index in the JSON array
  OptionalColumn value;     // "value"; for addresses "formatted"
  OptionalColumn value_key; // value, case-folded (none for x509Certificates)
  OptionalColumn type;
  int primary = 0;
  OptionalColumn display;
};

struct UserColumns {
  OptionalColumn display_name;
  OptionalColumn display_name_key;
  OptionalColumn nick_name;
  OptionalColumn title;
  OptionalColumn user_type;
  OptionalColumn given_name;
  OptionalColumn family_name;
  OptionalColumn formatted_name;
  OptionalColumn locale;
  OptionalColumn preferred_language;
  OptionalColumn timezone;
  OptionalColumn profile_url;
  // urn:ietf:params:scim:schemas:extension:enterprise:2.0:User
  OptionalColumn employee_number;
  OptionalColumn organization;
  OptionalColumn department;
  OptionalColumn division;
  OptionalColumn cost_center;
  OptionalColumn manager_id;
  std::vector<UserValue> values;
};

// Attribute names match case-insensitively; a value of another JSON type
// than the attribute's is left out.  InvalidInput when `resource_json` is
// not a JSON object.
Result<UserColumns> extract_user_columns(std::string_view resource_json);

}  // namespace kestra::adapters
