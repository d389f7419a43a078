#include "app/application.hpp"

#include "scim/error_response.hpp"

#include <boost/json.hpp>

namespace kestra::app {
namespace {

scim::schema::Registry limited(scim::schema::Registry registry, std::size_t max_string_chars) {
  registry.limit_strings(max_string_chars);
  return registry;
}

}  // namespace

Application::Application(ModuleConfig config, std::unique_ptr<ports::Store> store, const ports::HostPort& host,
                         const ports::Metrics& metrics, scim::Discovery discovery, scim::schema::Registry registry)
    : config_(std::move(config)),
      store_(std::move(store)),
      host_(host),
      discovery_(std::move(discovery)),
      admin_(store_->provisioning(), host_, config_.token_pepper),
      authenticator_(store_->provisioning(), config_.token_pepper, config_.failed_auth_limit),
      claims_cache_(store_->domain_claims(), config_.domain_claims_refresh),
      claims_(claims_cache_, host_),
      admin_api_(admin_, claims_, host_, config_),
      registry_(limited(std::move(registry), config_.max_string_chars)),
      rate_limiter_(config_.rate_limit),
      fair_share_(config_.fair_share),
      roles_(store_->provisioning(), registry_, host_,
             scim::DefaultRole{config_.default_role, config_.default_role_tenant}, config_.filter),
      users_(store_->users(), claims_cache_, registry_, roles_, config_.filter, config_.list_max_bytes),
      groups_(store_->groups(), registry_, roles_, config_.filter, config_.list_max_bytes),
      scim_api_(scim_settings(config_), host_, authenticator_, registry_, discovery_, users_, groups_, roles_,
                rate_limiter_, fair_share_, metrics) {}

std::vector<http::Route> Application::routes() {
  std::vector<http::Route> routes;
  scim_api_.add_routes(routes);
  admin_api_.add_routes(routes);
  return routes;
}

Result<void> Application::start() { return claims_.apply_configuration(config_.domain_claims); }

Result<void> Application::tenant_created(const std::string& tenant) {
  auto created = store_->ensure_tenant(tenant);
  if (!created) return created.error();
  if (auto role = admin_.bootstrap_tenant(tenant); !role) return role;
  if (*created) {
    host_.log(ports::LogLevel::Info, "kestra-scim: tenant '" + tenant + "' bootstrapped");
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
