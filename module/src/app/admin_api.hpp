// Admin routes of the Provisioning page (the host authenticates them):
// integrations, views of the IAM objects they bootstrap, and role updates.
#pragma once

#include "app/config.hpp"
#include "ports/host.hpp"
#include "http/http.hpp"
#include "provisioning/admin_service.hpp"
#include "provisioning/domain_claim_service.hpp"

#include <span>
#include <string>
#include <utility>
#include <vector>

namespace kestra::app {

class AdminApi {
 public:
  AdminApi(provisioning::AdminService& service, provisioning::DomainClaimService& claims, const ports::HostPort& host,
           const ModuleConfig& config);

  void add_routes(std::vector<http::Route>& routes);

  // (method, path template) of every admin route the module registers.
  static std::vector<std::pair<std::string, std::string>> route_table();

 private:
  template <class Handler>
  struct Entry {
    std::string_view method;
    std::string_view path;
    Handler handler;
  };
  using TenantHandler = http::Response (AdminApi::*)(const http::Request&, const std::string& tenant);
  using RouteEntry = Entry<TenantHandler>;
  static std::span<const RouteEntry> tenant_routes();
  http::Handler tenant_route(TenantHandler handler);
  // The instance admin's routes (outside any tenant): the superAdmin only.
  using InstanceHandler = http::Response (AdminApi::*)(const http::Request&);
  using InstanceRouteEntry = Entry<InstanceHandler>;
  static std::span<const InstanceRouteEntry> instance_routes();
  http::Handler instance_route(InstanceHandler handler);

  http::Response domain_claims(const http::Request& req);
  http::Response add_domain_claim(const http::Request& req);
  http::Response remove_domain_claim(const http::Request& req);
  http::Response instance_audit(const http::Request& req);
  http::Response tenant_domain_claims(const http::Request& req, const std::string& tenant);

  http::Response create(const http::Request& req, const std::string& tenant);
  http::Response list(const http::Request& req, const std::string& tenant);
  http::Response get(const http::Request& req, const std::string& tenant);
  http::Response update(const http::Request& req, const std::string& tenant);
  http::Response enable(const http::Request& req, const std::string& tenant);
  http::Response disable(const http::Request& req, const std::string& tenant);
  http::Response remove(const http::Request& req, const std::string& tenant);
  http::Response rotate_token(const http::Request& req, const std::string& tenant);
  http::Response audit(const http::Request& req, const std::string& tenant);
  http::Response roles(const http::Request& req, const std::string& tenant);
  http::Response update_role(const http::Request& req, const std::string& tenant);
  http::Response create_role(const http::Request& req, const std::string& tenant);
  http::Response delete_role(const http::Request& req, const std::string& tenant);
  http::Response create_binding(const http::Request& req, const std::string& tenant);
  http::Response delete_binding(const http::Request& req, const std::string& tenant);
  http::Response tenant_assignable_roles(const http::Request& req, const std::string& tenant);
  http::Response integration_assignable_roles(const http::Request& req, const std::string& tenant);
  http::Response assignable_roles(const http::Request& req, const std::string& tenant, const std::string& integration);
  http::Response service_accounts(const http::Request& req, const std::string& tenant);
  http::Response bindings(const http::Request& req, const std::string& tenant);
  http::Response openapi(const http::Request& req) const;

  std::string scim_uri(const http::Request& req, const std::string& tenant, const std::string& id) const;

  provisioning::AdminService& service_;
  provisioning::DomainClaimService& claims_;
  const ports::HostPort& host_;
  const ModuleConfig& config_;
};

}  // namespace kestra::app
