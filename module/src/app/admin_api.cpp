#include "app/admin_api.hpp"

#include "http/json_body.hpp"
#include "http/public_address.hpp"
#include "kestra/resources.hpp"
#include "scim/error_response.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <map>
#include <set>

namespace kestra::app {
namespace {

namespace json = boost::json;

constexpr std::string_view kOpenApiPath = "/api/v1/plugins/kestra-scim/openapi.json";
constexpr std::int64_t kMaxPageSize = 1000;

http::Response json_response(int status, const json::value& body) {
  http::Response res;
  res.status = status;
  res.body = json::serialize(body);
  res.with_header("Content-Type", "application/json");
  return res;
}

http::Response error(const Error& e) { return scim::admin_error_response(e); }

// 204 once `done` succeeded, else its error.
http::Response no_content(const Result<void>& done) {
  if (!done) return error(done.error());
  http::Response res;
  res.status = 204;
  return res;
}

json::value nullable(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

struct Paging {
  std::int64_t page = 1;
  std::int64_t size = 25;
  std::string query;
};

Result<std::int64_t> whole_number(const std::string& name, const std::string& text, std::int64_t min,
                                  std::int64_t max) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max) {
    return Error::invalid("query parameter '" + name + "' must be a whole number from " + std::to_string(min) +
                          " to " + std::to_string(max));
  }
  return v;
}

Result<Paging> paging(const http::Request& req) {
  Paging p;
  for (const auto& [name, value] : http::parse_query(req.query)) {
    if (name == "page") {
      auto v = whole_number(name, value, 1, 1000000000);
      if (!v) return v.error();
      p.page = *v;
    } else if (name == "size") {
      auto v = whole_number(name, value, 1, kMaxPageSize);
      if (!v) return v.error();
      p.size = *v;
    } else if (name == "q") {
      p.query = value;
    }
  }
  return p;
}

// Reads an optional string field; a value of another type is an error.
Result<std::optional<std::string>> string_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::string>{};
  if (!it->value().is_string()) return Error::invalid("'" + std::string(key) + "' must be a string");
  return std::optional<std::string>(std::string(it->value().as_string()));
}

Result<std::optional<bool>> bool_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<bool>{};
  if (!it->value().is_bool()) return Error::invalid("'" + std::string(key) + "' must be true or false");
  return std::optional<bool>(it->value().as_bool());
}

// {"GROUPS":["READ",...],...}; the names themselves are checked by the domain.
Result<iam::Permissions> permissions_field(const json::object& o) {
  auto it = o.find("permissions");
  if (it == o.end() || it->value().is_null()) return Error::invalid("'permissions' is required");
  if (!it->value().is_object()) {
    return Error::invalid("'permissions' must be an object such as {\"GROUPS\": [\"READ\"]}");
  }
  std::map<std::string, std::set<std::string>> grants;
  for (const auto& [resource, actions] : it->value().as_object()) {
    const std::string name(resource);  // structured bindings cannot be captured before clang 16
    const auto fail = [&name] { return Error::invalid("'permissions." + name + "' must be an array of strings"); };
    if (!actions.is_array()) return fail();
    auto& set = grants[std::string(resource)];
    for (const auto& action : actions.as_array()) {
      if (!action.is_string()) return fail();
      set.emplace(action.as_string());
    }
  }
  return iam::Permissions(std::move(grants));
}

provisioning::Actor actor_of(const http::Request& req) {
  return {"ADMIN", req.principal ? req.principal->subject : std::string("unknown"), std::string(req.request_id)};
}

template <class T, class F>
json::object page_json(const ports::Page<T>& page, F&& render) {
  json::array results;
  for (const auto& item : page.items) results.push_back(render(item));
  return {{"results", std::move(results)}, {"total", page.total}};
}

json::object role_json(const ports::Role& r) {
  boost::system::error_code ec;
  auto permissions = json::parse(r.permissions_json, ec);
  return {{"id", r.id},
          {"name", r.name},
          {"description", r.description},
          {"permissions", ec ? json::value(json::object{}) : permissions},
          {"systemManaged", r.system_managed},
          {"createdAt", r.created_at},
          {"updatedAt", r.updated_at}};
}

json::object service_account_json(const ports::ServiceAccount& s) {
  return {{"id", s.id}, {"name", s.name}, {"description", s.description},
          {"integrationId", nullable(s.integration_id)}, {"createdAt", s.created_at}};
}

json::object binding_json(const ports::Binding& b) {
  return {{"id", b.id},           {"roleId", b.role_id},       {"roleName", b.role_name},
          {"type", b.subject_type}, {"subjectId", b.subject_id}, {"source", b.source},
          {"integrationId", nullable(b.integration_id)}, {"createdAt", b.created_at}};
}

