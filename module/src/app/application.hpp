// The module's application: its routes and IAM hooks over the domain and the
// store.  Knows HTTP only as the plain values of http/.
#pragma once

#include "app/admin_api.hpp"
#include "app/config.hpp"
#include "ports/host.hpp"
#include "http/http.hpp"
#include "ports/metrics.hpp"
#include "ports/store.hpp"
#include "provisioning/admin_service.hpp"
#include "provisioning/authenticator.hpp"
#include "provisioning/domain_claim_cache.hpp"
#include "scim/discovery.hpp"
#include "scim/group_service.hpp"
#include "scim/role_service.hpp"
#include "scim/schema/registry.hpp"
#include "scim/scim_api.hpp"
#include "scim/user_service.hpp"

#include <memory>
#include <string>
#include <vector>

namespace kestra::app {

class Application {
 public:
  // `host` and `metrics` outlive the application.
  Application(ModuleConfig config, std::unique_ptr<ports::Store> store, const ports::HostPort& host,
              const ports::Metrics& metrics, scim::Discovery discovery, scim::schema::Registry registry);

  // Every route the module serves; the plugin layer registers them with the host.
  std::vector<http::Route> routes();

  // What the module does once before serving: the configuration's domain claims.
  Result<void> start();

  // IAM bootstrap hooks.
  Result<void> tenant_created(const std::string& tenant);
  Result<void> tenant_deleted(const std::string& tenant);

  const ModuleConfig& config() const { return config_; }
  ports::Store& store() { return *store_; }

 private:
  ModuleConfig config_;
  std::unique_ptr<ports::Store> store_;
  const ports::HostPort& host_;
  scim::Discovery discovery_;
  provisioning::AdminService admin_;
  provisioning::Authenticator authenticator_;
  provisioning::DomainClaimCache claims_cache_;
  provisioning::DomainClaimService claims_;
  AdminApi admin_api_;
  scim::schema::Registry registry_;
  provisioning::RateLimiter rate_limiter_;
  provisioning::FairShare fair_share_;
  scim::RoleService roles_;
  scim::UserService users_;
  scim::GroupService groups_;
  scim::ScimApi scim_api_;
};

}  // namespace kestra::app
