// A harness running the real module, for the SCIM and admin tests.
#pragma once

#include "kestra/test/database.hpp"
#include "kestra/test/harness.hpp"

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace kestra::test {

inline HarnessOptions module_options(std::vector<std::string> tenants = {"acme"}) {
  HarnessOptions options;
  options.modules = {KESTRA_MODULE_PATH};
  options.tenants = std::move(tenants);
  // The backend of this run (KESTRA_TEST_BACKEND): a fresh store on it.
  options.database = std::make_shared<ScratchDatabase>();
  options.extra_yaml = options.database->harness_yaml();
  return options;
}

// The same, with every tenant claiming `domain` (kestra.scim.domain-claims):
// one organisation whose tenants share that domain's users.
inline HarnessOptions sharing_domain(std::vector<std::string> tenants, const std::string& domain) {
  std::string claims;
  for (const auto& tenant : tenants) claims += (claims.empty() ? "" : ", ") + tenant + "=" + domain;
  auto options = module_options(std::move(tenants));
  options.extra_yaml += "kestra.scim.domain-claims: [" + claims + "]\n";
  return options;
}

inline boost::json::object json_body(const HttpResponse& response) {
  return boost::json::parse(response.body).as_object();
}

inline std::string scim_base(const std::string& tenant, const std::string& integration) {
  return "/api/v1/" + tenant + "/integrations/" + integration + "/scim/v2";
}

inline Headers admin_headers(const HarnessProcess& harness) {
  return {{"Authorization", harness.admin_authorization()}, {"Content-Type", "application/json"}};
}

// An integration created through the admin API: its id, token and SCIM base path.
struct TestIntegration {
  std::string id;
  std::string token;
  std::string base;  // path of the SCIM endpoint
  Headers auth() const { return {{"Authorization", "Bearer " + token}}; }
};

inline TestIntegration create_integration(const HarnessProcess& harness, const std::string& tenant,
                                          const std::string& name) {
  auto res = request(harness.port(), "POST", "/api/v1/" + tenant + "/security-integrations", admin_headers(harness),
                     R"({"name":")" + name + R"(","description":"test","type":"SCIM"})");
  if (res.status != 201) throw std::runtime_error("create integration failed: " + res.body);
  auto body = json_body(res);
  std::string id(body.at("id").as_string());
  return {id, std::string(body.at("secretToken").as_string()), scim_base(tenant, id)};
}

}  // namespace kestra::test
