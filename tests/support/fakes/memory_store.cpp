// MemoryStore and the shared state's helpers (bindings, external ids,
// memberships, audit pages).
#include "kestra/test/fakes/memory_store.hpp"

#include "core/clock.hpp"
#include "core/text.hpp"
#include "memory_repositories.hpp"
#include "memory_state.hpp"

#include <algorithm>

namespace kestra::test::fakes {

// ---- shared state ---------------------------------------------------------

Result<void> MemoryState::enter(std::string_view method) {
  ++calls[std::string(method)];
  const auto failure = failures.find(method);
  if (failure == failures.end()) return {};
  Error error = failure->second;
  failures.erase(failure);
  return error;
}

void MemoryState::append_audit(ports::AuditEntry entry, const std::string& target_id) {
  entry.id = static_cast<std::int64_t>(audit.size()) + 1;
  if (!target_id.empty()) entry.target_id = target_id;
  if (entry.created_at.empty()) entry.created_at = now_iso8601();
  if (entry.outcome.empty()) entry.outcome = "SUCCESS";
  audit.push_back(std::move(entry));
}

const ports::Role* MemoryState::role(const std::string& tenant, const std::string& id) const {
  for (const auto& r : roles) {
    if (r.tenant_id == tenant && r.id == id) return &r;
  }
  return nullptr;
}

std::optional<std::string> MemoryState::external_id(const std::string& integration, const std::string& type,
                                                    const std::string& id) const {
  if (integration.empty()) return std::nullopt;
  const auto found = external_ids.find({integration, type, id});
  if (found == external_ids.end()) return std::nullopt;
  return found->second;
}

void MemoryState::set_external_id(const std::string& integration, const std::string& type, const std::string& id,
                                  const std::optional<std::string>& value) {
  if (integration.empty()) return;
  if (value) {
    external_ids[{integration, type, id}] = *value;
  } else {
    external_ids.erase({integration, type, id});
  }
}

std::vector<ports::RoleAssignment> MemoryState::scim_roles(const std::string& tenant, const std::string& subject_type,
                                                           const std::string& subject_id) const {
  std::vector<ports::RoleAssignment> out;
  for (const auto& b : bindings) {
    const auto& binding = b.binding;
    if (binding.tenant_id != tenant || binding.subject_type != subject_type || binding.subject_id != subject_id ||
        binding.source != "SCIM") {
      continue;
    }
    const auto* r = role(tenant, binding.role_id);
    out.push_back({binding.role_id, r ? r->name : std::string(), b.assignment_type, b.primary});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.role_name, a.role_id) < std::tie(b.role_name, b.role_id);
  });
  return out;
}

Result<void> MemoryState::check_roles(const std::string& tenant,
                                      const std::vector<ports::RoleAssignment>& wanted) const {
  for (const auto& w : wanted) {
    if (w.role_id.empty()) return Error::invalid("a role has an empty value", "invalidValue");
    if (!role(tenant, w.role_id)) {
      return Error::invalid("role '" + w.role_id + "' does not exist in this tenant", "invalidValue");
    }
  }
  return {};
}

ports::BindingChange MemoryState::add_binding(const ports::Scope& scope, const std::string& subject_type,
                                              const std::string& subject_id, const std::string& role_id,
                                              const std::string& source, const std::string& assignment_type,
                                              bool primary, const std::string& now) {
  BindingRecord b;
  b.binding.id = "binding-" + std::to_string(seq());
  b.binding.tenant_id = scope.tenant_id;
  b.binding.role_id = role_id;
  b.binding.subject_type = subject_type;
  b.binding.subject_id = subject_id;
  b.binding.source = source;
  if (!scope.integration_id.empty()) b.binding.integration_id = scope.integration_id;
  b.binding.created_at = now;
  if (const auto* r = role(scope.tenant_id, role_id)) b.binding.role_name = r->name;
  b.assignment_type = assignment_type;
  b.primary = primary;
  bindings.push_back(b);
  return {b.binding.id, role_id, source, true};
}

