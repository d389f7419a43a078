// The attributes of a User kept beside its document: the singular ones in
// columns of scim_users (what a filter or sortBy may name beside id,
// userName, active and meta), the multi-valued ones in scim_user_values
// (what a filter may name with a value path).  What a write extracts from
// the document and binds, and the filter whitelist, are derived from these
// tables.  Searching by one more singular attribute is one more row here
// plus a migration adding its column.
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

namespace kestra::adapters {

struct UserAttribute {
  bool enterprise;          // in urn:ietf:params:scim:schemas:extension:enterprise:2.0:User, else core
  std::string_view path;    // lower case, "name.givenname"; "x.value" also reads x sent as a plain string
  std::string_view column;  // of scim_users
  bool keyed;               // compared through column_key, case-folded (indexed); else with LOWER()
};

inline constexpr UserAttribute kUserAttributes[] = {
    {false, "displayname", "display_name", true},
    {false, "nickname", "nick_name", false},
    {false, "title", "title", false},
    {false, "usertype", "user_type", false},
    {false, "name.givenname", "given_name", false},
    {false, "name.familyname", "family_name", false},
    {false, "name.formatted", "formatted_name", false},
    {false, "locale", "locale", false},
    {false, "preferredlanguage", "preferred_language", false},
    {false, "timezone", "timezone", false},
    {false, "profileurl", "profile_url", false},
    {true, "employeenumber", "employee_number", false},
    {true, "organization", "organization", false},
    {true, "department", "department", false},
    {true, "division", "division", false},
    {true, "costcenter", "cost_center", false},
    {true, "manager.value", "manager_id", false},
};

inline constexpr std::size_t kUserAttributeCount = std::size(kUserAttributes);

// A multi-valued attribute: one row of scim_user_values per element.
struct UserMultiValued {
  std::string_view name;          // as the schema spells it, and scim_user_values.attribute
  std::string_view value_member;  // the element's member stored as its value (value_key folded)
  bool keyed;                     // value compared through value_key, ASCII-folded; else exactly
  bool display;                   // elements have a display sub-attribute
};

inline constexpr UserMultiValued kUserMultiValued[] = {
    {"emails", "value", true, true},
    {"phoneNumbers", "value", true, true},
    {"ims", "value", true, true},
    {"photos", "value", true, true},
    {"entitlements", "value", true, true},
    // Certificates are compared case-exactly on value; a folded copy of a
    // few kilobytes would only outgrow the lookup index.
    {"x509Certificates", "value", false, true},
    {"addresses", "formatted", true, false},
};

}  // namespace kestra::adapters
