// Admin routes: the host checks HTTP Basic credentials before the module runs.
#define BOOST_TEST_MODULE harness_admin_auth
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

using namespace kestra::test;

namespace {

constexpr std::string_view admin_route = "/api/v1/main/fixture/admin";

void expect_unauthorized(const HttpResponse& response) {
    BOOST_TEST(response.status == 401u);
    BOOST_TEST(response.header("WWW-Authenticate").value_or("") == "Basic realm=\"kestra\"");
    BOOST_TEST(json_object(response).contains("message"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(admin_route_requires_the_super_admin_credentials) {
    HarnessOptions options = echo_options();
    options.tenants = {"main"};
    HarnessProcess harness(options);

    expect_unauthorized(get(harness, admin_route));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", basic_auth(options.admin_username, "wrong")}}));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", basic_auth("someone", options.admin_password)}}));
    expect_unauthorized(get(harness, admin_route,
                            {{"Authorization", basic_auth(options.admin_username, options.admin_password + "x")}}));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", bearer(options.admin_password)}}));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", "Basic %%%not-base64"}}));
    BOOST_TEST(admin_calls(harness) == 0);

    const HttpResponse ok = get(harness, admin_route, {{"Authorization", harness.admin_authorization()}});
    BOOST_TEST(ok.status == 200u);
    const auto body = json_object(ok);
    BOOST_TEST(body.at("tenant").as_string() == "main");
    BOOST_TEST(body.at("subject").as_string() == options.admin_username);
    BOOST_TEST(body.at("superadmin").as_bool());
    BOOST_TEST(body.at("tenantCount").as_int64() == 1);
    BOOST_TEST(admin_calls(harness) == 1);
}

BOOST_AUTO_TEST_CASE(host_admin_routes_require_credentials_too) {
    HarnessProcess harness(echo_options());
    expect_unauthorized(get(harness, "/api/v1/tenants"));
    expect_unauthorized(get(harness, "/api/v1/plugins"));
    expect_unauthorized(get(harness, "/api/v1/events"));
    expect_unauthorized(request(harness.port(), "POST", "/api/v1/tenants", {}, R"({"id":"acme"})"));
    BOOST_TEST(tenant_hooks(harness).at("created").as_int64() == 0);
    BOOST_TEST(get(harness, "/api/v1/tenants", {{"Authorization", harness.admin_authorization()}}).status == 200u);
}

BOOST_AUTO_TEST_CASE(admin_routes_refuse_everyone_without_configured_credentials) {
    HarnessOptions options = echo_options();
    options.admin_username.clear();
    options.admin_password.clear();
    HarnessProcess harness(options);
    expect_unauthorized(get(harness, admin_route, {{"Authorization", basic_auth("", "")}}));
    expect_unauthorized(get(harness, admin_route, {{"Authorization", basic_auth("admin", "")}}));
    BOOST_TEST(admin_calls(harness) == 0);
}
