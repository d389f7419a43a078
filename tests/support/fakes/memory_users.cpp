// ports::UserStore in memory: global users, per-tenant access (active, its
// own version), per-integration externalId, SCIM and DEFAULT bindings.
#include "memory_repositories.hpp"

#include "core/clock.hpp"
#include "core/text.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace kestra::test::fakes {
namespace json = boost::json;

namespace {

constexpr std::string_view kUserSingular[] = {"id",       "username", "displayname",       "nickname",
                                              "title",    "usertype", "preferredlanguage", "locale",
                                              "timezone", "active",   "externalid",        "name",
                                              "profileurl"};
constexpr std::string_view kUserMulti[] = {"emails",   "phonenumbers", "ims",    "photos",
                                           "addresses", "entitlements", "groups", "x509certificates"};
constexpr std::string_view kEnterprise[] = {"employeenumber", "costcenter", "organization",
                                            "division",       "department", "manager"};

Error user_not_found(const std::string& id) { return Error::not_found("user '" + id + "' does not exist in this tenant"); }

Result<void> check_write(const ports::Scope& scope, const ports::UserWrite& user) {
  if (scope.tenant_id.empty()) return Error::invalid("no tenant");
  if (user.user_name.empty() || user.user_name_key.empty()) return Error::invalid("userName is empty", "invalidValue");
  return {};
}

class MemoryUserStore final : public ports::UserStore {
 public:
  explicit MemoryUserStore(MemoryState& state) : s_(state) {}

  Result<ports::UserRow> create(const ports::Scope& scope, const ports::UserWrite& user, const std::string& new_id,
                                const std::string& now, const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("users.create"); !ok) return ok.error();
    if (auto ok = check_write(scope, user); !ok) return ok.error();
    if (new_id.empty()) return Error::invalid("the new user's id is empty");
    if (auto ok = check_roles(scope, user); !ok) return ok.error();

    UserRecord* existing = by_key(user.user_name_key);
    ports::AuditEntry entry = audit;
    if (entry.target_id.empty() || entry.target_id == new_id) entry.target_id = existing ? existing->id : new_id;
    if (existing) {
      if (s_.has_access(scope.tenant_id, existing->id)) {
        return Error::conflict("a user with userName '" + user.user_name + "' already exists in this tenant");
      }
      if (user.link == ports::LinkRule::OwnerOnly && !existing->owner_tenant.empty() &&
          existing->owner_tenant != scope.tenant_id) {
        return Error::conflict("userName '" + user.user_name + "' is taken");
      }
      entry.action = "user.link";
      if (existing->user_name != user.user_name || existing->resource_json != user.resource_json ||
          existing->owner_tenant.empty()) {
        write_shared(*existing, scope, user, now);
      }
    } else {
      UserRecord created;
      created.id = new_id;
      created.user_name = user.user_name;
      created.user_name_key = user.user_name_key;
      created.owner_tenant = scope.tenant_id;
      created.resource_json = user.resource_json;
      created.updated_at = now;
      existing = &s_.users.emplace(new_id, std::move(created)).first->second;
    }
    const std::string id = existing->id;
    s_.access[{scope.tenant_id, id}] = AccessRecord{user.active, now, now, 1, s_.seq(), scope.integration_id};
    s_.set_external_id(scope.integration_id, "User", id, user.external_id);
    note_integration(scope);
    std::vector<ports::BindingChange> changes;
    if (user.roles) changes = s_.sync_scim_roles(scope, kUser, id, *user.roles, now).changes;
    if (user.default_role_id) {
      if (auto added = s_.ensure_binding(scope, kUser, id, *user.default_role_id, "DEFAULT", now)) {
        changes.push_back(*added);
      }
    }
    s_.append_audit(entry);
    auto row = read(scope, id);
    row.binding_changes = std::move(changes);
    return row;
  }