MemoryState::Synced MemoryState::sync_scim_roles(const ports::Scope& scope, const std::string& subject_type,
                                                 const std::string& subject_id,
                                                 const std::vector<ports::RoleAssignment>& wanted,
                                                 const std::string& now) {
  Synced out;
  const auto wanted_role = [&](const std::string& role_id) {
    return std::find_if(wanted.begin(), wanted.end(), [&](const auto& w) { return w.role_id == role_id; });
  };
  const auto is_scim_binding_of_subject = [&](const BindingRecord& b) {
    return b.binding.tenant_id == scope.tenant_id && b.binding.subject_type == subject_type &&
           b.binding.subject_id == subject_id && b.binding.source == "SCIM";
  };
  // Deletions first, then insertions and updates of type and primary.
  for (auto it = bindings.begin(); it != bindings.end();) {
    if (is_scim_binding_of_subject(*it) && wanted_role(it->binding.role_id) == wanted.end()) {
      out.changes.push_back({it->binding.id, it->binding.role_id, "SCIM", false});
      it = bindings.erase(it);
    } else {
      ++it;
    }
  }
  std::set<std::string> seen;
  for (const auto& w : wanted) {
    if (!seen.insert(w.role_id).second) continue;  // the first of repeated role ids counts
    auto kept = std::find_if(bindings.begin(), bindings.end(), [&](const BindingRecord& b) {
      return is_scim_binding_of_subject(b) && b.binding.role_id == w.role_id;
    });
    if (kept == bindings.end()) {
      out.changes.push_back(add_binding(scope, subject_type, subject_id, w.role_id, "SCIM", w.type, w.primary, now));
      continue;
    }
    if (kept->assignment_type == w.type && kept->primary == w.primary) continue;
    kept->assignment_type = w.type;
    kept->primary = w.primary;
    out.changed = true;
  }
  if (!out.changes.empty()) out.changed = true;
  return out;
}

std::optional<ports::BindingChange> MemoryState::ensure_binding(const ports::Scope& scope,
                                                                const std::string& subject_type,
                                                                const std::string& subject_id,
                                                                const std::string& role_id,
                                                                const std::string& source, const std::string& now) {
  for (const auto& b : bindings) {
    if (b.binding.tenant_id == scope.tenant_id && b.binding.subject_type == subject_type &&
        b.binding.subject_id == subject_id && b.binding.role_id == role_id && b.binding.source == source) {
      return std::nullopt;
    }
  }
  return add_binding(scope, subject_type, subject_id, role_id, source, "", false, now);
}

