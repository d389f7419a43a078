#define BOOST_TEST_MODULE scim_discovery
#include "module_harness.hpp"

#include <boost/test/unit_test.hpp>

using namespace kestra::test;

BOOST_AUTO_TEST_CASE(service_provider_config_over_http) {
  auto options = module_options();
  options.extra_yaml += "kestra.scim.allowed-hosts: [127.0.0.1, \"kestra.example:8443\"]\n";
  HarnessProcess harness(options);
  auto integration = create_integration(harness, "acme", "okta");
  const auto path = integration.base + "/ServiceProviderConfig";
  auto headers = integration.auth();
  headers.emplace_back("Host", "kestra.example:8443");
  auto res = request(harness.port(), "GET", path, headers);
  BOOST_TEST(res.status == 200u);
  BOOST_TEST(res.header("Content-Type").value_or("") == "application/scim+json");
  auto body = json_body(res);
  BOOST_TEST(body.at("schemas").as_array()[0].as_string() ==
             "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
  BOOST_TEST(body.at("authenticationSchemes").as_array()[0].at("type").as_string() == "oauthbearertoken");
  BOOST_TEST(body.at("meta").at("location").as_string() == "http://kestra.example:8443" + path);
  BOOST_TEST(body.at("meta").at("resourceType").as_string() == "ServiceProviderConfig");
}

// An unknown tenant answers exactly as a bad token does, so
// that which tenants exist cannot be learnt without a token of theirs.
BOOST_AUTO_TEST_CASE(unknown_tenant_answers_as_a_bad_token) {
  HarnessProcess harness(module_options());
  const auto integration = create_integration(harness, "acme", "demo");
  auto unknown = request(harness.port(), "GET", scim_base("nobody", "demo") + "/ServiceProviderConfig",
                         {{"Authorization", "Bearer not-a-token"}});
  auto bad_token = request(harness.port(), "GET", integration.base + "/ServiceProviderConfig",
                           {{"Authorization", "Bearer not-a-token"}});
  BOOST_TEST(unknown.status == 401u);
  auto body = json_body(unknown);
  BOOST_TEST(body.at("schemas").as_array()[0].as_string() == "urn:ietf:params:scim:api:messages:2.0:Error");
  BOOST_TEST(std::string(body.at("detail").as_string()).find("nobody") == std::string::npos);
  BOOST_TEST(unknown.body == bad_token.body);
  // With the token of a tenant that exists, too.
  auto with_token = request(harness.port(), "GET", scim_base("nobody", integration.id) + "/ServiceProviderConfig",
                            integration.auth());
  BOOST_TEST(with_token.status == 401u);
  BOOST_TEST(with_token.body == bad_token.body);
}

BOOST_AUTO_TEST_CASE(wrong_method_is_a_scim_405) {
  HarnessProcess harness(module_options());
  auto integration = create_integration(harness, "acme", "okta");
  auto res = request(harness.port(), "POST", integration.base + "/ServiceProviderConfig", integration.auth(), "{}");
  BOOST_TEST(res.status == 405u);
  BOOST_TEST(json_body(res).at("status").as_string() == "405");
}

BOOST_AUTO_TEST_CASE(tenants_disabled_refuses_the_module_and_host_keeps_serving) {
  auto options = module_options();
  options.tenants_enabled = false;
  HarnessProcess harness(options);
  BOOST_TEST(harness.log().find("kestra.ee.tenants.enabled") != std::string::npos, harness.log());
  auto res = request(harness.port(), "GET", scim_base("acme", "demo") + "/ServiceProviderConfig");
  BOOST_TEST(res.status == 404u);  // the module's routes were never served
  auto tenants = request(harness.port(), "GET", "/api/v1/tenants", {{"Authorization", harness.admin_authorization()}});
  BOOST_TEST(tenants.status == 200u);
}

BOOST_AUTO_TEST_CASE(tenant_created_hook_bootstraps_in_the_store) {
  HarnessProcess harness(module_options({"acme"}));
  auto created = request(harness.port(), "POST", "/api/v1/tenants",
                         {{"Authorization", harness.admin_authorization()}, {"Content-Type", "application/json"}},
                         R"({"id":"globex"})");
  BOOST_TEST(created.status == 201u);
  BOOST_TEST(harness.wait_for_log("tenant 'globex' bootstrapped", std::chrono::seconds(5)), harness.log());
  auto roles = request(harness.port(), "GET", "/api/v1/globex/roles", admin_headers(harness));
  BOOST_TEST(roles.status == 200u);
  BOOST_TEST(roles.body.find("SCIMProvisioner") != std::string::npos, roles.body);
  auto integration = create_integration(harness, "globex", "okta");
  auto res = request(harness.port(), "GET", integration.base + "/ServiceProviderConfig", integration.auth());
  BOOST_TEST(res.status == 200u);
  auto deleted = request(harness.port(), "DELETE", "/api/v1/tenants/globex",
                         {{"Authorization", harness.admin_authorization()}});
  BOOST_TEST(deleted.status == 204u);
  res = request(harness.port(), "GET", integration.base + "/ServiceProviderConfig", integration.auth());
  BOOST_TEST(res.status == 401u);  // as a bad token
  // Deleting the tenant removed its integrations and IAM objects from the store.
  created = request(harness.port(), "POST", "/api/v1/tenants", admin_headers(harness), R"({"id":"globex"})");
  BOOST_TEST(created.status == 201u);
  auto list = request(harness.port(), "GET", "/api/v1/globex/security-integrations", admin_headers(harness));
  BOOST_TEST(json_body(list).at("total").as_int64() == 0);
}
