#include "scim/scim_api.hpp"

#include "core/text.hpp"
#include "http/json_body.hpp"
#include "http/public_address.hpp"
#include "scim/bulk.hpp"
#include "scim/error_response.hpp"
#include "scim/responses.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace kestra::scim {
namespace json = boost::json;

namespace {

// "500", "0.5": a configured rate as people write it.
std::string rate_text(double rate) {
  std::ostringstream out;
  out << rate;
  return out.str();
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
      user_resource_(user_resource(users)),
      group_resource_(group_resource(groups)),
      role_resource_(role_resource(roles)),
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

// ------------------------------------------------------------------ discovery

namespace {

// A discovery document (RFC 7644 4), or all of one kind as a list; only GET.
http::Response discovery_answer(const http::Request& req, const Result<json::object>& document) {
  if (req.method != "GET") return fail(method_not_allowed(req));
  if (!document) return fail(document.error());
  return scim_json(200, *document);
}

http::Response discovery_answer(const http::Request& req, const json::array& documents) {
  if (req.method != "GET") return fail(method_not_allowed(req));
  std::vector<std::string> items;
  for (const auto& doc : documents) items.push_back(json::serialize(doc));
  return scim_json(200, list_response(static_cast<std::int64_t>(items.size()), 1, items, std::nullopt));
}

}  // namespace

http::Response ScimApi::service_provider_config(Call& call) {
  if (call.req.method != "GET") return fail(method_not_allowed(call.req));
  return scim_json(200, discovery_.service_provider_config(call.base + "/ServiceProviderConfig"));
}

http::Response ScimApi::resource_types(Call& call) {
  return discovery_answer(call.req, registry_.resource_types_json(call.base + "/ResourceTypes"));
}

http::Response ScimApi::resource_type(Call& call) {
  const std::string name(call.req.param("name"));
  return discovery_answer(call.req, registry_.resource_type_json(name, call.base + "/ResourceTypes/" + name));
}

http::Response ScimApi::schemas(Call& call) {
  return discovery_answer(call.req, registry_.schemas_json(call.base + "/Schemas"));
}

http::Response ScimApi::schema(Call& call) {
  const std::string urn(call.req.param("urn"));
  return discovery_answer(call.req, registry_.schema_json(urn, call.base + "/Schemas/" + urn));
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
    ResourceHandler* handler = endpoint == "/Users"    ? user_resource_.get()
                               : endpoint == "/Groups" ? group_resource_.get()
                                                       : nullptr;
    if (!handler || id.empty() != (op.method == "POST") || id.find('/') != std::string::npos) {
      return fail(Error::invalid("unsupported operation path '" + op.path + "' for " + op.method, "invalidPath"));
    }
    const BodyReader data = [&op]() -> Result<json::object> {
      if (!op.data.is_object()) return Error::invalid("the operation's data must be a JSON object", "invalidSyntax");
      return op.data.get_object();
    };
    const IfMatch if_match = op.version ? IfMatch(*op.version) : std::nullopt;
    auto outcome = act(*handler, call, {op.method, id, data, if_match, {}});
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
