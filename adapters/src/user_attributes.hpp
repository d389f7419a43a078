// The singular attributes of a User kept in columns of scim_users: what a
// filter or sortBy may name beside id, userName, active and meta, what a
// write extracts from the document and binds.  Searching by one more
// attribute is one more row here plus a migration adding its column.
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

}  // namespace kestra::adapters
