// The rows the user and group repositories both write: the external id an
// integration gave a resource (scim_external_ids) and group memberships.
// Their statements are part of both catalogues (user_statements.hpp,
// group_statements.hpp).
#pragma once

#include "catalogue.hpp"

#include <optional>
#include <string>

namespace kestra::adapters {

struct LinkStatements {
  LinkStatements();

  Statement remove_external_id;  // :integration :type :id
  Statement insert_external_id;  // :integration :type :id :external_id (cached: every create)
  Statement leave_counts;        // :now :tenant :tenant2 :id :member_type
  Statement leave;               // :tenant :id :member_type
};

// Sets (or, when empty, removes) the external id `integration_id` gave the
// resource `type` ("User", "Group") `id`; nothing without an integration.
// `fresh`: the resource was inserted by this transaction, so has none yet.
void write_external_id(Session db, const LinkStatements& s, const std::string& integration_id,
                       const std::string& type, const std::string& id, const std::optional<std::string>& external_id,
                       bool fresh = false);

// Takes the member `member_type` ("User", "Group") `id` out of every group
// of `tenant`: each group it leaves loses a member and gets a new version.
void leave_all_groups(Session db, const LinkStatements& s, const std::string& tenant, const std::string& member_type,
                      const std::string& id, const std::string& now);

}  // namespace kestra::adapters
