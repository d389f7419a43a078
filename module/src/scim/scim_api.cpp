#include "scim/scim_api.hpp"

#include "core/text.hpp"
#include "core/utf8.hpp"
#include "http/json_body.hpp"
#include "http/public_address.hpp"
#include "scim/bulk.hpp"
#include "scim/error_response.hpp"
#include "scim/etag.hpp"
#include "scim/filter/patch_path.hpp"
#include "scim/patch/quirks/case_insensitive_names.hpp"
#include "scim/schema/projection.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>

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

// An id from the URL that could name a stored resource: UTF-8 text without
// control characters, within the stores' id width.  Any other is looked up
// nowhere (PostgreSQL refuses such bytes outright).
bool storable_id(std::string_view id) {
  if (utf8::length(id) > ports::kMaxIdChars) return false;  // kInvalid too
  return std::none_of(id.begin(), id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

Error not_in_tenant(std::string_view kind, std::string_view id) {
  return Error::not_found(std::string(kind) + " '" + std::string(id) + "' not found in this tenant");
}

std::optional<std::string_view> header(const http::Request& req, std::string_view name) { return req.header(name); }

// A list envelope up to its first resource.
std::string list_head(std::int64_t total, std::int64_t start_index, std::size_t items,
                      const std::optional<std::string>& next_cursor) {
  json::object head{{"schemas", json::array{kListResponseSchema}},
                    {"totalResults", total},
                    {"startIndex", start_index},
                    {"itemsPerPage", static_cast<std::int64_t>(items)}};
  if (next_cursor) head["nextCursor"] = *next_cursor;
  std::string text = json::serialize(head);
  text.pop_back();
  text += ",\"Resources\":[";
  return text;
}

// A list envelope with resources already rendered as JSON text.
std::string list_response(std::int64_t total, std::int64_t start_index, const std::vector<std::string>& resources,
                          const std::optional<std::string>& next_cursor) {
  std::string text = list_head(total, start_index, resources.size(), next_cursor);
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (i) text += ',';
    text += resources[i];
  }
  text += "]}";
  return text;
}

// Writes one resource of a list into the sink.
using ResourceWriter = std::function<Result<void>(const http::BodySink&)>;

ResourceWriter rendered(std::string text) {
  return [text = std::move(text)](const http::BodySink& sink) -> Result<void> {
    (void)sink(text);
    return {};
  };
}

// A list whose resources go out one after the other as they are rendered
// (a group with its members is read while it is written), so that a page
// is never held whole.
http::Response streamed_list(std::int64_t total, std::int64_t start_index, std::vector<ResourceWriter> resources,
                             const std::optional<std::string>& next_cursor) {
  http::Response res = scim_json(200, std::string());
  res.producer = [head = list_head(total, start_index, resources.size(), next_cursor),
                  resources = std::move(resources)](const http::BodySink& sink) -> Result<void> {
    if (!sink(head)) return {};
    for (std::size_t i = 0; i < resources.size(); ++i) {
      if (i && !sink(",")) return {};
      if (auto ok = resources[i](sink); !ok) return ok;
    }
    (void)sink("]}");
    return {};
  };
  return res;
}

std::string user_location(const std::string& base, const std::string& id) { return base + "/Users/" + id; }

// "500", "0.5": a configured rate as people write it.
std::string rate_text(double rate) {
  std::ostringstream out;
  out << rate;
  return out.str();
}

// 429 with the Retry-After of `wait`.
http::Response too_many(const std::string& why, std::chrono::seconds wait) {
  auto res = fail({ErrorKind::TooManyRequests, why + "; retry after " + std::to_string(wait.count()) + " s", {}});
  for (auto& [name, value] : res.headers) {
    if (name == "Retry-After") value = std::to_string(wait.count());
  }
  return res;
}

// Role assignments are bindings: only a caller that may read bindings sees them.
bool reads_bindings(const provisioning::ScimCaller& caller) { return caller.permissions.allows("BINDINGS", "READ"); }

// The permission a method on one resource needs; nullopt: method not allowed.
std::optional<std::string_view> action_for(std::string_view method, std::string_view delete_action) {
  if (method == "GET") return "READ";
  if (method == "PUT" || method == "PATCH") return "UPDATE";
  if (method == "DELETE") return delete_action;
  return std::nullopt;
}

// Authorises a request on one user or group.  A DELETE removes the
// subject's bindings in the tenant with it (a user leaves the tenant, a
// group is gone), so it needs BINDINGS DELETE as well, whoever made them.
Result<void> authorize_resource(const provisioning::ScimCaller& caller, std::string_view resource,
                                std::string_view method, std::string_view action) {
  if (auto ok = provisioning::Authenticator::authorize(caller, resource, action); !ok) return ok;
  if (method == "DELETE") return provisioning::Authenticator::authorize(caller, "BINDINGS", "DELETE");
  return {};
}

// A bodiless answer (204, or 304 for a matching If-None-Match), with its ETag when known.
http::Response bodiless(int status, std::string_view etag = {}) {
  http::Response res;
  res.status = status;
  if (!etag.empty()) res.with_header("ETag", std::string(etag));
  return res;
}

bool not_modified(const http::Request& req, std::string_view etag) {
  auto none_match = req.header("If-None-Match");
  return req.method == "GET" && none_match && etag_listed(*none_match, etag);
}

}  // namespace