  Result<std::optional<ports::UserRow>> find(const ports::Scope& scope, const std::string& id) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("users.find"); !ok) return ok.error();
    if (scope.tenant_id.empty()) return Error::invalid("no tenant");
    if (!s_.has_access(scope.tenant_id, id)) return std::optional<ports::UserRow>();
    return std::optional<ports::UserRow>(read(scope, id));
  }

  Result<ports::UserRow> replace(const ports::Scope& scope, const std::string& id, const ports::UserWrite& user,
                                 const std::optional<ports::ExpectedVersion>& expected, const std::string& now,
                                 const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("users.replace"); !ok) return ok.error();
    if (auto ok = check_write(scope, user); !ok) return ok.error();
    const auto access = s_.access.find({scope.tenant_id, id});
    if (access == s_.access.end()) return user_not_found(id);
    UserRecord& stored = s_.users.at(id);
    if (expected && (expected->version != stored.version || expected->access_version != access->second.version)) {
      return Error{ErrorKind::PreconditionFailed, "user '" + id + "' has changed since the version the request expects",
                   {}};
    }
    if (stored.user_name_key != user.user_name_key) {
      const UserRecord* holder = by_key(user.user_name_key);
      if (holder && holder->id != id) return Error::conflict("userName '" + user.user_name + "' belongs to another user");
    }
    if (auto ok = check_roles(scope, user); !ok) return ok.error();

    if (stored.user_name_key != user.user_name_key || stored.user_name != user.user_name ||
        stored.resource_json != user.resource_json) {
      write_shared(stored, scope, user, now);
    }
    MemoryState::Synced roles;
    if (user.roles) roles = s_.sync_scim_roles(scope, kUser, id, *user.roles, now);
    const bool external_changed =
        !scope.integration_id.empty() && s_.external_id(scope.integration_id, "User", id) != user.external_id;
    if (access->second.active != user.active || external_changed || roles.changed) {
      access->second.active = user.active;
      access->second.updated_at = now;
      ++access->second.version;
      s_.set_external_id(scope.integration_id, "User", id, user.external_id);
      note_integration(scope);
    }
    s_.append_audit(audit, id);
    auto row = read(scope, id);
    row.binding_changes = std::move(roles.changes);
    return row;
  }

  Result<std::vector<ports::BindingChange>> revoke(const ports::Scope& scope, const std::string& id,
                                                   const ports::AuditEntry& audit) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("users.revoke"); !ok) return ok.error();
    if (scope.tenant_id.empty()) return Error::invalid("no tenant");
    if (!s_.has_access(scope.tenant_id, id)) return user_not_found(id);
    const std::string now = audit.created_at.empty() ? now_iso8601() : audit.created_at;
    s_.leave_all_groups(scope.tenant_id, "User", id, now);
    auto changes = s_.delete_bindings(scope.tenant_id, kUser, id, {"SCIM", "DEFAULT"});
    // External ids of this integration and of every other of the tenant.
    std::erase_if(s_.external_ids, [&](const auto& e) {
      const auto& [integration, type, resource] = e.first;
      if (type != "User" || resource != id) return false;
      const auto seen = integrations_.find(integration);
      const auto stored = s_.integrations.find(integration);
      return integration == scope.integration_id ||
             (seen != integrations_.end() && seen->second == scope.tenant_id) ||
             (stored != s_.integrations.end() && stored->second.tenant_id == scope.tenant_id);
    });
    s_.access.erase({scope.tenant_id, id});
    s_.append_audit(audit, id);
    return changes;
  }

  Result<ports::ListPage<ports::UserRow>> list(const ports::Scope& scope, const ports::ListQuery& query) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("users.list"); !ok) return ok.error();
    if (scope.tenant_id.empty()) return Error::invalid("no tenant");
    std::vector<Candidate> candidates;
    std::vector<std::string> ids;
    for (const auto& [key, access] : s_.access) {
      if (key.first != scope.tenant_id) continue;
      const auto row = read(scope, key.second);
      candidates.push_back({access.seq, document_of(scope, row), row.resource_json.size()});
      ids.push_back(key.second);
    }
    const ListSchema schema{"urn:ietf:params:scim:schemas:core:2.0:user",
                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user",
                            kUserSingular,
                            kUserMulti,
                            kEnterprise,
                            &s_.user_lookup};
    auto selected = select(candidates, query, schema);
    if (!selected) return selected.error();
    ports::ListPage<ports::UserRow> page;
    page.total = selected->total;
    page.next_cursor = selected->next_cursor;
    for (const auto at : selected->page) page.items.push_back(read(scope, ids[at]));
    return page;
  }

  Result<std::unordered_map<std::string, std::vector<ports::MemberRef>>> groups_of(
      const ports::Scope& scope, const std::vector<std::string>& user_ids) override {
    std::lock_guard lock(s_.mutex);
    if (auto ok = s_.enter("users.groups_of"); !ok) return ok.error();
    std::unordered_map<std::string, std::vector<ports::MemberRef>> out;
    for (const auto& id : user_ids) {
      auto groups = groups_of(scope.tenant_id, id);
      if (!groups.empty()) out[id] = std::move(groups);
    }
    return out;
  }

 private:
  UserRecord* by_key(const std::string& key) {
    for (auto& [id, user] : s_.users) {
      if (user.user_name_key == key) return &user;
    }
    return nullptr;
  }

  Result<void> check_roles(const ports::Scope& scope, const ports::UserWrite& user) const {
    if (user.roles) {
      if (auto ok = s_.check_roles(scope.tenant_id, *user.roles); !ok) return ok;
    }
    if (user.default_role_id && !s_.role(scope.tenant_id, *user.default_role_id)) {
      return Error::invalid("role '" + *user.default_role_id + "' does not exist in this tenant", "invalidValue");
    }
    return {};
  }

  // The shared attributes rewritten: a new version; the owner kept, or this tenant when none.
  static void write_shared(UserRecord& stored, const ports::Scope& scope, const ports::UserWrite& user,
                           const std::string& now) {
    stored.user_name = user.user_name;
    stored.user_name_key = user.user_name_key;
    stored.resource_json = user.resource_json;
    if (stored.owner_tenant.empty()) stored.owner_tenant = scope.tenant_id;
    stored.updated_at = now;
    ++stored.version;
  }

  void note_integration(const ports::Scope& scope) {
    if (!scope.integration_id.empty()) integrations_[scope.integration_id] = scope.tenant_id;
  }

  std::vector<ports::MemberRef> groups_of(const std::string& tenant, const std::string& user_id) const {
    std::vector<ports::MemberRef> out;
    for (const auto& [id, group] : s_.groups) {
      if (group.tenant_id != tenant) continue;
      const bool member = std::any_of(group.members.begin(), group.members.end(),
                                      [&](const Member& m) { return m.type == "User" && m.id == user_id; });
      if (member) out.push_back({id, "Group", group.display_name});
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return std::tie(a.display, a.value) < std::tie(b.display, b.value); });
    return out;
  }

  ports::UserRow read(const ports::Scope& scope, const std::string& id) const {
    const UserRecord& user = s_.users.at(id);
    const AccessRecord& access = s_.access.at({scope.tenant_id, id});
    ports::UserRow row;
    row.id = id;
    row.user_name = user.user_name;
    row.owner_tenant = user.owner_tenant;
    row.resource_json = user.resource_json;
    row.active = access.active;
    row.external_id = s_.external_id(scope.integration_id, "User", id);
    row.created_at = access.created_at;
    row.updated_at = std::max(access.updated_at, user.updated_at);
    row.version = user.version;
    row.access_version = access.version;
    row.roles = s_.scim_roles(scope.tenant_id, kUser, id);
    return row;
  }

  // What a filter reads of a user in this scope.
  json::object document_of(const ports::Scope& scope, const ports::UserRow& row) const {
    json::object doc;
    boost::system::error_code ec;
    auto stored = json::parse(row.resource_json, ec);
    if (!ec && stored.is_object()) doc = std::move(stored.as_object());
    doc["id"] = row.id;
    doc["active"] = row.active;
    if (row.external_id) doc["externalId"] = *row.external_id;
    doc["meta"] = json::object{{"created", row.created_at}, {"lastModified", row.updated_at}};
    json::array groups;
    for (const auto& g : groups_of(scope.tenant_id, row.id)) {
      groups.push_back(json::object{{"value", g.value}, {"display", g.display}});
    }
    doc["groups"] = std::move(groups);
    return doc;
  }

  MemoryState& s_;
  std::map<std::string, std::string> integrations_;  // integration -> its tenant, as scopes showed
};

}  // namespace

std::unique_ptr<ports::UserStore> make_user_store(MemoryState& state) {
  return std::make_unique<MemoryUserStore>(state);
}

}  // namespace kestra::test::fakes
