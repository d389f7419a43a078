#include "role_bindings.hpp"

#include "core/crypto.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_set>
#include <utility>

namespace kestra::adapters::bindings {
namespace {

// A SCIM binding of one subject, as sync compares it.
struct ScimBinding {
  std::string id;
  std::string role_id;
  std::string role_name;
  std::string type;
  bool primary = false;
};

// A role's id and name.
struct RoleName {
  std::string id;
  std::string name;
};

// One role of a subject among a page's subjects.
struct SubjectRole {
  std::string subject_id;
  ports::RoleAssignment role;
};

}  // namespace
}  // namespace kestra::adapters::bindings

namespace soci {

// id, role id, role name, assignment type (NULL: none), primary
template <>
struct type_conversion<kestra::adapters::bindings::ScimBinding> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::adapters::bindings::ScimBinding& out) {
    std::optional<std::string> type;
    kestra::adapters::columns::read(v, out.id, out.role_id, out.role_name, type, out.primary);
    out.type = type.value_or("");
  }
};

// subject id, role id, role name, assignment type (NULL: none), primary
template <>
struct type_conversion<kestra::adapters::bindings::SubjectRole> {
  typedef values base_type;
  static void from_base(const values& v, indicator, kestra::adapters::bindings::SubjectRole& out) {
    std::optional<std::string> type;
    kestra::adapters::columns::read(v, out.subject_id, out.role.role_id, out.role.role_name, type, out.role.primary);
    out.role.type = type.value_or("");
  }
};

}  // namespace soci

// kSelectStored's columns; a role's id and name.
KESTRA_ROW(kestra::adapters::bindings::Stored, id, role_id, role_name, subject_type, subject_id, source,
           integration_id, created_at)
KESTRA_ROW(kestra::adapters::bindings::RoleName, id, name)

namespace kestra::adapters::bindings {
namespace {

Statement once(std::string text) { return {std::move(text), Reuse::Once}; }

const std::string kSelectStored =
    "SELECT b.id, b.role_id, r.name, b.subject_type, b.subject_id, b.source, b.integration_id, b.created_at "
    "FROM scim_bindings b JOIN scim_roles r ON r.id = b.role_id ";

// Every SQL text of the bindings, named once; the ones a call builds (an
// IN list) are made by the functions below it.
struct Statements {
  Statement scim_bindings = once(
      "SELECT b.id, b.role_id, r.name, b.assignment_type, b.is_primary FROM scim_bindings b "
      "JOIN scim_roles r ON r.id = b.role_id WHERE b.tenant_id = :tenant AND b.subject_type = :subject_type "
      "AND b.subject_id = :subject_id AND b.source = 'SCIM' ORDER BY r.name, r.id");
  Statement insert = once(
      "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, "
      "created_at, assignment_type, is_primary) VALUES (:id, :tenant, :role_id, :subject_type, :subject_id, "
      ":source, :integration_id, :created_at, :assignment_type, :is_primary)");
  Statement update_assignment =
      once("UPDATE scim_bindings SET assignment_type = :type, is_primary = :is_primary WHERE id = :id");
  Statement count_alike = once(
      "SELECT COUNT(*) FROM scim_bindings WHERE tenant_id = :tenant AND role_id = :role_id "
      "AND subject_type = :subject_type AND subject_id = :subject_id AND source = :source");
  Statement of_role = once(kSelectStored + "WHERE b.tenant_id = :tenant AND b.role_id = :role_id "
                                           "ORDER BY b.created_at, b.id");
  Statement by_id = once(kSelectStored + "WHERE b.tenant_id = :tenant AND b.id = :id");
  Statement remove = once("DELETE FROM scim_bindings WHERE tenant_id = :tenant AND id = :id");
  Statement touch_user = once(
      "UPDATE scim_tenant_users SET version = version + 1, updated_at = :now "
      "WHERE tenant_id = :tenant AND user_id = :id");
  Statement touch_group =
      once("UPDATE scim_groups SET version = version + 1, updated_at = :now WHERE tenant_id = :tenant AND id = :id");

