#include "provisioning/admin_service.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "iam/permissions.hpp"
#include "iam/role_policy.hpp"
#include "provisioning/token.hpp"

#include <boost/json.hpp>

#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>

namespace kestra::provisioning {
std::int64_t offset_of(std::int64_t page, std::int64_t size) { return (std::max<std::int64_t>(page, 1) - 1) * size; }

namespace {

constexpr std::size_t kMaxRoleNameChars = 128;

Result<void> validate_role_name(std::string_view name) {
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
  if (name.empty() || name.size() > kMaxRoleNameChars || control || name.front() == ' ' || name.back() == ' ') {
    return Error::invalid("role name '" + std::string(name) + "' is not valid: use 1 to " +
                          std::to_string(kMaxRoleNameChars) +
                          " characters, without control characters or leading and trailing blanks");
  }
  return {};
}

Error conflict(std::string detail) { return {ErrorKind::Conflict, std::move(detail), {}}; }

}  // namespace

Result<void> validate_integration_name(std::string_view name) {
  const auto fail = [&] {
    return Error::invalid("name '" + std::string(name) +
                          "' is not valid: use 1 to 63 lower-case letters, digits and single hyphens, "
                          "starting and ending with a letter or digit (e.g. okta-prod)");
  };
  if (name.empty() || name.size() > 63) return fail();
  bool previous_hyphen = true;  // no leading hyphen
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '-') {
      if (previous_hyphen) return fail();
      previous_hyphen = true;
    } else if (alnum) {
      previous_hyphen = false;
    } else {
      return fail();
    }
  }
  if (previous_hyphen) return fail();  // trailing hyphen
  return {};
}

std::string service_account_name(std::string_view integration_name) {
  constexpr std::size_t kMaxLabel = 63;
  std::string name = "scim-" + std::string(integration_name);
  if (name.size() <= kMaxLabel) return name;
  // Shortened: a hash of the whole name keeps the names of integrations
  // that share a long prefix apart.
  const auto hash = crypto::sha256_hex(integration_name).substr(0, 8);
  name.resize(kMaxLabel - hash.size() - 1);
  while (name.back() == '-') name.pop_back();
  return name + "-" + hash;
}

AdminService::AdminService(ports::ProvisioningStore& store, const ports::HostPort& host, std::string token_pepper)
    : store_(store), host_(host), pepper_(std::move(token_pepper)) {}

ports::AuditEntry make_audit(const std::string& tenant, const std::optional<std::string>& integration_id,
                             const Actor& actor, std::string action, std::string target_type, std::string target_id,
                             std::string detail) {
  ports::AuditEntry e;
  e.tenant_id = tenant;
  e.integration_id = integration_id;
  e.actor_type = actor.type;
  e.actor_id = actor.id;
  e.action = std::move(action);
  e.target_type = std::move(target_type);
  e.target_id = std::move(target_id);
  e.outcome = "SUCCESS";
  e.detail = std::move(detail);
  e.request_id = actor.request_id;
  e.created_at = now_iso8601();
  return e;
}

ports::AuditEntry AdminService::audit_entry(const std::string& tenant, const std::optional<std::string>& integration_id,
                                            const Actor& actor, std::string action, std::string target_type,
                                            std::string target_id, std::string detail) const {
  return make_audit(tenant, integration_id, actor, std::move(action), std::move(target_type), std::move(target_id),
                    std::move(detail));
}

ports::Role AdminService::provisioner_role(const std::string& tenant, const std::string& now) const {
  ports::Role role;
  role.id = crypto::new_uuid();
  role.tenant_id = tenant;
  role.name = std::string(iam::kProvisionerRole);
  role.description = "Role of the service accounts of SCIM provisioning integrations";
  role.permissions_json = iam::scim_provisioner_permissions().to_json();
  role.system_managed = true;
  role.created_at = now;
  role.updated_at = now;
  return role;
}

void AdminService::emit(std::string_view type, const std::string& tenant, const std::string& subject) const {
  boost::json::object payload{{"tenant", tenant}, {"id", subject}};
  host_.emit_event(type, tenant, subject, boost::json::serialize(payload));
}