json::object claim_json(const ports::DomainClaim& c) {
  return {{"tenant", c.tenant_id}, {"domain", c.domain}, {"source", c.source}, {"createdAt", c.created_at}};
}

json::object audit_json(const ports::AuditEntry& a) {
  return {{"id", a.id},
          {"tenant", a.tenant_id},
          {"integrationId", nullable(a.integration_id)},
          {"time", a.created_at},
          {"actor", json::object{{"type", a.actor_type}, {"id", a.actor_id}}},
          {"action", a.action},
          {"target", json::object{{"type", a.target_type}, {"id", a.target_id}}},
          {"outcome", a.outcome},
          {"detail", a.detail},
          {"requestId", a.request_id}};
}

}  // namespace

AdminApi::AdminApi(provisioning::AdminService& service, provisioning::DomainClaimService& claims,
                   const ports::HostPort& host, const ModuleConfig& config)
    : service_(service), claims_(claims), host_(host), config_(config) {}

std::string AdminApi::scim_uri(const http::Request& req, const std::string& tenant, const std::string& id) const {
  return http::base_url(req, config_.addresses) + "/api/v1/" + tenant + "/integrations/" + id + "/scim/v2";
}

http::Handler AdminApi::tenant_route(TenantHandler handler) {
  return [this, handler](const http::Request& req) {
    const std::string tenant(req.param("tenant"));
    if (!host_.tenant_exists(tenant)) return error(Error::not_found("tenant '" + tenant + "' does not exist"));
    if (!req.principal || !req.principal->administers(tenant)) {
      return error({ErrorKind::Forbidden, "you do not administer tenant '" + tenant + "'", {}});
    }
    return (this->*handler)(req, tenant);
  };
}

std::span<const AdminApi::RouteEntry> AdminApi::tenant_routes() {
  static constexpr RouteEntry kRoutes[] = {
      {"POST", "/api/v1/{tenant}/security-integrations", &AdminApi::create},
      {"GET", "/api/v1/{tenant}/security-integrations", &AdminApi::list},
      {"GET", "/api/v1/{tenant}/security-integrations/{id}", &AdminApi::get},
      {"PUT", "/api/v1/{tenant}/security-integrations/{id}", &AdminApi::update},
      {"DELETE", "/api/v1/{tenant}/security-integrations/{id}", &AdminApi::remove},
      {"POST", "/api/v1/{tenant}/security-integrations/{id}/enable", &AdminApi::enable},
      {"POST", "/api/v1/{tenant}/security-integrations/{id}/disable", &AdminApi::disable},
      {"POST", "/api/v1/{tenant}/security-integrations/{id}/rotate-token", &AdminApi::rotate_token},
      {"GET", "/api/v1/{tenant}/security-integrations/{id}/audit", &AdminApi::audit},
      {"GET", "/api/v1/{tenant}/security-integrations/{id}/assignable-roles", &AdminApi::integration_assignable_roles},
      {"PUT", "/api/v1/{tenant}/security-integrations/{id}/assignable-roles", &AdminApi::integration_assignable_roles},
      {"GET", "/api/v1/{tenant}/scim-assignable-roles", &AdminApi::tenant_assignable_roles},
      {"PUT", "/api/v1/{tenant}/scim-assignable-roles", &AdminApi::tenant_assignable_roles},
      {"GET", "/api/v1/{tenant}/roles", &AdminApi::roles},
      {"POST", "/api/v1/{tenant}/roles", &AdminApi::create_role},
      {"PUT", "/api/v1/{tenant}/roles/{id}", &AdminApi::update_role},
      {"DELETE", "/api/v1/{tenant}/roles/{id}", &AdminApi::delete_role},
      {"GET", "/api/v1/{tenant}/service-accounts", &AdminApi::service_accounts},
      {"GET", "/api/v1/{tenant}/bindings", &AdminApi::bindings},
      {"POST", "/api/v1/{tenant}/bindings", &AdminApi::create_binding},
      {"DELETE", "/api/v1/{tenant}/bindings/{id}", &AdminApi::delete_binding},
      {"GET", "/api/v1/{tenant}/scim-domain-claims", &AdminApi::tenant_domain_claims},
  };
  return kRoutes;
}

http::Handler AdminApi::instance_route(InstanceHandler handler) {
  return [this, handler](const http::Request& req) {
    if (!req.principal || !req.principal->superadmin) {
      return error({ErrorKind::Forbidden, "only the instance admin (superAdmin) may use this route", {}});
    }
    return (this->*handler)(req);
  };
}

