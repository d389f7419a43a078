// Roles, admin bindings and role allow lists.
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "provisioning_rows.hpp"
#include "provisioning_support.hpp"
#include "role_bindings.hpp"
#include "soci_provisioning_store.hpp"
#include "store_support.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <stdexcept>
#include <utility>

namespace kestra::adapters {
namespace {

using provisioning::kServiceAccount;

Error role_not_found(const std::string& id) { return Error::not_found("role '" + id + "' does not exist in this tenant"); }

std::optional<ports::Role> read_role(Session db, const ProvisioningStatements& s, const std::string& tenant,
                                     const std::string& id) {
  return first_row<ports::Role>(db, s.role, param("tenant", tenant), param("id", id));
}

ports::Binding to_binding(const bindings::Stored& b, const std::string& tenant) {
  ports::Binding out;
  out.id = b.id;
  out.tenant_id = tenant;
  out.role_id = b.role_id;
  out.subject_type = b.subject_type;
  out.subject_id = b.subject_id;
  out.source = b.source;
  out.integration_id = b.integration_id;
  out.created_at = b.created_at;
  out.role_name = b.role_name;
  return out;
}

// NotFound naming the subject of a new admin binding when it does not
// exist: any user, or a group or service account of the tenant.
Result<void> check_subject(Session db, const ProvisioningStatements& s, const std::string& tenant,
                           const std::string& type, const std::string& id) {
  if (type == bindings::kUser) {
    if (count(db, s.count_user, param("id", id)) == 0) return Error::not_found("user '" + id + "' does not exist");
  } else if (type == bindings::kGroup) {
    if (count(db, s.count_group, param("tenant", tenant), param("id", id)) == 0) {
      return Error::not_found("group '" + id + "' does not exist in this tenant");
    }
  } else if (count(db, s.count_service_account, param("tenant", tenant), param("id", id)) == 0) {
    return Error::not_found("service account '" + id + "' does not exist in this tenant");
  }
  return {};
}

Result<std::vector<std::string>> parse_role_ids(const std::string& json) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_array()) return Error::internal("a stored role allow list is not a JSON array");
  std::vector<std::string> ids;
  for (const boost::json::value& v : parsed.as_array()) {
    if (!v.is_string()) return Error::internal("a stored role allow list holds a value that is not a string");
    ids.emplace_back(v.as_string().c_str(), v.as_string().size());
  }
  return ids;
}

std::string role_ids_json(const std::vector<std::string>& ids) {
  boost::json::array array;
  array.reserve(ids.size());
  for (const std::string& id : ids) array.emplace_back(id);
  return boost::json::serialize(array);
}

}  // namespace

SociProvisioningStore::StoredRole SociProvisioningStore::ensure_role_row(Session db, const ports::Role& role,
                                                                         const std::string& tenant) const {
  const auto& s = statements_;
  support::execute_ignoring_duplicate(dialect_, [&] {
    return execute(db, s.insert_tenant_if_absent, param("id", tenant), param("created_at", role.created_at));
  });
  const std::string name_key = ascii_lower(role.name);
  StoredRole stored;
  stored.inserted = support::execute_ignoring_duplicate(dialect_, [&] {
                      return execute(db, s.insert_role_if_absent, param("id", role.id), param("tenant", tenant),
                                     param("name", role.name), param("name_key", name_key),
                                     param("description", role.description),
                                     param("permissions", role.permissions_json),
                                     param("system_managed", role.system_managed),
                                     param("created_at", role.created_at), param("updated_at", role.updated_at));
                    }) > 0;
  auto id = first_row<std::string>(db, s.role_id_named, param("tenant", tenant), param("name_key", name_key));
  if (!id) throw std::runtime_error("role '" + role.name + "' vanished while being ensured");
  stored.id = *std::move(id);
  return stored;
}

Result<bool> SociProvisioningStore::ensure_role(const ports::Role& role, const ports::AuditEntry& audit) {
  return audited_write(role.tenant_id, audit,
                       "cannot ensure role '" + role.name + "' in tenant '" + role.tenant_id + "'",
                       [&](Session db) -> Result<bool> {
    const bool inserted = ensure_role_row(db, role, role.tenant_id).inserted;
    if (inserted) support::insert_audit(db.sql, audit, role.tenant_id);
    return inserted;
  });
}

Result<std::vector<ports::Role>> SociProvisioningStore::list_roles(const std::string& tenant) {
  return read("cannot list the roles of tenant '" + tenant + "'",
              [&](Session db) { return rows<ports::Role>(db, statements_.roles, param("tenant", tenant)); });
}

