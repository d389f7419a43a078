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

Error method_not_allowed(std::string_view method) {
  return {ErrorKind::MethodNotAllowed, "method " + std::string(method) + " is not allowed on this endpoint", {}};
}

Error method_not_allowed(const http::Request& req) { return method_not_allowed(req.method); }

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

// A resource's whole text.
Result<std::string> written(const BodyWriter& body) {
  std::string text;
  auto ok = body([&](std::string_view piece) {
    text.append(piece);
    return true;
  });
  if (!ok) return ok.error();
  return text;
}

// A list whose resources go out one after the other as they are rendered
// (a group with its members is read while it is written), so that a page
// is never held whole.
http::Response streamed_list(std::int64_t total, std::int64_t start_index, std::vector<BodyWriter> resources,
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
      user_resource_(users),
      group_resource_(groups),
      role_resource_(roles),
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

// ------------------------------------------------------------------ resources

ResourceContext ScimApi::context(const Call& call) const {
  return {call.scope, call.actor, call.base, reads_bindings(call.caller)};
}

Result<ScimApi::Outcome> ScimApi::act(ResourceHandler& handler, const Call& call, std::string_view method,
                                      const std::string& id, const BodyReader& body, const IfMatch& if_match,
                                      std::string_view query) {
  const auto& caller = call.caller;
  const std::string_view permission = handler.permission();
  if (!handler.read_only().empty() && method != "GET") {
    return Error{ErrorKind::MethodNotAllowed, std::string(handler.read_only()), {}};
  }
  if (id.empty()) {  // the collection: a create
    if (method != "POST") return method_not_allowed(method);
    if (auto ok = provisioning::Authenticator::authorize(caller, permission, "CREATE"); !ok) return ok.error();
  } else {
    const auto action = action_for(method, handler.delete_action());
    if (!action) return method_not_allowed(method);
    if (auto ok = authorize_resource(caller, permission, method, *action); !ok) return ok.error();
    if (!storable_id(id)) return not_in_tenant(handler.noun(), id);
    if (method == "DELETE") {
      if (auto removed = handler.remove(context(call), id, if_match); !removed) return removed.error();
      return Outcome{204, {}, false};
    }
  }
  const auto document = method == "GET" ? Result<json::object>(json::object()) : body();
  if (!document) return document.error();
  // attributes / excludedAttributes shape the answer (RFC 7644 3.9).
  auto request = parse_list_query(query, kDefaultCount, settings_.max_results);
  if (!request) return request.error();
  auto projection =
      schema::parse_projection(registry_, handler.type(), request->attributes, request->excluded_attributes);
  if (!projection) return projection.error();
  const auto ctx = context(call);
  if (id.empty()) {
    auto created = handler.create(ctx, *document, *projection);
    if (!created) return created.error();
    return Outcome{201, std::move(*created), true};
  }
  auto resource = method == "GET"   ? handler.get(ctx, id, *projection)
                  : method == "PUT" ? handler.replace(ctx, id, *document, if_match, *projection)
                                    : handler.patch(ctx, id, *document, if_match, *projection);
  if (!resource) return resource.error();
  const bool no_content = method == "PATCH" && handler.patch_answers_no_content() && request->attributes.empty() &&
                          request->excluded_attributes.empty();
  return Outcome{no_content ? 204 : 200, std::move(*resource), !no_content};
}

http::Response ScimApi::respond(ResourceHandler& handler, const Call& call, Result<Outcome> outcome) {
  if (!outcome) return fail(outcome.error());
  auto& o = *outcome;
  if (!o.with_body) return bodiless(o.status, o.resource.etag);
  if (not_modified(call.req, o.resource.etag)) return bodiless(304, o.resource.etag);
  http::Response res = scim_json(o.status, std::string());
  if (o.resource.streamed && call.req.method == "GET") {
    // Written as it is read: a group of any size is never held whole.
    res.producer = std::move(o.resource.body);
  } else {
    auto text = written(o.resource.body);
    if (!text) return fail(text.error());
    res.body = std::move(*text);
  }
  if (o.status == 201) {
    res.with_header("Location", call.base + "/" + std::string(handler.endpoint()) + "/" + o.resource.id);
  }
  if (!o.resource.etag.empty()) res.with_header("ETag", o.resource.etag);
  return res;
}

http::Response ScimApi::collection(ResourceHandler& handler, Call& call) {
  const auto& req = call.req;
  if (req.method != "GET") {
    return respond(handler, call,
                   act(handler, call, req.method, {}, request_body(call), header(req, "If-Match"), req.query));
  }
  if (auto ok = provisioning::Authenticator::authorize(call.caller, handler.permission(), "READ"); !ok) {
    return fail(ok.error());
  }
  auto request = parse_list_query(req.query, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  return list(handler, call, *request);
}

http::Response ScimApi::item(ResourceHandler& handler, Call& call) {
  const auto& req = call.req;
  return respond(handler, call,
                 act(handler, call, req.method, std::string(req.param("id")), request_body(call),
                     header(req, "If-Match"), req.query));
}

http::Response ScimApi::search(ResourceHandler& handler, Call& call) {
  if (call.req.method != "POST") return fail(method_not_allowed(call.req));
  if (auto ok = provisioning::Authenticator::authorize(call.caller, handler.permission(), "READ"); !ok) {
    return fail(ok.error());
  }
  auto body = http::parse_json_object(call.req.body, settings_.json);
  if (!body) return fail(body.error());
  auto request = parse_search_body(*body, kDefaultCount, settings_.max_results);
  if (!request) return fail(request.error());
  return list(handler, call, *request);
}

http::Response ScimApi::list(ResourceHandler& handler, Call& call, const ListRequest& request) {
  auto projection =
      schema::parse_projection(registry_, handler.type(), request.attributes, request.excluded_attributes);
  if (!projection) return fail(projection.error());
  auto page = handler.list(context(call), request, *projection);
  if (!page) return fail(page.error());
  if (page->streamed) {
    return streamed_list(page->total, request.start_index, std::move(page->resources), page->next_cursor);
  }
  std::vector<std::string> resources;
  resources.reserve(page->resources.size());
  for (const auto& resource : page->resources) {
    auto text = written(resource);
    if (!text) return fail(text.error());
    resources.push_back(std::move(*text));
  }
  return scim_json(200, list_response(page->total, request.start_index, resources, page->next_cursor));
}

ScimApi::BodyReader ScimApi::request_body(const Call& call) const {
  return [&call, limits = settings_.json] { return http::parse_json_object(call.req.body, limits); };
}

http::Response ScimApi::users(Call& call) { return collection(user_resource_, call); }
http::Response ScimApi::user(Call& call) { return item(user_resource_, call); }
http::Response ScimApi::users_search(Call& call) { return search(user_resource_, call); }
http::Response ScimApi::groups(Call& call) { return collection(group_resource_, call); }
http::Response ScimApi::group(Call& call) { return item(group_resource_, call); }
http::Response ScimApi::groups_search(Call& call) { return search(group_resource_, call); }
http::Response ScimApi::roles(Call& call) {
  if (call.req.method != "GET") return fail(Error{ErrorKind::MethodNotAllowed, std::string(role_resource_.read_only()), {}});
  return collection(role_resource_, call);
}
http::Response ScimApi::role(Call& call) { return item(role_resource_, call); }

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
      schema::parse_projection(registry_, user_resource_.type(), request->attributes, request->excluded_attributes);
  if (!user_projection) return fail(user_projection.error());
  auto group_projection =
      schema::parse_projection(registry_, group_resource_.type(), request->attributes, request->excluded_attributes);
  if (!group_projection) return fail(group_projection.error());

  // Users first, then groups: one ordered sequence paged by startIndex/count.
  const auto ctx = context(call);
  auto users = user_resource_.list(ctx, *request, *user_projection);
  ListRequest group_request = *request;
  const std::int64_t user_total = users ? users->total : 0;
  const std::int64_t user_items = users ? static_cast<std::int64_t>(users->resources.size()) : 0;
  group_request.start_index = std::max<std::int64_t>(1, request->start_index - user_total);
  // Groups follow the last user: none while a page of users ended early (list-max-bytes).
  const bool users_done = request->start_index - 1 + user_items >= user_total;
  group_request.count = users_done ? std::max<std::int64_t>(0, request->count - user_items) : 0;
  auto groups = group_resource_.list(ctx, group_request, *group_projection);
  // An attribute one resource type lacks matches nothing of that type.
  if (!users && !groups) return fail(users.error());
  if (!users && users.error().scim_type != "invalidFilter") return fail(users.error());
  if (!groups && groups.error().scim_type != "invalidFilter") return fail(groups.error());

  std::vector<BodyWriter> resources;
  if (users) resources = std::move(users->resources);
  std::int64_t total = user_total;
  if (groups) {
    total += groups->total;
    if (request->start_index + user_items > user_total) {
      for (auto& group : groups->resources) resources.push_back(std::move(group));
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
  // An operation as its endpoint would take it, its data as the body.
  const auto run_one = [&](const bulk::Operation& op, const std::string& endpoint, const std::string& id) {
    ResourceHandler* handler = endpoint == "/Users" ? static_cast<ResourceHandler*>(&user_resource_)
                               : endpoint == "/Groups" ? static_cast<ResourceHandler*>(&group_resource_)
                                                       : nullptr;
    if (!handler || id.empty() != (op.method == "POST") || id.find('/') != std::string::npos) {
      return fail(Error::invalid("unsupported operation path '" + op.path + "' for " + op.method, "invalidPath"));
    }
    const BodyReader data = [&op]() -> Result<json::object> {
      if (!op.data.is_object()) return Error::invalid("the operation's data must be a JSON object", "invalidSyntax");
      return op.data.get_object();
    };
    const IfMatch if_match = op.version ? IfMatch(*op.version) : std::nullopt;
    auto outcome = act(*handler, call, op.method, id, data, if_match, {});
    if (!outcome) return fail(outcome.error());
    // The BulkResponse carries status, location and version, not the resource.
    http::Response res = bodiless(outcome->status, outcome->resource.etag);
    if (outcome->status == 201) {
      res.with_header("Location", call.base + endpoint + "/" + outcome->resource.id);
    }
    return res;
  };
  auto response = bulk::run(*request, call.base, run_one);
  auto res = scim_json(200, response.body);
  if (response.unavailable) res.with_header("Retry-After", "1");
  return res;
}

}  // namespace kestra::scim
