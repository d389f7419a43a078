// ports::ProvisioningStore in memory: integrations with their service
// accounts and tokens (find_token derives the grant), roles, bindings,
// role allow lists and the audit trail.
#include "memory_repositories.hpp"

#include "core/clock.hpp"
#include "core/text.hpp"

#include <algorithm>

namespace kestra::test::fakes {

namespace {

constexpr const char* kServiceAccount = "SERVICE_ACCOUNT";

Error integration_not_found(const std::string& id) {
  return Error::not_found("integration '" + id + "' does not exist in this tenant");
}

// Empty means `tenant`; any other tenant is a caller's mistake.
Result<void> check_tenant(const std::string& tenant, const std::string& other, std::string_view what) {
  if (tenant.empty()) return Error::invalid("tenant id is empty");
  if (other.empty() || other == tenant) return {};
  return Error::invalid("the " + std::string(what) + " belongs to tenant '" + other + "', not '" + tenant + "'");
}

class MemoryProvisioningStore final : public ports::ProvisioningStore {
 public:
  explicit MemoryProvisioningStore(MemoryState& state) : s_(state) {}

  // ---- integrations, service accounts, tokens ----

  Result<ports::Integration> create_integration(const ports::NewIntegration& spec) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.create_integration"); !ok) return ok.error();
    const std::string& tenant = spec.integration.tenant_id;
    for (const auto& [other, what] : {std::pair{&spec.role.tenant_id, "role"},
                                      std::pair{&spec.service_account.tenant_id, "service account"},
                                      std::pair{&spec.binding.tenant_id, "binding"},
                                      std::pair{&spec.audit.tenant_id, "audit entry"}}) {
      if (auto same = check_tenant(tenant, *other, what); !same) return same.error();
    }
    const auto& integration = spec.integration;
    for (const auto& [id, other] : s_.integrations) {
      if (other.tenant_id == tenant && (other.name == integration.name || id == integration.id)) {
        return Error::conflict("an integration named '" + integration.name + "' already exists in this tenant");
      }
    }
    const auto& account = spec.service_account;
    for (const auto& [id, other] : s_.service_accounts) {
      if (id == account.id || (other.tenant_id == tenant && other.name == account.name)) {
        return Error::conflict("a service account named '" + account.name + "' already exists in this tenant");
      }
    }
    // Checked: now the writes.
    s_.tenants.insert(tenant);
    std::string role_id;
    if (const auto* existing = named(tenant, spec.role.name)) {
      role_id = existing->id;
    } else {
      ports::Role created = spec.role;
      created.tenant_id = tenant;
      s_.roles.push_back(created);
      role_id = created.id;
    }
    ports::ServiceAccount stored_account = account;
    stored_account.tenant_id = tenant;
    stored_account.integration_id.reset();
    s_.service_accounts[account.id] = stored_account;
    s_.tokens.push_back({spec.token, account.id, false});
    ports::Integration stored = integration;
    stored.service_account_id = account.id;
    s_.integrations[integration.id] = stored;
    BindingRecord binding;
    binding.binding = spec.binding;
    binding.binding.tenant_id = tenant;
    binding.binding.role_id = role_id;
    binding.binding.subject_type = kServiceAccount;
    binding.binding.subject_id = account.id;
    s_.bindings.push_back(binding);
    s_.append_audit(spec.audit);
    return read_integration(integration.id);
  }

  Result<ports::Page<ports::Integration>> list_integrations(const std::string& tenant, const std::string& query,
                                                            std::int64_t offset, std::int64_t limit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.list_integrations"); !ok) return ok.error();
    if (offset < 0 || limit < 0) return Error::invalid("offset and limit must not be negative");
    std::vector<ports::Integration> matched;
    const std::string needle = ascii_lower(query);
    for (const auto& [id, integration] : s_.integrations) {
      if (integration.tenant_id == tenant && ascii_lower(integration.name).find(needle) != std::string::npos) {
        matched.push_back(read_integration(id));
      }
    }
    std::sort(matched.begin(), matched.end(),
              [](const auto& a, const auto& b) { return std::tie(a.name, a.id) < std::tie(b.name, b.id); });
    ports::Page<ports::Integration> page;
    page.total = static_cast<std::int64_t>(matched.size());
    for (auto i = offset; i < page.total && i - offset < limit; ++i) {
      page.items.push_back(matched[static_cast<std::size_t>(i)]);
    }
    return page;
  }