Result<ports::Role> SociProvisioningStore::update_role(const std::string& tenant, const std::string& id,
                                                      const std::optional<std::string>& description,
                                                      const std::string& permissions_json,
                                                      const std::string& updated_at, const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot update role '" + id + "'", [&](Session db) -> Result<ports::Role> {
    const auto& s = statements_;
    auto role = read_role(db, s, tenant, id);
    if (!role) return role_not_found(id);
    if (description) role->description = *description;
    role->permissions_json = permissions_json;
    role->updated_at = updated_at;
    execute(db, s.update_role, param("description", role->description), param("permissions", role->permissions_json),
            param("updated_at", role->updated_at), param("tenant", tenant), param("id", id));
    support::insert_audit(db.sql, audit, tenant);
    return *std::move(role);
  });
}

Result<ports::Role> SociProvisioningStore::create_role(const ports::Role& role, const ports::AuditEntry& audit) {
  const std::string& tenant = role.tenant_id;
  if (role.id.empty()) return Error::invalid("the new role's id is empty");
  if (role.name.empty()) return Error::invalid("the role's name is empty", "invalidValue");
  return audited_write(tenant, audit, "cannot create role '" + role.name + "' in tenant '" + tenant + "'",
                       [&](Session db) -> Result<ports::Role> {
    const auto& s = statements_;
    const std::string created_at = role.created_at.empty() ? now_iso8601() : role.created_at;
    const std::string updated_at = role.updated_at.empty() ? created_at : role.updated_at;
    support::execute_ignoring_duplicate(dialect_, [&] {
      return execute(db, s.insert_tenant_if_absent, param("id", tenant), param("created_at", created_at));
    });

    const std::string name_key = ascii_lower(role.name);
    const auto taken = [&] { return Error::conflict("a role named '" + role.name + "' already exists in this tenant"); };
    if (count(db, s.count_roles_named, param("tenant", tenant), param("name_key", name_key)) > 0) return taken();
    const bool inserted = support::unless_duplicate(dialect_, [&] {
      execute(db, s.insert_role, param("id", role.id), param("tenant", tenant), param("name", role.name),
              param("name_key", name_key), param("description", role.description),
              param("permissions", role.permissions_json), param("system_managed", role.system_managed),
              param("created_at", created_at), param("updated_at", updated_at));
    });
    if (!inserted) return taken();
    support::insert_audit(db.sql, support::audit_for(audit, role.id), tenant);
    auto stored = read_role(db, s, tenant, role.id);
    if (!stored) return Error::internal("role '" + role.id + "' is missing right after its insert");
    return *std::move(stored);
  });
}

Result<std::vector<ports::Binding>> SociProvisioningStore::delete_role(const std::string& tenant, const std::string& id,
                                                                       const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot delete role '" + id + "'",
                       [&](Session db) -> Result<std::vector<ports::Binding>> {
    if (!read_role(db, statements_, tenant, id)) return role_not_found(id);
    // The bindings would go by cascade; deleting them first reports and
    // audits each.
    const ports::AuditEntry entry = support::audit_for(audit, id);
    const std::vector<bindings::Stored> stored = bindings::bindings_of_role(db, tenant, id);
    bindings::delete_bindings(db, tenant, stored, entry);
    bindings::touch_holders(db, tenant, stored, entry.created_at.empty() ? now_iso8601() : entry.created_at);
    execute(db, statements_.delete_role, param("tenant", tenant), param("id", id));
    support::insert_audit(db.sql, entry, tenant);
    std::vector<ports::Binding> removed;
    removed.reserve(stored.size());
    for (const bindings::Stored& b : stored) removed.push_back(to_binding(b, tenant));
    return removed;
  });
}