std::span<const AdminApi::InstanceRouteEntry> AdminApi::instance_routes() {
  static constexpr InstanceRouteEntry kRoutes[] = {
      {"GET", "/api/v1/scim-instance/domain-claims", &AdminApi::domain_claims},
      {"POST", "/api/v1/scim-instance/domain-claims", &AdminApi::add_domain_claim},
      {"DELETE", "/api/v1/scim-instance/domain-claims/{tenant}/{domain}", &AdminApi::remove_domain_claim},
      {"GET", "/api/v1/scim-instance/audit", &AdminApi::instance_audit},
  };
  return kRoutes;
}

std::vector<std::pair<std::string, std::string>> AdminApi::route_table() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : tenant_routes()) out.emplace_back(r.method, r.path);
  for (const auto& r : instance_routes()) out.emplace_back(r.method, r.path);
  out.emplace_back("GET", std::string(kOpenApiPath));
  return out;
}

void AdminApi::add_routes(std::vector<http::Route>& routes) {
  const std::size_t first = routes.size();
  for (const auto& r : tenant_routes()) {
    routes.push_back({std::string(r.method), std::string(r.path), true, tenant_route(r.handler)});
  }
  for (const auto& r : instance_routes()) {
    routes.push_back({std::string(r.method), std::string(r.path), true, instance_route(r.handler)});
  }
  routes.push_back({"GET", std::string(kOpenApiPath), true, [this](const http::Request& req) { return openapi(req); }});
  // One rule for every admin route, before its handler: a write must not be
  // cross-site, and its body must be JSON (http::check_admin_write).
  for (std::size_t i = first; i < routes.size(); ++i) {
    auto& route = routes[i];
    route.handler = [this, handler = std::move(route.handler)](const http::Request& req) {
      if (auto allowed = http::check_admin_write(req, config_.addresses); !allowed) return error(allowed.error());
      return handler(req);
    };
  }
}

namespace {

json::object integration_json(const ports::Integration& i, const std::string& uri) {
  return {{"id", i.id},
          {"name", i.name},
          {"description", i.description},
          {"type", i.type},
          {"tenantId", i.tenant_id},
          {"enabled", i.enabled},
          {"uri", uri},
          {"serviceAccountId", i.service_account_id},
          {"createdAt", i.created_at},
          {"updatedAt", i.updated_at},
          {"lastRequestAt", nullable(i.last_request_at)},
          {"provisionedUsers", i.users_provisioned},
          {"provisionedGroups", i.groups_provisioned}};
}

}  // namespace

http::Response AdminApi::create(const http::Request& req, const std::string& tenant) {
  auto body = http::parse_json_object(req.body, config_.json);
  if (!body) return error(body.error());
  auto name = string_field(*body, "name");
  auto description = string_field(*body, "description");
  auto type = string_field(*body, "type");
  auto enabled = bool_field(*body, "enabled");
  if (!name) return error(name.error());
  if (!description) return error(description.error());
  if (!type) return error(type.error());
  if (!enabled) return error(enabled.error());
  if (!*name) return error(Error::invalid("'name' is required"));

  provisioning::IntegrationInput input;
  input.name = **name;
  input.description = description->value_or("");
  if (*type) input.type = **type;
  input.enabled = enabled->value_or(true);
  auto created = service_.create(tenant, input, actor_of(req));
  if (!created) return error(created.error());
  auto out = integration_json(created->integration, scim_uri(req, tenant, created->integration.id));
  out["secretToken"] = created->secret_token;
  return json_response(201, out).with_header("Cache-Control", "no-store");
}

http::Response AdminApi::list(const http::Request& req, const std::string& tenant) {
  auto p = paging(req);
  if (!p) return error(p.error());
  auto page = service_.list(tenant, p->query, p->page, p->size);
  if (!page) return error(page.error());
  return json_response(200, page_json(*page, [&](const ports::Integration& i) {
                         return integration_json(i, scim_uri(req, tenant, i.id));
                       }));
}

http::Response AdminApi::get(const http::Request& req, const std::string& tenant) {
  auto found = service_.get(tenant, std::string(req.param("id")));
  if (!found) return error(found.error());
  return json_response(200, integration_json(*found, scim_uri(req, tenant, found->id)));
}