ScimApi::ScimApi(ScimSettings settings, const ports::HostPort& host,
                 provisioning::Authenticator& authenticator, const schema::Registry& registry,
                 const Discovery& discovery, UserService& users, GroupService& groups, RoleService& roles,
                 provisioning::RateLimiter& rate_limiter, provisioning::FairShare& fair_share,
                 const ports::Metrics& metrics)
    : settings_(std::move(settings)),
      host_(host),
      authenticator_(authenticator),
      registry_(registry),
      discovery_(discovery),
      users_(users),
      groups_(groups),
      roles_(roles),
      rate_limiter_(rate_limiter),
      fair_share_(fair_share),
      metrics_(metrics) {}

namespace {

// The SCIM endpoints under an integration's base: a collection, its items
// (`item_param` names the item's path parameter), its /.search.
struct EndpointName {
  std::string_view name;
  ports::ScimResource resource;
  std::string_view item_param;  // empty: no items
  bool searchable;
};

constexpr EndpointName kEndpoints[] = {
    {"Users", ports::ScimResource::Users, "id", true},
    {"Groups", ports::ScimResource::Groups, "id", true},
    {"Roles", ports::ScimResource::Roles, "id", false},
    {".search", ports::ScimResource::Other, "", false},
    {"ServiceProviderConfig", ports::ScimResource::ServiceProviderConfig, "", false},
    {"ResourceTypes", ports::ScimResource::ResourceTypes, "name", false},
    {"Schemas", ports::ScimResource::Schemas, "urn", false},
    {"Me", ports::ScimResource::Me, "", false},
    {"Bulk", ports::ScimResource::Bulk, "", false},
};

constexpr std::string_view kSearch = ".search";

}  // namespace

ScimApi::Handler ScimApi::collection_handler(ports::ScimResource resource) {
  using enum ports::ScimResource;
  switch (resource) {
    case Users: return &ScimApi::users;
    case Groups: return &ScimApi::groups;
    case Roles: return &ScimApi::roles;
    case ServiceProviderConfig: return &ScimApi::service_provider_config;
    case ResourceTypes: return &ScimApi::resource_types;
    case Schemas: return &ScimApi::schemas;
    case Me: return &ScimApi::me;
    case Bulk: return &ScimApi::bulk;
    case Other: return &ScimApi::root_search;
  }
  return &ScimApi::unknown_endpoint;
}

