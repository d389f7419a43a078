// The rows of the user and group repositories as SOCI reads and writes
// them: one type_conversion<> per row type, its columns in the order of the
// SELECTs of user_statements.cpp and group_statements.cpp.
#pragma once

#include "ports/resource_store.hpp"
#include "row_mapping.hpp"
#include "user_columns.hpp"

#include <soci/boost-optional.h>

#include <array>
#include <optional>
#include <stdexcept>
#include <string>

namespace kestra::adapters {

// A user looked up by its userName across tenants.
struct NamedUser {
  std::string id;
  std::string user_name;
  std::string resource;
  std::optional<std::string> owner;
};

// What a replace compares with before it writes, the rows locked.
struct StoredUser {
  std::string user_name_key;
  std::string user_name;
  std::string resource;
  long long version = 0;
  bool active = false;
  long long access_version = 0;
};

// One group a user is a member of, with its displayName folded (the order
// groups_of sorts by).
struct UserGroup {
  std::string user_id;
  ports::MemberRef group{"", "Group", ""};
  std::string display_key;
};

// A member id with the type the database knows it by: User | Group.
struct KnownMember {
  std::string id;
  std::string type;
};

// The columns of scim_users a write sets, bound by their names: userName,
// those of kUserAttributes (with the folded copy of a keyed one), the
// document.
struct WrittenUser {
  std::string user_name;
  std::string user_name_key;
  std::array<OptionalColumn, kUserAttributeCount> attributes;
  std::array<OptionalColumn, kUserAttributeCount> keys;
  std::string resource;

  WrittenUser() = default;
  WrittenUser(const ports::UserWrite& user, const UserColumns& c)
      : user_name(user.user_name),
        user_name_key(user.user_name_key),
        attributes(c.attributes),
        keys(c.keys),
        resource(user.resource_json) {}
};

}  // namespace kestra::adapters

namespace soci {

// id, user_name, resource, active, external_id, created_at, updated_at,
// version, access version, owner_tenant_id
template <>
struct type_conversion<kestra::ports::UserRow> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::ports::UserRow& out) {
    std::optional<std::string> owner;
    kestra::adapters::columns::read(v, out.id, out.user_name, out.resource_json, out.active, out.external_id,
                                    out.created_at, out.updated_at, out.version, out.access_version, owner);
    out.owner_tenant = owner.value_or("");
  }
};

// member_id, group id, display_name, display_name_key
template <>
struct type_conversion<kestra::adapters::UserGroup> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::adapters::UserGroup& out) {
    kestra::adapters::columns::read(v, out.user_id, out.group.value, out.group.display, out.display_key);
    out.group.type = "Group";
  }
};

// Bound only (const, so never read back): :user_name, :user_name_key, one
// :column (and :column_key) per row of kUserAttributes, :resource.
template <>
struct type_conversion<kestra::adapters::WrittenUser> {
  typedef values base_type;
  static void to_base(const kestra::adapters::WrittenUser& in, values& v, indicator& ind) {
    using kestra::adapters::kUserAttributes;
    v.set("user_name", in.user_name);
    v.set("user_name_key", in.user_name_key);
    for (std::size_t i = 0; i < kestra::adapters::kUserAttributeCount; ++i) {
      const std::string column(kUserAttributes[i].column);
      v.set(column, in.attributes[i]);
      if (kUserAttributes[i].keyed) v.set(column + "_key", in.keys[i]);
    }
    v.set("resource", in.resource);
    ind = i_ok;
  }
  static void from_base(const values&, indicator, kestra::adapters::WrittenUser&) {
    throw soci_error("a written user is not read back");
  }
};

}  // namespace soci

// Rows of plain members, in the order of their SELECT's columns (row_mapping.hpp).
KESTRA_ROW(kestra::ports::GroupRow, id, display_name, resource_json, external_id, created_at, updated_at, version,
           member_count)
KESTRA_ROW(kestra::ports::MemberRef, value, type, display)
KESTRA_ROW(kestra::adapters::NamedUser, id, user_name, resource, owner)
KESTRA_ROW(kestra::adapters::StoredUser, user_name_key, user_name, resource, version, active, access_version)
KESTRA_ROW(kestra::adapters::KnownMember, id, type)