std::vector<ports::BindingChange> MemoryState::delete_bindings(const std::string& tenant,
                                                               const std::string& subject_type,
                                                               const std::string& subject_id,
                                                               const std::vector<std::string>& sources) {
  std::vector<ports::BindingChange> out;
  for (auto it = bindings.begin(); it != bindings.end();) {
    const auto& b = it->binding;
    const bool of_source = sources.empty() || std::find(sources.begin(), sources.end(), b.source) != sources.end();
    if (b.tenant_id == tenant && b.subject_type == subject_type && b.subject_id == subject_id && of_source) {
      out.push_back({b.id, b.role_id, b.source, false});
      it = bindings.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::string MemoryState::display_of(const Member& member) const {
  if (member.type == "Group") {
    const auto g = groups.find(member.id);
    return g != groups.end() ? g->second.display_name : std::string();
  }
  const auto u = users.find(member.id);
  return u != users.end() ? u->second.user_name : std::string();
}

void MemoryState::leave_all_groups(const std::string& tenant, const std::string& type, const std::string& id,
                                   const std::string& now) {
  for (auto& [group_id, group] : groups) {
    if (group.tenant_id != tenant) continue;
    const auto before = group.members.size();
    std::erase_if(group.members, [&](const Member& m) { return m.id == id && m.type == type; });
    if (group.members.size() == before) continue;
    ++group.version;
    group.updated_at = now;
  }
}

ports::Page<ports::AuditEntry> page_of(std::vector<ports::AuditEntry> entries, std::int64_t offset,
                                       std::int64_t limit) {
  ports::Page<ports::AuditEntry> page;
  page.total = static_cast<std::int64_t>(entries.size());
  for (auto i = std::max<std::int64_t>(0, offset); i < page.total && i - offset < limit; ++i) {
    page.items.push_back(entries[static_cast<std::size_t>(i)]);
  }
  return page;
}

// ---- the store --------------------------------------------------------------

MemoryStore::MemoryStore(scim::filter::AttributeLookup user_lookup, scim::filter::AttributeLookup group_lookup)
    : state_(std::make_unique<MemoryState>()) {
  state_->user_lookup = std::move(user_lookup);
  state_->group_lookup = std::move(group_lookup);
  users_ = make_user_store(*state_);
  groups_ = make_group_store(*state_);
  claims_ = make_domain_claim_store(*state_);
  provisioning_ = make_provisioning_store(*state_);
}

MemoryStore::~MemoryStore() = default;

Result<bool> MemoryStore::ensure_tenant(const std::string& tenant) {
  std::lock_guard lock(state_->mutex);
  if (auto ok = state_->enter("store.ensure_tenant"); !ok) return ok.error();
  return state_->tenants.insert(tenant).second;
}

Result<void> MemoryStore::remove_tenant(const std::string& tenant) {
  std::lock_guard lock(state_->mutex);
  if (auto ok = state_->enter("store.remove_tenant"); !ok) return ok.error();
  auto& s = *state_;
  s.tenants.erase(tenant);
  std::erase_if(s.access, [&](const auto& a) { return a.first.first == tenant; });
  std::erase_if(s.groups, [&](const auto& g) { return g.second.tenant_id == tenant; });
  std::erase_if(s.roles, [&](const auto& r) { return r.tenant_id == tenant; });
  std::erase_if(s.bindings, [&](const auto& b) { return b.binding.tenant_id == tenant; });
  std::erase_if(s.allow_lists, [&](const auto& l) { return l.first.first == tenant; });
  std::erase_if(s.claims, [&](const auto& c) { return c.tenant_id == tenant; });
  std::erase_if(s.integrations, [&](const auto& i) { return i.second.tenant_id == tenant; });
  std::erase_if(s.tokens, [&](const TokenState& t) {
    const auto account = s.service_accounts.find(t.service_account_id);
    return account != s.service_accounts.end() && account->second.tenant_id == tenant;
  });
  std::erase_if(s.service_accounts, [&](const auto& a) { return a.second.tenant_id == tenant; });
  return {};
}

ports::ProvisioningStore& MemoryStore::provisioning() { return *provisioning_; }
ports::UserStore& MemoryStore::users() { return *users_; }
ports::GroupStore& MemoryStore::groups() { return *groups_; }
ports::DomainClaimStore& MemoryStore::domain_claims() { return *claims_; }

int MemoryStore::calls(std::string_view method) const {
  std::lock_guard lock(state_->mutex);
  const auto found = state_->calls.find(method);
  return found == state_->calls.end() ? 0 : found->second;
}

void MemoryStore::fail_next(std::string method, Error error) {
  std::lock_guard lock(state_->mutex);
  state_->failures[std::move(method)] = std::move(error);
}

std::vector<ports::AuditEntry> MemoryStore::audit() const {
  std::lock_guard lock(state_->mutex);
  return state_->audit;
}

std::string MemoryStore::add_role(const std::string& tenant, const std::string& name,
                                  const std::string& permissions_json) {
  std::lock_guard lock(state_->mutex);
  ports::Role role;
  role.id = "role-" + std::to_string(state_->seq());
  role.tenant_id = tenant;
  role.name = name;
  role.permissions_json = permissions_json;
  role.created_at = role.updated_at = now_iso8601();
  state_->roles.push_back(role);
  return role.id;
}

}  // namespace kestra::test::fakes
