#include "scim/user_service.hpp"

#include "core/case_fold.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/retry.hpp"
#include "scim/etag.hpp"
#include "scim/patch/patch.hpp"
#include "scim/schema/validator.hpp"
#include "scim/scim_audit.hpp"

#include <boost/json.hpp>

namespace kestra::scim {
namespace json = boost::json;

namespace {

// Keys the store keeps apart from the shared document.
constexpr std::string_view kPerTenantKeys[] = {"id", "meta", "externalId", "active", "groups", "roles", "password"};

Error user_not_found(const std::string& id) {
  return Error::not_found("user '" + id + "' not found in this tenant");
}

// The addresses of a user document the trust boundary looks at: userName
// and every emails[].value.
std::vector<iam::NamedAddress> addresses_of(const json::object& document) {
  std::vector<iam::NamedAddress> out;
  if (auto* user_name = document.if_contains("userName"); user_name && user_name->is_string()) {
    out.push_back({"userName", std::string(user_name->as_string())});
  }
  if (auto* emails = document.if_contains("emails"); emails && emails->is_array()) {
    for (const auto& email : emails->as_array()) {
      const auto* value = email.is_object() ? email.as_object().if_contains("value") : nullptr;
      if (value && value->is_string()) out.push_back({"emails", std::string(value->as_string())});
    }
  }
  return out;
}

// The stored document with what is kept beside it: id, externalId (per
// integration), active (per tenant) and, `with_roles`, the roles, which are
// bindings (users stored before kept them in the document).
json::object stored_document(const ports::UserRow& row, bool with_roles) {
  json::object doc;
  boost::system::error_code ec;
  auto stored = json::parse(row.resource_json, ec);
  if (!ec && stored.is_object()) doc = std::move(stored.as_object());
  doc["id"] = row.id;
  if (row.external_id) doc["externalId"] = *row.external_id;
  doc["active"] = row.active;
  doc.erase("roles");
  if (with_roles && !row.roles.empty()) doc["roles"] = roles_json(row.roles);
  return doc;
}

Error not_entitled(const std::string& id) {
  return {ErrorKind::Forbidden,
          "user '" + id + "' is shared with another tenant that provisions its domain: this tenant may change its "
          "active, externalId, groups and roles, not its userName, name, emails or other shared attributes",
          {}};
}

// What groups_of found for `id`, taken out of `groups`: none without an entry.
std::vector<ports::MemberRef> take_groups(std::unordered_map<std::string, std::vector<ports::MemberRef>>& groups,
                                          const std::string& id) {
  auto found = groups.find(id);
  return found != groups.end() ? std::move(found->second) : std::vector<ports::MemberRef>{};
}

}  // namespace

json::object render_user(const UserView& user, std::string_view location, bool with_roles) {
  const auto& row = user.row;
  json::object out = stored_document(row, with_roles);
  if (user.groups) {
    json::array groups;
    for (const auto& g : *user.groups) {
      groups.push_back(json::object{{"value", g.value}, {"display", g.display}, {"type", "direct"}});
    }
    if (!groups.empty()) out["groups"] = std::move(groups);
  }
  out["meta"] = json::object{{"resourceType", "User"},
                             {"created", row.created_at},
                             {"lastModified", row.updated_at},
                             {"location", location},
                             {"version", user_etag(row.version, row.access_version)}};
  return out;
}

UserService::UserService(ports::UserStore& store, ports::DomainClaimStore& claims, const schema::Registry& registry,
                         RoleService& roles, filter::Limits filter_limits, std::size_t list_max_bytes)
    : ResourceService(registry, "User", roles, filter_limits, list_max_bytes), store_(store), claims_(claims) {}

boost::json::object UserService::document_of(const ports::UserRow& row) const {
  return stored_document(row, true);
}

Result<ports::UserWrite> UserService::to_write(const ports::Scope& scope, json::object document,
                                              const std::vector<ports::RoleAssignment>& current,
                                              const provisioning::Actor& actor) {
  ports::UserWrite write;
  // Roles are bindings in this tenant, not shared attributes.
  auto desired = roles_.resolve(scope, document.if_contains("roles"), current);
  if (!desired) return desired.error();
  if (auto ok = RoleService::authorize_change(actor, current, *desired); !ok) return ok.error();
  if (!current.empty() || !desired->empty()) write.roles = std::move(*desired);
  if (auto* active = document.if_contains("active"); active && active->is_bool()) write.active = active->as_bool();
  if (auto* external = document.if_contains("externalId"); external && external->is_string()) {
    write.external_id = std::string(external->as_string());
  }
  for (auto key : kPerTenantKeys) document.erase(key);
  auto* user_name = document.if_contains("userName");
  if (!user_name || !user_name->is_string() || user_name->as_string().empty()) {
    return Error::invalid("'userName' is required", "invalidValue");
  }
  write.user_name = std::string(user_name->as_string());
  if (auto ok = schema::check_length("userName", write.user_name, ports::kMaxUserNameChars); !ok) return ok.error();
  if (write.external_id) {
    if (auto ok = schema::check_length("externalId", *write.external_id, ports::kMaxExternalIdChars); !ok) {
      return ok.error();
    }
  }
  for (const auto& address : addresses_of(document)) {
    if (auto ok = schema::check_plain_text(address.attribute, address.address); !ok) return ok.error();
  }
  if (auto* display = document.if_contains("displayName"); display && display->is_string()) {
    if (auto ok = schema::check_plain_text("displayName", display->as_string()); !ok) return ok.error();
  }
  write.user_name_key = fold_case(write.user_name);
  write.resource_json = json::serialize(document);
  return write;
}

Result<iam::DomainClaims> UserService::claims_on(const std::vector<iam::NamedAddress>& addresses,
                                               std::string_view also) {
  std::vector<std::string> domains;
  domains.reserve(addresses.size() + 1);
  for (const auto& address : addresses) domains.push_back(iam::domain_of(address.address));
  if (!also.empty()) domains.push_back(iam::domain_of(also));
  auto found = claims_.claims_on(domains);
  if (!found) return found.error();
  return iam::DomainClaims(std::move(*found));
}

Result<void> UserService::check_global_write(const ports::Scope& scope, const ports::UserRow& current,
                                             const std::vector<iam::NamedAddress>& addresses,
                                             ports::UserWrite& write) {
  if (write.user_name == current.user_name && write.resource_json == current.resource_json) return {};
  if (write.user_name == current.user_name) {
    boost::system::error_code ec;
    const auto stored = json::parse(current.resource_json, ec);
    if (!ec && stored == json::parse(write.resource_json, ec) && !ec) {
      write.resource_json = current.resource_json;  // the same attributes, maybe in another order
      return {};
    }
  }
  auto claims = claims_on(addresses, current.user_name);
  if (!claims) return claims.error();
  if (!claims->entitled(scope.tenant_id, iam::domain_of(current.user_name), current.owner_tenant)) {
    return not_entitled(current.id);
  }
  return iam::check_addresses(*claims, scope.tenant_id, addresses);
}

Result<UserView> UserService::with_groups(const ports::Scope& scope, ports::UserRow row, bool load) {
  UserView view{std::move(row), std::nullopt};
  if (!load) return view;
  auto groups = store_.groups_of(scope, {view.row.id});
  if (!groups) return groups.error();
  view.groups = take_groups(*groups, view.row.id);
  return view;
}

Result<UserView> UserService::create(const ports::Scope& scope, const json::object& body,
                                     const provisioning::Actor& actor) {
  auto document = schema::validate_resource(registry_, *type_, body, schema::Mode::Create);
  if (!document) return document.error();
  const auto addresses = addresses_of(*document);
  auto write = to_write(scope, std::move(*document), {}, actor);
  if (!write) return write.error();
  auto claims = claims_on(addresses);
  if (!claims) return claims.error();
  if (auto ok = iam::check_addresses(*claims, scope.tenant_id, addresses); !ok) return ok.error();
  write->link = claims->link_rule(scope.tenant_id, iam::domain_of(write->user_name));
  auto default_role = roles_.default_role_id(scope);
  if (!default_role) return default_role.error();
  write->default_role_id = std::move(*default_role);
  const auto id = crypto::new_uuid();
  auto created = store_.create(scope, *write, id, now_iso8601(),
                               scim_audit(scope, actor, "user.create", "USER", id, "userName=" + write->user_name));
  if (!created) return created.error();
  roles_.emit(scope, "USER", created->id, created->binding_changes);
  // A user just given access to this tenant is in none of its groups yet
  // (revoking access removed its memberships here).
  return UserView{std::move(*created), std::vector<ports::MemberRef>{}};
}

Result<UserView> UserService::get(const ports::Scope& scope, const std::string& id, bool load_groups) {
  auto found = store_.find(scope, id);
  if (!found) return found.error();
  if (!*found) return user_not_found(id);
  return with_groups(scope, std::move(**found), load_groups);
}

Result<UserView> UserService::replace(const ports::Scope& scope, const std::string& id, const json::object& body,
                                      const std::optional<std::string_view>& if_match,
                                      const provisioning::Actor& actor) {
  auto found = store_.find(scope, id);
  if (!found) return found.error();
  if (!*found) return user_not_found(id);
  const auto& current = **found;
  if (auto ok = check_if_match(if_match, user_etag(current.version, current.access_version)); !ok) return ok.error();
  const auto existing = document_of(current);
  // A client that may not read bindings never saw the roles: leaving them
  // out of a PUT keeps them.
  json::object request = body;
  if (!RoleService::reads_bindings(actor) && !current.roles.empty() && !request.contains("roles")) {
    request["roles"] = roles_json(current.roles);
  }
  auto document = schema::validate_resource(registry_, *type_, request, schema::Mode::Replace, &existing);
  if (!document) return document.error();
  const auto addresses = addresses_of(*document);
  auto write = to_write(scope, std::move(*document), current.roles, actor);
  if (!write) return write.error();
  if (auto ok = check_global_write(scope, current, addresses, *write); !ok) return ok.error();
  auto replaced = store_.replace(scope, id, *write, ports::ExpectedVersion{current.version, current.access_version},
                                 now_iso8601(), scim_audit(scope, actor, "user.replace", "USER", id));
  if (!replaced) return replaced.error();
  roles_.emit(scope, "USER", id, replaced->binding_changes);
  return with_groups(scope, std::move(*replaced), true);
}

Result<UserView> UserService::patch(const ports::Scope& scope, const std::string& id, const json::object& body,
                                    const std::optional<std::string_view>& if_match,
                                    const provisioning::Actor& actor) {
  auto request = patch::parse_patch_request(body, patch::kMaxOperations, filter_limits_);
  if (!request) return request.error();
  return optimistically(!if_match, [&]() -> Result<UserView> {
    auto found = store_.find(scope, id);
    if (!found) return found.error();
    if (!*found) return user_not_found(id);
    auto& current = **found;
    if (auto ok = check_if_match(if_match, user_etag(current.version, current.access_version)); !ok) {
      return ok.error();
    }
    auto outcome = patch::apply_patch(registry_, *type_, document_of(current), *request);
    if (!outcome) return outcome.error();
    if (!outcome->changed) return with_groups(scope, std::move(current), true);
    const auto addresses = addresses_of(outcome->resource);
    auto write = to_write(scope, std::move(outcome->resource), current.roles, actor);
    if (!write) return write.error();
    if (auto ok = check_global_write(scope, current, addresses, *write); !ok) return ok.error();
    // Someone else may change the user between our read and write: then
    // it is patched again.
    auto replaced =
        store_.replace(scope, id, *write, ports::ExpectedVersion{current.version, current.access_version},
                       now_iso8601(), scim_audit(scope, actor, "user.patch", "USER", id));
    if (!replaced) return replaced.error();
    roles_.emit(scope, "USER", id, replaced->binding_changes);
    return with_groups(scope, std::move(*replaced), true);
  });
}

Result<void> UserService::remove(const ports::Scope& scope, const std::string& id,
                                 const std::optional<std::string_view>& if_match, const provisioning::Actor& actor) {
  if (if_match) {
    auto found = store_.find(scope, id);
    if (!found) return found.error();
    if (!*found) return user_not_found(id);
    if (auto ok = check_if_match(if_match, user_etag((*found)->version, (*found)->access_version)); !ok) {
      return ok.error();
    }
  }
  auto revoked = store_.revoke(scope, id, scim_audit(scope, actor, "user.revoke-access", "USER", id));
  if (!revoked) return revoked.error();
  roles_.emit(scope, "USER", id, *revoked);
  return {};
}

Result<ports::ListPage<UserView>> UserService::list(const ports::Scope& scope, const ListRequest& request,
                                                    bool load_groups) {
  filter::NodePtr filter;
  auto query = to_list_query(request, filter, filter_limits_);
  if (!query) return query.error();
  query->max_bytes = list_max_bytes_;
  auto page = store_.list(scope, *query);
  if (!page) return page.error();
  ports::ListPage<UserView> out;
  out.total = page->total;
  out.next_cursor = std::move(page->next_cursor);
  out.items.reserve(page->items.size());
  std::unordered_map<std::string, std::vector<ports::MemberRef>> groups;
  if (load_groups && !page->items.empty()) {
    std::vector<std::string> ids;
    ids.reserve(page->items.size());
    for (const auto& row : page->items) ids.push_back(row.id);
    auto found = store_.groups_of(scope, ids);
    if (!found) return found.error();
    groups = std::move(*found);
  }
  for (auto& row : page->items) {
    UserView view{std::move(row), std::nullopt};
    if (load_groups) view.groups = take_groups(groups, view.row.id);
    out.items.push_back(std::move(view));
  }
  return out;
}

}  // namespace kestra::scim
