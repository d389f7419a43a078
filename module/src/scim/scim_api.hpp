// The SCIM 2.0 routes of one integration endpoint
// (/api/v1/{tenant}/integrations/{integrationId}/scim/v2/...): thin handlers
// that authenticate, authorise, parse, call a service and render.
#pragma once

#include "http/http.hpp"
#include "ports/host.hpp"
#include "ports/metrics.hpp"
#include "provisioning/authenticator.hpp"
#include "provisioning/fair_share.hpp"
#include "provisioning/rate_limiter.hpp"
#include "scim/discovery.hpp"
#include "scim/group_service.hpp"
#include "scim/resource_endpoint.hpp"
#include "scim/resources/resources.hpp"
#include "scim/scim_settings.hpp"
#include "scim/user_service.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace kestra::scim {

inline constexpr std::string_view kScimBase = "/api/v1/{tenant}/integrations/{integrationId}/scim/v2";

class ScimApi {
 public:
  ScimApi(ScimSettings settings, const ports::HostPort& host, provisioning::Authenticator& authenticator,
          const schema::Registry& registry, const Discovery& discovery, UserService& users, GroupService& groups,
          RoleService& roles, provisioning::RateLimiter& rate_limiter, provisioning::FairShare& fair_share,
          const ports::Metrics& metrics);

  void add_routes(std::vector<http::Route>& routes);

 private:
  struct Call {
    const http::Request& req;
    provisioning::ScimCaller caller;
    ports::Scope scope;
    provisioning::Actor actor;
    std::string base;  // absolute SCIM base URL of this integration
  };
  using Handler = http::Response (ScimApi::*)(Call&);

  // The generic resource endpoint: a collection (GET lists, POST creates),
  // an item (GET, PUT, PATCH, DELETE), a /.search.  act() is what HTTP and
  // Bulk share: the method, the permission, the id, the projection, the call.
  http::Response collection(ResourceHandler& handler, Call& call);
  http::Response item(ResourceHandler& handler, Call& call);
  http::Response search(ResourceHandler& handler, Call& call);
  http::Response list(ResourceHandler& handler, Call& call, const ListRequest& request);
  Result<Outcome> act(ResourceHandler& handler, const Call& call, ResourceRequest request);
  http::Response respond(ResourceHandler& handler, const Call& call, Result<Outcome> outcome);
  ResourceContext context(const Call& call) const;
  BodyReader request_body(const Call& call) const;

  // 429 with Retry-After: the integration is past its rate.
  http::Response rate_limited(const std::string& tenant, const std::string& integration,
                              std::chrono::seconds wait) const;

  // Tenant check, authentication, the integration's rate limit, then the
  // handler; each request counted and timed as one of `resource`.
  http::Handler endpoint(Handler handler, ports::ScimResource resource);
  http::Response serve(Handler handler, ports::ScimResource resource, const http::Request& req);
  // Before the body is read: the tenant and the bearer token, checked as
  // endpoint() and authorized() do, with the same error answers.
  http::Admission admission(ports::ScimResource resource);
  std::optional<http::Response> admit(ports::ScimResource resource, const http::Request& req);

  static Handler collection_handler(ports::ScimResource resource);
  static Handler item_handler(ports::ScimResource resource, bool search);
  // A request of the catch-all routes (/{resource}, /{resource}/{id}): the
  // endpoint its name means, compared without regard to case, with the
  // request's parameters as that endpoint's route names them; else
  // unknown_endpoint.
  struct NamedEndpoint {
    Handler handler;
    ports::ScimResource resource;
    std::shared_ptr<http::Request> request;
  };
  NamedEndpoint by_name(const http::Request& req) const;
  // The caller, or the answer that refuses the request: a throttled
  // address (429), a bad token or an unknown tenant (the same 401).
  std::variant<provisioning::ScimCaller, http::Response> identify(const http::Request& req,
                                                                 const std::string& tenant, bool known);
  http::Response authorized(Handler handler, const http::Request& req, const std::string& tenant, bool known);

  http::Response users(Call& call);
  http::Response user(Call& call);
  http::Response groups(Call& call);
  http::Response group(Call& call);
  http::Response roles(Call& call);
  http::Response role(Call& call);
  http::Response users_search(Call& call);
  http::Response groups_search(Call& call);
  http::Response root_search(Call& call);
  http::Response service_provider_config(Call& call);
  http::Response resource_types(Call& call);
  http::Response resource_type(Call& call);
  http::Response schemas(Call& call);
  http::Response schema(Call& call);
  http::Response me(Call& call);
  http::Response bulk(Call& call);
  http::Response unknown_endpoint(Call& call);


  const ScimSettings settings_;
  const ports::HostPort& host_;
  provisioning::Authenticator& authenticator_;
  const schema::Registry& registry_;
  const Discovery& discovery_;
  const std::unique_ptr<ResourceHandler> user_resource_;
  const std::unique_ptr<ResourceHandler> group_resource_;
  const std::unique_ptr<ResourceHandler> role_resource_;
  provisioning::RateLimiter& rate_limiter_;
  provisioning::FairShare& fair_share_;
  const ports::Metrics& metrics_;
};

}  // namespace kestra::scim
