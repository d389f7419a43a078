// The rows a write of a user sets beside its tenant access: the user row
// (its columns from kUserAttributes), its multi-valued attributes in
// scim_user_values, and, on PostgreSQL, all of a new user's rows at once.
#pragma once

#include "catalogue.hpp"
#include "dialect.hpp"
#include "ports/resource_store.hpp"
#include "user_columns.hpp"
#include "user_statements.hpp"

#include <string>

namespace kestra::adapters {

// Inserts the user row of a new user owned by `owner`.
void insert_user(Session db, const UserStatements& s, const std::string& owner, const std::string& id,
                 const ports::UserWrite& user, const UserColumns& c, const std::string& now);

// The user's shared attributes; a user without owner gets `owner`.
void update_user(Session db, const UserStatements& s, const std::string& owner, const std::string& id,
                 const ports::UserWrite& user, const UserColumns& c, const std::string& now);

// Replaces the user's rows in scim_user_values.  A `fresh` user, inserted
// by this transaction, has no rows to delete.
void write_values(const Dialect& dialect, Session db, const UserStatements& s, const std::string& id,
                  const UserColumns& c, bool fresh = false);

// The user's access to scope.tenant_id, through scope.integration_id if set.
void insert_access(Session db, const UserStatements& s, const ports::Scope& scope, const std::string& id, bool active,
                   const std::string& now);

// A new user's rows in one statement (Dialect::has_writable_ctes): the user,
// its scim_user_values (a JSON array), its access here, the integration's
// external id when it sent one, and the audit row.  One round trip, no
// BEGIN or COMMIT; a taken userName fails it whole, like the transaction.
void insert_new_user_at_once(Session db, const UserStatements& s, const ports::Scope& scope, const std::string& id,
                             const ports::UserWrite& user, const UserColumns& c, const std::string& now,
                             const ports::AuditEntry& audit);

}  // namespace kestra::adapters