Result<CreatedIntegration> AdminService::create(const std::string& tenant, const IntegrationInput& input,
                                                const Actor& actor) {
  if (auto valid = validate_integration_name(input.name); !valid) return valid.error();
  if (input.type != kIntegrationType) {
    return Error::invalid("type '" + input.type + "' is not supported: the only supported type is SCIM");
  }
  // A host without tenant hooks meets the tenant here first.
  if (auto role = bootstrap_tenant(tenant); !role) return role.error();
  const auto now = now_iso8601();
  auto token = mint_token(pepper_);

  ports::NewIntegration spec;
  spec.integration.id = crypto::new_uuid();
  spec.integration.tenant_id = tenant;
  spec.integration.name = input.name;
  spec.integration.description = input.description;
  spec.integration.type = input.type;
  spec.integration.enabled = input.enabled;
  spec.integration.created_at = now;
  spec.integration.updated_at = now;
  spec.role = provisioner_role(tenant, now);
  spec.service_account.id = crypto::new_uuid();
  spec.service_account.tenant_id = tenant;
  spec.service_account.name = service_account_name(input.name);
  spec.service_account.description = "SCIM provisioning integration " + input.name;
  spec.service_account.created_at = now;
  spec.integration.service_account_id = spec.service_account.id;
  spec.binding.id = crypto::new_uuid();
  spec.binding.tenant_id = tenant;
  spec.binding.role_id = spec.role.id;
  spec.binding.subject_type = "SERVICE_ACCOUNT";
  spec.binding.subject_id = spec.service_account.id;
  spec.binding.source = "SYSTEM";
  spec.binding.integration_id = spec.integration.id;
  spec.binding.created_at = now;
  spec.token.id = crypto::new_uuid();
  spec.token.lookup_prefix = token.lookup_prefix;
  spec.token.secret_hash = token.secret_hash;
  spec.token.created_at = now;
  spec.audit = audit_entry(tenant, spec.integration.id, actor, "integration.create", "INTEGRATION",
                           spec.integration.id, "name=" + input.name);

  auto stored = store_.create_integration(spec);
  if (!stored) return stored.error();
  emit("scim.integration.created", tenant, stored->id);
  emit("iam.service_account.created", tenant, spec.service_account.id);
  emit("iam.binding.created", tenant, spec.binding.id);
  emit("iam.api_token.created", tenant, spec.token.id);
  return CreatedIntegration{std::move(*stored), std::move(token.secret)};
}

Result<ports::Page<ports::Integration>> AdminService::list(const std::string& tenant, const std::string& query,
                                                           std::int64_t page, std::int64_t size) {
  return store_.list_integrations(tenant, query, offset_of(page, size), size);
}

Result<ports::Integration> AdminService::get(const std::string& tenant, const std::string& id) {
  auto found = store_.find_integration(tenant, id);
  if (!found) return found.error();
  if (!*found) return Error::not_found("integration '" + id + "' does not exist in tenant '" + tenant + "'");
  return std::move(**found);
}

Result<ports::Integration> AdminService::update(const std::string& tenant, const std::string& id,
                                                const std::string& name, const std::string& description,
                                                const Actor& actor) {
  if (auto valid = validate_integration_name(name); !valid) return valid.error();
  auto updated = store_.update_integration(
      tenant, id, name, description, now_iso8601(),
      audit_entry(tenant, id, actor, "integration.update", "INTEGRATION", id, "name=" + name));
  if (updated) emit("scim.integration.updated", tenant, id);
  return updated;
}

Result<ports::Integration> AdminService::set_enabled(const std::string& tenant, const std::string& id, bool enabled,
                                                     const Actor& actor) {
  const std::string action = enabled ? "integration.enable" : "integration.disable";
  auto updated =
      store_.set_integration_enabled(tenant, id, enabled, now_iso8601(),
                                     audit_entry(tenant, id, actor, action, "INTEGRATION", id));
  if (updated) emit(enabled ? "scim.integration.enabled" : "scim.integration.disabled", tenant, id);
  return updated;
}

Result<void> AdminService::remove(const std::string& tenant, const std::string& id, const Actor& actor) {
  auto existing = get(tenant, id);
  if (!existing) return existing.error();
  // The service account's bindings go with it; read first, to name them in events.
  auto bindings = store_.list_bindings(tenant);
  if (!bindings) return bindings.error();
  auto removed = store_.delete_integration(tenant, id,
                                           audit_entry(tenant, id, actor, "integration.delete", "INTEGRATION", id,
                                                       "name=" + existing->name));
  if (!removed) return removed;
  emit("scim.integration.deleted", tenant, id);
  for (const auto& b : *bindings) {
    if (b.subject_type == "SERVICE_ACCOUNT" && b.subject_id == existing->service_account_id) {
      emit("iam.binding.deleted", tenant, b.id);
    }
  }
  emit("iam.service_account.deleted", tenant, existing->service_account_id);
  emit("iam.api_token.revoked", tenant, existing->service_account_id);
  return {};
}

