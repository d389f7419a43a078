// The whitelist of attribute paths a filter or sortBy may name, per
// resource type, and the columns (or child tables) they compare: the
// tables filter_sql.cpp and sort_column() read.  The User's document
// columns come from kUserAttributes (user_attributes.hpp).
#pragma once

#include "core/result.hpp"
#include "filter_sql.hpp"
#include "scim/filter/ast.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::adapters::whitelist {

inline constexpr std::string_view kCoreUserUrn = "urn:ietf:params:scim:schemas:core:2.0:user";
inline constexpr std::string_view kEnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user";
inline constexpr std::string_view kCoreGroupUrn = "urn:ietf:params:scim:schemas:core:2.0:group";

// How an attribute compares.  Key: a column of ASCII-folded text compared
// with the folded value (indexed); CaseIgnored: LOWER() on both sides.
enum class Kind { Exact, Key, CaseIgnored, Boolean, DateTime };

// A singular attribute stored in a column of the row (or an element's
// sub-attribute stored in a column of the child row).
struct Column {
  std::string_view path;  // lower case, "name.givenname"
  std::string_view expression;
  Kind kind;
  bool nullable;
};

// The User's columns beside those of kUserAttributes.
inline constexpr Column kFixedUserColumns[] = {
    {"id", "u.id", Kind::Exact, false},
    {"username", "u.user_name_key", Kind::Key, false},
    {"active", "a.active", Kind::Boolean, false},
    {"meta.created", "a.created_at", Kind::DateTime, false},
    {"meta.lastmodified", "CASE WHEN a.updated_at > u.updated_at THEN a.updated_at ELSE u.updated_at END",
     Kind::DateTime, false},
};

inline constexpr Column kGroupColumns[] = {
    {"id", "g.id", Kind::Exact, false},
    {"displayname", "g.display_name_key", Kind::Key, false},
    {"meta.created", "g.created_at", Kind::DateTime, false},
    {"meta.lastmodified", "g.updated_at", Kind::DateTime, false},
};

// Sort only: the page queries join this integration's external id as x.
inline constexpr Column kExternalIdSort[] = {{"externalid", "x.external_id", Kind::Exact, true}};

inline constexpr std::string_view kMemberDisplay =
    "COALESCE((SELECT du.user_name FROM scim_users du WHERE {m}.member_type = 'User' AND du.id = {m}.member_id), "
    "(SELECT dg.display_name FROM scim_groups dg WHERE {m}.member_type = 'Group' AND dg.id = {m}.member_id))";

// Columns of a membership row (FilterTarget::Members), as the derived
// table `d` of member_rows_sql has them: the display is looked up once per
// row there, not once per term of the filter.
inline constexpr Column kMembershipColumns[] = {
    {"value", "d.member_id", Kind::Exact, false},
    {"type", "d.member_type", Kind::CaseIgnored, false},
    {"display", "d.display", Kind::CaseIgnored, true},
};

// Attributes stored in a child table, compared through a subquery on it: a
// value path's conditions apply to one child row.
enum class ChildTable { UserValues, UserGroups, GroupMembers, ExternalId };

struct Child {
  std::string_view name;  // lower case
  std::string_view stored_name;  // scim_user_values.attribute
  ChildTable table;
  std::string_view default_sub;  // compared when no sub-attribute is named
  std::span<const Column> subs;
  bool singular;  // externalId: no sub-attribute, no value path
};

// The sub-attributes of an element of a multi-valued User attribute
// (scim_user_values v) beside its value: type, primary and, where
// UserMultiValued::display, display.
inline constexpr Column kTypeSub{"type", "v.type", Kind::CaseIgnored, true};
inline constexpr Column kPrimarySub{"primary", "v.is_primary", Kind::Boolean, false};
inline constexpr Column kDisplaySub{"display", "v.display", Kind::CaseIgnored, true};
inline constexpr Column kUserGroupSubs[] = {
    {"value", "m.group_id", Kind::Exact, false},
    {"display", "mg.display_name_key", Kind::Key, false},
};
inline constexpr Column kMemberSubs[] = {
    {"value", "m.member_id", Kind::Exact, false},
    {"type", "m.member_type", Kind::CaseIgnored, false},
    {"display", "", Kind::CaseIgnored, true},
};
inline constexpr Column kExternalIdSubs[] = {{"value", "e.external_id", Kind::Exact, false}};

// The User's children beside those of kUserMultiValued.
inline constexpr Child kFixedUserChildren[] = {
    {"groups", "", ChildTable::UserGroups, "value", kUserGroupSubs, false},
    {"externalid", "", ChildTable::ExternalId, "value", kExternalIdSubs, true},
};
inline constexpr Child kGroupChildren[] = {
    {"members", "", ChildTable::GroupMembers, "value", kMemberSubs, false},
    {"externalid", "", ChildTable::ExternalId, "value", kExternalIdSubs, true},
};

// The User's columns by schema and its children: kFixedUserColumns and one
// column per row of kUserAttributes, one child per row of kUserMultiValued
// and kFixedUserChildren, made once.
struct UserColumnTables {
  std::vector<std::string> texts;  // what the views below point into
  std::vector<Column> core;
  std::vector<Column> enterprise;
  std::vector<std::vector<Column>> subs;  // of each multi-valued child
  std::vector<Child> children;
};

const UserColumnTables& user_columns();

// Lower-cased path with the URN split off, whichever way the parser gave it.
struct Path {
  std::string urn;
  std::string attribute;
  std::string sub;
  std::string text;  // as written
};

// A path as written, for messages.
std::string describe(const scim::filter::AttrPath& path);

Path normalise(const scim::filter::AttrPath& path);

const Column* find_column(std::span<const Column> columns, std::string_view path);
const Child* find_child(std::span<const Child> children, std::string_view name);

Error invalid_filter(std::string detail);

// How an operator reads in messages ("eq"), its SQL for ordered compares
// (" > "), and whether it is a LIKE (co, sw, ew).
std::string_view op_name(scim::filter::CompareOp op);
std::string_view sql_order(scim::filter::CompareOp op);
bool is_like(scim::filter::CompareOp op);

// The condition that a row of `target` has a row of `child` meeting
// `condition` (SQL over the child's alias), binding values in `params`.
std::string child_subquery(const Child& child, FilterTarget target, const ports::Scope& scope,
                           const std::string& condition, SqlParams& params);

}  // namespace kestra::adapters::whitelist
