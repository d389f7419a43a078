// Every SQL text the user repository runs, named once, and whether a
// session keeps it prepared.  Rows read and written: resource_rows.hpp.
#pragma once

#include "catalogue.hpp"
#include "dialect.hpp"
#include "list_query.hpp"
#include "resource_links.hpp"
#include "sql_params.hpp"

#include <span>
#include <string>

namespace kestra::adapters {

struct UserStatements {
  explicit UserStatements(const Dialect& dialect);

  // reads
  Statement user;                 // :integration :tenant :id -> UserRow
  Statement count_access;         // :tenant :id
  Statement user_named;           // :user_name_key -> NamedUser (cached: every create of a known user)
  Statement user_to_replace;      // :tenant :id -> StoredUser, its rows locked
  Statement external_id;          // :integration :id -> text
  Statement count_others_named;   // :user_name_key :id

  // writes
  Statement insert_user;          // WrittenUser :id :owner :now :now2 (cached: every create)
  Statement update_user;          // WrittenUser :owner :now :id
  Statement insert_new_user_at_once;  // see insert_new_user_at_once() (cached: every create on PostgreSQL)
  Statement delete_values;        // :id
  Statement insert_value;         // :id :attribute :position :value :value_key :type :is_primary :display (cached)
  Statement insert_values_at_once;  // :id :user_values (a JSON array)
  Statement insert_access;        // :tenant :id :active :integration :now :now2 (cached: every create)
  Statement update_access;        // :active :now :tenant :id
  Statement delete_external_ids;  // :id :integration :tenant
  Statement delete_access;        // :tenant :id

  LinkStatements links;
  ListSource list;

  // The groups of `user_ids` in `tenant` (UserGroup rows), their values
  // bound in `params`; kept for one user (a lookup): the text varies with
  // the count.
  Statement groups_of(const std::string& tenant, std::span<const std::string> user_ids, SqlParams& params) const;
};

}  // namespace kestra::adapters