http::Response AdminApi::update(const http::Request& req, const std::string& tenant) {
  const std::string id(req.param("id"));
  auto body = http::parse_json_object(req.body, config_.json);
  if (!body) return error(body.error());
  auto name = string_field(*body, "name");
  auto description = string_field(*body, "description");
  if (!name) return error(name.error());
  if (!description) return error(description.error());
  auto existing = service_.get(tenant, id);
  if (!existing) return error(existing.error());
  auto updated = service_.update(tenant, id, name->value_or(existing->name),
                                 description->value_or(existing->description), actor_of(req));
  if (!updated) return error(updated.error());
  return json_response(200, integration_json(*updated, scim_uri(req, tenant, id)));
}

http::Response AdminApi::enable(const http::Request& req, const std::string& tenant) {
  auto updated = service_.set_enabled(tenant, std::string(req.param("id")), true, actor_of(req));
  if (!updated) return error(updated.error());
  return json_response(200, integration_json(*updated, scim_uri(req, tenant, updated->id)));
}

http::Response AdminApi::disable(const http::Request& req, const std::string& tenant) {
  auto updated = service_.set_enabled(tenant, std::string(req.param("id")), false, actor_of(req));
  if (!updated) return error(updated.error());
  return json_response(200, integration_json(*updated, scim_uri(req, tenant, updated->id)));
}

http::Response AdminApi::remove(const http::Request& req, const std::string& tenant) {
  return no_content(service_.remove(tenant, std::string(req.param("id")), actor_of(req)));
}

http::Response AdminApi::rotate_token(const http::Request& req, const std::string& tenant) {
  const std::string id(req.param("id"));
  auto token = service_.rotate_token(tenant, id, actor_of(req));
  if (!token) return error(token.error());
  return json_response(200, json::object{{"id", id}, {"secretToken", *token}})
      .with_header("Cache-Control", "no-store");
}

http::Response AdminApi::audit(const http::Request& req, const std::string& tenant) {
  auto p = paging(req);
  if (!p) return error(p.error());
  auto page = service_.audit(tenant, std::string(req.param("id")), p->page, p->size);
  if (!page) return error(page.error());
  return json_response(200, page_json(*page, audit_json));
}

http::Response AdminApi::domain_claims(const http::Request&) { return tenant_domain_claims({}, ""); }

http::Response AdminApi::tenant_domain_claims(const http::Request&, const std::string& tenant) {
  auto claims = claims_.list(tenant);
  if (!claims) return error(claims.error());
  return json_response(200, page_json(ports::Page<ports::DomainClaim>{*claims, static_cast<std::int64_t>(claims->size())},
                                      claim_json));
}

http::Response AdminApi::add_domain_claim(const http::Request& req) {
  auto body = http::parse_json_object(req.body, config_.json);
  if (!body) return error(body.error());
  std::string fields[2];
  const char* names[2] = {"tenant", "domain"};
  for (int i = 0; i < 2; ++i) {
    auto value = string_field(*body, names[i]);
    if (!value) return error(value.error());
    if (!*value) return error(Error::invalid("'" + std::string(names[i]) + "' is required"));
    fields[i] = **value;
  }
  auto added = claims_.add(fields[0], fields[1], actor_of(req));
  if (!added) return error(added.error());
  return json_response(201, claim_json(*added));
}

http::Response AdminApi::remove_domain_claim(const http::Request& req) {
  return no_content(claims_.remove(std::string(req.param("tenant")), req.param("domain"), actor_of(req)));
}

http::Response AdminApi::instance_audit(const http::Request& req) {
  auto p = paging(req);
  if (!p) return error(p.error());
  auto page = claims_.audit(p->page, p->size);
  if (!page) return error(page.error());
  return json_response(200, page_json(*page, audit_json));
}

http::Response AdminApi::roles(const http::Request&, const std::string& tenant) {
  auto roles = service_.roles(tenant);
  if (!roles) return error(roles.error());
  return json_response(200, page_json(ports::Page<ports::Role>{*roles, static_cast<std::int64_t>(roles->size())},
                                      role_json));
}

http::Response AdminApi::update_role(const http::Request& req, const std::string& tenant) {
  auto body = http::parse_json_object(req.body, config_.json);
  if (!body) return error(body.error());
  auto description = string_field(*body, "description");
  if (!description) return error(description.error());
  auto permissions = permissions_field(*body);
  if (!permissions) return error(permissions.error());
  auto updated = service_.update_role(tenant, std::string(req.param("id")), *description, *permissions, actor_of(req));
  if (!updated) return error(updated.error());
  return json_response(200, role_json(*updated));
}

