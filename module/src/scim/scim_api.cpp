#include "scim/scim_api.hpp"

#include "scim/error_response.hpp"
#include "scim/etag.hpp"
#include "scim/schema/projection.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

namespace kestra::scim {
namespace json = boost::json;

namespace {

constexpr std::int64_t kDefaultCount = 100;

http::Response scim_json(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.body = std::move(body);
  res.with_header("Content-Type", std::string(kContentType));
  return res;
}

http::Response scim_json(int status, const json::object& body) { return scim_json(status, json::serialize(body)); }

http::Response fail(const Error& e) { return error_response(e); }

Error method_not_allowed(const http::Request& req) {
  return {ErrorKind::MethodNotAllowed, "method " + std::string(req.method) + " is not allowed on this endpoint", {}};
}

Result<json::object> body_object(const http::Request& req) {
  if (req.body.empty()) return Error::invalid("the request body is empty: send a JSON object", "invalidSyntax");
  boost::system::error_code ec;
  auto value = json::parse(req.body, ec);
  if (ec) return Error::invalid("the request body is not valid JSON: " + ec.message(), "invalidSyntax");
  if (!value.is_object()) return Error::invalid("the request body must be a JSON object", "invalidSyntax");
  return std::move(value.as_object());
}

std::optional<std::string_view> header(const http::Request& req, std::string_view name) { return req.header(name); }

// A list envelope with resources already rendered as JSON text.
std::string list_response(std::int64_t total, std::int64_t start_index, const std::vector<std::string>& resources,
                          const std::optional<std::string>& next_cursor) {
  json::object head{{"schemas", json::array{kListResponseSchema}},
                    {"totalResults", total},
                    {"startIndex", start_index},
                    {"itemsPerPage", static_cast<std::int64_t>(resources.size())}};
  if (next_cursor) head["nextCursor"] = *next_cursor;
  std::string text = json::serialize(head);
  text.pop_back();
  text += ",\"Resources\":[";
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (i) text += ',';
    text += resources[i];
  }
  text += "]}";
  return text;
}

std::string user_location(const std::string& base, const std::string& id) { return base + "/Users/" + id; }

}  // namespace

ScimApi::ScimApi(const app::ModuleConfig& config, const app::HostPort& host,
                 provisioning::Authenticator& authenticator, const schema::Registry& registry,
                 const Discovery& discovery, UserService& users, GroupService& groups)
    : config_(config),
      host_(host),
      authenticator_(authenticator),
      registry_(registry),
      discovery_(discovery),
      users_(users),
      groups_(groups) {}

void ScimApi::add_routes(std::vector<http::Route>& routes) {
  const std::string base(kScimBase);
  const auto add = [&](const char* path, Handler h) { routes.push_back({"*", base + path, false, endpoint(h)}); };
  add("/Users", &ScimApi::users);
  add("/Users/.search", &ScimApi::users_search);
  add("/Users/{id}", &ScimApi::user);
  add("/Groups", &ScimApi::groups);
  add("/Groups/.search", &ScimApi::groups_search);
  add("/Groups/{id}", &ScimApi::group);
  add("/.search", &ScimApi::root_search);
  add("/ServiceProviderConfig", &ScimApi::service_provider_config);
  add("/ResourceTypes", &ScimApi::resource_types);
  add("/ResourceTypes/{name}", &ScimApi::resource_type);
  add("/Schemas", &ScimApi::schemas);
  add("/Schemas/{urn}", &ScimApi::schema);
  add("/Me", &ScimApi::me);
}

http::Handler ScimApi::endpoint(Handler handler) {
  return [this, handler](const http::Request& req) {
    const std::string tenant(req.param("tenant"));
    const std::string integration(req.param("integrationId"));
    if (!host_.tenant_exists(tenant)) return fail(Error::not_found("tenant '" + tenant + "' does not exist"));
    auto caller = authenticator_.authenticate(req.header("Authorization"), tenant, integration);
    if (!caller) return fail(caller.error());
    Call call{req, std::move(*caller), ports::Scope{tenant, integration},
              provisioning::Actor{"INTEGRATION", integration, std::string(req.request_id)},
              http::base_url(req, config_.public_url) + "/api/v1/" + tenant + "/integrations/" + integration +
                  "/scim/v2"};
    return (this->*handler)(call);
  };
}

// ------------------------------------------------------------------ Users

http::Response ScimApi::users(Call& call) {
  const auto& req = call.req;
  if (req.method == "GET") {
    if (auto ok = provisioning::Authenticator::authorize(call.caller, "USERS", "READ"); !ok) return fail(ok.error());
    auto request = parse_list_query(req.query, kDefaultCount, config_.max_results);
    if (!request) return fail(request.error());
    return list_users(call, *request);
  }
  if (req.method != "POST") return fail(method_not_allowed(req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "USERS", "CREATE"); !ok) return fail(ok.error());
  auto body = body_object(req);
  if (!body) return fail(body.error());
  auto created = users_.create(call.scope, *body, call.actor);
  if (!created) return fail(created.error());
  const auto location = user_location(call.base, created->row.id);
  auto rendered = render_user(*created, location);
  auto projection = schema::parse_projection(registry_, users_.type(), "", "");
  if (projection) schema::apply(*projection, rendered);
  return scim_json(201, rendered)
      .with_header("Location", location)
      .with_header("ETag", user_etag(created->row.version, created->row.access_version));
}

