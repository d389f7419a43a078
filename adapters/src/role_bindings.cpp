#include "role_bindings.hpp"

#include "core/crypto.hpp"
#include "sql_params.hpp"
#include "store_support.hpp"

#include <soci/into.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_set>
#include <utility>

namespace kestra::adapters::bindings {
namespace {

using support::OptionalText;

constexpr const char* kSelectStored =
    "SELECT b.id, b.role_id, r.name, b.subject_type, b.subject_id, b.source, b.integration_id, b.created_at "
    "FROM scim_bindings b JOIN scim_roles r ON r.id = b.role_id ";

struct StoredReader {
  Stored item;
  OptionalText integration_id;

  void bind(soci::statement& st) {
    st.exchange(soci::into(item.id));
    st.exchange(soci::into(item.role_id));
    st.exchange(soci::into(item.role_name));
    st.exchange(soci::into(item.subject_type));
    st.exchange(soci::into(item.subject_id));
    st.exchange(soci::into(item.source));
    st.exchange(soci::into(integration_id));
    st.exchange(soci::into(item.created_at));
  }

  Stored value() const {
    Stored out = item;
    out.integration_id = support::to_std(integration_id);
    return out;
  }
};

std::vector<Stored> read_stored(soci::session& sql, const std::string& query, const SqlParams& params) {
  std::vector<Stored> out;
  StoredReader reader;
  support::for_each_row(
      sql, query,
      [&](soci::statement& st) {
        reader.bind(st);
        params.bind(st);
      },
      [&] { out.push_back(reader.value()); });
  return out;
}

// A SCIM binding of one subject, as sync compares it.
struct ScimBinding {
  std::string id;
  std::string role_id;
  std::string role_name;
  std::string type;
  bool primary = false;
};

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

std::vector<ScimBinding> scim_bindings(soci::session& sql, const std::string& tenant, const std::string& subject_type,
                                       const std::string& subject_id) {
  std::vector<ScimBinding> out;
  ScimBinding row;
  OptionalText type;
  int primary = 0;
  support::for_each_row(
      sql,
      "SELECT b.id, b.role_id, r.name, b.assignment_type, b.is_primary FROM scim_bindings b "
      "JOIN scim_roles r ON r.id = b.role_id WHERE b.tenant_id = :tenant AND b.subject_type = :subject_type "
      "AND b.subject_id = :subject_id AND b.source = 'SCIM' ORDER BY r.name, r.id",
      [&](soci::statement& st) {
        st.exchange(soci::into(row.id));
        st.exchange(soci::into(row.role_id));
        st.exchange(soci::into(row.role_name));
        st.exchange(soci::into(type));
        st.exchange(soci::into(primary));
        st.exchange(soci::use(tenant, "tenant"));
        st.exchange(soci::use(subject_type, "subject_type"));
        st.exchange(soci::use(subject_id, "subject_id"));
      },
      [&] {
        row.type = type.value_or("");
        row.primary = primary != 0;
        out.push_back(row);
      });
  return out;
}

// The names of the tenant's roles among `ids`, by id: one query per batch.
std::map<std::string, std::string> role_names(soci::session& sql, const std::string& tenant,
                                              const std::vector<std::string>& ids) {
  std::map<std::string, std::string> names;
  for (std::size_t start = 0; start < ids.size(); start += kSubjectBatch) {
    const std::size_t end = std::min(ids.size(), start + kSubjectBatch);
    SqlParams params;
    std::string query = "SELECT id, name FROM scim_roles WHERE tenant_id = " + params.text(tenant) + " AND id IN (";
    for (std::size_t i = start; i < end; ++i) query += (i == start ? "" : ", ") + params.text(ids[i]);
    std::string id, name;
    support::for_each_row(
        sql, query + ")",
        [&](soci::statement& st) {
          st.exchange(soci::into(id));
          st.exchange(soci::into(name));
          params.bind(st);
        },
        [&] { names.emplace(id, name); });
  }
  return names;
}

Error unknown_role(const std::string& role_id) {
  return Error::invalid("role '" + role_id + "' does not exist in this tenant", "invalidValue");
}

// Inserts one binding and its audit row.
Stored insert_binding(soci::session& sql, const ports::Scope& scope, const std::string& subject_type,
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
  const OptionalText integration = support::to_boost(b.integration_id);
  const OptionalText assignment_type = type.empty() ? OptionalText() : OptionalText(type);
  const int is_primary = primary ? 1 : 0;
  sql << "INSERT INTO scim_bindings (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, "
         "created_at, assignment_type, is_primary) VALUES (:id, :tenant, :role_id, :subject_type, :subject_id, "
         ":source, :integration_id, :created_at, :assignment_type, :is_primary)",
      soci::use(b.id, "id"), soci::use(scope.tenant_id, "tenant"), soci::use(b.role_id, "role_id"),
      soci::use(b.subject_type, "subject_type"), soci::use(b.subject_id, "subject_id"), soci::use(b.source, "source"),
      soci::use(integration, "integration_id"), soci::use(b.created_at, "created_at"),
      soci::use(assignment_type, "assignment_type"), soci::use(is_primary, "is_primary");
  support::insert_audit(sql, binding_audit(cause, scope.tenant_id, true, b), scope.tenant_id);
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

std::vector<ports::RoleAssignment> scim_roles(soci::session& sql, const std::string& tenant,
                                              const std::string& subject_type, const std::string& subject_id) {
  std::vector<ports::RoleAssignment> roles;
  for (const ScimBinding& b : scim_bindings(sql, tenant, subject_type, subject_id)) {
    roles.push_back({b.role_id, b.role_name, b.type, b.primary});
  }
  return roles;
}

namespace {

// What a page's roles statement exchanges.
struct PageRoles {
  SqlParams params;
  std::string subject;
  ports::RoleAssignment row;
  OptionalText type;
  int primary = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(subject));
    st.exchange(soci::into(row.role_id));
    st.exchange(soci::into(row.role_name));
    st.exchange(soci::into(type));
    st.exchange(soci::into(primary));
    params.bind(st);
  }
};

}  // namespace

std::unordered_map<std::string, std::vector<ports::RoleAssignment>> scim_roles_of(
    soci::session& sql, StatementCache* statements, const std::string& tenant, const std::string& subject_type,
    const std::vector<std::string>& subject_ids) {
  std::unordered_map<std::string, std::vector<ports::RoleAssignment>> roles;
  for (std::size_t start = 0; start < subject_ids.size(); start += kSubjectBatch) {
    const std::size_t end = std::min(subject_ids.size(), start + kSubjectBatch);
    SqlParams params;
    std::string query =
        "SELECT b.subject_id, r.id, r.name, b.assignment_type, b.is_primary FROM scim_bindings b "
        "JOIN scim_roles r ON r.id = b.role_id WHERE b.tenant_id = " +
        params.text(tenant) + " AND b.subject_type = " + params.text(subject_type) +
        " AND b.source = 'SCIM' AND b.subject_id IN (";
    for (std::size_t i = start; i < end; ++i) query += (i == start ? "" : ", ") + params.text(subject_ids[i]);
    query += ")";
    // Kept only for one subject: the text varies with the batch's size.
    run_statement<PageRoles>(
        sql, end - start == 1 ? statements : nullptr, query, params.shape(),
        [&](PageRoles& made) { made.params = params; }, [&](PageRoles& b) { b.params.assign(params); },
        [&](PageRoles& b) {
          b.row.type = b.type.value_or("");
          b.row.primary = b.primary != 0;
          roles[b.subject].push_back(b.row);
        });
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

Result<SyncResult> sync_scim_roles(soci::session& sql, const ports::Scope& scope, const std::string& subject_type,
                                   const std::string& subject_id, const std::vector<ports::RoleAssignment>& wanted,
                                   const std::string& now, const ports::AuditEntry& cause) {
  // The first of repeated role ids counts.
  std::vector<const ports::RoleAssignment*> unique;
  std::unordered_set<std::string> seen;
  for (const ports::RoleAssignment& role : wanted) {
    if (role.role_id.empty()) return Error::invalid("a role has an empty value", "invalidValue");
    if (seen.insert(role.role_id).second) unique.push_back(&role);
  }

  const std::vector<ScimBinding> existing = scim_bindings(sql, scope.tenant_id, subject_type, subject_id);
  std::map<std::string, const ScimBinding*> by_role;
  for (const ScimBinding& b : existing) by_role.emplace(b.role_id, &b);

  std::vector<std::string> missing;
  for (const ports::RoleAssignment* role : unique) {
    if (by_role.find(role->role_id) == by_role.end()) missing.push_back(role->role_id);
  }
  const std::map<std::string, std::string> names = role_names(sql, scope.tenant_id, missing);
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
  result.changes = delete_bindings(sql, scope.tenant_id, removed, cause);

  for (const ports::RoleAssignment* role : unique) {
    const auto found = by_role.find(role->role_id);
    if (found == by_role.end()) {
      const Stored added = insert_binding(sql, scope, subject_type, subject_id, role->role_id,
                                          names.at(role->role_id), kScim, role->type, role->primary, now, cause);
      result.changes.push_back(change_of(added, true));
      continue;
    }
    const ScimBinding& kept = *found->second;
    if (kept.type == role->type && kept.primary == role->primary) continue;
    const OptionalText type = role->type.empty() ? OptionalText() : OptionalText(role->type);
    const int primary = role->primary ? 1 : 0;
    sql << "UPDATE scim_bindings SET assignment_type = :type, is_primary = :is_primary WHERE id = :id",
        soci::use(type, "type"), soci::use(primary, "is_primary"), soci::use(kept.id, "id");
    ports::AuditEntry entry = binding_audit(cause, scope.tenant_id, true, stored_of(kept, subject_type, subject_id));
    entry.action = "binding.update";
    entry.detail += " type=" + role->type + " primary=" + (role->primary ? "true" : "false");
    support::insert_audit(sql, entry, scope.tenant_id);
    result.changed = true;
  }
  if (!result.changes.empty()) result.changed = true;
  return result;
}

Result<std::optional<ports::BindingChange>> ensure_binding(soci::session& sql, const ports::Scope& scope,
                                                           const std::string& subject_type,
                                                           const std::string& subject_id, const std::string& role_id,
                                                           const std::string& source, const std::string& now,
                                                           const ports::AuditEntry& cause, bool fresh) {
  const auto names = role_names(sql, scope.tenant_id, {role_id});
  if (names.empty()) return unknown_role(role_id);
  long long present = 0;
  if (!fresh) {
    sql << "SELECT COUNT(*) FROM scim_bindings WHERE tenant_id = :tenant AND role_id = :role_id "
           "AND subject_type = :subject_type AND subject_id = :subject_id AND source = :source",
        soci::into(present), soci::use(scope.tenant_id, "tenant"), soci::use(role_id, "role_id"),
        soci::use(subject_type, "subject_type"), soci::use(subject_id, "subject_id"), soci::use(source, "source");
  }
  if (present > 0) return std::optional<ports::BindingChange>();
  const Stored added =
      insert_binding(sql, scope, subject_type, subject_id, role_id, names.begin()->second, source, "", false, now, cause);
  return std::optional<ports::BindingChange>(change_of(added, true));
}

std::vector<Stored> bindings_of(soci::session& sql, const std::string& tenant, const std::string& subject_type,
                                const std::string& subject_id, const std::vector<std::string>& sources) {
  SqlParams params;
  std::string query = std::string(kSelectStored) + "WHERE b.tenant_id = " + params.text(tenant) +
                      " AND b.subject_type = " + params.text(subject_type) +
                      " AND b.subject_id = " + params.text(subject_id);
  if (!sources.empty()) {
    query += " AND b.source IN (";
    for (std::size_t i = 0; i < sources.size(); ++i) query += (i == 0 ? "" : ", ") + params.text(sources[i]);
    query += ")";
  }
  return read_stored(sql, query + " ORDER BY r.name, b.source, b.id", params);
}

std::vector<Stored> bindings_of_role(soci::session& sql, const std::string& tenant, const std::string& role_id) {
  SqlParams params;
  const std::string query = std::string(kSelectStored) + "WHERE b.tenant_id = " + params.text(tenant) +
                            " AND b.role_id = " + params.text(role_id) + " ORDER BY b.created_at, b.id";
  return read_stored(sql, query, params);
}

std::optional<Stored> find_binding(soci::session& sql, const std::string& tenant, const std::string& id) {
  SqlParams params;
  const std::string query =
      std::string(kSelectStored) + "WHERE b.tenant_id = " + params.text(tenant) + " AND b.id = " + params.text(id);
  auto found = read_stored(sql, query, params);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<ports::BindingChange> delete_bindings(soci::session& sql, const std::string& tenant,
                                                  const std::vector<Stored>& bindings, const ports::AuditEntry& cause,
                                                  bool audit) {
  std::vector<ports::BindingChange> changes;
  if (bindings.empty()) return changes;
  std::string id;
  soci::statement remove = (sql.prepare << "DELETE FROM scim_bindings WHERE tenant_id = :tenant AND id = :id",
                            soci::use(tenant, "tenant"), soci::use(id, "id"));
  for (const Stored& b : bindings) {
    id = b.id;
    remove.execute(true);
    if (remove.get_affected_rows() == 0) continue;  // gone meanwhile: nothing changed
    if (audit) support::insert_audit(sql, binding_audit(cause, tenant, false, b), tenant);
    changes.push_back(change_of(b, false));
  }
  return changes;
}

void touch_holders(soci::session& sql, const std::string& tenant, const std::vector<Stored>& removed,
                   const std::string& now) {
  for (const Stored& b : removed) {
    if (b.source != kScim) continue;
    if (b.subject_type == kUser) {
      sql << "UPDATE scim_tenant_users SET version = version + 1, updated_at = :now "
             "WHERE tenant_id = :tenant AND user_id = :id",
          soci::use(now, "now"), soci::use(tenant, "tenant"), soci::use(b.subject_id, "id");
    } else if (b.subject_type == kGroup) {
      sql << "UPDATE scim_groups SET version = version + 1, updated_at = :now WHERE tenant_id = :tenant AND id = :id",
          soci::use(now, "now"), soci::use(tenant, "tenant"), soci::use(b.subject_id, "id");
    }
  }
}

}  // namespace kestra::adapters::bindings