  Result<std::optional<ports::Integration>> find_integration(const std::string& tenant,
                                                             const std::string& id) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.find_integration"); !ok) return ok.error();
    if (!of_tenant(tenant, id)) return std::optional<ports::Integration>();
    return std::optional<ports::Integration>(read_integration(id));
  }

  Result<ports::Integration> update_integration(const std::string& tenant, const std::string& id,
                                                const std::string& name, const std::string& description,
                                                const std::string& updated_at,
                                                const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.update_integration"); !ok) return ok.error();
    if (auto same = check_tenant(tenant, audit.tenant_id, "audit entry"); !same) return same.error();
    auto* integration = of_tenant(tenant, id);
    if (!integration) return integration_not_found(id);
    for (const auto& [other_id, other] : s_.integrations) {
      if (other.tenant_id == tenant && other_id != id && other.name == name) {
        return Error::conflict("an integration named '" + name + "' already exists in this tenant");
      }
    }
    integration->name = name;
    integration->description = description;
    integration->updated_at = updated_at;
    s_.append_audit(audit);
    return read_integration(id);
  }

  Result<ports::Integration> set_integration_enabled(const std::string& tenant, const std::string& id, bool enabled,
                                                     const std::string& updated_at,
                                                     const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.set_integration_enabled"); !ok) return ok.error();
    if (auto same = check_tenant(tenant, audit.tenant_id, "audit entry"); !same) return same.error();
    auto* integration = of_tenant(tenant, id);
    if (!integration) return integration_not_found(id);
    integration->enabled = enabled;
    integration->updated_at = updated_at;
    s_.append_audit(audit);
    return read_integration(id);
  }

  // What the integration provisioned (users, groups, access, bindings)
  // stays; its external ids, allow list, service account and tokens go.
  Result<void> delete_integration(const std::string& tenant, const std::string& id,
                                  const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.delete_integration"); !ok) return ok.error();
    if (auto same = check_tenant(tenant, audit.tenant_id, "audit entry"); !same) return same.error();
    const auto* integration = of_tenant(tenant, id);
    if (!integration) return integration_not_found(id);
    const std::string account = integration->service_account_id;
    std::erase_if(s_.external_ids, [&](const auto& e) { return std::get<0>(e.first) == id; });
    s_.allow_lists.erase({tenant, id});
    s_.integrations.erase(id);
    if (!account.empty()) {
      s_.delete_bindings(tenant, kServiceAccount, account, {});
      std::erase_if(s_.tokens, [&](const TokenState& t) { return t.service_account_id == account; });
      s_.service_accounts.erase(account);
    }
    s_.append_audit(audit);
    return {};
  }

  // Revokes every token of the integration's service account and adds `token`.
  Result<void> replace_token(const std::string& tenant, const std::string& id, const ports::TokenRecord& token,
                             const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.replace_token"); !ok) return ok.error();
    if (auto same = check_tenant(tenant, audit.tenant_id, "audit entry"); !same) return same.error();
    const auto* integration = of_tenant(tenant, id);
    if (!integration) return integration_not_found(id);
    const std::string account = integration->service_account_id;
    if (account.empty()) return Error::internal("integration '" + id + "' has lost its service account");
    for (auto& t : s_.tokens) {
      if (t.service_account_id == account) t.revoked = true;
    }
    s_.tokens.push_back({token, account, false});
    s_.append_audit(audit);
    return {};
  }