http::Response ScimApi::user(Call& call) {
  const auto& req = call.req;
  const std::string id(req.param("id"));
  std::string_view action;
  if (req.method == "GET") {
    action = "READ";
  } else if (req.method == "PUT") {
    action = "UPDATE";
  } else if (req.method == "DELETE") {
    action = "UPDATE";
  } else {
    return fail(method_not_allowed(req));
  }
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "USERS", action); !ok) return fail(ok.error());

  if (req.method == "DELETE") {
    // Removing a user from a tenant removes its bindings there too.
    if (auto ok = provisioning::Authenticator::authorize(call.caller, "BINDINGS", "DELETE"); !ok) {
      return fail(ok.error());
    }
    auto removed = users_.remove(call.scope, id, header(req, "If-Match"), call.actor);
    if (!removed) return fail(removed.error());
    http::Response res;
    res.status = 204;
    return res;
  }

  auto request = parse_list_query(req.query, kDefaultCount, config_.max_results);
  if (!request) return fail(request.error());
  auto projection = schema::parse_projection(registry_, users_.type(), request->attributes, request->excluded_attributes);
  if (!projection) return fail(projection.error());
  const bool with_groups = schema::wants(*projection, "groups");

  Result<UserView> view = Error::internal("unreachable");
  if (req.method == "GET") {
    view = users_.get(call.scope, id, with_groups);
  } else {
    auto body = body_object(req);
    if (!body) return fail(body.error());
    view = users_.replace(call.scope, id, *body, header(req, "If-Match"), call.actor);
  }
  if (!view) return fail(view.error());
  const auto etag = user_etag(view->row.version, view->row.access_version);
  if (req.method == "GET") {
    if (auto none_match = header(req, "If-None-Match"); none_match && etag_listed(*none_match, etag)) {
      http::Response res;
      res.status = 304;
      res.with_header("ETag", etag);
      return res;
    }
  }
  auto rendered = render_user(*view, user_location(call.base, id));
  schema::apply(*projection, rendered);
  return scim_json(200, rendered).with_header("ETag", etag);
}

http::Response ScimApi::users_search(Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "USERS", "READ"); !ok) return fail(ok.error());
  auto body = body_object(call.req);
  if (!body) return fail(body.error());
  auto request = parse_search_body(*body, kDefaultCount, config_.max_results);
  if (!request) return fail(request.error());
  return list_users(call, *request);
}

http::Response ScimApi::list_users(Call& call, const ListRequest& request) {
  auto projection =
      schema::parse_projection(registry_, users_.type(), request.attributes, request.excluded_attributes);
  if (!projection) return fail(projection.error());
  auto page = users_.list(call.scope, request, schema::wants(*projection, "groups"));
  if (!page) return fail(page.error());
  std::vector<std::string> resources;
  resources.reserve(page->items.size());
  for (const auto& view : page->items) {
    auto rendered = render_user(view, user_location(call.base, view.row.id));
    schema::apply(*projection, rendered);
    resources.push_back(json::serialize(rendered));
  }
  return scim_json(200, list_response(page->total, request.start_index, resources, page->next_cursor));
}

// ------------------------------------------------------------------ Groups

http::Response ScimApi::groups(Call& call) {
  const auto& req = call.req;
  if (req.method == "GET") {
    if (auto ok = provisioning::Authenticator::authorize(call.caller, "GROUPS", "READ"); !ok) return fail(ok.error());
    auto request = parse_list_query(req.query, kDefaultCount, config_.max_results);
    if (!request) return fail(request.error());
    return list_groups(call, *request);
  }
  if (req.method != "POST") return fail(method_not_allowed(req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "GROUPS", "CREATE"); !ok) return fail(ok.error());
  auto body = body_object(req);
  if (!body) return fail(body.error());
  auto created = groups_.create(call.scope, *body, call.actor);
  if (!created) return fail(created.error());
  auto projection = schema::parse_projection(registry_, groups_.type(), "", "");
  if (!projection) return fail(projection.error());
  auto text = render_group(*created, call.base, *projection, &groups_.store(), call.scope);
  if (!text) return fail(text.error());
  return scim_json(201, std::move(*text))
      .with_header("Location", call.base + "/Groups/" + created->id)
      .with_header("ETag", group_etag(created->version));
}