Result<std::string> AdminService::rotate_token(const std::string& tenant, const std::string& id, const Actor& actor) {
  auto token = mint_token(pepper_);
  ports::TokenRecord record{crypto::new_uuid(), token.lookup_prefix, token.secret_hash, now_iso8601()};
  auto replaced = store_.replace_token(tenant, id, record,
                                       audit_entry(tenant, id, actor, "integration.rotate-token", "INTEGRATION", id));
  if (!replaced) return replaced.error();
  emit("iam.api_token.revoked", tenant, id);
  emit("iam.api_token.created", tenant, record.id);
  return std::move(token.secret);
}

Result<ports::Page<ports::AuditEntry>> AdminService::audit(const std::string& tenant, const std::string& id,
                                                           std::int64_t page, std::int64_t size) {
  auto existing = get(tenant, id);
  if (!existing) return existing.error();
  return store_.list_audit(tenant, id, offset_of(page, size), size);
}

Result<ports::Role> AdminService::update_role(const std::string& tenant, const std::string& id,
                                              const std::optional<std::string>& description,
                                              const iam::Permissions& permissions, const Actor& actor) {
  if (auto valid = iam::validate_permissions(permissions); !valid) return valid.error();
  const auto json = permissions.to_json();
  auto updated = store_.update_role(tenant, id, description, json, now_iso8601(),
                                    audit_entry(tenant, std::nullopt, actor, "role.update", "ROLE", id,
                                                "permissions=" + json));
  if (updated) emit("iam.role.updated", tenant, id);
  return updated;
}

Result<void> AdminService::bootstrap_tenant(const std::string& tenant) {
  const auto now = now_iso8601();
  auto role = provisioner_role(tenant, now);
  const Actor system{"SYSTEM", "kestra-scim", ""};
  auto created = store_.ensure_role(role, audit_entry(tenant, std::nullopt, system, "role.create", "ROLE", role.name));
  if (!created) return created.error();
  if (*created) emit("iam.role.created", tenant, role.id);
  return {};
}

Result<ports::Role> AdminService::create_role(const std::string& tenant, const std::string& name,
                                              const std::string& description, const iam::Permissions& permissions,
                                              const Actor& actor) {
  if (auto valid = validate_role_name(name); !valid) return valid.error();
  if (auto valid = iam::validate_permissions(permissions); !valid) return valid.error();
  if (boost::iequals(name, iam::kProvisionerRole)) {
    return conflict("the role name '" + name + "' is reserved for SCIM provisioning integrations");
  }
  if (auto ready = bootstrap_tenant(tenant); !ready) return ready.error();
  const auto now = now_iso8601();
  ports::Role role;
  role.id = crypto::new_uuid();
  role.tenant_id = tenant;
  role.name = name;
  role.description = description;
  role.permissions_json = permissions.to_json();
  role.created_at = now;
  role.updated_at = now;
  auto created = store_.create_role(role, audit_entry(tenant, std::nullopt, actor, "role.create", "ROLE", role.id,
                                                      "name=" + name + " permissions=" + role.permissions_json));
  if (created) emit("iam.role.created", tenant, created->id);
  return created;
}

Result<void> AdminService::delete_role(const std::string& tenant, const std::string& id, const Actor& actor) {
  auto roles = store_.list_roles(tenant);
  if (!roles) return roles.error();
  const auto it = std::find_if(roles->begin(), roles->end(), [&](const ports::Role& r) { return r.id == id; });
  if (it == roles->end()) return Error::not_found("role '" + id + "' does not exist in this tenant");
  if (it->system_managed) {
    return conflict("role '" + it->name + "' is managed by the module: it goes with the tenant's last integration");
  }
  auto removed = store_.delete_role(tenant, id, audit_entry(tenant, std::nullopt, actor, "role.delete", "ROLE", id,
                                                            "name=" + it->name));
  if (!removed) return removed.error();
  for (const auto& b : *removed) emit("iam.binding.deleted", tenant, b.id);
  emit("iam.role.deleted", tenant, id);
  return {};
}