  // The token, the account's first integration by id, and the permissions
  // of every role bound to the account in that integration's tenant.
  Result<std::optional<ports::TokenGrant>> find_token(const std::string& lookup_prefix) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.find_token"); !ok) return ok.error();
    const auto token = std::find_if(s_.tokens.begin(), s_.tokens.end(),
                                    [&](const TokenState& t) { return t.token.lookup_prefix == lookup_prefix; });
    if (token == s_.tokens.end()) return std::optional<ports::TokenGrant>();
    const ports::Integration* integration = nullptr;
    for (const auto& [id, i] : s_.integrations) {  // by id
      if (i.service_account_id == token->service_account_id) {
        integration = &i;
        break;
      }
    }
    if (!integration) return std::optional<ports::TokenGrant>();
    ports::TokenGrant grant;
    grant.token_id = token->token.id;
    grant.secret_hash = token->token.secret_hash;
    grant.revoked = token->revoked;
    grant.service_account_id = token->service_account_id;
    grant.integration_id = integration->id;
    grant.tenant_id = integration->tenant_id;
    grant.integration_enabled = integration->enabled;
    for (const auto& b : s_.bindings) {
      if (b.binding.tenant_id != integration->tenant_id || b.binding.subject_type != kServiceAccount ||
          b.binding.subject_id != token->service_account_id) {
        continue;
      }
      if (const auto* role = s_.role(integration->tenant_id, b.binding.role_id)) {
        grant.role_permissions_json.push_back(role->permissions_json);
      }
    }
    return std::optional<ports::TokenGrant>(std::move(grant));
  }

  Result<std::vector<std::string>> live_token_prefixes() override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.live_token_prefixes"); !ok) return ok.error();
    std::vector<std::string> out;
    for (const auto& t : s_.tokens) {
      if (!t.revoked) out.push_back(t.token.lookup_prefix);
    }
    return out;
  }

  // An unknown id changes nothing: the integration was deleted meanwhile.
  Result<void> touch_integration(const std::string& id, const std::string& at) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.touch_integration"); !ok) return ok.error();
    const auto found = s_.integrations.find(id);
    if (found != s_.integrations.end()) found->second.last_request_at = at;
    return {};
  }

  Result<std::vector<ports::ServiceAccount>> list_service_accounts(const std::string& tenant) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.list_service_accounts"); !ok) return ok.error();
    std::vector<ports::ServiceAccount> out;
    for (const auto& [id, account] : s_.service_accounts) {
      if (account.tenant_id != tenant) continue;
      out.push_back(account);
      for (const auto& [integration_id, integration] : s_.integrations) {
        if (integration.service_account_id == id) {
          out.back().integration_id = integration_id;
          break;
        }
      }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }

  // ---- roles, bindings, allow lists, audit ----

  Result<bool> ensure_role(const ports::Role& role, const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.ensure_role"); !ok) return ok.error();
    if (named(role.tenant_id, role.name)) return false;
    s_.roles.push_back(role);
    s_.append_audit(audit);
    return true;
  }
  Result<std::vector<ports::Role>> list_roles(const std::string& tenant) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.list_roles"); !ok) return ok.error();
    std::vector<ports::Role> out;
    for (const auto& r : s_.roles) {
      if (r.tenant_id == tenant) out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }
  Result<ports::Role> update_role(const std::string& tenant, const std::string& id,
                                  const std::optional<std::string>& description, const std::string& permissions_json,
                                  const std::string& updated_at, const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.update_role"); !ok) return ok.error();
    auto* role = const_cast<ports::Role*>(s_.role(tenant, id));
    if (!role) return Error::not_found("role '" + id + "' does not exist in this tenant");
    if (description) role->description = *description;
    role->permissions_json = permissions_json;
    role->updated_at = updated_at;
    s_.append_audit(audit);
    return *role;
  }
  Result<ports::Role> create_role(const ports::Role& role, const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.create_role"); !ok) return ok.error();
    if (named(role.tenant_id, role.name)) return Error::conflict("a role named '" + role.name + "' exists");
    s_.roles.push_back(role);
    s_.append_audit(audit);
    return role;
  }
  Result<std::vector<ports::Binding>> delete_role(const std::string& tenant, const std::string& id,
                                                  const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.delete_role"); !ok) return ok.error();
    if (!s_.role(tenant, id)) return Error::not_found("role '" + id + "' does not exist in this tenant");
    std::vector<ports::Binding> deleted;
    std::erase_if(s_.bindings, [&](const BindingRecord& b) {
      if (b.binding.tenant_id != tenant || b.binding.role_id != id) return false;
      deleted.push_back(b.binding);
      return true;
    });
    std::erase_if(s_.roles, [&](const ports::Role& r) { return r.tenant_id == tenant && r.id == id; });
    s_.append_audit(audit);
    return deleted;
  }
  Result<std::vector<ports::Binding>> list_bindings(const std::string& tenant) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.list_bindings"); !ok) return ok.error();
    std::vector<ports::Binding> out;
    for (const auto& b : s_.bindings) {
      if (b.binding.tenant_id == tenant) out.push_back(b.binding);
    }
    return out;
  }
  Result<ports::Binding> create_binding(const ports::Binding& binding, const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.create_binding"); !ok) return ok.error();
    const auto& tenant = binding.tenant_id;
    if (!s_.role(tenant, binding.role_id)) return Error::not_found("role '" + binding.role_id + "' does not exist");
    const bool subject_exists =
        binding.subject_type == kUser    ? s_.users.count(binding.subject_id) != 0
        : binding.subject_type == kGroup ? s_.groups.count(binding.subject_id) != 0 &&
                                               s_.groups.at(binding.subject_id).tenant_id == tenant
                                         : binding.subject_type == kServiceAccount &&
                                               s_.service_accounts.count(binding.subject_id) != 0 &&
                                               s_.service_accounts.at(binding.subject_id).tenant_id == tenant;
    if (!subject_exists) return Error::not_found("subject '" + binding.subject_id + "' does not exist");
    for (const auto& b : s_.bindings) {
      if (b.binding.tenant_id == tenant && b.binding.subject_type == binding.subject_type &&
          b.binding.subject_id == binding.subject_id && b.binding.role_id == binding.role_id &&
          b.binding.source == "ADMIN") {
        return Error::conflict("the subject has that role from an admin already");
      }
    }
    const ports::Scope scope{tenant, binding.integration_id.value_or("")};
    const auto created = s_.add_binding(scope, binding.subject_type, binding.subject_id, binding.role_id, "ADMIN", "",
                                        false, binding.created_at.empty() ? now_iso8601() : binding.created_at);
    s_.append_audit(audit, created.binding_id);
    return s_.bindings.back().binding;
  }
  Result<ports::Binding> delete_binding(const std::string& tenant, const std::string& id,
                                        const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.delete_binding"); !ok) return ok.error();
    const auto found = std::find_if(s_.bindings.begin(), s_.bindings.end(), [&](const BindingRecord& b) {
      return b.binding.tenant_id == tenant && b.binding.id == id;
    });
    if (found == s_.bindings.end()) return Error::not_found("binding '" + id + "' does not exist in this tenant");
    const auto deleted = found->binding;
    s_.bindings.erase(found);
    s_.append_audit(audit);
    return deleted;
  }
  Result<std::optional<ports::RoleAllowList>> find_role_allow_list(const std::string& tenant,
                                                                   const std::string& integration_id) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.find_role_allow_list"); !ok) return ok.error();
    const auto found = s_.allow_lists.find({tenant, integration_id});
    if (found == s_.allow_lists.end()) return std::optional<ports::RoleAllowList>();
    return std::optional<ports::RoleAllowList>(found->second);
  }
  Result<void> set_role_allow_list(const std::string& tenant, const std::string& integration_id,
                                   const std::optional<std::vector<std::string>>& role_ids,
                                   const std::string& updated_at, const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.set_role_allow_list"); !ok) return ok.error();
    if (role_ids) {
      s_.allow_lists[{tenant, integration_id}] = ports::RoleAllowList{tenant, integration_id, *role_ids, updated_at};
    } else {
      s_.allow_lists.erase({tenant, integration_id});
    }
    s_.append_audit(audit);
    return {};
  }
  Result<void> append_audit(const ports::AuditEntry& entry) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.append_audit"); !ok) return ok.error();
    s_.append_audit(entry);
    return {};
  }
  Result<ports::Page<ports::AuditEntry>> list_audit(const std::string& tenant, const std::string& integration_id,
                                                    std::int64_t offset, std::int64_t limit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("provisioning.list_audit"); !ok) return ok.error();
    std::vector<ports::AuditEntry> matched;
    for (auto it = s_.audit.rbegin(); it != s_.audit.rend(); ++it) {
      if (it->tenant_id == tenant && (integration_id.empty() || it->integration_id == integration_id)) {
        matched.push_back(*it);
      }
    }
    return page_of(std::move(matched), offset, limit);
  }

 private:
  const ports::Role* named(const std::string& tenant, const std::string& name) const {
    const auto found = std::find_if(s_.roles.begin(), s_.roles.end(),
                                    [&](const ports::Role& r) { return r.tenant_id == tenant && iequals(r.name, name); });
    return found != s_.roles.end() ? &*found : nullptr;
  }
  ports::Integration* of_tenant(const std::string& tenant, const std::string& id) {
    const auto found = s_.integrations.find(id);
    return found != s_.integrations.end() && found->second.tenant_id == tenant ? &found->second : nullptr;
  }
  // The integration with what it provisioned counted.
  ports::Integration read_integration(const std::string& id) const {
    ports::Integration out = s_.integrations.at(id);
    out.users_provisioned = std::count_if(s_.access.begin(), s_.access.end(), [&](const auto& a) {
      return a.first.first == out.tenant_id && a.second.integration_id == id;
    });
    out.groups_provisioned = std::count_if(s_.groups.begin(), s_.groups.end(), [&](const auto& g) {
      return g.second.tenant_id == out.tenant_id && g.second.integration_id == id;
    });
    return out;
  }

  MemoryState& s_;
};

}  // namespace

std::unique_ptr<ports::ProvisioningStore> make_provisioning_store(MemoryState& state) {
  return std::make_unique<MemoryProvisioningStore>(state);
}

}  // namespace kestra::test::fakes