http::Response ScimApi::group(Call& call) {
  const auto& req = call.req;
  const std::string id(req.param("id"));
  std::string_view action;
  if (req.method == "GET") {
    action = "READ";
  } else if (req.method == "PUT") {
    action = "UPDATE";
  } else if (req.method == "DELETE") {
    action = "DELETE";
  } else {
    return fail(method_not_allowed(req));
  }
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "GROUPS", action); !ok) return fail(ok.error());
  if (req.method == "DELETE") {
    auto removed = groups_.remove(call.scope, id, header(req, "If-Match"), call.actor);
    if (!removed) return fail(removed.error());
    http::Response res;
    res.status = 204;
    return res;
  }
  auto request = parse_list_query(req.query, kDefaultCount, config_.max_results);
  if (!request) return fail(request.error());
  auto projection =
      schema::parse_projection(registry_, groups_.type(), request->attributes, request->excluded_attributes);
  if (!projection) return fail(projection.error());

  Result<ports::GroupRow> row = Error::internal("unreachable");
  if (req.method == "GET") {
    row = groups_.get(call.scope, id);
  } else {
    auto body = body_object(req);
    if (!body) return fail(body.error());
    row = groups_.replace(call.scope, id, *body, header(req, "If-Match"), call.actor);
  }
  if (!row) return fail(row.error());
  const auto etag = group_etag(row->version);
  if (req.method == "GET") {
    if (auto none_match = header(req, "If-None-Match"); none_match && etag_listed(*none_match, etag)) {
      http::Response res;
      res.status = 304;
      res.with_header("ETag", etag);
      return res;
    }
  }
  auto text = render_group(*row, call.base, *projection, &groups_.store(), call.scope);
  if (!text) return fail(text.error());
  return scim_json(200, std::move(*text)).with_header("ETag", etag);
}

http::Response ScimApi::groups_search(Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "GROUPS", "READ"); !ok) return fail(ok.error());
  auto body = body_object(call.req);
  if (!body) return fail(body.error());
  auto request = parse_search_body(*body, kDefaultCount, config_.max_results);
  if (!request) return fail(request.error());
  return list_groups(call, *request);
}

http::Response ScimApi::list_groups(Call& call, const ListRequest& request) {
  auto projection =
      schema::parse_projection(registry_, groups_.type(), request.attributes, request.excluded_attributes);
  if (!projection) return fail(projection.error());
  auto page = groups_.list(call.scope, request);
  if (!page) return fail(page.error());
  std::vector<std::string> resources;
  resources.reserve(page->items.size());
  for (const auto& row : page->items) {
    auto text = render_group(row, call.base, *projection, &groups_.store(), call.scope);
    if (!text) return fail(text.error());
    resources.push_back(std::move(*text));
  }
  return scim_json(200, list_response(page->total, request.start_index, resources, page->next_cursor));
}

http::Response ScimApi::root_search(Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  return fail(Error::invalid(
      "searching across resource types at the root is not supported: use /Users/.search or /Groups/.search",
      "invalidValue"));
}

// ------------------------------------------------------------------ discovery

http::Response ScimApi::service_provider_config(Call& call) {
  if (call.req.method != "GET") return fail(method_not_allowed(call.req));
  return scim_json(200, discovery_.service_provider_config(call.base + "/ServiceProviderConfig"));
}

http::Response ScimApi::resource_types(Call& call) {
  if (call.req.method != "GET") return fail(method_not_allowed(call.req));
  std::vector<std::string> items;
  for (const auto& doc : registry_.resource_types_json(call.base + "/ResourceTypes")) {
    items.push_back(json::serialize(doc));
  }
  return scim_json(200, list_response(static_cast<std::int64_t>(items.size()), 1, items, std::nullopt));
}

http::Response ScimApi::resource_type(Call& call) {
  if (call.req.method != "GET") return fail(method_not_allowed(call.req));
  const std::string name(call.req.param("name"));
  auto doc = registry_.resource_type_json(name, call.base + "/ResourceTypes/" + name);
  if (!doc) return fail(doc.error());
  return scim_json(200, *doc);
}

http::Response ScimApi::schemas(Call& call) {
  if (call.req.method != "GET") return fail(method_not_allowed(call.req));
  std::vector<std::string> items;
  for (const auto& doc : registry_.schemas_json(call.base + "/Schemas")) items.push_back(json::serialize(doc));
  return scim_json(200, list_response(static_cast<std::int64_t>(items.size()), 1, items, std::nullopt));
}

http::Response ScimApi::schema(Call& call) {
  if (call.req.method != "GET") return fail(method_not_allowed(call.req));
  const std::string urn(call.req.param("urn"));
  auto doc = registry_.schema_json(urn, call.base + "/Schemas/" + urn);
  if (!doc) return fail(doc.error());
  return scim_json(200, *doc);
}

http::Response ScimApi::me(Call&) {
  return fail({ErrorKind::NotImplemented,
               "/Me is not supported: an integration's token belongs to a service account, not to a user", {}});
}

}  // namespace kestra::scim