  // The tenant's roles among `ids` (id, name).
  static Statement role_names(SqlParams& params, const std::string& tenant, const std::string* ids, std::size_t n) {
    std::string text = "SELECT id, name FROM scim_roles WHERE tenant_id = " + params.text(tenant) + " AND id IN (";
    for (std::size_t i = 0; i < n; ++i) text += (i == 0 ? "" : ", ") + params.text(ids[i]);
    return once(text + ")");
  }
  // The SCIM-managed roles of the subjects `ids`; kept prepared for one
  // subject (its text varies with the number of ids).
  static Statement subject_roles(SqlParams& params, const std::string& tenant, const std::string& subject_type,
                                 const std::string* ids, std::size_t n) {
    std::string text =
        "SELECT b.subject_id, r.id, r.name, b.assignment_type, b.is_primary FROM scim_bindings b "
        "JOIN scim_roles r ON r.id = b.role_id WHERE b.tenant_id = " +
        params.text(tenant) + " AND b.subject_type = " + params.text(subject_type) +
        " AND b.source = 'SCIM' AND b.subject_id IN (";
    for (std::size_t i = 0; i < n; ++i) text += (i == 0 ? "" : ", ") + params.text(ids[i]);
    return {text + ")", n == 1 ? Reuse::Cached : Reuse::Once};
  }
  // A subject's bindings of `sources` (every source when empty).
  static Statement subject_bindings(SqlParams& params, const std::string& tenant, const std::string& subject_type,
                                    const std::string& subject_id, const std::vector<std::string>& sources) {
    std::string text = kSelectStored + "WHERE b.tenant_id = " + params.text(tenant) +
                       " AND b.subject_type = " + params.text(subject_type) +
                       " AND b.subject_id = " + params.text(subject_id);
    if (!sources.empty()) {
      text += " AND b.source IN (";
      for (std::size_t i = 0; i < sources.size(); ++i) text += (i == 0 ? "" : ", ") + params.text(sources[i]);
      text += ")";
    }
    return once(text + " ORDER BY r.name, b.source, b.id");
  }
};

const Statements& statements() {
  static const Statements catalogue;
  return catalogue;
}

// A SCIM binding of `subject` as the audit and delete helpers take it.
Stored stored_of(const ScimBinding& b, const std::string& subject_type, const std::string& subject_id) {
  Stored s;
  s.id = b.id;
  s.role_id = b.role_id;
  s.role_name = b.role_name;
  s.subject_type = subject_type;
  s.subject_id = subject_id;
  s.source = kScim;
  return s;
}

std::vector<ScimBinding> scim_bindings(Session db, const std::string& tenant, const std::string& subject_type,
                                       const std::string& subject_id) {
  return rows<ScimBinding>(db, statements().scim_bindings, param("tenant", tenant),
                           param("subject_type", subject_type), param("subject_id", subject_id));
}

// The names of the tenant's roles among `ids`, by id: one query per batch.
std::map<std::string, std::string> role_names(Session db, const std::string& tenant,
                                              const std::vector<std::string>& ids) {
  std::map<std::string, std::string> names;
  for (std::size_t start = 0; start < ids.size(); start += kSubjectBatch) {
    const std::size_t n = std::min(ids.size() - start, kSubjectBatch);
    SqlParams params;
    const Statement query = Statements::role_names(params, tenant, ids.data() + start, n);
    for_each_row<RoleName>(
        db, query, [&](const RoleName& row) { names.emplace(row.id, row.name); }, generated(params));
  }
  return names;
}

Error unknown_role(const std::string& role_id) {
  return Error::invalid("role '" + role_id + "' does not exist in this tenant", "invalidValue");
}

// Inserts one binding and its audit row.
Stored insert_binding(Session db, const ports::Scope& scope, const std::string& subject_type,
                      const std::string& subject_id, const std::string& role_id, const std::string& role_name,
                      const std::string& source, const std::string& type, bool primary, const std::string& now,
                      const ports::AuditEntry& cause) {
  Stored b;
  b.id = crypto::new_uuid();
  b.role_id = role_id;
  b.role_name = role_name;
  b.subject_type = subject_type;
  b.subject_id = subject_id;
  b.source = source;
  if (!scope.integration_id.empty()) b.integration_id = scope.integration_id;
  b.created_at = now;
  const std::optional<std::string> assignment_type = type.empty() ? std::nullopt : std::optional<std::string>(type);
  execute(db, statements().insert, param("id", b.id), param("tenant", scope.tenant_id), param("role_id", b.role_id),
          param("subject_type", b.subject_type), param("subject_id", b.subject_id), param("source", b.source),
          param("integration_id", b.integration_id), param("created_at", b.created_at),
          param("assignment_type", assignment_type), param("is_primary", primary));
  support::insert_audit(db.sql, binding_audit(cause, scope.tenant_id, true, b), scope.tenant_id);
  return b;
}

}  // namespace

ports::AuditEntry binding_audit(const ports::AuditEntry& cause, const std::string& tenant, bool created,
                                const Stored& binding) {
  ports::AuditEntry e;
  e.tenant_id = tenant;
  e.integration_id = cause.integration_id;
  e.actor_type = cause.actor_type;
  e.actor_id = cause.actor_id;
  e.action = created ? "binding.create" : "binding.delete";
  e.target_type = "BINDING";
  e.target_id = binding.id;
  e.outcome = "SUCCESS";
  e.detail = binding.subject_type + " " + binding.subject_id + " role=" + binding.role_name +
             " source=" + binding.source;
  e.request_id = cause.request_id;
  e.created_at = cause.created_at;
  return e;
}

ports::BindingChange change_of(const Stored& binding, bool created) {
  return ports::BindingChange{binding.id, binding.role_id, binding.source, created};
}

std::vector<ports::RoleAssignment> scim_roles(Session db, const std::string& tenant, const std::string& subject_type,
                                              const std::string& subject_id) {
  std::vector<ports::RoleAssignment> roles;
  for (const ScimBinding& b : scim_bindings(db, tenant, subject_type, subject_id)) {
    roles.push_back({b.role_id, b.role_name, b.type, b.primary});
  }
  return roles;
}

std::unordered_map<std::string, std::vector<ports::RoleAssignment>> scim_roles_of(
    Session db, const std::string& tenant, const std::string& subject_type,
    const std::vector<std::string>& subject_ids) {
  std::unordered_map<std::string, std::vector<ports::RoleAssignment>> roles;
  for (std::size_t start = 0; start < subject_ids.size(); start += kSubjectBatch) {
    const std::size_t n = std::min(subject_ids.size() - start, kSubjectBatch);
    SqlParams params;
    const Statement query = Statements::subject_roles(params, tenant, subject_type, subject_ids.data() + start, n);
    for_each_row<SubjectRole>(
        db, query, [&](const SubjectRole& row) { roles[row.subject_id].push_back(row.role); }, generated(params));
  }
  // Ordered here, not by the query: an ORDER BY across the join costs
  // MariaDB a temporary table.  Names and ids compare bytewise, as in SQL.
  for (auto& [subject, assigned] : roles) {
    std::sort(assigned.begin(), assigned.end(), [](const ports::RoleAssignment& a, const ports::RoleAssignment& b) {
      return std::tie(a.role_name, a.role_id) < std::tie(b.role_name, b.role_id);
    });
  }
  return roles;
}

Result<SyncResult> sync_scim_roles(Session db, const ports::Scope& scope, const std::string& subject_type,
                                   const std::string& subject_id, const std::vector<ports::RoleAssignment>& wanted,
                                   const std::string& now, const ports::AuditEntry& cause) {
  // The first of repeated role ids counts.
  std::vector<const ports::RoleAssignment*> unique;
  std::unordered_set<std::string> seen;
  for (const ports::RoleAssignment& role : wanted) {
    if (role.role_id.empty()) return Error::invalid("a role has an empty value", "invalidValue");
    if (seen.insert(role.role_id).second) unique.push_back(&role);
  }

  const std::vector<ScimBinding> existing = scim_bindings(db, scope.tenant_id, subject_type, subject_id);
  std::map<std::string, const ScimBinding*> by_role;
  for (const ScimBinding& b : existing) by_role.emplace(b.role_id, &b);

  std::vector<std::string> missing;
  for (const ports::RoleAssignment* role : unique) {
    if (by_role.find(role->role_id) == by_role.end()) missing.push_back(role->role_id);
  }
  const std::map<std::string, std::string> names = role_names(db, scope.tenant_id, missing);
  for (const std::string& id : missing) {
    if (names.find(id) == names.end()) return unknown_role(id);
  }

  SyncResult result;
  // Deletions first: a client may move a role between values in one write.
  std::vector<Stored> removed;
  for (const ScimBinding& b : existing) {
    if (seen.count(b.role_id) != 0) continue;
    removed.push_back(stored_of(b, subject_type, subject_id));
  }
  result.changes = delete_bindings(db, scope.tenant_id, removed, cause);

  for (const ports::RoleAssignment* role : unique) {
    const auto found = by_role.find(role->role_id);
    if (found == by_role.end()) {
      const Stored added = insert_binding(db, scope, subject_type, subject_id, role->role_id,
                                          names.at(role->role_id), kScim, role->type, role->primary, now, cause);
      result.changes.push_back(change_of(added, true));
      continue;
    }
    const ScimBinding& kept = *found->second;
    if (kept.type == role->type && kept.primary == role->primary) continue;
    const std::optional<std::string> type = role->type.empty() ? std::nullopt : std::optional<std::string>(role->type);
    execute(db, statements().update_assignment, param("type", type), param("is_primary", role->primary),
            param("id", kept.id));
    ports::AuditEntry entry = binding_audit(cause, scope.tenant_id, true, stored_of(kept, subject_type, subject_id));
    entry.action = "binding.update";
    entry.detail += " type=" + role->type + " primary=" + (role->primary ? "true" : "false");
    support::insert_audit(db.sql, entry, scope.tenant_id);
    result.changed = true;
  }
  if (!result.changes.empty()) result.changed = true;
  return result;
}

Result<std::optional<ports::BindingChange>> ensure_binding(Session db, const ports::Scope& scope,
                                                           const std::string& subject_type,
                                                           const std::string& subject_id, const std::string& role_id,
                                                           const std::string& source, const std::string& now,
                                                           const ports::AuditEntry& cause, bool fresh) {
  const auto names = role_names(db, scope.tenant_id, {role_id});
  if (names.empty()) return unknown_role(role_id);
  if (!fresh && count(db, statements().count_alike, param("tenant", scope.tenant_id), param("role_id", role_id),
                      param("subject_type", subject_type), param("subject_id", subject_id),
                      param("source", source)) > 0) {
    return std::optional<ports::BindingChange>();
  }
  const Stored added =
      insert_binding(db, scope, subject_type, subject_id, role_id, names.begin()->second, source, "", false, now, cause);
  return std::optional<ports::BindingChange>(change_of(added, true));
}

std::vector<Stored> bindings_of(Session db, const std::string& tenant, const std::string& subject_type,
                                const std::string& subject_id, const std::vector<std::string>& sources) {
  SqlParams params;
  const Statement query = Statements::subject_bindings(params, tenant, subject_type, subject_id, sources);
  return rows<Stored>(db, query, generated(params));
}

std::vector<Stored> bindings_of_role(Session db, const std::string& tenant, const std::string& role_id) {
  return rows<Stored>(db, statements().of_role, param("tenant", tenant), param("role_id", role_id));
}

std::optional<Stored> find_binding(Session db, const std::string& tenant, const std::string& id) {
  return first_row<Stored>(db, statements().by_id, param("tenant", tenant), param("id", id));
}

std::vector<ports::BindingChange> delete_bindings(Session db, const std::string& tenant,
                                                  const std::vector<Stored>& bindings, const ports::AuditEntry& cause,
                                                  bool audit) {
  std::vector<ports::BindingChange> changes;
  if (bindings.empty()) return changes;
  std::string id;
  execute_each(
      db, statements().remove,
      [&](const auto& remove) {
        for (const Stored& b : bindings) {
          id = b.id;
          if (remove() == 0) continue;  // gone meanwhile: nothing changed
          if (audit) support::insert_audit(db.sql, binding_audit(cause, tenant, false, b), tenant);
          changes.push_back(change_of(b, false));
        }
      },
      param("tenant", tenant), param("id", id));
  return changes;
}

void touch_holders(Session db, const std::string& tenant, const std::vector<Stored>& removed, const std::string& now) {
  for (const Stored& b : removed) {
    if (b.source != kScim) continue;
    if (b.subject_type == kUser) {
      execute(db, statements().touch_user, param("now", now), param("tenant", tenant), param("id", b.subject_id));
    } else if (b.subject_type == kGroup) {
      execute(db, statements().touch_group, param("now", now), param("tenant", tenant), param("id", b.subject_id));
    }
  }
}

}  // namespace kestra::adapters::bindings