ScimApi::Handler ScimApi::item_handler(ports::ScimResource resource, bool search) {
  using enum ports::ScimResource;
  switch (resource) {
    case Users: return search ? &ScimApi::users_search : &ScimApi::user;
    case Groups: return search ? &ScimApi::groups_search : &ScimApi::group;
    case Roles: return &ScimApi::role;
    case ResourceTypes: return &ScimApi::resource_type;
    case Schemas: return &ScimApi::schema;
    default: return &ScimApi::unknown_endpoint;
  }
}

void ScimApi::add_routes(std::vector<http::Route>& routes) {
  const std::string base(kScimBase);
  const auto add = [&](const std::string& path, Handler h, ports::ScimResource resource) {
    routes.push_back({"*", base + path, false, endpoint(h, resource), admission(resource)});
  };
  for (const auto& e : kEndpoints) {
    const std::string path = "/" + std::string(e.name);
    add(path, collection_handler(e.resource), e.resource);
    if (e.searchable) add(path + "/" + std::string(kSearch), item_handler(e.resource, true), e.resource);
    if (!e.item_param.empty() && e.searchable) {
      // "/Users/.SEARCH" is the search in another case, not an item
      const auto item = item_handler(e.resource, false), search = item_handler(e.resource, true);
      routes.push_back({"*", base + path + "/{" + std::string(e.item_param) + "}", false,
                        [this, item, search, resource = e.resource](const http::Request& req) {
                          return serve(iequals(req.param("id"), kSearch) ? search : item, resource, req);
                        },
                        admission(e.resource)});
    } else if (!e.item_param.empty()) {
      add(path + "/{" + std::string(e.item_param) + "}", item_handler(e.resource, false), e.resource);
    }
  }
  // Anything else under the base: an endpoint name in another case
  // ("/users", as some clients send), else a SCIM 404, not the host's.
  for (const char* path : {"/{resource}", "/{resource}/{id}"}) {
    routes.push_back({"*", base + path, false,
                      [this](const http::Request& req) {
                        auto named = by_name(req);
                        auto res = serve(named.handler, named.resource, *named.request);
                        if (res.producer) {
                          // the renamed request is viewed until the body is produced
                          res.producer = [produce = std::move(res.producer), keep = named.request](
                                             const http::BodySink& sink) { return produce(sink); };
                        }
                        return res;
                      },
                      [this](const http::Request& req) {
                        auto named = by_name(req);
                        return admit(named.resource, *named.request);
                      }});
  }
}

ScimApi::NamedEndpoint ScimApi::by_name(const http::Request& req) const {
  NamedEndpoint out{&ScimApi::unknown_endpoint, ports::ScimResource::Other, std::make_shared<http::Request>(req)};
  const std::string_view resource = req.param("resource");
  const std::string_view id = req.param("id");
  const auto* e = std::find_if(std::begin(kEndpoints), std::end(kEndpoints),
                               [&](const EndpointName& candidate) { return iequals(candidate.name, resource); });
  if (e == std::end(kEndpoints)) return out;
  const bool search = e->searchable && iequals(id, kSearch);
  if (!id.empty() && !search && e->item_param.empty()) return out;
  out.resource = e->resource;
  out.handler = id.empty() ? collection_handler(e->resource) : item_handler(e->resource, search);
  auto& params = out.request->params;
  std::erase_if(params, [](const auto& p) { return p.first == "resource" || p.first == "id"; });
  if (!id.empty() && !search) params.emplace_back(e->item_param, id);
  return out;
}

http::Handler ScimApi::endpoint(Handler handler, ports::ScimResource resource) {
  return [this, handler, resource](const http::Request& req) { return serve(handler, resource, req); };
}

http::Response ScimApi::serve(Handler handler, ports::ScimResource resource, const http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  const std::string tenant(req.param("tenant"));
  // A tenant the host does not know is no label: its name is the caller's.
  const bool known = host_.tenant_exists(tenant);
  auto res = authorized(handler, req, tenant, known);
  ports::ScimRequestSample sample{known ? std::string_view(tenant) : std::string_view(), resource, req.method,
                                  res.status, 0};
  if (!res.producer) {
    sample.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_.scim_request(sample);
    return res;
  }
  // A streamed body is produced after this returns (plugin/): the request
  // ends, and is counted, when the producer does.  sample.method views the
  // request, which stays borrowed until the response is written.
  res.producer = [produce = std::move(res.producer), sample, known, tenant, started,
                  &metrics = metrics_](const http::BodySink& sink) mutable {
    auto produced = produce(sink);
    sample.tenant = known ? std::string_view(tenant) : std::string_view();
    if (!produced) sample.status = http_status(produced.error().kind);
    sample.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics.scim_request(sample);
    return produced;
  };
  return res;
}

