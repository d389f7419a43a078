#include "app/application.hpp"

#include "scim/error_response.hpp"

#include <boost/json.hpp>

namespace kestra::app {
namespace {

http::Response scim_json(int status, const boost::json::object& body) {
  http::Response res;
  res.status = status;
  res.body = boost::json::serialize(body);
  res.with_header("Content-Type", std::string(scim::kContentType));
  return res;
}

Error method_not_allowed(const http::Request& req) {
  return {ErrorKind::MethodNotAllowed, "method " + std::string(req.method) + " is not allowed on this resource", {}};
}

}  // namespace

Application::Application(ModuleConfig config, std::unique_ptr<ports::Store> store, const HostPort& host,
                         scim::Discovery discovery)
    : config_(std::move(config)),
      store_(std::move(store)),
      host_(host),
      discovery_(std::move(discovery)),
      admin_(store_->provisioning(), host_, config_.token_pepper),
      authenticator_(store_->provisioning(), config_.token_pepper),
      admin_api_(admin_, host_, config_) {}

std::vector<http::Route> Application::routes() {
  std::vector<http::Route> routes;
  routes.push_back({"*", std::string(kScimBase) + "/ServiceProviderConfig", false,
                    [this](const http::Request& req) { return service_provider_config(req); }});
  admin_api_.add_routes(routes);
  return routes;
}

Result<provisioning::ScimCaller> Application::scim_caller(const http::Request& req) {
  const auto tenant = req.param("tenant");
  if (!host_.tenant_exists(tenant)) return Error::not_found("tenant '" + std::string(tenant) + "' does not exist");
  return authenticator_.authenticate(req.header("Authorization"), tenant, req.param("integrationId"));
}

http::Response Application::service_provider_config(const http::Request& req) {
  auto caller = scim_caller(req);
  if (!caller) return scim::error_response(caller.error());
  if (req.method != "GET") return scim::error_response(method_not_allowed(req));
  const auto location = http::base_url(req, config_.public_url) + std::string(req.path);
  return scim_json(200, discovery_.service_provider_config(location));
}

Result<void> Application::tenant_created(const std::string& tenant) {
  auto created = store_->ensure_tenant(tenant);
  if (!created) return created.error();
  if (auto role = admin_.bootstrap_tenant(tenant); !role) return role;
  if (*created) {
    host_.log(LogLevel::Info, "kestra-scim: tenant '" + tenant + "' bootstrapped");
    host_.emit_event("scim.tenant.bootstrapped", tenant, tenant, "{}");
  }
  return {};
}

Result<void> Application::tenant_deleted(const std::string& tenant) {
  auto removed = store_->remove_tenant(tenant);
  if (!removed) return removed.error();
  host_.emit_event("scim.tenant.removed", tenant, tenant, "{}");
  return {};
}

}  // namespace kestra::app