http::Response AdminApi::create_role(const http::Request& req, const std::string& tenant) {
  auto body = http::parse_json_object(req.body, config_.json);
  if (!body) return error(body.error());
  auto name = string_field(*body, "name");
  if (!name) return error(name.error());
  if (!*name) return error(Error::invalid("'name' is required"));
  auto description = string_field(*body, "description");
  if (!description) return error(description.error());
  auto permissions = permissions_field(*body);
  if (!permissions) return error(permissions.error());
  auto created = service_.create_role(tenant, **name, description->value_or(""), *permissions, actor_of(req));
  if (!created) return error(created.error());
  return json_response(201, role_json(*created));
}

http::Response AdminApi::delete_role(const http::Request& req, const std::string& tenant) {
  return no_content(service_.delete_role(tenant, std::string(req.param("id")), actor_of(req)));
}

http::Response AdminApi::create_binding(const http::Request& req, const std::string& tenant) {
  auto body = http::parse_json_object(req.body, config_.json);
  if (!body) return error(body.error());
  std::string fields[3];
  const char* names[3] = {"roleId", "type", "subjectId"};
  for (int i = 0; i < 3; ++i) {
    auto value = string_field(*body, names[i]);
    if (!value) return error(value.error());
    if (!*value) return error(Error::invalid("'" + std::string(names[i]) + "' is required"));
    fields[i] = **value;
  }
  auto created = service_.create_binding(tenant, fields[0], fields[1], fields[2], actor_of(req));
  if (!created) return error(created.error());
  return json_response(201, binding_json(*created));
}

http::Response AdminApi::delete_binding(const http::Request& req, const std::string& tenant) {
  return no_content(service_.delete_binding(tenant, std::string(req.param("id")), actor_of(req)));
}

http::Response AdminApi::tenant_assignable_roles(const http::Request& req, const std::string& tenant) {
  return assignable_roles(req, tenant, "");
}

http::Response AdminApi::integration_assignable_roles(const http::Request& req, const std::string& tenant) {
  return assignable_roles(req, tenant, std::string(req.param("id")));
}

// GET shows the list set at this level and the effective one; PUT
// {"roles": ["Developer", "<id>", ...]} sets it, {"roles": null} removes it.
http::Response AdminApi::assignable_roles(const http::Request& req, const std::string& tenant,
                                          const std::string& integration) {
  Result<provisioning::AssignableRolesView> view = Error::internal("unreachable");
  if (req.method == "GET") {
    view = service_.assignable_roles(tenant, integration);
  } else {
    auto body = http::parse_json_object(req.body, config_.json);
    if (!body) return error(body.error());
    const auto* roles = body->if_contains("roles");
    if (!roles) return error(Error::invalid("'roles' is required: an array of role names or ids, or null"));
    std::optional<std::vector<std::string>> list;
    if (!roles->is_null()) {
      if (!roles->is_array()) return error(Error::invalid("'roles' must be an array of role names or ids, or null"));
      list.emplace();
      for (const auto& r : roles->as_array()) {
        if (!r.is_string()) return error(Error::invalid("'roles' must hold only strings"));
        list->emplace_back(r.as_string());
      }
    }
    view = service_.set_assignable_roles(tenant, integration, list, actor_of(req));
  }
  if (!view) return error(view.error());
  json::array assignable;
  for (const auto& role : view->assignable) assignable.push_back(json::object{{"id", role.id}, {"name", role.name}});
  json::value listed = nullptr;
  if (view->role_ids) {
    json::array ids;
    for (const auto& id : *view->role_ids) ids.emplace_back(id);
    listed = std::move(ids);
  }
  return json_response(200, json::object{{"integrationId", nullable(view->integration_id)},
                                         {"roles", std::move(listed)},
                                         {"source", view->source},
                                         {"assignable", std::move(assignable)}});
}

http::Response AdminApi::service_accounts(const http::Request&, const std::string& tenant) {
  auto accounts = service_.service_accounts(tenant);
  if (!accounts) return error(accounts.error());
  return json_response(200, page_json(ports::Page<ports::ServiceAccount>{
                                          *accounts, static_cast<std::int64_t>(accounts->size())},
                                      service_account_json));
}

http::Response AdminApi::bindings(const http::Request&, const std::string& tenant) {
  auto bindings = service_.bindings(tenant);
  if (!bindings) return error(bindings.error());
  return json_response(200, page_json(ports::Page<ports::Binding>{*bindings,
                                                                  static_cast<std::int64_t>(bindings->size())},
                                      binding_json));
}

http::Response AdminApi::openapi(const http::Request&) const {
  auto doc = resources::find("openapi/kestra-scim-admin.json");
  if (!doc) return error(Error::not_found("the OpenAPI document is not bundled"));
  http::Response res;
  res.body = std::string(*doc);
  res.with_header("Content-Type", "application/json");
  return res;
}

}  // namespace kestra::app