http::Admission ScimApi::admission(ports::ScimResource resource) {
  return [this, resource](const http::Request& req) { return admit(resource, req); };
}

std::optional<http::Response> ScimApi::admit(ports::ScimResource resource, const http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  const std::string tenant(req.param("tenant"));
  const bool known = host_.tenant_exists(tenant);
  auto who = identify(req, tenant, known);
  auto* refusal = std::get_if<http::Response>(&who);
  if (!refusal) return std::nullopt;
  // Counted as the handler would have counted it.
  metrics_.scim_request({known ? std::string_view(tenant) : std::string_view(), resource, req.method,
                         refusal->status,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
  return std::move(*refusal);
}

std::variant<provisioning::ScimCaller, http::Response> ScimApi::identify(const http::Request& req,
                                                                        const std::string& tenant, bool known) {
  if (auto wait = authenticator_.throttled(req.remote_address, req.header("Authorization"))) {
    return too_many("too many failed authentications from this address", *wait);
  }
  auto caller = authenticator_.authenticate(req.header("Authorization"), tenant, req.param("integrationId"),
                                            req.remote_address);
  if (!caller) return fail(caller.error());
  // A tenant the host does not know (any more) answers as a bad token does:
  // which tenants exist is nobody's business but their admins'.
  if (!known) return fail(authenticator_.refuse(req.remote_address));
  return std::move(*caller);
}

http::Response ScimApi::authorized(Handler handler, const http::Request& req, const std::string& tenant, bool known) {
  const std::string integration(req.param("integrationId"));
  auto who = identify(req, tenant, known);
  if (auto* refusal = std::get_if<http::Response>(&who)) return std::move(*refusal);
  auto& caller = std::get<provisioning::ScimCaller>(who);
  // Authenticated: the integration exists, so its id is a bounded label.
  metrics_.integration_request(
      tenant, integration,
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  if (auto wait = rate_limiter_.acquire(integration)) return rate_limited(tenant, integration, *wait);
  // The request holds its slot until its last byte is produced.
  auto slot = fair_share_.enter(tenant, integration);
  if (!slot) {
    metrics_.rate_limited(tenant, integration);
    const auto& limits = fair_share_.limits();
    return too_many("this tenant or integration has as many requests in progress as its share of the host (" +
                        std::to_string(limits.per_tenant) + " per tenant, " + std::to_string(limits.per_integration) +
                        " per integration, " + std::to_string(fair_share_.share_of(tenant)) +
                        " running per tenant while other tenants are active)",
                    std::chrono::seconds(1));
  }
  provisioning::Actor actor{"INTEGRATION", integration, std::string(req.request_id), caller.permissions};
  Call call{req, std::move(caller), ports::Scope{tenant, integration}, std::move(actor),
            http::base_url(req, settings_.addresses) + "/api/v1/" + tenant + "/integrations/" + integration +
                "/scim/v2"};
  auto res = (this->*handler)(call);
  if (res.producer) {
    res.producer = [produce = std::move(res.producer),
                    held = std::make_shared<provisioning::FairShare::Slot>(std::move(*slot))](
                       const http::BodySink& sink) {
      (void)held;  // released with the producer, after the last byte
      return produce(sink);
    };
  }
  return res;
}

http::Response ScimApi::rate_limited(const std::string& tenant, const std::string& integration,
                                     std::chrono::seconds wait) const {
  metrics_.rate_limited(tenant, integration);
  return too_many("this integration sends more than " + rate_text(rate_limiter_.limit().requests_per_second) +
                      " requests per second",
                  wait);
}

// ------------------------------------------------------------------ Users

http::Response ScimApi::users(Call& call) {
  const auto& req = call.req;
  if (req.method == "GET") {
    if (auto ok = provisioning::Authenticator::authorize(call.caller, "USERS", "READ"); !ok) return fail(ok.error());
    auto request = parse_list_query(req.query, kDefaultCount, settings_.max_results);
    if (!request) return fail(request.error());
    return list_users(call, *request);
  }
  if (req.method != "POST") return fail(method_not_allowed(req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "USERS", "CREATE"); !ok) return fail(ok.error());
  auto body = http::parse_json_object(req.body, settings_.json);
  if (!body) return fail(body.error());
  // attributes / excludedAttributes shape the response (RFC 7644 3.9).
  auto query = parse_list_query(req.query, kDefaultCount, settings_.max_results);
  if (!query) return fail(query.error());
  auto projection = schema::parse_projection(registry_, users_.type(), query->attributes, query->excluded_attributes);
  if (!projection) return fail(projection.error());
  auto created = users_.create(call.scope, *body, call.actor);
  if (!created) return fail(created.error());
  const auto location = user_location(call.base, created->row.id);
  auto rendered = render_user(*created, location, reads_bindings(call.caller));
  schema::apply(*projection, rendered);
  return scim_json(201, rendered)
      .with_header("Location", location)
      .with_header("ETag", user_etag(created->row.version, created->row.access_version));
}

http::Response ScimApi::user(Call& call) {
  const auto& req = call.req;
  const std::string id(req.param("id"));
  // Removing a user from a tenant is an update of the (global) user.
  const auto action = action_for(req.method, "UPDATE");
  if (!action) return fail(method_not_allowed(req));
  if (auto ok = authorize_resource(call.caller, "USERS", req.method, *action); !ok) return fail(ok.error());
  if (!storable_id(id)) return fail(not_in_tenant("user", id));

  if (req.method == "DELETE") {
    auto removed = users_.remove(call.scope, id, header(req, "If-Match"), call.actor);
    if (!removed) return fail(removed.error());
    return bodiless(204);
  }

  auto request = parse_list_query(req.query, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  auto projection = schema::parse_projection(registry_, users_.type(), request->attributes, request->excluded_attributes);
  if (!projection) return fail(projection.error());
  const bool with_groups = schema::wants(*projection, "groups");

  Result<UserView> view = Error::internal("unreachable");
  if (req.method == "GET") {
    view = users_.get(call.scope, id, with_groups);
  } else {
    auto body = http::parse_json_object(req.body, settings_.json);
    if (!body) return fail(body.error());
    view = req.method == "PUT" ? users_.replace(call.scope, id, *body, header(req, "If-Match"), call.actor)
                               : users_.patch(call.scope, id, *body, header(req, "If-Match"), call.actor);
  }
  if (!view) return fail(view.error());
  const auto etag = user_etag(view->row.version, view->row.access_version);
  if (not_modified(req, etag)) return bodiless(304, etag);
  auto rendered = render_user(*view, user_location(call.base, id), reads_bindings(call.caller));
  schema::apply(*projection, rendered);
  return scim_json(200, rendered).with_header("ETag", etag);
}

http::Response ScimApi::users_search(Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "USERS", "READ"); !ok) return fail(ok.error());
  auto body = http::parse_json_object(call.req.body, settings_.json);
  if (!body) return fail(body.error());
  auto request = parse_search_body(*body, kDefaultCount, settings_.max_results);
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
    auto rendered = render_user(view, user_location(call.base, view.row.id), reads_bindings(call.caller));
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
    auto request = parse_list_query(req.query, kDefaultCount, settings_.max_results);
    if (!request) return fail(request.error());
    return list_groups(call, *request);
  }
  if (req.method != "POST") return fail(method_not_allowed(req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "GROUPS", "CREATE"); !ok) return fail(ok.error());
  auto body = http::parse_json_object(req.body, settings_.json);
  if (!body) return fail(body.error());
  auto query = parse_list_query(req.query, kDefaultCount, settings_.max_results);
  if (!query) return fail(query.error());
  auto projection =
      schema::parse_projection(registry_, groups_.type(), query->attributes, query->excluded_attributes);
  if (!projection) return fail(projection.error());
  auto created = groups_.create(call.scope, *body, call.actor);
  if (!created) return fail(created.error());
  auto text = render_group(*created, call.base, *projection, &groups_.store(),
                           call.scope, reads_bindings(call.caller));
  if (!text) return fail(text.error());
  return scim_json(201, std::move(*text))
      .with_header("Location", call.base + "/Groups/" + created->id)
      .with_header("ETag", group_etag(created->version));
}

http::Response ScimApi::group(Call& call) {
  const auto& req = call.req;
  const std::string id(req.param("id"));
  const auto action = action_for(req.method, "DELETE");
  if (!action) return fail(method_not_allowed(req));
  if (auto ok = authorize_resource(call.caller, "GROUPS", req.method, *action); !ok) return fail(ok.error());
  if (!storable_id(id)) return fail(not_in_tenant("group", id));
  if (req.method == "DELETE") {
    auto removed = groups_.remove(call.scope, id, header(req, "If-Match"), call.actor);
    if (!removed) return fail(removed.error());
    return bodiless(204);
  }
  auto request = parse_list_query(req.query, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  auto projection =
      schema::parse_projection(registry_, groups_.type(), request->attributes, request->excluded_attributes);
  if (!projection) return fail(projection.error());

  Result<ports::GroupRow> row = Error::internal("unreachable");
  if (req.method == "GET") {
    row = groups_.get(call.scope, id);
  } else {
    auto body = http::parse_json_object(req.body, settings_.json);
    if (!body) return fail(body.error());
    row = req.method == "PUT" ? groups_.replace(call.scope, id, *body, header(req, "If-Match"), call.actor)
                              : groups_.patch(call.scope, id, *body, header(req, "If-Match"), call.actor);
  }
  if (!row) return fail(row.error());
  const auto etag = group_etag(row->version);
  // A group PATCH answers 204 unless the client asked for attributes.
  if (req.method == "PATCH" && request->attributes.empty() && request->excluded_attributes.empty()) {
    return bodiless(204, etag);
  }
  if (not_modified(req, etag)) return bodiless(304, etag);
  if (req.method == "GET") {
    // The members go out as they are read: a group of any size is never
    // held whole (its JSON text is the same as render_group's).
    http::Response res = scim_json(200, std::string());
    res.with_header("ETag", etag);
    res.producer = [group = std::move(*row), base = call.base, projection = std::move(*projection),
                    store = &groups_.store(), scope = call.scope,
                    with_roles = reads_bindings(call.caller)](const http::BodySink& sink) {
      return render_group_to(group, base, projection, store, scope, with_roles, sink);
    };
    return res;
  }
  auto text = render_group(*row, call.base, *projection, &groups_.store(),
                           call.scope, reads_bindings(call.caller));
  if (!text) return fail(text.error());
  return scim_json(200, std::move(*text)).with_header("ETag", etag);
}

http::Response ScimApi::groups_search(Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "GROUPS", "READ"); !ok) return fail(ok.error());
  auto body = http::parse_json_object(call.req.body, settings_.json);
  if (!body) return fail(body.error());
  auto request = parse_search_body(*body, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  return list_groups(call, *request);
}

http::Response ScimApi::list_groups(Call& call, const ListRequest& request) {
  auto projection =
      schema::parse_projection(registry_, groups_.type(), request.attributes, request.excluded_attributes);
  if (!projection) return fail(projection.error());
  auto page = groups_.list(call.scope, request);
  if (!page) return fail(page.error());
  std::vector<ResourceWriter> resources;
  resources.reserve(page->items.size());
  auto shared = std::make_shared<const schema::Projection>(std::move(*projection));
  for (auto& row : page->items) resources.push_back(group_writer(call, std::move(row), shared));
  return streamed_list(page->total, request.start_index, std::move(resources), page->next_cursor);
}

ScimApi::ResourceWriter ScimApi::group_writer(const Call& call, ports::GroupRow row,
                                             std::shared_ptr<const schema::Projection> projection) {
  return [row = std::move(row), projection = std::move(projection), base = call.base, store = &groups_.store(),
          scope = call.scope, with_roles = reads_bindings(call.caller)](const http::BodySink& sink) {
    return render_group_to(row, base, *projection, store, scope, with_roles, sink);
  };
}

// ------------------------------------------------------------------ Roles

// The tenant's roles that this integration may assign: read-only, since
// tenant admins manage roles (draft-ietf-scim-roles-entitlements).
http::Response ScimApi::roles(Call& call) {
  const auto& req = call.req;
  if (req.method != "GET") {
    return fail({ErrorKind::MethodNotAllowed, "roles are read-only through SCIM: a tenant admin manages them", {}});
  }
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "BINDINGS", "READ"); !ok) return fail(ok.error());
  auto request = parse_list_query(req.query, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  auto projection =
      schema::parse_projection(registry_, roles_.type(), request->attributes, request->excluded_attributes);
  if (!projection) return fail(projection.error());
  auto page = roles_.list(call.scope, *request);
  if (!page) return fail(page.error());
  std::vector<std::string> resources;
  for (const auto& role : page->items) {
    auto rendered = render_role(role, call.base + "/Roles/" + role.id);
    schema::apply(*projection, rendered);
    resources.push_back(json::serialize(rendered));
  }
  return scim_json(200, list_response(page->total, request->start_index, resources, std::nullopt));
}