Result<ports::Binding> AdminService::create_binding(const std::string& tenant, const std::string& role_id,
                                                    const std::string& subject_type, const std::string& subject_id,
                                                    const Actor& actor) {
  if (subject_type != "USER" && subject_type != "GROUP" && subject_type != "SERVICE_ACCOUNT") {
    return Error::invalid("'type' must be USER, GROUP or SERVICE_ACCOUNT, not '" + subject_type + "'");
  }
  if (role_id.empty() || subject_id.empty()) return Error::invalid("'roleId' and 'subjectId' are required");
  ports::Binding binding;
  binding.id = crypto::new_uuid();
  binding.tenant_id = tenant;
  binding.role_id = role_id;
  binding.subject_type = subject_type;
  binding.subject_id = subject_id;
  binding.source = "ADMIN";
  binding.created_at = now_iso8601();
  auto created = store_.create_binding(
      binding, audit_entry(tenant, std::nullopt, actor, "binding.create", "BINDING", binding.id,
                           subject_type + " " + subject_id + " role=" + role_id + " source=ADMIN"));
  if (created) emit("iam.binding.created", tenant, created->id);
  return created;
}

Result<void> AdminService::delete_binding(const std::string& tenant, const std::string& id, const Actor& actor) {
  auto removed = store_.delete_binding(tenant, id, audit_entry(tenant, std::nullopt, actor, "binding.delete",
                                                               "BINDING", id));
  if (!removed) return removed.error();
  emit("iam.binding.deleted", tenant, id);
  return {};
}

Result<AssignableRolesView> AdminService::assignable_roles(const std::string& tenant,
                                                           const std::string& integration_id) {
  AssignableRolesView view;
  if (!integration_id.empty()) {
    auto existing = get(tenant, integration_id);
    if (!existing) return existing.error();
    view.integration_id = integration_id;
  }
  auto roles = store_.list_roles(tenant);
  if (!roles) return roles.error();
  auto own = store_.find_role_allow_list(tenant, integration_id);
  if (!own) return own.error();
  std::optional<std::vector<std::string>> effective;
  if (*own) {
    // Ids of roles deleted since the list was set are not shown.
    view.role_ids.emplace();
    for (const auto& id : (*own)->role_ids) {
      const bool exists = std::any_of(roles->begin(), roles->end(), [&](const ports::Role& r) { return r.id == id; });
      if (exists) view.role_ids->push_back(id);
    }
    effective = view.role_ids;
    view.source = integration_id.empty() ? "TENANT" : "INTEGRATION";
  } else if (!integration_id.empty()) {
    auto tenant_list = store_.find_role_allow_list(tenant, "");
    if (!tenant_list) return tenant_list.error();
    if (*tenant_list) {
      effective = (*tenant_list)->role_ids;
      view.source = "TENANT";
    }
  }
  if (view.source.empty()) view.source = "DEFAULT";
  view.assignable = iam::AssignableRoles(std::move(*roles), std::move(effective)).roles();
  return view;
}

Result<AssignableRolesView> AdminService::set_assignable_roles(const std::string& tenant,
                                                               const std::string& integration_id,
                                                               const std::optional<std::vector<std::string>>& roles,
                                                               const Actor& actor) {
  if (!integration_id.empty()) {
    auto existing = get(tenant, integration_id);
    if (!existing) return existing.error();
  }
  std::optional<std::vector<std::string>> ids;
  std::string detail = "roles=default";
  if (roles) {
    auto stored = store_.list_roles(tenant);
    if (!stored) return stored.error();
    ids.emplace();
    detail = "roles=";
    for (const auto& value : *roles) {
      const auto* role = iam::find_role(*stored, value);
      if (!role) return Error::invalid("this tenant has no role '" + value + "'");
      if (boost::iequals(role->name, iam::kProvisionerRole)) {
        return Error::invalid("role '" + role->name + "' may never be assigned through SCIM");
      }
      if (std::find(ids->begin(), ids->end(), role->id) != ids->end()) continue;
      ids->push_back(role->id);
      detail += (ids->size() > 1 ? "," : "") + role->name;
    }
  }
  const std::optional<std::string> audited = integration_id.empty() ? std::nullopt : std::optional(integration_id);
  auto set = store_.set_role_allow_list(tenant, integration_id, ids, now_iso8601(),
                                        audit_entry(tenant, audited, actor, "roles.set-assignable",
                                                    integration_id.empty() ? "TENANT" : "INTEGRATION",
                                                    integration_id.empty() ? tenant : integration_id, detail));
  if (!set) return set.error();
  emit("scim.assignable_roles.updated", tenant, integration_id.empty() ? tenant : integration_id);
  return assignable_roles(tenant, integration_id);
}

}  // namespace kestra::provisioning
