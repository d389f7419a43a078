// Every SQL text the group repository runs, named once, and whether a
// session keeps it prepared.  Rows read: resource_rows.hpp.
#pragma once

#include "catalogue.hpp"
#include "dialect.hpp"
#include "list_query.hpp"
#include "resource_links.hpp"
#include "sql_params.hpp"

#include <span>
#include <string>

namespace kestra::adapters {

struct GroupStatements {
  explicit GroupStatements(const Dialect& dialect);

  // reads
  Statement group;                 // :integration :tenant :id -> GroupRow
  Statement group_version;         // :tenant :id -> version
  Statement group_version_locked;  // the same, the row locked for a write
  Statement count_others_named;    // :tenant :key :id
  Statement members_page;          // :group_id :after :limit -> MemberRef

  // writes
  Statement insert_group;          // :id :tenant :display_name :key :integration :resource :now :now2 :member_count
  Statement update_group;          // :display_name :key :resource :id
  Statement insert_member;         // :group_id :member_id :member_type :tenant :now, a member there ignored
  Statement delete_member;         // :group_id :member_id
  Statement delete_members;        // :id
  Statement add_member_count;      // :now :change :id, a new version
  Statement set_member_count;      // the same, the count :change
  Statement delete_external_ids;   // :id
  Statement delete_group;          // :tenant :id

  LinkStatements links;
  ListSource list;

  // Which of `ids` are users with access to `tenant` or groups of it
  // (KnownMember rows), their values bound in `params`.
  Statement known_members(const std::string& tenant, std::span<const std::string> ids, SqlParams& params) const;

  // Deletes the members of group `id` that `match` (a FilterTarget::Members
  // condition bound in `params`) selects; binds `id` in `params`.
  Statement delete_matching(const std::string& match, const std::string& id, SqlParams& params) const;
};

}  // namespace kestra::adapters