http::Response ScimApi::role(Call& call) {
  const auto& req = call.req;
  if (req.method != "GET") {
    return fail({ErrorKind::MethodNotAllowed, "roles are read-only through SCIM: a tenant admin manages them", {}});
  }
  if (auto ok = provisioning::Authenticator::authorize(call.caller, "BINDINGS", "READ"); !ok) return fail(ok.error());
  const std::string id(req.param("id"));
  if (!storable_id(id)) return fail(not_in_tenant("role", id));
  auto request = parse_list_query(req.query, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  auto projection =
      schema::parse_projection(registry_, roles_.type(), request->attributes, request->excluded_attributes);
  if (!projection) return fail(projection.error());
  auto role = roles_.get(call.scope, id);
  if (!role) return fail(role.error());
  auto rendered = render_role(*role, call.base + "/Roles/" + id);
  const auto etag = std::string(rendered["meta"].as_object()["version"].as_string());
  if (not_modified(req, etag)) return bodiless(304, etag);
  schema::apply(*projection, rendered);
  return scim_json(200, rendered).with_header("ETag", etag);
}

http::Response ScimApi::root_search(Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  for (auto resource : {"USERS", "GROUPS"}) {
    if (auto ok = provisioning::Authenticator::authorize(call.caller, resource, "READ"); !ok) return fail(ok.error());
  }
  auto body = http::parse_json_object(call.req.body, settings_.json);
  if (!body) return fail(body.error());
  auto request = parse_search_body(*body, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  if (request->cursor) {
    return fail(Error::invalid("cursor paging is offered per resource type: use /Users/.search or /Groups/.search",
                               "invalidValue"));
  }
  auto user_projection =
      schema::parse_projection(registry_, users_.type(), request->attributes, request->excluded_attributes);
  if (!user_projection) return fail(user_projection.error());
  auto group_projection =
      schema::parse_projection(registry_, groups_.type(), request->attributes, request->excluded_attributes);
  if (!group_projection) return fail(group_projection.error());

  // Users first, then groups: one ordered sequence paged by startIndex/count.
  auto users = users_.list(call.scope, *request, schema::wants(*user_projection, "groups"));
  ListRequest group_request = *request;
  const std::int64_t user_total = users ? users->total : 0;
  const std::int64_t user_items = users ? static_cast<std::int64_t>(users->items.size()) : 0;
  group_request.start_index = std::max<std::int64_t>(1, request->start_index - user_total);
  // Groups follow the last user: none while a page of users ended early (list-max-bytes).
  const bool users_done = request->start_index - 1 + user_items >= user_total;
  group_request.count = users_done ? std::max<std::int64_t>(0, request->count - user_items) : 0;
  auto groups = groups_.list(call.scope, group_request);
  // An attribute one resource type lacks matches nothing of that type.
  if (!users && !groups) return fail(users.error());
  if (!users && users.error().scim_type != "invalidFilter") return fail(users.error());
  if (!groups && groups.error().scim_type != "invalidFilter") return fail(groups.error());

  std::vector<ResourceWriter> resources;
  if (users) {
    for (const auto& view : users->items) {
      auto user = render_user(view, user_location(call.base, view.row.id), reads_bindings(call.caller));
      schema::apply(*user_projection, user);
      resources.push_back(rendered(json::serialize(user)));
    }
  }
  std::int64_t total = user_total;
  if (groups) {
    total += groups->total;
    if (request->start_index + user_items > user_total) {
      auto shared = std::make_shared<const schema::Projection>(std::move(*group_projection));
      for (auto& row : groups->items) resources.push_back(group_writer(call, std::move(row), shared));
    }
  }
  return streamed_list(total, request->start_index, std::move(resources), std::nullopt);
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

http::Response ScimApi::unknown_endpoint(Call& call) {
  return fail(Error::not_found("no SCIM endpoint " + std::string(call.req.path)));
}

// ------------------------------------------------------------------ Bulk

http::Response ScimApi::bulk(Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  // Bulk has a size limit of its own, the one ServiceProviderConfig advertises.
  http::JsonLimits limits = settings_.json;
  limits.max_bytes = static_cast<std::size_t>(settings_.bulk_max_payload_bytes);
  auto body = http::parse_json_object(call.req.body, limits);
  if (!body) return fail(body.error());
  auto request = bulk::parse(*body, static_cast<std::size_t>(settings_.bulk_max_operations));
  if (!request) return fail(request.error());
  if (auto nodes = bulk::check_filter_nodes(request->operations, settings_.filter); !nodes) return fail(nodes.error());
  // Each operation counts as a request (the Bulk itself was one already).
  if (const auto n = request->operations.size(); n > 1) {
    if (auto wait = rate_limiter_.acquire(call.scope.integration_id, static_cast<double>(n - 1))) {
      return rate_limited(call.scope.tenant_id, call.scope.integration_id, *wait);
    }
  }
  // An operation as a request to the same handlers.
  const auto run_one = [&](const bulk::Operation& op, const std::string& endpoint, const std::string& id) {
    const bool is_users = endpoint == "/Users";
    if ((!is_users && endpoint != "/Groups") || id.empty() != (op.method == "POST") || id.find('/') != std::string::npos) {
      return fail(Error::invalid("unsupported operation path '" + op.path + "' for " + op.method, "invalidPath"));
    }
    http::Request sub;
    sub.method = op.method;
    const std::string body_text = op.data.is_null() ? std::string() : json::serialize(op.data);
    sub.body = body_text;
    sub.path = op.path;
    sub.request_id = call.req.request_id;
    sub.scheme = call.req.scheme;
    if (op.version) sub.headers.emplace_back("If-Match", *op.version);
    sub.params = call.req.params;
    sub.params.emplace_back("id", id);
    Call sub_call{sub, call.caller, call.scope, call.actor, call.base};
    return id.empty() ? (is_users ? this->users(sub_call) : this->groups(sub_call))
                      : (is_users ? this->user(sub_call) : this->group(sub_call));
  };
  auto response = bulk::run(*request, call.base, run_one);
  auto res = scim_json(200, response.body);
  if (response.unavailable) res.with_header("Retry-After", "1");
  return res;
}

}  // namespace kestra::scim