Result<ports::Binding> SociProvisioningStore::create_binding(const ports::Binding& binding,
                                                             const ports::AuditEntry& audit) {
  const std::string& tenant = binding.tenant_id;
  const std::string& type = binding.subject_type;
  if (type != bindings::kUser && type != bindings::kGroup && type != kServiceAccount) {
    return Error::invalid("a binding's subject type is USER, GROUP or SERVICE_ACCOUNT, not '" + type + "'",
                          "invalidValue");
  }
  if (binding.role_id.empty() || binding.subject_id.empty()) {
    return Error::invalid("a binding needs a role id and a subject id", "invalidValue");
  }
  return audited_write(tenant, audit, "cannot bind role '" + binding.role_id + "' in tenant '" + tenant + "'",
                       [&](Session db) -> Result<ports::Binding> {
    const auto& s = statements_;
    const auto role = read_role(db, s, tenant, binding.role_id);
    if (!role) return role_not_found(binding.role_id);
    auto subject = check_subject(db, s, tenant, type, binding.subject_id);
    if (!subject) return subject.error();

    bindings::Stored stored;
    stored.id = binding.id.empty() ? crypto::new_uuid() : binding.id;
    stored.role_id = binding.role_id;
    stored.role_name = role->name;
    stored.subject_type = type;
    stored.subject_id = binding.subject_id;
    stored.source = "ADMIN";  // whatever the caller said
    stored.integration_id = binding.integration_id;
    stored.created_at = binding.created_at.empty() ? now_iso8601() : binding.created_at;
    const auto bound = [&] {
      return Error::conflict(type + " '" + binding.subject_id + "' already has role '" + role->name +
                             "' from an admin");
    };
    if (count(db, s.count_bindings_alike, param("tenant", tenant), param("role_id", stored.role_id),
              param("subject_type", stored.subject_type), param("subject_id", stored.subject_id),
              param("source", stored.source)) > 0) {
      return bound();
    }
    const bool inserted = support::unless_duplicate(dialect_, [&] {
      execute(db, s.insert_binding, param("id", stored.id), param("tenant", tenant), param("role_id", stored.role_id),
              param("subject_type", stored.subject_type), param("subject_id", stored.subject_id),
              param("source", stored.source), param("integration_id", stored.integration_id),
              param("created_at", stored.created_at));
    });
    if (!inserted) return bound();
    support::insert_audit(db.sql, support::audit_for(audit, stored.id), tenant);
    return to_binding(stored, tenant);
  });
}

Result<ports::Binding> SociProvisioningStore::delete_binding(const std::string& tenant, const std::string& id,
                                                             const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot delete binding '" + id + "'", [&](Session db) -> Result<ports::Binding> {
    const auto stored = bindings::find_binding(db, tenant, id);
    if (!stored) return Error::not_found("binding '" + id + "' does not exist in this tenant");
    // The audit entry given is this deletion's row.
    bindings::delete_bindings(db, tenant, {*stored}, audit, false);
    bindings::touch_holders(db, tenant, {*stored}, audit.created_at.empty() ? now_iso8601() : audit.created_at);
    support::insert_audit(db.sql, support::audit_for(audit, id), tenant);
    return to_binding(*stored, tenant);
  });
}

Result<std::vector<ports::Binding>> SociProvisioningStore::list_bindings(const std::string& tenant) {
  return read("cannot list the bindings of tenant '" + tenant + "'",
              [&](Session db) { return rows<ports::Binding>(db, statements_.bindings, param("tenant", tenant)); });
}

Result<std::optional<ports::RoleAllowList>> SociProvisioningStore::find_role_allow_list(
    const std::string& tenant, const std::string& integration_id) {
  if (tenant.empty()) return Error::invalid("tenant id is empty");
  return read("cannot read the role allow list of tenant '" + tenant + "'",
              [&](Session db) -> Result<std::optional<ports::RoleAllowList>> {
    const auto stored = first_row<StoredAllowList>(db, statements_.allow_list, param("tenant", tenant),
                                                   param("integration_id", integration_id));
    if (!stored) return std::optional<ports::RoleAllowList>();
    auto ids = parse_role_ids(stored->role_ids);
    if (!ids) return ids.error();
    ports::RoleAllowList list;
    list.tenant_id = tenant;
    list.integration_id = integration_id;
    list.role_ids = std::move(*ids);
    list.updated_at = stored->updated_at;
    return std::optional<ports::RoleAllowList>(std::move(list));
  });
}

Result<void> SociProvisioningStore::set_role_allow_list(const std::string& tenant, const std::string& integration_id,
                                                        const std::optional<std::vector<std::string>>& role_ids,
                                                        const std::string& updated_at, const ports::AuditEntry& audit) {
  return audited_write(tenant, audit, "cannot set the role allow list of tenant '" + tenant + "'",
                       [&](Session db) -> Result<void> {
    const auto& s = statements_;
    if (!integration_id.empty() &&
        count(db, s.count_integration, param("tenant", tenant), param("id", integration_id)) == 0) {
      return provisioning::integration_not_found(integration_id);
    }
    execute(db, s.delete_allow_list, param("tenant", tenant), param("integration_id", integration_id));
    if (role_ids) {
      const std::string json = role_ids_json(*role_ids);
      const std::string at = updated_at.empty() ? now_iso8601() : updated_at;
      execute(db, s.insert_allow_list, param("tenant", tenant), param("integration_id", integration_id),
              param("role_ids", json), param("updated_at", at));
    }
    support::insert_audit(db.sql, audit, tenant);
    return {};
  });
}

}  // namespace kestra::adapters
