// The module's application: its routes and IAM hooks over the domain and the
// store.  Knows HTTP only as the plain values of http/.
#pragma once

#include "app/admin_api.hpp"
#include "app/config.hpp"
#include "app/host_port.hpp"
#include "http/http.hpp"
#include "ports/store.hpp"
#include "provisioning/admin_service.hpp"
#include "provisioning/authenticator.hpp"
#include "scim/discovery.hpp"

#include <memory>
#include <string>
#include <vector>

namespace kestra::app {

inline constexpr std::string_view kScimBase = "/api/v1/{tenant}/integrations/{integrationId}/scim/v2";

class Application {
 public:
  Application(ModuleConfig config, std::unique_ptr<ports::Store> store, const HostPort& host,
              scim::Discovery discovery);

  // Every route the module serves; the plugin layer registers them with the host.
  std::vector<http::Route> routes();

  // IAM bootstrap hooks.
  Result<void> tenant_created(const std::string& tenant);
  Result<void> tenant_deleted(const std::string& tenant);

  const ModuleConfig& config() const { return config_; }
  ports::Store& store() { return *store_; }

 private:
  // Tenant check and bearer-token authentication shared by every SCIM route.
  Result<provisioning::ScimCaller> scim_caller(const http::Request& req);
  http::Response service_provider_config(const http::Request& req);

  ModuleConfig config_;
  std::unique_ptr<ports::Store> store_;
  const HostPort& host_;
  scim::Discovery discovery_;
  provisioning::AdminService admin_;
  provisioning::Authenticator authenticator_;
  AdminApi admin_api_;
};

}  // namespace kestra::app
